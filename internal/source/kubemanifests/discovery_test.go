package kubemanifests

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
)

// TestDiscoveryPartial: a group/version whose resource list fails (an
// aggregated API server down) is a *GroupsFailedError naming it, with the
// groups and the other lists; the core group comes first, from /api.
func TestDiscoveryPartial(t *testing.T) {
	var mu sync.Mutex
	calls := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls[r.URL.Path]++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/version":
			_, _ = w.Write([]byte(`{"major":"1","minor":"31","gitVersion":"v1.31.2"}`))
		case "/api":
			_, _ = w.Write([]byte(`{"kind":"APIVersions","versions":["v1"]}`))
		case "/apis":
			_, _ = w.Write([]byte(`{"kind":"APIGroupList","apiVersion":"v1","groups":[
{"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}},
{"name":"metrics.k8s.io","versions":[{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}],"preferredVersion":{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}}]}`))
		case "/api/v1":
			_, _ = w.Write([]byte(`{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","namespaced":true,"kind":"Pod","verbs":["list"]}]}`))
		case "/apis/apps/v1":
			_, _ = w.Write([]byte(`{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":[{"name":"deployments","namespaced":true,"kind":"Deployment","verbs":["list"]}]}`))
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"service unavailable","reason":"ServiceUnavailable","code":503}`))
		}
	}))
	defer srv.Close()
	d, err := NewDiscovery(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.ServerVersion()
	if err != nil || v.GitVersion != "v1.31.2" {
		t.Fatalf("version %v, %v", v, err)
	}
	groups, lists, err := d.ServerGroupsAndResources()
	var gf *GroupsFailedError
	if !errors.As(err, &gf) {
		t.Fatalf("err %v, want a *GroupsFailedError", err)
	}
	failed := schema.GroupVersion{Group: "metrics.k8s.io", Version: "v1beta1"}
	if len(gf.Groups) != 1 || gf.Groups[failed] == nil {
		t.Errorf("failed groups %v", gf.Groups)
	}
	var names, gvs []string
	for _, g := range groups {
		names = append(names, g.Name+"@"+g.PreferredVersion.GroupVersion)
	}
	for _, l := range lists {
		gvs = append(gvs, l.GroupVersion+":"+l.APIResources[0].Kind)
	}
	if want := []string{"@v1", "apps@apps/v1", "metrics.k8s.io@metrics.k8s.io/v1beta1"}; !reflect.DeepEqual(names, want) {
		t.Errorf("groups %v, want %v", names, want)
	}
	if want := []string{"v1:Pod", "apps/v1:Deployment"}; !reflect.DeepEqual(gvs, want) {
		t.Errorf("lists %v, want %v", gvs, want)
	}
	if calls["/apis/metrics.k8s.io/v1beta1"] != 2 {
		t.Errorf("failed group/version read %d times, want 2 (one retry)", calls["/apis/metrics.k8s.io/v1beta1"])
	}
}
