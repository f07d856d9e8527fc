package report

import (
	"bytes"
	"testing"

	"github.com/refit-dev/refit/internal/allocation"
	"github.com/refit-dev/refit/internal/estate"
)

// TestWriteCostBy: without --by or without a live cluster refit cost
// writes the breakdown; with both, the allocation; a bad --by is an error.
func TestWriteCostBy(t *testing.T) {
	b := sample()
	var want bytes.Buffer
	if err := WriteCost(&want, b, Table); err != nil {
		t.Fatal(err)
	}
	cluster := &estate.Estate{}
	for _, tc := range []struct {
		cluster *estate.Estate
		by      string
	}{{nil, ""}, {nil, "namespace"}, {cluster, ""}} {
		var got bytes.Buffer
		if err := WriteCostBy(&got, b, tc.cluster, tc.by, Table); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("cluster %v, by %q: not the breakdown:\n%s", tc.cluster != nil, tc.by, got.String())
		}
	}
	res, err := allocation.AllocateBreakdown(cluster, b, "namespace")
	if err != nil {
		t.Fatal(err)
	}
	var alloc, got bytes.Buffer
	if err := WriteAllocation(&alloc, b, res, JSON); err != nil {
		t.Fatal(err)
	}
	if err := WriteCostBy(&got, b, cluster, "namespace", JSON); err != nil {
		t.Fatal(err)
	}
	if got.String() != alloc.String() {
		t.Errorf("--by namespace: not the allocation:\n%s\nwant:\n%s", got.String(), alloc.String())
	}
	if err := WriteCostBy(&got, b, cluster, "colour", Table); err == nil {
		t.Error("--by colour: no error")
	}
}
