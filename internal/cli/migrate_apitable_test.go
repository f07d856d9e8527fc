package cli

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// migrate check marks fixable exactly what migrate fix converts: both come
// from data/apis.yaml. The flowcontrol removals (1.29, 1.32), RuntimeClass
// and CSIStorageCapacity are converted; events.k8s.io/v1beta1 Event is
// manual and stays (not fixable) after fix.
func TestMigrateFixableMatchesFix(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"apf.yaml": `apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
kind: FlowSchema
metadata:
  name: probes
spec:
  priorityLevelConfiguration:
    name: probes
---
apiVersion: flowcontrol.apiserver.k8s.io/v1beta2
kind: PriorityLevelConfiguration
metadata:
  name: probes
spec:
  type: Limited
  limited:
    assuredConcurrencyShares: 0
    limitResponse:
      type: Reject
---
apiVersion: node.k8s.io/v1beta1
kind: RuntimeClass
metadata:
  name: gvisor
handler: runsc
---
apiVersion: events.k8s.io/v1beta1
kind: Event
metadata:
  name: e
`})
	type finding struct {
		Rule    string `json:"rule"`
		Kind    string `json:"kind"`
		Fixable bool   `json:"fixable"`
	}
	check := func(path string) []finding {
		t.Helper()
		out, errOut, _ := run(t, "", "migrate", "check", path, "--to", "1.33", "--fail-on", "none", "-o", "json")
		var v struct {
			Findings []finding `json:"findings"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("check -o json: %v\n%s%s", err, out, errOut)
		}
		return v.Findings
	}
	want := map[string]bool{"FlowSchema": true, "PriorityLevelConfiguration": true, "RuntimeClass": true, "Event": false}
	got := check(dir)
	if len(got) != len(want) {
		t.Fatalf("findings %+v, want one per object", got)
	}
	for _, f := range got {
		if f.Rule != "removed-api" || f.Fixable != want[f.Kind] {
			t.Errorf("%s: %s fixable=%v, want removed-api fixable=%v", f.Kind, f.Rule, f.Fixable, want[f.Kind])
		}
	}
	fixed := t.TempDir()
	if _, errOut, code := run(t, "", "migrate", "fix", dir, "--to", "1.33", "-o", fixed); code != 0 {
		t.Fatalf("fix: exit %d: %s", code, errOut)
	}
	after := check(filepath.Join(fixed, "apf.yaml"))
	if len(after) != 1 || after[0].Kind != "Event" {
		t.Errorf("after fix: %+v, want only the Event", after)
	}
}
