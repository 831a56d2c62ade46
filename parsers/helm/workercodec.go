package helm

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/loader/archive"
)

// The render worker's wire format (worker.go): a frame is a 4-byte
// big-endian length and a payload written with wireWriter. It is our own,
// not gob or JSON, because a render must be byte-identical to one in the
// same process, and both lose what templates can see: gob decodes an empty
// []any as nil (toJson then writes null, not []), JSON turns every number
// into float64 (1e+06, not 1000000). This format keeps each value's Go
// type, and nil apart from empty, for every type values can hold (YAML,
// --set, Kustomize's valuesInline); a type it does not know is an error,
// and the chart is then rendered in process (worker.go).

const (
	tagNil byte = iota
	tagFalse
	tagTrue
	tagString
	tagInt64
	tagFloat64
	tagInt
	tagMap     // map[string]any; a nil map is tagNilMap
	tagValues  // common.Values
	tagList    // []any; a nil list is tagNilList
	tagStrings // []string
	tagNumber  // json.Number
	tagFloat32
	tagInt32
	tagUint64
	tagNilMap
	tagNilList
	tagNilValues
	tagNilStrings
)

type wireWriter struct{ buf []byte }

func (w *wireWriter) uvarint(n uint64) { w.buf = binary.AppendUvarint(w.buf, n) }
func (w *wireWriter) str(s string)     { w.uvarint(uint64(len(s))); w.buf = append(w.buf, s...) }
func (w *wireWriter) bytes(b []byte)   { w.uvarint(uint64(len(b))); w.buf = append(w.buf, b...) }
func (w *wireWriter) strs(l []string) {
	w.uvarint(uint64(len(l)))
	for _, s := range l {
		w.str(s)
	}
}

func (w *wireWriter) bufferedFiles(files []*archive.BufferedFile) {
	w.uvarint(uint64(len(files)))
	for _, f := range files {
		w.str(f.Name)
		w.uvarint(uint64(f.ModTime.UnixNano()))
		w.bytes(f.Data)
	}
}

// value writes v with its type; maps are written in key order, so that a
// request's bytes depend on nothing but its content.
func (w *wireWriter) value(v any) error {
	switch x := v.(type) {
	case nil:
		w.buf = append(w.buf, tagNil)
	case bool:
		if x {
			w.buf = append(w.buf, tagTrue)
		} else {
			w.buf = append(w.buf, tagFalse)
		}
	case string:
		w.buf = append(w.buf, tagString)
		w.str(x)
	case int64:
		w.buf = append(w.buf, tagInt64)
		w.uvarint(uint64(x))
	case int:
		w.buf = append(w.buf, tagInt)
		w.uvarint(uint64(int64(x)))
	case int32:
		w.buf = append(w.buf, tagInt32)
		w.uvarint(uint64(int64(x)))
	case uint64:
		w.buf = append(w.buf, tagUint64)
		w.uvarint(x)
	case float64:
		w.buf = append(w.buf, tagFloat64)
		w.uvarint(math.Float64bits(x))
	case float32:
		w.buf = append(w.buf, tagFloat32)
		w.uvarint(uint64(math.Float32bits(x)))
	case json.Number:
		w.buf = append(w.buf, tagNumber)
		w.str(string(x))
	case []string:
		if x == nil {
			w.buf = append(w.buf, tagNilStrings)
			return nil
		}
		w.buf = append(w.buf, tagStrings)
		w.strs(x)
	case []any:
		if x == nil {
			w.buf = append(w.buf, tagNilList)
			return nil
		}
		w.buf = append(w.buf, tagList)
		w.uvarint(uint64(len(x)))
		for _, e := range x {
			if err := w.value(e); err != nil {
				return err
			}
		}
	case map[string]any:
		if x == nil {
			w.buf = append(w.buf, tagNilMap)
			return nil
		}
		w.buf = append(w.buf, tagMap)
		return w.mapEntries(x)
	case common.Values:
		if x == nil {
			w.buf = append(w.buf, tagNilValues)
			return nil
		}
		w.buf = append(w.buf, tagValues)
		return w.mapEntries(x)
	default:
		return fmt.Errorf("a value of type %T", v)
	}
	return nil
}

func (w *wireWriter) mapEntries(m map[string]any) error {
	keys := slices.Sorted(maps.Keys(m))
	w.uvarint(uint64(len(keys)))
	for _, k := range keys {
		w.str(k)
		if err := w.value(m[k]); err != nil {
			return err
		}
	}
	return nil
}

var errWire = errors.New("malformed render worker frame")

// wireReader reads what wireWriter wrote; every length is checked against
// what is left, so a damaged frame is an error, never a huge allocation.
type wireReader struct {
	buf   []byte
	err   error
	depth int
}

func (r *wireReader) fail() { r.err = errWire; r.buf = nil }

func (r *wireReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	n, k := binary.Uvarint(r.buf)
	if k <= 0 {
		r.fail()
		return 0
	}
	r.buf = r.buf[k:]
	return n
}

// count reads a length of at most what is left (each element takes a
// byte at the least).
func (r *wireReader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.buf)) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *wireReader) raw() []byte {
	n := r.count()
	if r.err != nil {
		return nil
	}
	b := r.buf[:n:n]
	r.buf = r.buf[n:]
	return b
}

func (r *wireReader) str() string { return string(r.raw()) }

func (r *wireReader) strs() []string {
	n := r.count()
	out := make([]string, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		out = append(out, r.str())
	}
	return out
}

func (r *wireReader) bufferedFiles() []*archive.BufferedFile {
	n := r.count()
	out := make([]*archive.BufferedFile, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		name := r.str()
		mod := time.Unix(0, int64(r.uvarint()))
		// The data stays in the frame (not copied): a chart may hold Helm's
		// 100 MiB of files, and the worker's memory is bounded.
		out = append(out, &archive.BufferedFile{Name: name, ModTime: mod, Data: r.raw()})
	}
	return out
}

func (r *wireReader) value() any {
	if r.err != nil || len(r.buf) == 0 {
		r.fail()
		return nil
	}
	if r.depth++; r.depth > 10_000 {
		r.fail()
		return nil
	}
	defer func() { r.depth-- }()
	tag := r.buf[0]
	r.buf = r.buf[1:]
	switch tag {
	case tagNil:
		return nil
	case tagFalse:
		return false
	case tagTrue:
		return true
	case tagString:
		return r.str()
	case tagInt64:
		return int64(r.uvarint())
	case tagInt:
		return int(int64(r.uvarint()))
	case tagInt32:
		return int32(int64(r.uvarint()))
	case tagUint64:
		return r.uvarint()
	case tagFloat64:
		return math.Float64frombits(r.uvarint())
	case tagFloat32:
		return math.Float32frombits(uint32(r.uvarint()))
	case tagNumber:
		return json.Number(r.str())
	case tagStrings:
		return r.strs()
	case tagNilList:
		return []any(nil)
	case tagNilStrings:
		return []string(nil)
	case tagNilMap:
		return map[string]any(nil)
	case tagNilValues:
		return common.Values(nil)
	case tagList:
		n := r.count()
		out := make([]any, 0, n)
		for i := 0; i < n && r.err == nil; i++ {
			out = append(out, r.value())
		}
		return out
	case tagMap:
		return r.mapEntries()
	case tagValues:
		return common.Values(r.mapEntries())
	}
	r.fail()
	return nil
}

func (r *wireReader) mapEntries() map[string]any {
	n := r.count()
	out := make(map[string]any, n)
	for i := 0; i < n && r.err == nil; i++ {
		k := r.str()
		out[k] = r.value()
	}
	return out
}
