package flagvalue

import (
	"slices"
	"testing"
)

func TestList(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" , ,", nil},
		{"a", []string{"a"}},
		{"a, b,,c ", []string{"a", "b", "c"}},
	} {
		if got := List(c.in); !slices.Equal(got, c.want) {
			t.Errorf("List(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
