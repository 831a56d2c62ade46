package helm

import (
	"encoding/base64"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v4/pkg/chart/common"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/engine"
)

// randomTemplate calls every clock, random and key-generating function of
// sprig's.
const randomTemplate = `apiVersion: v1
kind: ConfigMap
metadata:
  name: pv-{{ randAlpha 8 | lower }}-{{ now | date "150405.000000" }}-{{ uuidv4 }}
data:
  alnum: {{ randAlphaNum 12 | quote }}
  ascii: {{ randAscii 12 | b64enc | quote }}
  numeric: {{ randNumeric 6 | quote }}
  bytes: {{ randBytes 9 | quote }}
  int: {{ randInt 1 1000000 | quote }}
  shuffle: {{ shuffle "abcdefghijklmnop" | quote }}
  now: {{ now | quote }}
  unix: {{ now | unixEpoch | quote }}
  html: {{ htmlDate 0 | quote }}{{/* 0 is an int: 1970-01-01 */}}
  zone: {{ dateInZone "15:04 MST" now "Local" | quote }}
  ago: {{ ago (dateModify "-90s" now) | quote }}
  round: {{ durationRound (dateModify "-50h" now) | quote }}
  todate: {{ toDate "2006-01-02" "2024-05-06" | quote }}
  key: {{ genPrivateKey "ecdsa" | b64enc | quote }}
  {{- $ca := genCA "my-ca" 365 }}
  ca: {{ $ca.Cert | b64enc | quote }}
  cakey: {{ $ca.Key | b64enc | quote }}
  {{- $cak := genCAWithKey "ca2" 365 (genPrivateKey "rsa") }}
  cak: {{ $cak.Key | b64enc | quote }}
  self: {{ (genSelfSignedCert "self" (list "10.0.0.1") (list "a.example") 30).Cert | b64enc | quote }}
  selfk: {{ (genSelfSignedCertWithKey "self" nil nil 30 (genPrivateKey "ed25519")).Cert | b64enc | quote }}
  signed: {{ (genSignedCert "leaf" nil (list "b.example") 30 $ca).Cert | b64enc | quote }}
  signedk: {{ (genSignedCertWithKey "leaf" nil nil 30 $ca (genPrivateKey "rsa")).Key | b64enc | quote }}
  bcrypt: {{ bcrypt "secret" | quote }}
  htpasswd: {{ htpasswd "user" "secret" | quote }}
  aes: {{ encryptAES "key" "plain text" | quote }}
  roundtrip: {{ encryptAES "key" "plain text" | decryptAES "key" | quote }}
`

// A chart calling sprig's clock and random functions renders byte for byte
// the same text twice in one process, in two renderers, in process and in
// a worker.
func TestRandomAndClockFunctionsAreDeterministic(t *testing.T) {
	ch := &chart.Chart{
		Metadata:  &chart.Metadata{APIVersion: "v2", Name: "c", Version: "0.1.0"},
		Templates: []*common.File{{Name: "templates/x.yaml", Data: []byte(randomTemplate)}},
	}
	top := common.Values{"Values": map[string]any{}, "Release": map[string]any{"Name": "r", "Namespace": "default"}}
	renderOnce := func() string {
		t.Helper()
		start := time.Now()
		files, err := renderBounded(ch, top, &renderBudget{})
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("rendering took %s: keys are generated?", d)
		}
		return files["c/templates/x.yaml"]
	}
	first := renderOnce()
	if second := renderOnce(); second != first {
		t.Fatalf("two renders differ:\n%s\n---\n%s", first, second)
	}
	t.Log(first)
	for _, want := range []string{
		"-000000.000000-", // now | date: 2000-01-01T00:00:00Z
		`now: "2000-01-01 00:00:00 +0000 UTC"`,
		`unix: "946684800"`,
		`html: "1970-01-01"`,
		`zone: "00:00 UTC"`,
		`ago: "1m30s"`,
		`round: "2d"`,
		`todate: "2024-05-06 00:00:00 +0000 UTC"`,
		`roundtrip: "plain text"`,
	} {
		if !strings.Contains(first, want) {
			t.Errorf("no %q in\n%s", want, first)
		}
	}
	name := regexp.MustCompile(`name: pv-[a-z]{8}-000000\.000000-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n`)
	if !name.MatchString(first) {
		t.Errorf("name not of sprig's shape:\n%s", first)
	}
	ca := regexp.MustCompile(`\n  ca: "([^"]+)"`).FindStringSubmatch(first)
	if ca == nil {
		t.Fatal("no ca")
	}
	pem, _ := base64.StdEncoding.DecodeString(ca[1])
	if !strings.HasPrefix(string(pem), "-----BEGIN CERTIFICATE-----\n") {
		t.Errorf("genCA .Cert = %q", pem)
	}
	if !regexp.MustCompile(`bcrypt: "\$2a\$10\$[./A-Za-z0-9]{53}"`).MatchString(first) {
		t.Errorf("bcrypt not of bcrypt's shape:\n%s", first)
	}

	// Through Render: in a worker and in process, the same objects.
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c/Chart.yaml":       "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"c/templates/x.yaml": randomTemplate,
	})
	a, b := Render(dir, "c", Options{}), inProcess(t, dir, "c", Options{})
	if len(a.Errors)+len(b.Errors) > 0 || len(a.Resources) != 1 || len(b.Resources) != 1 {
		t.Fatalf("%v %v", a.Errors, b.Errors)
	}
	if ra, rb := a.Resources[0].Origin().Rendered, b.Resources[0].Origin().Rendered; ra != rb || ra != strings.TrimSuffix(first, "\n") {
		t.Errorf("worker and in-process renders differ:\n%s\n---\n%s", ra, rb)
	}
}

// genCA's value has sprig's fields, and genSignedCert takes it.
func TestGeneratedCertificatesKeepTheirFields(t *testing.T) {
	ch := &chart.Chart{
		Metadata:  &chart.Metadata{APIVersion: "v2", Name: "c", Version: "0.1.0"},
		Templates: []*common.File{{Name: "templates/x.yaml", Data: []byte(`{{ (genCA "x" 365).Cert }}`)}},
	}
	files, err := engine.Engine{CustomTemplateFuncs: (&renderBudget{}).funcs()}.Render(ch, common.Values{"Values": map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	if got := files["c/templates/x.yaml"]; !strings.Contains(got, "CERTIFICATE") {
		t.Errorf("genCA .Cert = %q", got)
	}
	if !isCertificate(reflect.TypeOf(certificate{})) {
		t.Error("certificate is not a certificate")
	}
}

// isCertificate says whether t is a struct with string fields Cert and Key
// (sprig's certificate, or ours).
func isCertificate(t reflect.Type) bool {
	if t.Kind() != reflect.Struct || t.NumField() != 2 {
		return false
	}
	c, ok1 := t.FieldByName("Cert")
	k, ok2 := t.FieldByName("Key")
	return ok1 && ok2 && c.Type.Kind() == reflect.String && k.Type.Kind() == reflect.String
}
