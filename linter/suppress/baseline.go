package suppress

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/pvlint/pvlint/rules"
)

// BaselineVersion is the format version written to baseline files.
const BaselineVersion = 1

// Baseline is the set of findings accepted when it was written. Entries
// are keyed by rule, resource identity and field path — never by line, so
// moving code around does not break it.
type Baseline struct {
	File     string          `json:"-"` // where it was read from, for reasons and notices
	Version  int             `json:"version"`
	Findings []BaselineEntry `json:"findings"`

	index map[string]bool
}

// BaselineEntry is one accepted finding. File and Message are there for
// the reader of the file; only Rule, Resource and Field are matched.
type BaselineEntry struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource"`
	Field    string `json:"field"`
	File     string `json:"file,omitempty"`
	Message  string `json:"message,omitempty"`
}

// Fingerprint is the entry's key, as rules.Finding.Fingerprint builds it.
func (e BaselineEntry) Fingerprint() string { return e.Rule + "|" + e.Resource + "|" + e.Field }

// NewBaseline records the findings that are neither suppressed nor
// undecided, one entry per fingerprint, sorted.
func NewBaseline(findings []*rules.Finding) *Baseline {
	b := &Baseline{Version: BaselineVersion, Findings: []BaselineEntry{}}
	seen := map[string]bool{}
	for _, f := range findings {
		if f.Suppression != nil || f.Undecided {
			continue
		}
		fp := f.Fingerprint()
		if seen[fp] {
			continue
		}
		seen[fp] = true
		e := BaselineEntry{Rule: f.RuleID, Field: f.Loc.FieldPath, File: f.Loc.File, Message: firstLine(f.Message)}
		if f.Resource != nil {
			e.Resource = f.Resource.Identity()
		}
		b.Findings = append(b.Findings, e)
	}
	sort.Slice(b.Findings, func(i, j int) bool {
		a, c := b.Findings[i], b.Findings[j]
		if a.Rule != c.Rule {
			return a.Rule < c.Rule
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
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var b Baseline
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("%s: not a pvlint baseline: %v", path, err)
	}
	if b.Version != BaselineVersion {
		return nil, fmt.Errorf("%s: baseline version %d is not supported (want %d)", path, b.Version, BaselineVersion)
	}
	for i, e := range b.Findings {
		if e.Rule == "" {
			return nil, fmt.Errorf("%s: findings[%d]: no rule", path, i)
		}
	}
	b.File = path
	return &b, nil
}

// Has reports whether a finding fingerprint is in the baseline.
func (b *Baseline) Has(fingerprint string) bool {
	if b.index == nil {
		b.index = make(map[string]bool, len(b.Findings))
		for _, e := range b.Findings {
			b.index[e.Fingerprint()] = true
		}
	}
	return b.index[fingerprint]
}
