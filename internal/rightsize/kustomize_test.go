package rightsize

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/source/manifest"
)

// TestFixKustomizeOverlays runs --fix on a base with three overlays: prod
// sizes the container with a strategic-merge patch (the patch is edited,
// the base is not, for prod), staging takes the base as it is (the base is
// edited), canary sets the resources with a JSON 6902 patch (left as it
// is, with a note naming the patch's line). The overlays are then built
// with kustomize's API to check what each one really runs.
func TestFixKustomizeOverlays(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kustomize")
	if err := os.CopyFS(dir, os.DirFS("testdata/kustomize")); err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifests([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range m.Containers {
		rel, _ := filepath.Rel(dir, c.File)
		got = append(got, c.Namespace+"/"+c.Kind+"/"+c.Name+"/"+c.Container+" "+rel+":"+strconv.Itoa(c.Line)+" "+FormatCPU(c.Requests.CPUMilli)+" "+FormatMemory(c.Requests.MemoryBytes))
	}
	want := []string{
		"staging/Deployment/web/app base/deployment.yaml:15 0 0",
		"prod/Deployment/web/app overlays/prod/resources.yaml:10 2 4Gi",
		"canary/Deployment/web/app overlays/canary/resources.json6902.yaml:2 500m 1Gi",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("containers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	day := 24 * time.Hour
	usage := map[Key]*Usage{}
	for ns, cpu := range map[string]int64{"prod": 730, "staging": 120, "canary": 300} {
		k := Key{Namespace: ns, Kind: "Deployment", Name: "web", Container: "app"}
		usage[k] = usageOf(ns, "Deployment", "web", "app", []int64{cpu / 2, cpu}, float64(cpu<<20), 3*day)
	}
	res := Recommendations(usage, 5*time.Minute, 7*day, m, Policy{CPUPercentile: 95, MemoryMargin: 0.15})
	if len(res.Assumptions) != 0 {
		t.Errorf("assumptions: %q", res.Assumptions)
	}
	canary := 0
	for _, w := range res.Workloads {
		if w.Namespace != "canary" {
			continue
		}
		canary++
		if !strings.Contains(w.Reason, "set by a JSON 6902 patch") {
			t.Errorf("canary: reason %q, want the JSON 6902 patch named", w.Reason)
		}
	}
	if canary != 1 {
		t.Errorf("%d canary workloads, want 1", canary)
	}
	fr, err := res.Fix(m, FixOptions{Mode: InPlace})
	if err != nil {
		t.Fatal(err)
	}
	if fr.ChangedFiles != 2 || fr.Containers != 2 {
		t.Errorf("changed %d files, %d containers; want 2, 2", fr.ChangedFiles, fr.Containers)
	}
	wantNote := filepath.Join(dir, "overlays/canary/resources.json6902.yaml") + ":2: a JSON 6902 patch sets the resources of canary/Deployment web, container app: not edited; set requests cpu: 300m, memory: 352Mi there"
	if len(fr.Notes) != 1 || fr.Notes[0] != wantNote {
		t.Errorf("notes %q, want %q", fr.Notes, wantNote)
	}

	// What each overlay runs once built.
	for overlay, want := range map[string][3]string{
		"prod":    {"730m", "840Mi", "4Gi"}, // the patch's limit is kept
		"staging": {"120m", "144Mi", ""},
		"canary":  {"500m", "1Gi", ""}, // left as the JSON 6902 patch sets it
	} {
		docs, err := manifest.BuildKustomize(filepath.Join(dir, "overlays", overlay))
		if err != nil {
			t.Fatal(err)
		}
		var cs []Container
		for _, d := range docs {
			c, err := ContainersOf(d)
			if err != nil {
				t.Fatal(err)
			}
			cs = append(cs, c...)
		}
		if len(cs) != 1 {
			t.Fatalf("%s: %d containers built", overlay, len(cs))
		}
		c := cs[0]
		lim := ""
		if c.Limits.MemoryBytes > 0 {
			lim = FormatMemory(c.Limits.MemoryBytes)
		}
		if g := [3]string{FormatCPU(c.Requests.CPUMilli), FormatMemory(c.Requests.MemoryBytes), lim}; g != want {
			t.Errorf("%s built: requests cpu %s memory %s, memory limit %q; want %v", overlay, g[0], g[1], g[2], want)
		}
	}
	// Comments and order kept in the files edited.
	for file, want := range map[string]string{
		"overlays/prod/resources.yaml": `# prod's sizes, set by hand a year ago
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          resources:
            requests:
              cpu: 730m # generous
              memory: 840Mi
            limits:
              memory: 4Gi # hard cap
`,
		"base/deployment.yaml": `# the shop's web front
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2 # two for availability
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app # the app itself
          image: web:1
          resources:
            requests:
              cpu: 120m
              memory: 144Mi
`,
	} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != want {
			t.Errorf("%s:\n%s\nwant:\n%s", file, b, want)
		}
	}
	for _, file := range []string{"overlays/canary/resources.json6902.yaml", "overlays/prod/kustomization.yaml"} {
		a, _ := os.ReadFile(filepath.Join(dir, file))
		b, _ := os.ReadFile(filepath.Join("testdata/kustomize", file))
		if string(a) != string(b) {
			t.Errorf("%s changed:\n%s", file, a)
		}
	}
}

// TestFixKustomizePatchNoNamespace: an overlay that gives no namespace and
// sizes the container with patchesStrategicMerge; usage in any namespace
// matches, and the patch (not the base) is written.
func TestFixKustomizePatchNoNamespace(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"base/kustomization.yaml":         "resources: [deployment.yaml]\n",
		"base/deployment.yaml":            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: web:1\n",
		"overlays/dev/kustomization.yaml": "resources:\n  - ../../base\npatchesStrategicMerge:\n  - patch.yaml\n",
		"overlays/dev/patch.yaml":         "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          resources: # dev's\n            requests: {cpu: 1}\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := ReadManifests([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Containers) != 1 || m.Containers[0].File != filepath.Join(dir, "overlays/dev/patch.yaml") || m.Containers[0].Requests.CPUMilli != 1000 {
		t.Fatalf("containers %+v, want the patch's only", m.Containers)
	}
	k := Key{Namespace: "default", Kind: "Deployment", Name: "web", Container: "app"}
	usage := map[Key]*Usage{k: usageOf("default", "Deployment", "web", "app", []int64{40}, 100<<20, 3*24*time.Hour)}
	res := Recommendations(usage, 5*time.Minute, 7*24*time.Hour, m, Policy{})
	fr, err := res.Fix(m, FixOptions{Mode: InPlace})
	if err != nil {
		t.Fatal(err)
	}
	if fr.ChangedFiles != 1 || len(fr.Notes) != 0 {
		t.Errorf("changed %d files, notes %q; want 1 file, no note", fr.ChangedFiles, fr.Notes)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "base/deployment.yaml")); string(b) != files["base/deployment.yaml"] {
		t.Errorf("base written:\n%s", b)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "overlays/dev/patch.yaml"))
	if !strings.Contains(string(b), "resources: # dev's\n            requests:\n              cpu: 40m\n              memory: 104Mi\n") {
		t.Errorf("patch:\n%s", b)
	}
	docs, err := manifest.BuildKustomize(filepath.Join(dir, "overlays/dev"))
	if err != nil {
		t.Fatal(err)
	}
	cs, err := ContainersOf(docs[0])
	if err != nil || len(cs) != 1 || cs[0].Requests.CPUMilli != 40 || cs[0].Requests.MemoryBytes != 104<<20 {
		t.Errorf("built: %+v %v, want requests 40m 104Mi", cs, err)
	}
}

