package kubemanifests

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
	fakediscovery "k8s.io/client-go/discovery/fake"
	fakedynamic "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/refit-dev/refit/internal/yamldoc"
)

// secretValue is planted in Secrets; no document may carry it.
const secretValue = "hunter2-do-not-print"

func obj(apiVersion, kind, ns, name, uid string, fields map[string]any) *unstructured.Unstructured {
	meta := map[string]any{"name": name, "uid": uid}
	if ns != "" {
		meta["namespace"] = ns
	}
	o := map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": meta}
	for k, v := range fields {
		if k == "annotations" || k == "labels" {
			meta[k] = v
			continue
		}
		o[k] = v
	}
	return &unstructured.Unstructured{Object: o}
}

// helmPayload encodes a release as Helm stores it in data.release, as the
// API server serves it: base64(base64(gzip(JSON))), or without gzip.
func helmPayload(t testing.TB, manifest string, zip bool) string {
	t.Helper()
	raw, err := json.Marshal(map[string]any{"name": "r", "manifest": manifest, "version": 1})
	if err != nil {
		t.Fatal(err)
	}
	if zip {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(raw)
		zw.Close()
		raw = b.Bytes()
	}
	helm := base64.StdEncoding.EncodeToString(raw)
	return base64.StdEncoding.EncodeToString([]byte(helm))
}

func apiRes(name, kind string, namespaced bool, verbs ...string) metav1.APIResource {
	return metav1.APIResource{Name: name, Kind: kind, Namespaced: namespaced, Verbs: verbs}
}

