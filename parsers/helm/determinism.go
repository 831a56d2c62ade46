package helm

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"time"

	chart "helm.sh/helm/v4/pkg/chart/v2"
)

// Deterministic rendering. pvlint's reports must be byte-identical from
// run to run (and with or without --cache), but sprig's clock, random and
// key-generating functions make two renders of one chart differ: a
// PersistentVolume named `pv-{{ randAlpha 8 }}` would be a new resource,
// with new findings and fingerprints, on every run. So within pvlint's
// render:
//
//   - `now` is one fixed instant, renderNow, and the functions that read
//     the clock themselves (date, dateInZone, htmlDate, ago, durationRound
//     given a time) use it; the "Local" time zone is UTC, so that the CI
//     machine's zone does not show in a report either;
//   - randAlpha, randAlphaNum, randNumeric, randAscii, randBytes, randInt,
//     uuidv4, shuffle and encryptAES's IV come from a PRNG seeded from the
//     chart's name and version, drawn from in the engine's (sorted,
//     sequential) order of templates: the same chart renders the same text
//     on every run, in process or in a render worker;
//   - the key and certificate generators (genPrivateKey, genCA,
//     genSelfSignedCert, genSignedCert and their *WithKey forms) return
//     fixed placeholder PEM text, and bcrypt and htpasswd a placeholder
//     hash: the linter never reads key material, and generating RSA keys
//     (4096 bits for genPrivateKey) would cost up to seconds a call. The
//     certificate value keeps sprig's .Cert and .Key fields.
//
// derivePassword is deterministic in sprig and is left as it is.

// renderNow is what `now` returns during a render: 2000-01-01T00:00:00Z.
// Not the Unix epoch: `now | unixEpoch` would be "0", which templates
// test as empty, and `dateModify "-1h" now` would fall before 1970; and a
// date far enough in the past that nobody reads it as the time of the
// scan.
var renderNow = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// renderRand is the PRNG of one render.
type renderRand struct {
	mu sync.Mutex
	r  *rand.Rand
}

// newRenderRand seeds a PRNG from the chart's name and version (nil: a
// fixed seed).
func newRenderRand(ch *chart.Chart) *renderRand {
	key := "pvlint render"
	if ch != nil && ch.Metadata != nil {
		key += "\x00" + ch.Metadata.Name + "\x00" + ch.Metadata.Version
	}
	return &renderRand{r: rand.New(rand.NewChaCha8(sha256.Sum256([]byte(key))))}
}

func (p *renderRand) intN(n int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.r.IntN(n)
}

func (p *renderRand) read(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range b {
		b[i] = byte(p.r.Uint32())
	}
}

const (
	alphaChars    = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	numericChars  = "0123456789"
	alphaNumChars = alphaChars + numericChars
)

// asciiChars are the printable ASCII characters goutils' RandomAscii draws
// from (32 to 126).
var asciiChars = func() string {
	var b strings.Builder
	for c := byte(32); c <= 126; c++ {
		b.WriteByte(c)
	}
	return b.String()
}()

// randString draws count characters of chars (count < 0: "", as sprig's
// give).
func (p *renderRand) randString(count int, chars string) string {
	if count <= 0 {
		return ""
	}
	b := make([]byte, count)
	p.mu.Lock()
	for i := range b {
		b[i] = chars[p.r.IntN(len(chars))]
	}
	p.mu.Unlock()
	return string(b)
}

// certificate is what genCA and the other generators return: sprig's own
// type is unexported, and templates read its Cert and Key fields.
type certificate struct {
	Cert string
	Key  string
}

// placeholderPEM is PEM text of the given block type whose body says what
// it is; n tells two generated values apart.
func placeholderPEM(typ, what string, n uint64) string {
	body := base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "pvlint placeholder %s #%d (not key material)", what, n))
	var b strings.Builder
	b.WriteString("-----BEGIN " + typ + "-----\n")
	for len(body) > 64 {
		b.WriteString(body[:64] + "\n")
		body = body[64:]
	}
	b.WriteString(body + "\n-----END " + typ + "-----\n")
	return b.String()
}

// placeholderCert is a certificate with a placeholder certificate for cn
// and the given key (a placeholder when "").
func (p *renderRand) placeholderCert(cn, key string) certificate {
	n := p.uint64()
	if key == "" {
		key = placeholderPEM("RSA PRIVATE KEY", "RSA key", n)
	}
	return certificate{Cert: placeholderPEM("CERTIFICATE", "certificate for CN="+cn, n), Key: key}
}

func (p *renderRand) uint64() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.r.Uint64()
}