// memFS is a kustomizeFS over a map of absolute paths.
type memFS map[string]string

func (m memFS) abs(name string) string {
	a, _ := filepath.Abs(name)
	return a
}

func (m memFS) ReadFile(name string) ([]byte, error) {
	if s, ok := m[m.abs(name)]; ok {
		return []byte(s), nil
	}
	return nil, os.ErrNotExist
}

func (m memFS) Stat(name string) (os.FileInfo, error) {
	a := m.abs(name)
	if _, ok := m[a]; ok {
		return fakeInfo{dir: false}, nil
	}
	for k := range m {
		if strings.HasPrefix(k, a+"/") {
			return fakeInfo{dir: true}, nil
		}
	}
	return nil, os.ErrNotExist
}

func (m memFS) Kustomization(dir string) string {
	p := filepath.Join(m.abs(dir), "kustomization.yaml")
	if _, ok := m[p]; ok {
		return p
	}
	return ""
}

type fakeInfo struct{ dir bool }

func (f fakeInfo) Name() string       { return "f" }
func (f fakeInfo) Size() int64        { return 0 }
func (f fakeInfo) Mode() os.FileMode  { return map[bool]os.FileMode{true: os.ModeDir, false: 0}[f.dir] }
func (f fakeInfo) ModTime() time.Time { return time.Time{} }
func (f fakeInfo) IsDir() bool        { return f.dir }
func (f fakeInfo) Sys() any           { return nil }

const smp = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: %s\n          %s\n"