var listKinds = map[schema.GroupVersionResource]string{
	{Version: "v1", Resource: "secrets"}:                                          "SecretList",
	{Version: "v1", Resource: "endpoints"}:                                        "EndpointsList",
	{Version: "v1", Resource: "events"}:                                           "EventList",
	{Version: "v1", Resource: "configmaps"}:                                       "ConfigMapList",
	{Group: "apps", Version: "v1", Resource: "deployments"}:                       "DeploymentList",
	{Group: "extensions", Version: "v1beta1", Resource: "deployments"}:            "DeploymentList",
	{Group: "autoscaling", Version: "v2", Resource: "horizontalpodautoscalers"}:   "HorizontalPodAutoscalerList",
	{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"}: "ClusterRoleList",
	{Group: "events.k8s.io", Version: "v1", Resource: "events"}:                   "EventList",
}

func fakeCluster(t *testing.T) (*fakediscovery.FakeDiscovery, *fakedynamic.FakeDynamicClient) {
	t.Helper()
	applied := `{"apiVersion":"apps/v1beta1","kind":"Deployment","metadata":{"annotations":{},"name":"web","namespace":"shop"},"spec":{"replicas":1}}`
	appliedSecret := `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"data":{"password":"` + secretValue + `"},"stringData":{"x":"` + secretValue + `"}}`
	objects := []runtime.Object{
		obj("apps/v1", "Deployment", "shop", "web", "u-web", map[string]any{
			"annotations": map[string]any{LastAppliedAnnotation: applied},
			"spec":        map[string]any{"replicas": int64(1)}, "status": map[string]any{"replicas": int64(1)},
		}),
		// The same object through the extensions group, as clusters before
		// 1.16 served it: read once.
		obj("extensions/v1beta1", "Deployment", "shop", "web", "u-web", nil),
		obj("autoscaling/v2", "HorizontalPodAutoscaler", "shop", "web", "u-hpa", map[string]any{
			"spec": map[string]any{"scaleTargetRef": map[string]any{"apiVersion": "extensions/v1beta1", "kind": "Deployment", "name": "web"}},
		}),
		obj("v1", "Endpoints", "shop", "web", "u-ep", nil),
		obj("v1", "Endpoints", "shop", "manual", "u-ep2", map[string]any{
			"annotations": map[string]any{LastAppliedAnnotation: `{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"manual"}}`},
		}),
		obj("v1", "Event", "shop", "e", "u-ev", nil),
		obj("events.k8s.io/v1", "Event", "shop", "e2", "u-ev2", nil),
		obj("v1", "Secret", "shop", "db", "u-db", map[string]any{
			"annotations": map[string]any{LastAppliedAnnotation: appliedSecret},
			"type":        "Opaque", "data": map[string]any{"password": secretValue},
		}),
		obj("v1", "Secret", "shop", "bad-annotation", "u-bad", map[string]any{
			"annotations": map[string]any{LastAppliedAnnotation: `{"apiVersion":`},
			"data":        map[string]any{"k": secretValue},
		}),
		// Two revisions of release "pay": only the latest is checked.
		obj("v1", "Secret", "shop", "sh.helm.release.v1.pay.v1", "u-h1", map[string]any{
			"type": helmReleaseType, "labels": map[string]any{"owner": "helm", "name": "pay", "version": "1", "status": "superseded"},
			"data": map[string]any{"release": helmPayload(t, "---\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: old\n", true)},
		}),
		obj("v1", "Secret", "shop", "sh.helm.release.v1.pay.v2", "u-h2", map[string]any{
			"type": helmReleaseType, "labels": map[string]any{"owner": "helm", "name": "pay", "version": "2", "status": "deployed"},
			"data": map[string]any{"release": helmPayload(t, "---\n# Source: pay/templates/pdb.yaml\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: new\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  k: "+secretValue+"\n", true)},
		}),
		// An uninstalled release kept with --keep-history: not checked.
		obj("v1", "Secret", "shop", "sh.helm.release.v1.gone.v3", "u-h3", map[string]any{
			"type": helmReleaseType, "labels": map[string]any{"owner": "helm", "name": "gone", "version": "3", "status": "uninstalled"},
			"data": map[string]any{"release": helmPayload(t, "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: gone\n", false)},
		}),
		// A release Secret without labels, named as Helm names them.
		obj("v1", "Secret", "ops", "sh.helm.release.v1.mon.v7", "u-h4", map[string]any{
			"type": helmReleaseType,
			"data": map[string]any{"release": helmPayload(t, "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: backup\n", false)},
		}),
		obj("v1", "ConfigMap", "shop", "c1", "u-c1", nil),
		obj("v1", "ConfigMap", "shop", "c2", "u-c2", nil),
		obj("v1", "ConfigMap", "shop", "c3", "u-c3", nil),
	}
	dyn := fakedynamic.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds, objects...)
	disc := &fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{}, FakedServerVersion: &version.Info{Major: "1", Minor: "29+", GitVersion: "v1.29.3-eks-adc7111"}}
	disc.Resources = []*metav1.APIResourceList{
		{GroupVersion: "v1", APIResources: []metav1.APIResource{
			apiRes("secrets", "Secret", true, "list", "get"), apiRes("endpoints", "Endpoints", true, "list"),
			apiRes("events", "Event", true, "list"), apiRes("configmaps", "ConfigMap", true, "list"),
			apiRes("pods/log", "Pod", true, "get"), apiRes("bindings", "Binding", true, "create"),
		}},
		{GroupVersion: "apps/v1", APIResources: []metav1.APIResource{apiRes("deployments", "Deployment", true, "list")}},
		{GroupVersion: "extensions/v1beta1", APIResources: []metav1.APIResource{apiRes("deployments", "Deployment", true, "list")}},
		{GroupVersion: "autoscaling/v2", APIResources: []metav1.APIResource{apiRes("horizontalpodautoscalers", "HorizontalPodAutoscaler", true, "list")}},
		{GroupVersion: "rbac.authorization.k8s.io/v1", APIResources: []metav1.APIResource{apiRes("clusterroles", "ClusterRole", false, "list")}},
		{GroupVersion: "events.k8s.io/v1", APIResources: []metav1.APIResource{apiRes("events", "Event", true, "list")}},
	}
	dyn.PrependReactor("list", "clusterroles", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "clusterroles"}, "", fmt.Errorf("user cannot list"))
	})
	return disc, dyn
}