// deterministicFuncs are the replacements, keyed by sprig's names, with
// sprig's arities and types (certificate for sprig's certificate). The
// size-checked ones (randAlpha...) are wrapped again in funcs.
func deterministicFuncs(sp map[string]any, p *renderRand) map[string]any {
	dateInZone := sp["dateInZone"].(func(string, any, string) string)
	durationRound := sp["durationRound"].(func(any) string)
	buildCustomCert := reflect.ValueOf(sp["buildCustomCert"])
	inZone := func(format string, date any, zone string) string {
		switch date.(type) {
		case time.Time, *time.Time, int64, int, int32:
		default:
			date = renderNow
		}
		if zone == "Local" {
			zone = "UTC"
		}
		return dateInZone(format, date, zone)
	}
	genCert := func(cn string, ips, dns []any, days int) (certificate, error) { return p.placeholderCert(cn, ""), nil }
	withKey := func(cn string, ips, dns []any, days int, key string) (certificate, error) {
		return p.placeholderCert(cn, key), nil
	}
	bcrypt := func(input string) string {
		// bcrypt's form: $2a$, the cost, 22 characters of salt and 31 of hash.
		sum := sha256.Sum256([]byte("pvlint placeholder bcrypt\x00" + input))
		return "$2a$10$" + strings.NewReplacer("+", ".", "=", "").Replace(base64.StdEncoding.EncodeToString(append(sum[:], sum[:8]...)))[:53]
	}
	return map[string]any{
		"now":            func() time.Time { return renderNow },
		"date":           func(format string, date any) string { return inZone(format, date, "UTC") },
		"dateInZone":     inZone,
		"date_in_zone":   inZone,
		"htmlDate":       func(date any) string { return inZone("2006-01-02", date, "UTC") },
		"htmlDateInZone": func(date any, zone string) string { return inZone("2006-01-02", date, zone) },
		"ago": func(date any) string {
			t := renderNow
			switch d := date.(type) {
			case time.Time:
				t = d
			case int64:
				t = time.Unix(d, 0)
			case int:
				t = time.Unix(int64(d), 0)
			}
			return renderNow.Sub(t).Round(time.Second).String()
		},
		"durationRound": func(d any) string {
			if t, ok := d.(time.Time); ok {
				d = int64(renderNow.Sub(t))
			}
			return durationRound(d)
		},
		"toDate": func(format, s string) time.Time {
			t, _ := time.ParseInLocation(format, s, time.UTC)
			return t
		},
		"mustToDate": func(format, s string) (time.Time, error) { return time.ParseInLocation(format, s, time.UTC) },

		"randAlphaNum": func(n int) string { return p.randString(n, alphaNumChars) },
		"randAlpha":    func(n int) string { return p.randString(n, alphaChars) },
		"randAscii":    func(n int) string { return p.randString(n, asciiChars) },
		"randNumeric":  func(n int) string { return p.randString(n, numericChars) },
		"randBytes": func(n int) (string, error) {
			if n < 0 {
				return "", errors.New("randBytes: negative count")
			}
			b := make([]byte, n)
			p.read(b)
			return base64.StdEncoding.EncodeToString(b), nil
		},
		"randInt": func(min, max int) int { return p.intN(max-min) + min },
		"uuidv4": func() string {
			var u [16]byte
			p.read(u[:])
			u[6] = u[6]&0x0f | 0x40 // version 4
			u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
			return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
		},
		"shuffle": func(s string) string {
			r := []rune(s)
			p.mu.Lock()
			p.r.Shuffle(len(r), func(i, j int) { r[i], r[j] = r[j], r[i] })
			p.mu.Unlock()
			return string(r)
		},

		"genPrivateKey": func(typ string) string {
			block, ok := pemBlockTypes[typ]
			if !ok {
				return "Unknown type " + typ // sprig's answer
			}
			if typ == "" {
				typ = "rsa"
			}
			return placeholderPEM(block, typ+" key", p.uint64())
		},
		"genCA":                    func(cn string, days int) (certificate, error) { return p.placeholderCert(cn, ""), nil },
		"genCAWithKey":             func(cn string, days int, key string) (certificate, error) { return p.placeholderCert(cn, key), nil },
		"genSelfSignedCert":        genCert,
		"genSelfSignedCertWithKey": withKey,
		"genSignedCert": func(cn string, ips, dns []any, days int, ca certificate) (certificate, error) {
			return genCert(cn, ips, dns, days)
		},
		"genSignedCertWithKey": func(cn string, ips, dns []any, days int, ca certificate, key string) (certificate, error) {
			return withKey(cn, ips, dns, days, key)
		},
		// Deterministic in sprig, but of sprig's unexported type, which
		// genSignedCert would not take.
		"buildCustomCert": func(cert, key string) (certificate, error) {
			out := buildCustomCert.Call([]reflect.Value{reflect.ValueOf(cert), reflect.ValueOf(key)})
			c := out[0]
			err, _ := out[1].Interface().(error)
			return certificate{Cert: c.FieldByName("Cert").String(), Key: c.FieldByName("Key").String()}, err
		},
		"bcrypt": bcrypt,
		"htpasswd": func(user, password string) string {
			if strings.Contains(user, ":") {
				return fmt.Sprintf("invalid username: %s", user)
			}
			return user + ":" + bcrypt(password)
		},
		"encryptAES": func(password, plaintext string) (string, error) {
			if plaintext == "" {
				return "", nil
			}
			key := make([]byte, 32)
			copy(key, password)
			block, err := aes.NewCipher(key)
			if err != nil {
				return "", err
			}
			pad := aes.BlockSize - len(plaintext)%aes.BlockSize
			out := make([]byte, aes.BlockSize+len(plaintext)+pad)
			p.read(out[:aes.BlockSize]) // the IV: decryptAES reads it back
			content := out[aes.BlockSize:]
			copy(content, plaintext)
			for i := len(plaintext); i < len(content); i++ {
				content[i] = byte(pad)
			}
			cipher.NewCBCEncrypter(block, out[:aes.BlockSize]).CryptBlocks(content, content)
			return base64.StdEncoding.EncodeToString(out), nil
		},
	}
}

// pemBlockTypes are the PEM block types of genPrivateKey's key types.
var pemBlockTypes = map[string]string{"": "RSA PRIVATE KEY", "rsa": "RSA PRIVATE KEY", "dsa": "DSA PRIVATE KEY",
	"ecdsa": "EC PRIVATE KEY", "ed25519": "PRIVATE KEY"}
