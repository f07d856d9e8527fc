package manifest

import (
	"testing"

	"github.com/refit-dev/refit/internal/yamldoc"
)

// FuzzManifest checks that no input makes Split and Parse panic, and that
// what Parse returns keeps the estate's invariants.
func FuzzManifest(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, resources: {requests: {cpu: 1}}}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := yamldoc.Split("fuzz.yaml", data)
		if err != nil {
			return
		}
		est, err := Parse(docs)
		if err != nil {
			return
		}
		if err := est.Validate(); err != nil {
			t.Fatalf("Parse returned an invalid estate: %v", err)
		}
		// Counts stay in the API's int32 range and requests within the
		// bounds, so that no sum downstream overflows.
		var cpu, mem int64
		for _, w := range est.Workloads {
			if w.Replicas > maxInt32 || w.Requests.MilliCPU > maxPodMilliCPU || w.Requests.MemoryBytes > maxPodMemory {
				t.Fatalf("%s %s: out of range: %d replicas, %+v", w.Kind, w.Name, w.Replicas, w.Requests)
			}
			if !w.PerNode {
				cpu += int64(w.Replicas) * w.Requests.MilliCPU
				mem += int64(w.Replicas) * w.Requests.MemoryBytes
			}
		}
		if cpu < 0 || cpu > maxTotalMilliCPU || mem < 0 || mem > maxTotalMemory {
			t.Fatalf("total requests out of range: %d millicores, %d bytes", cpu, mem)
		}
	})
}
