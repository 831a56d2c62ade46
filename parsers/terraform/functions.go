package terraform

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/pvlint/pvlint/parsers/fsgate"
)

// unknownFunc stands for a function whose result cannot be known statically
// (timestamps, random values, templates, network maths): any arguments, an
// unknown result. It keeps such calls from being reported as unknown functions.
var unknownFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowNull: true,
		AllowUnknown: true, AllowDynamicType: true, AllowMarked: true},
	Type: function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func([]cty.Value, cty.Type) (cty.Value, error) { return cty.DynamicVal, nil },
})

// identityFunc returns its only argument (sensitive, nonsensitive).
var identityFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true,
		AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
	Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
})

func stringFunc(fn func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "s", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s, err := fn(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(s), nil
		},
	})
}

func hashFunc(sum func([]byte) []byte) function.Function {
	return stringFunc(func(s string) (string, error) { return hex.EncodeToString(sum([]byte(s))), nil })
}

func boolStrFunc(fn func(s, affix string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "s", Type: cty.String}, {Name: "affix", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(fn(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

// replaceFunc is Terraform's replace: a substring, or a regular expression
// when the search string is written /like this/.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String}, {Name: "replace", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		s, sub, rep := args[0].AsString(), args[1].AsString(), args[2].AsString()
		if len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
			re, err := regexp.Compile(sub[1 : len(sub)-1])
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(re.ReplaceAllString(s, rep)), nil
		}
		return cty.StringVal(strings.ReplaceAll(s, sub, rep)), nil
	},
})

// oneFunc is Terraform's one: null for an empty collection, the element for one.
var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.CanIterateElements() {
			return cty.DynamicVal, fmt.Errorf("one needs a list or set")
		}
		if !v.IsKnown() {
			return cty.DynamicVal, nil
		}
		switch v.LengthInt() {
		case 0:
			return cty.NullVal(cty.DynamicPseudoType), nil
		case 1:
			it := v.ElementIterator()
			it.Next()
			_, e := it.Element()
			return e, nil
		}
		return cty.DynamicVal, fmt.Errorf("one needs at most one element")
	},
})

func allAnyFunc(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			for it := args[0].ElementIterator(); it.Next(); {
				_, e := it.Element()
				if !e.IsKnown() {
					return cty.UnknownVal(cty.Bool), nil
				}
				if e.IsNull() {
					continue
				}
				if e.True() != all {
					return cty.BoolVal(!all), nil
				}
			}
			return cty.BoolVal(all), nil
		},
	})
}

// indexFunc is Terraform's index(list, value) (cty's IndexFunc is the [] operator).
var indexFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}, {Name: "value", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if !args[0].CanIterateElements() {
			return cty.UnknownVal(cty.Number), fmt.Errorf("index needs a list")
		}
		if !args[0].IsWhollyKnown() || !args[1].IsWhollyKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		for it := args[0].ElementIterator(); it.Next(); {
			k, e := it.Element()
			if eq := e.Equals(args[1]); eq.IsKnown() && eq.True() {
				return k, nil
			}
		}
		return cty.UnknownVal(cty.Number), fmt.Errorf("item not found")
	},
})

// lookupFunc is Terraform's lookup(map, key[, default]). Unlike go-cty's,
// which is unknown as soon as any element of the map is, a known key of a
// partially known object or map gives its value: the element does not depend
// on its siblings.
var lookupFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "inputMap", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true},
		{Name: "key", Type: cty.String, AllowUnknown: true, AllowMarked: true},
	},
	VarParam: &function.Parameter{Name: "default", Type: cty.DynamicPseudoType, AllowUnknown: true,
		AllowDynamicType: true, AllowNull: true, AllowMarked: true},
	Type: function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if len(args) > 3 {
			return cty.DynamicVal, fmt.Errorf("lookup takes at most three arguments")
		}
		m, mMarks := args[0].Unmark()
		key, keyMarks := args[1].Unmark()
		marked := func(v cty.Value) cty.Value { return v.WithMarks(mMarks, keyMarks) }
		if !m.IsKnown() || !key.IsKnown() {
			return marked(cty.DynamicVal), nil
		}
		if m.IsNull() || key.IsNull() {
			return cty.DynamicVal, fmt.Errorf("lookup needs a map and a key, not null")
		}
		k := key.AsString()
		ty := m.Type()
		switch {
		case ty.IsObjectType():
			if ty.HasAttribute(k) {
				return marked(m.GetAttr(k)), nil
			}
		case ty.IsMapType():
			if m.HasIndex(cty.StringVal(k)).True() {
				return marked(m.Index(cty.StringVal(k))), nil
			}
		default:
			return cty.DynamicVal, fmt.Errorf("lookup needs a map or an object, not %s", ty.FriendlyName())
		}
		if len(args) < 3 {
			return cty.DynamicVal, fmt.Errorf("the given map has no key %q and no default is given", k)
		}
		def := args[2]
		if ty.IsMapType() {
			v, err := convert.Convert(def, ty.ElementType())
			if err != nil {
				return cty.DynamicVal, fmt.Errorf("the default value must have the type of the map elements")
			}
			def = v
		}
		return marked(def), nil
	},
})

