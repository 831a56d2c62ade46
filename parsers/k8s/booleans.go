package k8s

import "go.yaml.in/yaml/v3"

// booleanFields are the boolean fields of the Kubernetes API that pvlint's
// rules read, each with the keys it is a field under (the key of the map
// that holds it, or of the list whose items hold it; "" is the object's top
// level, "*" anywhere: the API has no field of that name but a boolean).
//
// kubectl and Helm turn YAML into JSON with YAML 1.1 rules, where a plain
// yes, on, y (and no, off, n) is a boolean, while yaml.v3 reads YAML 1.2,
// where they are strings. In these fields the API server receives the
// boolean, so pvlint reads one. Elsewhere the text stays a string: in a
// string field such as a StorageClass parameter the API server would refuse
// the boolean anyway, and no rule should take "yes" for true there.
var booleanFields = map[string][]string{
	"privileged":                   {"securityContext"},
	"allowPrivilegeEscalation":     {"securityContext"},
	"readOnlyRootFilesystem":       {"securityContext"},
	"runAsNonRoot":                 {"securityContext"},
	"readOnly":                     {"*"}, // volumeMounts items and every volume source
	"automountServiceAccountToken": {"spec", ""},
	"hostNetwork":                  {"spec"},
	"hostPID":                      {"spec"},
	"hostIPC":                      {"spec"},
	"hostUsers":                    {"spec"},
	"shareProcessNamespace":        {"spec"},
	"allowVolumeExpansion":         {""},
	"immutable":                    {""},
}

// booleanField reports whether key, under the map or list keyed parent,
// is one of booleanFields.
func booleanField(key, parent string) bool {
	for _, p := range booleanFields[key] {
		if p == "*" || p == parent {
			return true
		}
	}
	return false
}

// yaml11Bool reads a plain scalar as YAML 1.1 does, for the words that
// YAML 1.2 leaves strings (true and false are booleans in both).
func yaml11Bool(y *yaml.Node) (string, bool) {
	if y.Kind == yaml.AliasNode && y.Alias != nil {
		y = y.Alias
	}
	// ShortTag, not Tag: a node another library built (Kustomize) may
	// carry no tag, which reads as its plain text resolves, as in a file.
	if y.Kind != yaml.ScalarNode || y.Style != 0 || y.ShortTag() != "!!str" {
		return "", false // quoted, block or explicitly tagged: a string
	}
	switch y.Value {
	case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON":
		return "true", true
	case "n", "N", "no", "No", "NO", "off", "Off", "OFF":
		return "false", true
	}
	return "", false
}
