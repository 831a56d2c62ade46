package main

import (
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pvlint/pvlint/linter"
	"github.com/pvlint/pvlint/rules"
)

// suppressFlags: configuration file, baseline and inline-ignore flags (being written).
type suppressFlags struct{}

func (s *suppressFlags) register(fl *pflag.FlagSet) {}

// apply loads the configuration and adjusts the scan options.
func (s *suppressFlags) apply(cmd *cobra.Command, opt *linter.Options, threshold *rules.Severity) error {
	return nil
}

// after runs once the scan is done; done=true ends the command (e.g. --write-baseline).
func (s *suppressFlags) after(res *linter.Result, stderr io.Writer) (done bool, code int, err error) {
	return false, 0, nil
}