// coalesceFunc is Terraform's coalesce, which (unlike go-cty's) also skips
// empty strings: the first argument that is neither null nor "".
var coalesceFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "vals", Type: cty.DynamicPseudoType, AllowUnknown: true,
		AllowDynamicType: true, AllowNull: true},
	Type: func(args []cty.Value) (cty.Type, error) {
		types := make([]cty.Type, len(args))
		for i, a := range args {
			types[i] = a.Type()
		}
		ty, _ := convert.UnifyUnsafe(types)
		if ty == cty.NilType {
			return cty.NilType, fmt.Errorf("all arguments must have the same type")
		}
		return ty, nil
	},
	Impl: func(args []cty.Value, ty cty.Type) (cty.Value, error) {
		for _, a := range args {
			v, err := convert.Convert(a, ty)
			if err != nil {
				return cty.UnknownVal(ty), err
			}
			if !v.IsKnown() {
				return cty.UnknownVal(ty), nil
			}
			if v.IsNull() || ty == cty.String && v.RawEquals(cty.StringVal("")) {
				continue
			}
			return v, nil
		}
		return cty.NilVal, fmt.Errorf("no non-null, non-empty-string arguments")
	},
})

// tryFunc is Terraform's try: the first argument that evaluates without an
// error. hcl's tryfunc gives unknown as soon as that value is not wholly
// known; here a value that is known at its top level (an object with one
// unknown attribute) is returned as it is, so its known parts stay known.
var tryFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "expressions", Type: customdecode.ExpressionClosureType},
	Type: func(args []cty.Value) (cty.Type, error) {
		v, err := try(args)
		if err != nil {
			return cty.NilType, err
		}
		return v.Type(), nil
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return try(args) },
})

func try(args []cty.Value) (cty.Value, error) {
	if len(args) == 0 {
		return cty.NilVal, fmt.Errorf("at least one argument is required")
	}
	var diags hcl.Diagnostics
	for _, arg := range args {
		closure := customdecode.ExpressionClosureFromVal(arg)
		v, more := closure.Value()
		diags = append(diags, more...)
		if more.HasErrors() {
			continue
		}
		if !v.IsKnown() {
			return cty.DynamicVal, nil
		}
		return v, nil
	}
	var b strings.Builder
	b.WriteString("no expression succeeded:")
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		b.WriteString("\n- " + d.Summary)
		if d.Subject != nil {
			b.WriteString(" (at " + d.Subject.String() + ")")
		}
	}
	return cty.NilVal, fmt.Errorf("%s", b.String())
}

// fileFunc reads a file of the scanned tree through its gate, relative to
// the root module directory base as Terraform does. A file that is absent,
// outside the tree (an absolute or ../ path: the user's machine, not the
// repository) or not UTF-8 is unknown rather than an error, since Terraform
// would read it where it runs. A file the gate refuses inside the tree (a
// link leading out of it, a named pipe, a device, a file over the limit) is
// an error naming it: the value would be a lie, and reading it could hang or
// leak.
func fileFunc(g *fsgate.Gate, base string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			var rel string
			if filepath.IsAbs(p) {
				r, ok := g.Rel(p)
				if !ok {
					return cty.UnknownVal(cty.String), nil
				}
				rel = r
			} else {
				rel = path.Join(base, filepath.ToSlash(p))
				if rel == ".." || strings.HasPrefix(rel, "../") {
					return cty.UnknownVal(cty.String), nil
				}
			}
			b, err := g.ReadFile(rel)
			if errors.Is(err, fs.ErrNotExist) {
				return cty.UnknownVal(cty.String), nil
			}
			if err != nil {
				return cty.UnknownVal(cty.String), &inputError{rel + ": " + fsgate.Describe(err)}
			}
			if !utf8.Valid(b) {
				return cty.UnknownVal(cty.String), nil
			}
			return cty.StringVal(string(b)), nil
		},
	})
}

// inputError is a function error that is the input's fault, reported like
// Terraform would (an error at the call), not turned into an unknown value.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