func TestKustomizePatchSites(t *testing.T) {
	objs := map[string]builtObject{"Deployment/web": {namespace: "prod", containers: []string{"app", "proxy"}}}
	for _, tt := range []struct {
		name  string
		files map[string]string // under /k; the overlay is /k/o
		want  []string
	}{
		{"strategic-merge file", map[string]string{
			"o/kustomization.yaml": "patchesStrategicMerge:\n  - p.yaml\n",
			"o/p.yaml":             fmt.Sprintf(smp, "app", "resources: {requests: {cpu: 1}}"),
		}, []string{"app /k/o/p.yaml:9 edit a strategic-merge patch"}},
		{"a patch without resources sets nothing", map[string]string{
			"o/kustomization.yaml": "patches:\n  - path: p.yaml\n",
			"o/p.yaml":             fmt.Sprintf(smp, "app", "image: web:2"),
		}, nil},
		{"inline strategic merge", map[string]string{
			"o/kustomization.yaml": "patches:\n  - patch: |-\n" + indent(fmt.Sprintf(smp, "proxy", "resources: {}"), "      "),
		}, []string{"proxy /k/o/kustomization.yaml:2 an inline patch"}},
		{"inline JSON 6902 on the list", map[string]string{
			"o/kustomization.yaml": "patchesJson6902:\n  - target: {kind: Deployment, name: web}\n    patch: |-\n      - op: replace\n        path: /spec/template/spec/containers\n        value: []\n",
		}, []string{"app /k/o/kustomization.yaml:2 an inline JSON 6902 patch", "proxy /k/o/kustomization.yaml:2 an inline JSON 6902 patch"}},
		{"JSON 6902 file by index; an image is not resources", map[string]string{
			"o/kustomization.yaml": "patches:\n  - path: j.yaml\n    target: {kind: Deployment, name: web}\n",
			"o/j.yaml":             "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: web:2\n- op: add\n  path: /spec/template/spec/containers/1/resources/requests\n  value: {cpu: 1}\n",
		}, []string{"proxy /k/o/j.yaml:4 a JSON 6902 patch"}},
		{"the overlay's patch wins over its base's", map[string]string{
			"b/kustomization.yaml": "patches:\n  - path: p.yaml\n",
			"b/p.yaml":             fmt.Sprintf(smp, "app", "resources: {requests: {cpu: 1}}"),
			"o/kustomization.yaml": "resources:\n  - ../b\npatches:\n  - path: p.yaml\n",
			"o/p.yaml":             fmt.Sprintf(smp, "app", "resources: {requests: {cpu: 2}}"),
		}, []string{"app /k/o/p.yaml:9 edit a strategic-merge patch"}},
		{"a target naming another object", map[string]string{
			"o/kustomization.yaml": "patches:\n  - path: p.yaml\n    target: {name: web}\n",
			"o/p.yaml":             strings.Replace(fmt.Sprintf(smp, "app", "resources: {}"), "name: web", "name: any", 1),
		}, []string{"app /k/o/p.yaml:9 a strategic-merge patch whose target names another object"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := memFS{}
			for name, body := range tt.files {
				fsys["/k/"+name] = body
			}
			sites, files := map[string]patchSite{}, map[string]map[string][]string{}
			patchSites(fsys, "/k/o", objs, sites, files)
			var got []string
			for id, s := range sites {
				what := s.What
				if s.Editable {
					what = "edit " + what
				}
				got = append(got, strings.TrimPrefix(id, "prod/Deployment/web/")+" "+s.String()+" "+what)
			}
			sort.Strings(got)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("sites:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func indent(s, by string) string {
	return by + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n"+by) + "\n"
}

func FuzzKustomizePatches(f *testing.F) {
	f.Add([]byte("patches:\n  - path: p.yaml\n    target: {kind: Deployment, name: web}\n"), []byte(fmt.Sprintf(smp, "app", "resources: {}")))
	f.Add([]byte("patchesJson6902:\n  - path: p.yaml\n    target: {kind: Deployment, name: web}\n"), []byte("- op: add\n  path: /spec/template/spec/containers/-\n  value: {}\n"))
	f.Add([]byte("patchesStrategicMerge:\n  - |-\n    kind: Deployment\n    metadata: {name: web}\n"), []byte("[]"))
	f.Fuzz(func(t *testing.T, kustomization, patch []byte) {
		fsys := memFS{"/k/o/kustomization.yaml": string(kustomization), "/k/o/p.yaml": string(patch)}
		objs := map[string]builtObject{"Deployment/web": {namespace: "prod", containers: []string{"app"}}}
		patchSites(fsys, "/k/o", objs, map[string]patchSite{}, map[string]map[string][]string{})
	})
}
