// Package kubetest writes nodes and pods into a real API server for tests and
// benchmarks of package kubelive. With no scheduler, controller-manager or
// kubelet, it sets what they would: node status (capacity, allocatable),
// pod spec.nodeName and pod status phase, through the status subresources.
package kubetest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/refit-dev/refit/internal/source/kubelive"
)

// EnvKubeconfig names the variable that points tests at an API server
// (scripts/kube-apiserver.sh env prints it).
const EnvKubeconfig = "REFIT_TEST_KUBECONFIG"

// Client returns a client for $REFIT_TEST_KUBECONFIG and its path, or skips
// the test when it is unset.
func Client(t testing.TB) (kubernetes.Interface, string) {
	t.Helper()
	path := os.Getenv(EnvKubeconfig)
	if path == "" {
		t.Skipf("%s is not set: run ./scripts/kube-apiserver.sh install && ./scripts/kube-apiserver.sh start && eval \"$(./scripts/kube-apiserver.sh env)\"", EnvKubeconfig)
	}
	cs, err := NewClient(path)
	if err != nil {
		t.Fatal(err)
	}
	return cs, path
}

// NewClient returns a client for a kubeconfig, allowed many requests at once.
func NewClient(kubeconfig string) (kubernetes.Interface, error) {
	cfg, _, err := kubelive.RESTConfig(kubeconfig, "")
	if err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = 2000, 4000
	return kubernetes.NewForConfig(cfg)
}

// NodeSpec describes a node to create.
type NodeSpec struct {
	Name        string
	Labels      map[string]string
	CPU, Memory string // allocatable, e.g. "4", "16Gi"; capacity is the same
	// ProviderID is spec.providerID, such as "aws:///us-east-1a/i-0abc".
	ProviderID string
}

// PodSpec describes a pod to create, bound to Node and Running.
type PodSpec struct {
	Namespace, Name, Node string
	Labels                map[string]string
	CPU, Memory           string // requests of its one container
	Owner                 *metav1.OwnerReference
	Phase                 corev1.PodPhase // Running when empty
	Claims                []string
}

// CreateNode creates a node and writes its capacity and allocatable.
func CreateNode(ctx context.Context, cs kubernetes.Interface, n NodeSpec) error {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.Name, Labels: n.Labels}, Spec: corev1.NodeSpec{ProviderID: n.ProviderID}}
	created, err := cs.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create node %s: %w", n.Name, err)
	}
	rl := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse(n.CPU),
		corev1.ResourceMemory: resource.MustParse(n.Memory),
		corev1.ResourcePods:   resource.MustParse("110"),
	}
	created.Status.Capacity, created.Status.Allocatable = rl, rl
	created.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}
	if _, err := cs.CoreV1().Nodes().UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("node %s status: %w", n.Name, err)
	}
	return nil
}

// CreatePod creates a pod on its node and sets its phase.
func CreatePod(ctx context.Context, cs kubernetes.Interface, p PodSpec) error {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: p.Name, Labels: p.Labels},
		Spec: corev1.PodSpec{
			NodeName: p.Node,
			Containers: []corev1.Container{{
				Name:  "main",
				Image: "registry.invalid/app:1",
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
					corev1.ResourceCPU:    resource.MustParse(p.CPU),
					corev1.ResourceMemory: resource.MustParse(p.Memory),
				}},
			}},
		},
	}
	if p.Owner != nil {
		pod.OwnerReferences = []metav1.OwnerReference{*p.Owner}
	}
	for _, c := range p.Claims {
		pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{Name: c, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: c}}})
	}
	created, err := cs.CoreV1().Pods(p.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create pod %s/%s: %w", p.Namespace, p.Name, err)
	}
	created.Status.Phase = p.Phase
	if created.Status.Phase == "" {
		created.Status.Phase = corev1.PodRunning
	}
	if _, err := cs.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("pod %s/%s status: %w", p.Namespace, p.Name, err)
	}
	return nil
}

// ClaimSpec describes a PersistentVolumeClaim to create and, when Volume is
// set, the PersistentVolume it is bound to (an EBS CSI volume).
type ClaimSpec struct {
	Namespace, Name string
	StorageClass    string
	Request         string // the claim's request, e.g. "10Gi"
	// Volume names the PersistentVolume; "" leaves the claim Pending.
	Volume       string
	VolumeClass  string // the volume's storage class ("" = the claim's)
	Capacity     string // the volume's capacity ("" = the request)
	Reclaim      corev1.PersistentVolumeReclaimPolicy
	VolumeHandle string // the EBS volume id
}

