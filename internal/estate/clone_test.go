package estate

import (
	"reflect"
	"testing"
	"time"
)

// fill sets every settable field of v, recursively, to a non-zero value;
// slices and maps get one element.
func fill(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(2)
	case reflect.Float64:
		v.SetFloat(1.5)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), path)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(t, v.Index(0), path+"[0]")
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, path+"[key]")
		fill(t, e, path+"[value]")
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				t.Fatalf("%s.%s: unexported field; teach fill about %s", path, v.Type().Field(i).Name, v.Type())
			}
			fill(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	default:
		t.Fatalf("%s: fill does not know kind %s", path, v.Kind())
	}
}

func fullEstate(t *testing.T) *Estate {
	t.Helper()
	var e Estate
	fill(t, reflect.ValueOf(&e).Elem(), "Estate")
	return &e
}

// unequalFields names the top-level fields of Estate that differ.
func unequalFields(a, b *Estate) []string {
	var out []string
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	for i := range va.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, va.Type().Field(i).Name)
		}
	}
	return out
}

// shared names the lists, maps and pointers that a and b share, walking
// both in step.
func shared(a, b reflect.Value, path string) []string {
	var out []string
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() {
			return nil
		}
		if a.Pointer() == b.Pointer() {
			out = append(out, path)
		}
		out = append(out, shared(a.Elem(), b.Elem(), path)...)
	case reflect.Slice:
		if a.Len() == 0 {
			return nil
		}
		if a.Pointer() == b.Pointer() {
			out = append(out, path)
		}
		for i := range a.Len() {
			out = append(out, shared(a.Index(i), b.Index(i), path+"[i]")...)
		}
	case reflect.Map:
		if a.Len() == 0 {
			return nil
		}
		if a.Pointer() == b.Pointer() {
			out = append(out, path)
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				out = append(out, shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name)...)
			}
		}
	}
	return out
}

// TestMergeAndCloneCoverEveryField fails when a field is added to Estate
// (or to what it holds) and Merge or Clone is not taught about it.
func TestMergeAndCloneCoverEveryField(t *testing.T) {
	full := fullEstate(t)

	var merged Estate
	if err := merged.Merge(full); err != nil {
		t.Fatal(err)
	}
	if f := unequalFields(&merged, full); len(f) > 0 {
		t.Errorf("Merge into an empty estate loses %v: add them to Merge", f)
	}

	c := full.Clone()
	if f := unequalFields(c, full); len(f) > 0 {
		t.Errorf("Clone loses %v: add them to Clone", f)
	}
	if s := shared(reflect.ValueOf(c).Elem(), reflect.ValueOf(full).Elem(), "Estate"); len(s) > 0 {
		t.Errorf("Clone shares %v with the original: copy them in Clone", s)
	}
}

func TestCloneIsIndependent(t *testing.T) {
	e := &Estate{
		Region:     "us-east-1",
		NodeGroups: []NodeGroup{{Name: "a", InstanceTypes: []string{"t3.small"}, Labels: map[string]string{"k": "v"}}},
	}
	c := e.Clone()
	c.NodeGroups[0].InstanceTypes[0] = "m5.large"
	c.NodeGroups[0].Labels["k"] = "w"
	c.NodeGroups = append(c.NodeGroups, NodeGroup{Name: "b"})
	c.Region = "eu-west-1"
	if e.Region != "us-east-1" || len(e.NodeGroups) != 1 || e.NodeGroups[0].InstanceTypes[0] != "t3.small" || e.NodeGroups[0].Labels["k"] != "v" {
		t.Errorf("changing the clone changed the original: %+v", e)
	}
	var nilEstate Estate
	if got := nilEstate.Clone(); !reflect.DeepEqual(got, &nilEstate) {
		t.Errorf("Clone of an empty estate = %+v", got)
	}
}
