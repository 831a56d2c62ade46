package suppress

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/pvlint/pvlint/parsers/fsgate"
	"github.com/pvlint/pvlint/rules"
)

// BaselineVersion is the format version written to baseline files.
// Version 2 added the source unit to every entry; version 1 files are still
// read (see matchBaseline for how their entries are matched).
const BaselineVersion = 2

// Baseline is the set of findings accepted when it was written. Entries
// are keyed by rule, source unit, resource identity and field path — never
// by line, so moving code around does not break it, and a copy of a file
// (envs/dev → envs/prod) is not covered by the original's entries.
type Baseline struct {
	File     string          `json:"-"` // where it was read from, for reasons and notices
	Version  int             `json:"version"`
	Findings []BaselineEntry `json:"findings"`

	index map[string]bool
}

// BaselineEntry is one accepted finding. Rule, Unit, Resource and Field are
// matched; Message is there for the reader of the file, and File helps to
// migrate version 1 entries, which have no Unit.
type BaselineEntry struct {
	Rule     string `json:"rule"`
	Unit     string `json:"unit,omitempty"`
	Resource string `json:"resource"`
	Field    string `json:"field"`
	File     string `json:"file,omitempty"`
	Message  string `json:"message,omitempty"`
}

// Fingerprint is the entry's key, as rules.Finding.Fingerprint builds it.
func (e BaselineEntry) Fingerprint() string {
	return rules.Fingerprint(e.Rule, e.Unit, e.Resource, e.Field)
}

// legacyKey is what a version 1 entry matched: rule, identity and field.
func (e BaselineEntry) legacyKey() string { return e.Rule + "|" + e.Resource + "|" + e.Field }

func legacyKey(f *rules.Finding) string {
	return f.RuleID + "|" + f.ResourceIdentity() + "|" + f.Loc.FieldPath
}

// NewBaseline records the findings that are neither suppressed nor
// undecided, one entry per fingerprint, sorted.
func NewBaseline(findings []*rules.Finding) *Baseline {
	b := &Baseline{Version: BaselineVersion, Findings: []BaselineEntry{}}
	seen := map[string]bool{}
	var all []*rules.Finding
	for _, f := range findings {
		all = append(all, f)
		all = append(all, f.Merged...) // every overlay's copy: each is matched on its own
	}
	for _, f := range all {
		if f.Suppression != nil || f.Undecided {
			continue
		}
		fp := f.Fingerprint()
		if seen[fp] {
			continue
		}
		seen[fp] = true
		e := BaselineEntry{Rule: f.RuleID, Unit: f.Unit(), Resource: f.ResourceIdentity(), Field: f.Loc.FieldPath,
			File: f.Loc.File, Message: firstLine(f.Message)}
		b.Findings = append(b.Findings, e)
	}
	sort.Slice(b.Findings, func(i, j int) bool {
		a, c := b.Findings[i], b.Findings[j]
		if a.Rule != c.Rule {
			return a.Rule < c.Rule
		}
		if a.Unit != c.Unit {
			return a.Unit < c.Unit
		}
		if a.Resource != c.Resource {
			return a.Resource < c.Resource
		}
		return a.Field < c.Field
	})
	return b
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// Marshal renders the baseline as indented JSON with a final newline.
func (b *Baseline) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteFile writes the baseline to path.
func (b *Baseline) WriteFile(path string) error {
	data, err := b.Marshal()
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// ReadBaseline reads a baseline written by WriteFile.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := fsgate.ReadUserFile(path, 0) // never blocks on a pipe, never reads /dev/zero forever
	if err != nil {
		return nil, err
	}
	var b Baseline
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("%s: not a pvlint baseline: %v", path, err)
	}
	if b.Version != BaselineVersion && b.Version != 1 {
		return nil, fmt.Errorf("%s: baseline version %d is not supported (this pvlint reads versions 1 and %d); rewrite it with --write-baseline",
			path, b.Version, BaselineVersion)
	}
	for i, e := range b.Findings {
		if e.Rule == "" {
			return nil, fmt.Errorf("%s: findings[%d]: no rule", path, i)
		}
		if b.Version == 1 && e.Unit != "" {
			return nil, fmt.Errorf("%s: findings[%d]: a version 1 baseline has no unit; set \"version\": %d or rewrite it with --write-baseline",
				path, i, BaselineVersion)
		}
	}
	b.File = path
	return &b, nil
}

// Has reports whether a finding fingerprint is in the baseline (version 2).
func (b *Baseline) Has(fingerprint string) bool {
	if b.index == nil {
		b.index = make(map[string]bool, len(b.Findings))
		for _, e := range b.Findings {
			b.index[e.Fingerprint()] = true
		}
	}
	return b.index[fingerprint]
}
