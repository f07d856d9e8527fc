// Package kubemanifeststest plants objects with deprecated API versions in a
// real API server, for the tests of package kubemanifests and of
// `refit migrate check --kubeconfig`.
package kubemanifeststest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/refit-dev/refit/internal/source/kubelive/kubetest"
)

// Setup connects to the test API server (skipping the test without one),
// makes a fresh namespace named after prefix, plants the objects in it and
// deletes them when the test ends. It returns the client, the kubeconfig's
// path and the namespace.
func Setup(t *testing.T, ctx context.Context, prefix string) (kubernetes.Interface, string, string) {
	t.Helper()
	cs, kubeconfig := kubetest.Client(t) // skips without REFIT_TEST_KUBECONFIG
	ns := fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()%1e9)
	if err := kubetest.CreateNamespace(ctx, cs, ns); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := Delete(context.Background(), cs, ns); err != nil {
			t.Error(err)
		}
	})
	if err := Plant(ctx, cs, ns); err != nil {
		t.Fatal(err)
	}
	return cs, kubeconfig, ns
}

// Planted names the objects Plant creates in its namespace.
const (
	// Deployment is applied as apps/v1beta1 (its last-applied annotation);
	// the server stores apps/v1.
	Deployment = "web"
	// HPA is autoscaling/v2, its scaleTargetRef names extensions/v1beta1.
	HPA = "web"
	// Release is a Helm release whose latest revision (2) has a
	// policy/v1beta1 PodDisruptionBudget named PDB; revision 1 had one
	// named OldPDB.
	Release = "pay"
	PDB     = "pay-pdb"
	OldPDB  = "pay-pdb-old"
)

// Plant creates the objects in namespace ns, which must exist.
func Plant(ctx context.Context, cs kubernetes.Interface, ns string) error {
	one := int32(1)
	labels := map[string]string{"app": "web"}
	applied := fmt.Sprintf(`{"apiVersion":"apps/v1beta1","kind":"Deployment","metadata":{"annotations":{},"name":%q,"namespace":%q},"spec":{"replicas":1,"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"registry.invalid/web:1","name":"web"}]}}}}`+"\n", Deployment, ns)
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: Deployment, Namespace: ns, Annotations: map[string]string{
			"kubectl.kubernetes.io/last-applied-configuration": applied,
		}},
		Spec: appsv1.DeploymentSpec{
			Replicas: &one,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "registry.invalid/web:1"}}},
			},
		},
	}
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create deployment: %w", err)
	}
	hpa := &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: HPA, Namespace: ns},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "extensions/v1beta1", Kind: "Deployment", Name: Deployment},
			MinReplicas:    &one,
			MaxReplicas:    3,
		},
	}
	if _, err := cs.AutoscalingV2().HorizontalPodAutoscalers(ns).Create(ctx, hpa, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create hpa: %w", err)
	}
	for rev, name := range map[int]string{1: OldPDB, 2: PDB} {
		manifest := fmt.Sprintf("---\n# Source: pay/templates/pdb.yaml\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: %s\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: pay\n", name)
		status := "superseded"
		if rev == 2 {
			status = "deployed"
		}
		if err := createRelease(ctx, cs, ns, Release, rev, status, manifest); err != nil {
			return err
		}
	}
	return nil
}

// createRelease writes a Helm 3 release Secret as Helm does: the release
// JSON, gzipped and base64-encoded, in data.release.
func createRelease(ctx context.Context, cs kubernetes.Interface, ns, name string, rev int, status, manifest string) error {
	rel, err := json.Marshal(map[string]any{
		"name": name, "namespace": ns, "version": rev, "manifest": manifest,
		"info": map[string]any{"status": status},
	})
	if err != nil {
		return err
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	if _, err := zw.Write(rel); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Name: fmt.Sprintf("sh.helm.release.v1.%s.v%d", name, rev), Namespace: ns,
			Labels: map[string]string{"owner": "helm", "name": name, "version": fmt.Sprint(rev), "status": status},
		},
		Type: "helm.sh/release.v1",
		Data: map[string][]byte{"release": []byte(base64.StdEncoding.EncodeToString(z.Bytes()))},
	}
	if _, err := cs.CoreV1().Secrets(ns).Create(ctx, s, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create release secret: %w", err)
	}
	return nil
}

// Delete removes what a test created in namespace ns, then the namespace.
// The test server runs no namespace controller, so the objects are deleted
// one collection at a time and the namespace is finalized by hand.
func Delete(ctx context.Context, cs kubernetes.Interface, ns string) error {
	all := metav1.ListOptions{}
	del := metav1.DeleteOptions{}
	for what, err := range map[string]error{
		"deployments":              cs.AppsV1().Deployments(ns).DeleteCollection(ctx, del, all),
		"horizontalpodautoscalers": cs.AutoscalingV2().HorizontalPodAutoscalers(ns).DeleteCollection(ctx, del, all),
		"secrets":                  cs.CoreV1().Secrets(ns).DeleteCollection(ctx, del, all),
		"configmaps":               cs.CoreV1().ConfigMaps(ns).DeleteCollection(ctx, del, all),
	} {
		if err != nil {
			return fmt.Errorf("delete %s in %s: %w", what, ns, err)
		}
	}
	if err := cs.CoreV1().Namespaces().Delete(ctx, ns, del); err != nil {
		return fmt.Errorf("delete namespace %s: %w", ns, err)
	}
	n, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	if err != nil {
		return nil // already gone
	}
	n.Spec.Finalizers = nil
	if _, err := cs.CoreV1().Namespaces().Finalize(ctx, n, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("finalize namespace %s: %w", ns, err)
	}
	return nil
}