// functions returns Terraform's built-ins as far as they can be evaluated
// statically, for a root module whose directory is base.
func functions(g *fsgate.Gate, base string) map[string]function.Function {
	fs := map[string]function.Function{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc, "log": stdlib.LogFunc,
		"max": stdlib.MaxFunc, "min": stdlib.MinFunc, "pow": stdlib.PowFunc, "signum": stdlib.SignumFunc,
		"parseint": stdlib.ParseIntFunc,

		"chomp": stdlib.ChompFunc, "format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc,
		"indent": stdlib.IndentFunc, "join": stdlib.JoinFunc, "lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc,
		"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc, "replace": replaceFunc, "split": stdlib.SplitFunc,
		"strrev": stdlib.ReverseFunc, "substr": stdlib.SubstrFunc, "title": stdlib.TitleFunc, "trim": stdlib.TrimFunc,
		"trimprefix": stdlib.TrimPrefixFunc, "trimsuffix": stdlib.TrimSuffixFunc, "trimspace": stdlib.TrimSpaceFunc,
		"startswith": boolStrFunc(strings.HasPrefix), "endswith": boolStrFunc(strings.HasSuffix),
		"strcontains": boolStrFunc(strings.Contains),

		"alltrue": allAnyFunc(true), "anytrue": allAnyFunc(false), "chunklist": stdlib.ChunklistFunc,
		"coalesce": coalesceFunc, "coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc,
		"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc, "distinct": stdlib.DistinctFunc,
		"element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc, "index": indexFunc, "keys": stdlib.KeysFunc,
		"length": stdlib.LengthFunc, "lookup": lookupFunc, "merge": stdlib.MergeFunc, "one": oneFunc,
		"range": stdlib.RangeFunc, "reverse": stdlib.ReverseListFunc, "setintersection": stdlib.SetIntersectionFunc,
		"setproduct": stdlib.SetProductFunc, "setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc,
		"slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "values": stdlib.ValuesFunc, "zipmap": stdlib.ZipmapFunc,

		"jsonencode": stdlib.JSONEncodeFunc, "jsondecode": stdlib.JSONDecodeFunc, "csvdecode": stdlib.CSVDecodeFunc,
		"base64encode": stringFunc(func(s string) (string, error) { return base64.StdEncoding.EncodeToString([]byte(s)), nil }),
		"base64decode": stringFunc(func(s string) (string, error) {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil || !utf8.Valid(b) {
				return "", fmt.Errorf("invalid base64 or not UTF-8")
			}
			return string(b), nil
		}),
		"urlencode": stringFunc(func(s string) (string, error) { return url.QueryEscape(s), nil }),
		"md5":       hashFunc(func(b []byte) []byte { s := md5.Sum(b); return s[:] }),
		"sha1":      hashFunc(func(b []byte) []byte { s := sha1.Sum(b); return s[:] }),
		"sha256":    hashFunc(func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }),
		"sha512":    hashFunc(func(b []byte) []byte { s := sha512.Sum512(b); return s[:] }),
		"basename":  stringFunc(func(s string) (string, error) { return path.Base(s), nil }),
		"dirname":   stringFunc(func(s string) (string, error) { return path.Dir(s), nil }),

		"formatdate": stdlib.FormatDateFunc, "timeadd": stdlib.TimeAddFunc,

		"tobool": stdlib.MakeToFunc(cty.Bool), "tonumber": stdlib.MakeToFunc(cty.Number),
		"tostring": stdlib.MakeToFunc(cty.String), "tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)), "tomap": stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"sensitive": identityFunc, "nonsensitive": identityFunc,

		// try and can take their arguments as unevaluated expressions,
		// through customdecode.
		"try": tryFunc, "can": tryfunc.CanFunc,

		"file": fileFunc(g, base),
	}
	for _, name := range []string{"templatefile", "templatestring", "timestamp", "plantimestamp", "uuid", "uuidv5",
		"bcrypt", "cidrhost", "cidrnetmask", "cidrsubnet", "cidrsubnets", "fileexists", "fileset", "filebase64",
		"filemd5", "filesha1", "filesha256", "filesha512", "filebase64sha256", "filebase64sha512", "abspath",
		"pathexpand", "yamlencode", "yamldecode", "base64gzip", "base64sha256", "base64sha512", "rsadecrypt",
		"textencodebase64", "textdecodebase64", "transpose", "matchkeys", "sum", "issensitive", "ephemeralasnull",
		"type", "tovalue", "encode_tfvars", "decode_tfvars", "encode_expr"} {
		fs[name] = unknownFunc
	}
	return fs
}
