package main

import (
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// docFlags: --list-rules and --explain (being written).
type docFlags struct{}

func (d *docFlags) register(fl *pflag.FlagSet) {}

// handle answers documentation flags without scanning; handled=true ends the command.
func (d *docFlags) handle(cmd *cobra.Command, stdout io.Writer) (handled bool, code int, err error) {
	return false, 0, nil
}