func TestLoadWithFake(t *testing.T) {
	disc, dyn := fakeCluster(t)
	var batches []Batch
	started := ""
	start := func(c *Cluster) error {
		if len(batches) > 0 || len(c.Served) == 0 {
			t.Errorf("Start called after a batch or before discovery")
		}
		started = c.Version
		return nil
	}
	c, err := LoadWith(context.Background(), disc, dyn, Options{Context: "prod", PageSize: 2, Workers: 3, Start: start}, func(b Batch) error {
		batches = append(batches, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Object{}
	pages := map[string]int{}
	for _, b := range batches {
		pages[b.Resource]++
		for _, o := range b.Objects {
			key := o.File + " " + o.APIVersion + " " + o.Kind
			if o.File[:5] == "helm:" {
				key += " " + yamldoc.Scalar(o.Node, "metadata", "name")
			}
			got[key] = o
			assertNoSecret(t, o.File, o.Node)
		}
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{
		"helm:ops/mon batch/v1beta1 CronJob backup",
		"helm:shop/pay policy/v1beta1 PodDisruptionBudget new",
		"helm:shop/pay v1 Secret s",
		"kube:prod/configmaps/shop/c1 v1 ConfigMap",
		"kube:prod/configmaps/shop/c2 v1 ConfigMap",
		"kube:prod/configmaps/shop/c3 v1 ConfigMap",
		"kube:prod/deployments.apps/shop/web apps/v1beta1 Deployment",
		"kube:prod/endpoints/shop/manual v1 Endpoints",
		"kube:prod/horizontalpodautoscalers.autoscaling/shop/web autoscaling/v2 HorizontalPodAutoscaler",
		"kube:prod/secrets/shop/bad-annotation v1 Secret",
		"kube:prod/secrets/shop/db v1 Secret",
		"kube:prod/secrets/shop/sh.helm.release.v1.gone.v3 v1 Secret",
		"kube:prod/secrets/ops/sh.helm.release.v1.mon.v7 v1 Secret",
		"kube:prod/secrets/shop/sh.helm.release.v1.pay.v1 v1 Secret",
		"kube:prod/secrets/shop/sh.helm.release.v1.pay.v2 v1 Secret",
	}
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Errorf("documents:\n%s\nwant:\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
	// The fake dynamic client does not paginate; live_test.go reads a real
	// API server page by page.
	if pages["configmaps"] != 1 || pages["helm"] != 2 {
		t.Errorf("batches %v", pages)
	}
	web := got["kube:prod/deployments.apps/shop/web apps/v1beta1 Deployment"]
	if !web.LastApplied || web.Line != 0 || yamldoc.Scalar(web.Node, "metadata", "namespace") != "shop" {
		t.Errorf("web: %+v", web)
	}
	hpa := got["kube:prod/horizontalpodautoscalers.autoscaling/shop/web autoscaling/v2 HorizontalPodAutoscaler"]
	if hpa.LastApplied || yamldoc.Scalar(hpa.Node, "spec", "scaleTargetRef", "apiVersion") != "extensions/v1beta1" {
		t.Errorf("hpa: %+v", hpa)
	}
	db := got["kube:prod/secrets/shop/db v1 Secret"]
	if !db.LastApplied || yamldoc.Scalar(db.Node, "metadata", "namespace") != "shop" {
		t.Errorf("db: %+v", db)
	}
	pdb := got["helm:shop/pay policy/v1beta1 PodDisruptionBudget new"]
	if pdb.Line != 3 {
		t.Errorf("helm PDB line %d, want 3 (as in helm get manifest)", pdb.Line)
	}
	if c.Version != "v1.29.3-eks-adc7111" || started != c.Version || c.Context != "prod" || c.Releases != 2 {
		t.Errorf("cluster %+v", c)
	}
	if !slices.Equal(c.Served["apps/v1"], []string{"Deployment"}) || !slices.Equal(c.Served["v1"], []string{"Binding", "ConfigMap", "Endpoints", "Event", "Secret"}) {
		t.Errorf("served %v", c.Served)
	}
	wantWarn := []string{
		"cannot list clusterroles.rbac.authorization.k8s.io (clusterroles.rbac.authorization.k8s.io is forbidden: user cannot list): skipped",
		"kube:prod/secrets/shop/bad-annotation: annotation kubectl.kubernetes.io/last-applied-configuration: not a JSON object: unexpected EOF; the served object is checked instead",
	}
	if !slices.Equal(c.Warnings, wantWarn) {
		t.Errorf("warnings:\n%q\nwant\n%q", c.Warnings, wantWarn)
	}
}

// assertNoSecret fails when a node of the document holds the planted
// secret value or the last-applied annotation.
func assertNoSecret(t *testing.T, file string, n *yaml.Node) {
	t.Helper()
	if n == nil {
		return
	}
	if strings.Contains(n.Value, secretValue) || n.Value == LastAppliedAnnotation {
		t.Errorf("%s: document keeps %q", file, n.Value)
	}
	for _, c := range n.Content {
		assertNoSecret(t, file, c)
	}
}

func TestLoadWithErrors(t *testing.T) {
	tests := []struct {
		name    string
		react   func(d *fakediscovery.FakeDiscovery, dyn *fakedynamic.FakeDynamicClient)
		fnErr   error
		start   func(*Cluster) error
		wantErr string
	}{
		{"unauthorized list", func(_ *fakediscovery.FakeDiscovery, dyn *fakedynamic.FakeDynamicClient) {
			dyn.PrependReactor("list", "deployments", func(clienttesting.Action) (bool, runtime.Object, error) {
				return true, nil, apierrors.NewUnauthorized("token expired")
			})
		}, nil, nil, "kube: context prod: the API server rejected the credentials (401 Unauthorized)"},
		{"discovery fails", func(d *fakediscovery.FakeDiscovery, _ *fakedynamic.FakeDynamicClient) {
			d.PrependReactor("get", "group", func(clienttesting.Action) (bool, runtime.Object, error) {
				return true, nil, fmt.Errorf("connection refused\nsecond line")
			})
		}, nil, nil, "kube: context prod: listing API groups: connection refused"},
		{"callback fails", nil, fmt.Errorf("stop"), nil, "stop"},
		{"start fails", nil, nil, func(*Cluster) error { return fmt.Errorf("no start") }, "no start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			disc, dyn := fakeCluster(t)
			if tt.react != nil {
				tt.react(disc, dyn)
			}
			_, err := LoadWith(context.Background(), disc, dyn, Options{Context: "prod", PageSize: 2, Start: tt.start}, func(Batch) error { return tt.fnErr })
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("err %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestDecodeRelease(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name, data, want, err string
	}{
		{"gzip", helmPayload(t, "kind: X\n", true), "kind: X\n", ""},
		{"plain JSON", helmPayload(t, "kind: Y\n", false), "kind: Y\n", ""},
		{"empty", "", "", "no data.release"},
		{"outer not base64", "!!", "", "data.release: illegal base64 data at input byte 0"},
		{"inner not base64", b64("!!"), "", "release: not base64: illegal base64 data at input byte 0"},
		{"not JSON", b64(b64("nope")), "", "release: not JSON: invalid character 'o' in literal null (expecting 'u')"},
		{"no manifest", b64(b64(`{"name":"r"}`)), "", "release: no manifest"},
		{"bad gzip", b64(b64("\x1f\x8b\x08junk")), "", "release: gzip: unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeRelease(tt.data)
			if (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
				t.Fatalf("err %v, want %q", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("manifest %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseApplied(t *testing.T) {
	tests := []struct {
		name, in, err string
	}{
		{"ok", `{"apiVersion":"v1","kind":"ConfigMap","data":{"n":1.5,"i":3}}`, ""},
		{"no kind", `{"apiVersion":"v1"}`, "no apiVersion or kind"},
		{"array", `[1]`, "not a JSON object: json: cannot unmarshal array into Go value of type map[string]interface {}"},
		{"two values", `{"apiVersion":"v1","kind":"A"} {}`, "more than one JSON value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseApplied(tt.in)
			if (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
				t.Fatalf("err %v, want %q", err, tt.err)
			}
			if err == nil {
				d := document("kube:x/configmaps/n", o)
				if d.Kind != "ConfigMap" || yamldoc.Scalar(d.Node, "data", "n") != "1.5" || yamldoc.Lookup(d.Node, "data", "i").Tag != "!!int" {
					t.Errorf("document %+v", d)
				}
			}
		})
	}
}

func FuzzDecodeRelease(f *testing.F) {
	f.Add(helmPayload(f, "apiVersion: v1\nkind: ConfigMap\n", true))
	f.Fuzz(func(t *testing.T, data string) {
		m, err := DecodeRelease(data)
		if err != nil {
			return
		}
		ReleaseDocuments("helm:ns/r", m) // must not panic
	})
}

func FuzzParseApplied(f *testing.F) {
	f.Add(`{"apiVersion":"apps/v1beta1","kind":"Deployment","metadata":{"name":"x"}}`)
	f.Fuzz(func(t *testing.T, text string) {
		o, err := parseApplied(text)
		if err != nil {
			return
		}
		d := document("kube:c/r/n", o)
		if d.Node == nil || d.Node.Kind != yaml.MappingNode {
			t.Fatalf("document root %v", d.Node)
		}
	})
}