// CreateClaim creates the volume (if any) and the claim, and writes both
// statuses as the PV controller would: Bound with the volume's capacity, or
// Pending.
func CreateClaim(ctx context.Context, cs kubernetes.Interface, c ClaimSpec) error {
	req := resource.MustParse(c.Request)
	capacity := req
	if c.Capacity != "" {
		capacity = resource.MustParse(c.Capacity)
	}
	if c.Volume != "" {
		class := c.VolumeClass
		if class == "" {
			class = c.StorageClass
		}
		pv := &corev1.PersistentVolume{
			ObjectMeta: metav1.ObjectMeta{Name: c.Volume},
			Spec: corev1.PersistentVolumeSpec{
				Capacity:                      corev1.ResourceList{corev1.ResourceStorage: capacity},
				AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				PersistentVolumeReclaimPolicy: c.Reclaim,
				StorageClassName:              class,
				ClaimRef:                      &corev1.ObjectReference{Kind: "PersistentVolumeClaim", Namespace: c.Namespace, Name: c.Name},
				PersistentVolumeSource: corev1.PersistentVolumeSource{CSI: &corev1.CSIPersistentVolumeSource{
					Driver: "ebs.csi.aws.com", VolumeHandle: c.VolumeHandle}},
			},
		}
		created, err := cs.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create pv %s: %w", c.Volume, err)
		}
		created.Status.Phase = corev1.VolumeBound
		if _, err := cs.CoreV1().PersistentVolumes().UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("pv %s status: %w", c.Volume, err)
		}
	}
	pvc := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Namespace: c.Namespace, Name: c.Name},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: req}},
			VolumeName:  c.Volume,
		},
	}
	if c.StorageClass != "" {
		pvc.Spec.StorageClassName = &c.StorageClass
	}
	created, err := cs.CoreV1().PersistentVolumeClaims(c.Namespace).Create(ctx, pvc, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create pvc %s/%s: %w", c.Namespace, c.Name, err)
	}
	created.Status.Phase = corev1.ClaimPending
	if c.Volume != "" {
		created.Status.Phase = corev1.ClaimBound
		created.Status.AccessModes = created.Spec.AccessModes
		created.Status.Capacity = corev1.ResourceList{corev1.ResourceStorage: capacity}
	}
	if _, err := cs.CoreV1().PersistentVolumeClaims(c.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("pvc %s/%s status: %w", c.Namespace, c.Name, err)
	}
	return nil
}

// Cleanup deletes, when the test ends, the namespaces (with their pods and
// claims), nodes and PersistentVolumes a test made on a shared server. With
// no controllers to run them, it does their part: pods go at once (grace
// period 0), and the protection finalizers of claims, volumes and
// namespaces are cleared.
func Cleanup(t testing.TB, cs kubernetes.Interface, namespaces, nodes, volumes []string) {
	t.Cleanup(func() {
		ctx := context.Background()
		now := int64(0)
		fail := func(what string, err error) {
			if err != nil && !apierrors.IsNotFound(err) {
				t.Errorf("cleanup: %s: %v", what, err)
			}
		}
		for _, ns := range namespaces {
			fail("pods of "+ns, cs.CoreV1().Pods(ns).DeleteCollection(ctx, metav1.DeleteOptions{GracePeriodSeconds: &now}, metav1.ListOptions{}))
			claims, err := cs.CoreV1().PersistentVolumeClaims(ns).List(ctx, metav1.ListOptions{})
			fail("claims of "+ns, err)
			if claims != nil {
				for _, c := range claims.Items {
					fail("pvc "+c.Name, cs.CoreV1().PersistentVolumeClaims(ns).Delete(ctx, c.Name, metav1.DeleteOptions{}))
					_, err := cs.CoreV1().PersistentVolumeClaims(ns).Patch(ctx, c.Name, types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
					fail("pvc "+c.Name+" finalizers", err)
				}
			}
		}
		for _, v := range volumes {
			fail("pv "+v, cs.CoreV1().PersistentVolumes().Delete(ctx, v, metav1.DeleteOptions{}))
			_, err := cs.CoreV1().PersistentVolumes().Patch(ctx, v, types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
			fail("pv "+v+" finalizers", err)
		}
		for _, n := range nodes {
			fail("node "+n, cs.CoreV1().Nodes().Delete(ctx, n, metav1.DeleteOptions{}))
		}
		for _, ns := range namespaces {
			fail("namespace "+ns, cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{}))
			obj, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
			if err == nil {
				obj.Spec.Finalizers = nil
				_, err = cs.CoreV1().Namespaces().Finalize(ctx, obj, metav1.UpdateOptions{})
			}
			fail("namespace "+ns+" finalizers", err)
		}
	})
}

// CreateNamespace creates a namespace; one that exists is fine.
func CreateNamespace(ctx context.Context, cs kubernetes.Interface, name string) error {
	_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil && !isAlreadyExists(err) {
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	return nil
}

// Parallel runs f(0..n-1) on workers goroutines and returns the first error.
func Parallel(n, workers int, f func(i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan int)
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

func isAlreadyExists(err error) bool { return apierrors.IsAlreadyExists(err) }
