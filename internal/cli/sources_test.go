package cli

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// podsNote is the cost note that sums the pods' requests.
var podsNote = regexp.MustCompile(`\d+ pods request [0-9.]+ vCPU and [0-9.]+ GiB`)

// costNotes runs refit cost -o json and returns its notes and assumptions.
func costNotes(t *testing.T, args ...string) (notes, assumptions []string, partial bool, unread []string) {
	t.Helper()
	out, errOut, code := run(t, "", append([]string{"cost", "-o", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("refit cost %v: exit %d: %s", args, code, errOut)
	}
	var v struct {
		Notes       []string `json:"notes"`
		Assumptions []string `json:"assumptions"`
		Partial     bool     `json:"partial"`
		Unread      []string `json:"unread"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	return v.Notes, v.Assumptions, v.Partial, v.Unread
}

func pods(t *testing.T, notes []string) string {
	t.Helper()
	for _, n := range notes {
		if m := podsNote.FindString(n); m != "" {
			return m
		}
	}
	t.Fatalf("no pods note in %q", notes)
	return ""
}

// A tree of <app>/base and <app>/overlays/{prod,staging} prices each base
// once, through its overlays: the same pods as the overlays alone (issue
// 11, item 1). Before, the base was priced again on its own.
func TestCostBasesPricedOnceThroughOverlays(t *testing.T) {
	const repo = "testdata/repo/"
	// The manifests alone (no cluster config, so no Fargate profile): every
	// pod is counted in the note.
	whole, _, _, _ := costNotes(t, repo+"k8s/")
	alone, _, _, _ := costNotes(t, repo+"k8s/shop/overlays/prod", repo+"k8s/shop/overlays/staging", repo+"k8s/argocd", repo+"k8s/tools")
	// prod 4 + staging 1 + argocd 1 + debug 1; not 2 more for the base.
	want := "7 pods request 0.80 vCPU and 0.94 GiB"
	if got := pods(t, whole); got != want {
		t.Errorf("cost cluster.yaml k8s/: %q, want %q", got, want)
	}
	if got := pods(t, alone); got != want {
		t.Errorf("cost of the overlays alone: %q, want %q", got, want)
	}
	all := strings.Join(whole, "\n")
	for _, s := range []string{
		"kustomize: built " + repo + "k8s/shop/overlays/prod, with its base(s) " + repo + "k8s/shop/base",
		"kustomize: built " + repo + "k8s/shop/overlays/staging, with its base(s) " + repo + "k8s/shop/base",
		"kustomize: " + repo + "k8s/shop/base is not priced on its own: 2 overlays build it",
		"kustomize: built " + repo + "k8s/argocd",
	} {
		if !strings.Contains(all, s) {
			t.Errorf("notes lack %q:\n%s", s, all)
		}
	}

	// --overlay keeps the matching overlay directories only.
	prod, _, _, _ := costNotes(t, repo+"k8s/", "--overlay", "prod")
	if got, want := pods(t, prod), "6 pods request 0.70 vCPU and 0.81 GiB"; got != want {
		t.Errorf("--overlay prod: %q, want %q", got, want)
	}
	if all := strings.Join(prod, "\n"); !strings.Contains(all, "--overlay prod left out "+repo+"k8s/shop/overlays/staging") {
		t.Errorf("--overlay prod: notes do not name what was left out:\n%s", all)
	}
	_, errOut, code := run(t, "", "cost", repo+"k8s/", "--overlay", "qa")
	if code != 2 || !strings.Contains(errOut, "--overlay qa: no overlay directory is named qa") {
		t.Errorf("--overlay qa: exit %d, %s", code, errOut)
	}

	// plan demands the same pods once.
	out, errOut, code := run(t, "", "plan", repo+"cluster.yaml", repo+"k8s/", "-o", "json")
	if code != 0 {
		t.Fatalf("plan: exit %d: %s", code, errOut)
	}
	var pv struct {
		Demand struct {
			Pods int `json:"pods"`
		} `json:"demand"`
	}
	if err := json.Unmarshal([]byte(out), &pv); err != nil {
		t.Fatal(err)
	}
	// 7 user pods and 2 CoreDNS pods.
	if pv.Demand.Pods != 9 {
		t.Errorf("plan demand: %d pods, want 9", pv.Demand.Pods)
	}
}

// One broken kustomization (an empty kustomization.yaml) is reported with
// its file and reason, the rest is priced, and the result says it is
// partial; --strict makes it exit 2 (issue 11, item 2).
func TestBrokenKustomizationGivesAPartialResult(t *testing.T) {
	const dir = "testdata/broken-kustomization"
	const file = dir + "/broken/kustomization.yaml"
	for _, args := range [][]string{
		{"cost", dir},
		{"cost", "diff", dir + "/web.yaml", dir},
		{"plan", dir},
		{"waste", dir},
	} {
		name := strings.Join(args[:len(args)-1], " ")
		for _, format := range []string{"json", "table"} {
			out, errOut, code := run(t, "", append(args, "-o", format)...)
			if code != 0 {
				t.Errorf("%s -o %s: exit %d: %s", name, format, code, errOut)
				continue
			}
			if !strings.Contains(errOut, "warning: partial result: not read: "+file+": kustomize build: ") {
				t.Errorf("%s: stderr does not name the file and reason: %s", name, errOut)
			}
			if format == "json" {
				var v struct {
					Partial bool     `json:"partial"`
					Unread  []string `json:"unread"`
				}
				if err := json.Unmarshal([]byte(out), &v); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !v.Partial || len(v.Unread) != 1 || !strings.HasPrefix(v.Unread[0], file+": ") {
					t.Errorf("%s -o json: partial %v, unread %q", name, v.Partial, v.Unread)
				}
			} else if !strings.Contains(out, "PARTIAL: 1 input(s) could not be read") || !strings.Contains(out, file+": kustomize build: ") {
				t.Errorf("%s -o table: no partial line or unread list:\n%s", name, out)
			}
		}
		_, errOut, code := run(t, "", append(args, "--strict")...)
		if code != 2 || !strings.Contains(errOut, file+": kustomize build: ") {
			t.Errorf("%s --strict: exit %d, %s", name, code, errOut)
		}
	}
	// The rest is priced: the web Deployment's 3 pods.
	notes, _, _, _ := costNotes(t, dir)
	if got, want := pods(t, notes), "3 pods request 0.30 vCPU and 0.38 GiB"; got != want {
		t.Errorf("pods = %q, want %q", got, want)
	}
}

// A manifest without a namespace takes the one of the kustomization that
// builds it, even read on its own; where none does it stays in default,
// named in an assumption (issue 11, item 3).
func TestNamespaceFromKustomization(t *testing.T) {
	const repo = "testdata/repo/"
	out, errOut, code := run(t, "", "cost", repo+"cluster.yaml", repo+"k8s/argocd/install.yaml", repo+"k8s/tools/debug.yaml", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		Items []struct {
			Resource string `json:"resource"`
		} `json:"items"`
		Assumptions []string `json:"assumptions"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	for _, it := range v.Items {
		// The Fargate profile selects namespace default: Argo CD is in argocd.
		if strings.Contains(it.Resource, "argocd-server") {
			t.Errorf("Argo CD priced on the default Fargate profile: %s", it.Resource)
		}
	}
	want := "namespace default for 1 object(s) that set none and that no kustomization places (kubectl apply -n would put them elsewhere): Deployment debug (" + repo + "k8s/tools/debug.yaml:1)"
	found := false
	for _, a := range v.Assumptions {
		found = found || a == want
	}
	if !found {
		t.Errorf("assumptions = %q, want %q", v.Assumptions, want)
	}
}
