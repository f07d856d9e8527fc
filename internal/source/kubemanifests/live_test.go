package kubemanifests_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"

	"github.com/refit-dev/refit/internal/source/kubelive"
	"github.com/refit-dev/refit/internal/source/kubemanifests"
	"github.com/refit-dev/refit/internal/source/kubemanifests/kubemanifeststest"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// TestLoadLive lists a real API server two objects a page: the Deployment
// comes back as its last-applied apps/v1beta1 form, the HPA as served, the
// Helm release as its latest manifest.
func TestLoadLive(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cs, kubeconfig, ns := kubemanifeststest.Setup(t, ctx, "kubemanifests")
	for i := range 3 {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("c%d", i), Namespace: ns}, Data: map[string]string{"k": "v"}}
		if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	cfg, name, err := kubelive.RESTConfig(kubeconfig, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg.AcceptContentTypes, cfg.ContentType = "application/json", "application/json"
	disc, err := kubemanifests.NewDiscovery(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]kubemanifests.Object{}
	cmPages := 0
	c, err := kubemanifests.LoadWith(ctx, disc, dyn, kubemanifests.Options{Context: name, PageSize: 2}, func(b kubemanifests.Batch) error {
		inNS := false
		for _, o := range b.Objects {
			if strings.Contains(o.File, "/"+ns+"/") || strings.HasPrefix(o.File, "helm:"+ns+"/") {
				got[o.File+" "+o.APIVersion+" "+o.Kind+" "+yamldoc.Scalar(o.Node, "metadata", "name")] = o
				inNS = true
			}
		}
		if b.Resource == "configmaps" && inNS {
			cmPages++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.Version, "v1.") || len(c.Served["apps/v1"]) == 0 {
		t.Errorf("cluster %+v", c)
	}
	if cmPages < 2 {
		t.Errorf("the 3 ConfigMaps came in %d page(s), want at least 2 with page size 2", cmPages)
	}
	for _, key := range []string{
		"kube:refit-test/deployments.apps/" + ns + "/web apps/v1beta1 Deployment web",
		"kube:refit-test/horizontalpodautoscalers.autoscaling/" + ns + "/web autoscaling/v2 HorizontalPodAutoscaler web",
		"helm:" + ns + "/pay policy/v1beta1 PodDisruptionBudget pay-pdb",
	} {
		if _, ok := got[key]; !ok {
			t.Errorf("missing %s", key)
		}
	}
	if o := got["kube:refit-test/deployments.apps/"+ns+"/web apps/v1beta1 Deployment web"]; !o.LastApplied {
		t.Errorf("deployment not from its last-applied configuration: %+v", o)
	}
	for k := range got {
		if strings.Contains(k, "pay-pdb-old") {
			t.Errorf("an old Helm revision was checked: %s", k)
		}
	}
}
