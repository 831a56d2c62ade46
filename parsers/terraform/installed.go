package terraform

import (
	"encoding/json"
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/pvlint/pvlint/linter/graph"
	"github.com/pvlint/pvlint/parsers"
	"github.com/pvlint/pvlint/parsers/fsgate"
)

// Installed modules: `terraform init` (or `tofu init`) downloads registry
// and git modules under the root module's .terraform/modules and records,
// in modules.json, the directory of each call by its key (the call names
// from the root joined by dots: "eks", "eks.kms"). The directory walk skips
// .terraform; only modules.json leads into it. A finding inside an
// installed module is placed on the module block in the repository (code
// scanning cannot show a path under .terraform/), naming the file and line
// inside the module.

const modulesManifest = ".terraform/modules/modules.json"

type manifest struct {
	Modules []struct {
		Key    string `json:"Key"`
		Source string `json:"Source"`
		Dir    string `json:"Dir"`
	} `json:"Modules"`
}

// installedModules reads root's modules.json: call key → module directory
// relative to the scan root. nil when there is none.
func installedModules(g *fsgate.Gate, root string) (map[string]string, []parsers.Error) {
	rel := path.Join(root, modulesManifest)
	src, err := g.ReadFile(rel)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, []parsers.Error{{File: rel, Msg: fsgate.Describe(err)}}
	}
	var m manifest
	if err := json.Unmarshal(src, &m); err != nil {
		return nil, []parsers.Error{{File: rel, Msg: "cannot read the installed modules: " + err.Error()}}
	}
	out := map[string]string{}
	var errs []parsers.Error
	for _, e := range m.Modules {
		if e.Key == "" {
			continue // the root module itself
		}
		dir := path.Clean(path.Join(root, strings.ReplaceAll(e.Dir, `\`, "/")))
		if path.IsAbs(e.Dir) || dir == ".." || strings.HasPrefix(dir, "../") {
			errs = append(errs, parsers.Error{File: rel, Msg: "module " + quote(e.Key) + ": directory " + quote(e.Dir) + " is outside the scanned root; not read"})
			continue
		}
		out[e.Key] = dir
	}
	return out, errs
}

// callKey is the modules.json key of call name made from in.
func (in *instance) callKey(name string) string {
	var parts []string
	for _, n := range in.names {
		parts = append(parts, strings.TrimPrefix(n, "module."))
	}
	return strings.Join(append(parts, name), ".")
}

// installedEntry is the module block in the repository through which an
// installed module's resources are reached.
func installedEntry(c *callDecl) *graph.Location {
	r := c.block.DefRange
	return &graph.Location{File: r.Filename, Line: r.Start.Line, Col: r.Start.Column}
}
