// Package clientset adapts a client-go clientset to kubelive.Client, for tests
// (a fake clientset) and tools; refit itself does not link the clientset.
package clientset

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Lister adapts a client-go clientset (a fake one in tests) to
// kubelive.Client, which refit itself implements without the clientset.
func Lister(cs kubernetes.Interface) ClientsetLister { return ClientsetLister{cs} }

// ClientsetLister is a kubelive.Client over a clientset.
type ClientsetLister struct{ CS kubernetes.Interface }

func (l ClientsetLister) ListNodes(ctx context.Context, o metav1.ListOptions) (*corev1.NodeList, error) {
	return l.CS.CoreV1().Nodes().List(ctx, o)
}

func (l ClientsetLister) ListPods(ctx context.Context, o metav1.ListOptions) (*corev1.PodList, error) {
	return l.CS.CoreV1().Pods("").List(ctx, o)
}

func (l ClientsetLister) ListReplicaSets(ctx context.Context, o metav1.ListOptions) (*appsv1.ReplicaSetList, error) {
	return l.CS.AppsV1().ReplicaSets("").List(ctx, o)
}

func (l ClientsetLister) ListJobs(ctx context.Context, o metav1.ListOptions) (*batchv1.JobList, error) {
	return l.CS.BatchV1().Jobs("").List(ctx, o)
}

func (l ClientsetLister) ListPersistentVolumeClaims(ctx context.Context, o metav1.ListOptions) (*corev1.PersistentVolumeClaimList, error) {
	return l.CS.CoreV1().PersistentVolumeClaims("").List(ctx, o)
}

func (l ClientsetLister) ListPersistentVolumes(ctx context.Context, o metav1.ListOptions) (*corev1.PersistentVolumeList, error) {
	return l.CS.CoreV1().PersistentVolumes().List(ctx, o)
}

func (l ClientsetLister) ListStorageClasses(ctx context.Context, o metav1.ListOptions) (*storagev1.StorageClassList, error) {
	return l.CS.StorageV1().StorageClasses().List(ctx, o)
}

func (l ClientsetLister) ListServices(ctx context.Context, o metav1.ListOptions) (*corev1.ServiceList, error) {
	return l.CS.CoreV1().Services("").List(ctx, o)
}

func (l ClientsetLister) ListIngresses(ctx context.Context, o metav1.ListOptions) (*networkingv1.IngressList, error) {
	return l.CS.NetworkingV1().Ingresses("").List(ctx, o)
}

func (l ClientsetLister) ListIngressClasses(ctx context.Context, o metav1.ListOptions) (*networkingv1.IngressClassList, error) {
	return l.CS.NetworkingV1().IngressClasses().List(ctx, o)
}
