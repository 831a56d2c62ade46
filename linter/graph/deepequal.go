package graph

import (
	"reflect"
	"unsafe"
)

// DeepEqual is reflect.DeepEqual, except that Nodes are compared by what
// they hold (Equal): a Node's payload is an unsafe.Pointer (see the layout
// in node.go), which reflect.DeepEqual compares by address. Tests that
// compare two parses or renders of the same input use it.
func DeepEqual(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	x, y := reflect.ValueOf(a), reflect.ValueOf(b)
	return x.Type() == y.Type() && deepEqual(x, y, map[visit]bool{})
}

var nodeType = reflect.TypeFor[Node]()

// visit is a pair of pointers already under comparison (cycles: edges
// point back at resources).
type visit struct {
	x, y unsafe.Pointer
	t    reflect.Type
}

func deepEqual(x, y reflect.Value, seen map[visit]bool) bool {
	if !x.IsValid() || !y.IsValid() {
		return x.IsValid() == y.IsValid()
	}
	if x.Type() != y.Type() {
		return false
	}
	switch x.Kind() {
	case reflect.Pointer:
		if x.IsNil() || y.IsNil() {
			return x.IsNil() == y.IsNil()
		}
		if x.Type().Elem() == nodeType {
			return Equal((*Node)(x.UnsafePointer()), (*Node)(y.UnsafePointer()))
		}
		if x.UnsafePointer() == y.UnsafePointer() {
			return true
		}
		v := visit{x.UnsafePointer(), y.UnsafePointer(), x.Type()}
		if seen[v] {
			return true
		}
		seen[v] = true
		return deepEqual(x.Elem(), y.Elem(), seen)
	case reflect.Struct:
		if x.Type() == nodeType {
			return Equal(nodeOf(x), nodeOf(y))
		}
		for i := range x.NumField() {
			if !deepEqual(x.Field(i), y.Field(i), seen) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if x.IsNil() != y.IsNil() || x.Len() != y.Len() {
			return false
		}
		fallthrough
	case reflect.Array:
		for i := range x.Len() {
			if !deepEqual(x.Index(i), y.Index(i), seen) {
				return false
			}
		}
		return true
	case reflect.Map:
		if x.IsNil() != y.IsNil() || x.Len() != y.Len() {
			return false
		}
		for it := x.MapRange(); it.Next(); {
			w := y.MapIndex(it.Key())
			if !w.IsValid() || !deepEqual(it.Value(), w, seen) {
				return false
			}
		}
		return true
	case reflect.Interface:
		if x.IsNil() || y.IsNil() {
			return x.IsNil() == y.IsNil()
		}
		return deepEqual(x.Elem(), y.Elem(), seen)
	case reflect.Func:
		return x.IsNil() && y.IsNil()
	case reflect.Chan, reflect.UnsafePointer:
		return x.Pointer() == y.Pointer()
	case reflect.Bool:
		return x.Bool() == y.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return x.Int() == y.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return x.Uint() == y.Uint()
	case reflect.Float32, reflect.Float64:
		return x.Float() == y.Float()
	case reflect.Complex64, reflect.Complex128:
		return x.Complex() == y.Complex()
	case reflect.String:
		return x.String() == y.String()
	}
	return false
}

// nodeOf is the Node a struct value holds, addressable or not.
func nodeOf(v reflect.Value) *Node {
	if v.CanAddr() {
		return (*Node)(v.Addr().UnsafePointer())
	}
	c := reflect.New(nodeType).Elem()
	c.Set(v)
	return (*Node)(c.Addr().UnsafePointer())
}
