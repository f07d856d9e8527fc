package kubelive

import (
	"context"
	"fmt"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/flowcontrol"
)

// Client lists the resources a Snapshot is made of, one page per call.
// RESTClient is the real one; a client-go clientset (a fake in tests) can
// stand behind it through an adapter (clientset.Lister).
type Client interface {
	ListNodes(context.Context, metav1.ListOptions) (*corev1.NodeList, error)
	ListPods(context.Context, metav1.ListOptions) (*corev1.PodList, error)
	ListReplicaSets(context.Context, metav1.ListOptions) (*appsv1.ReplicaSetList, error)
	ListJobs(context.Context, metav1.ListOptions) (*batchv1.JobList, error)
	ListPersistentVolumeClaims(context.Context, metav1.ListOptions) (*corev1.PersistentVolumeClaimList, error)
	ListPersistentVolumes(context.Context, metav1.ListOptions) (*corev1.PersistentVolumeList, error)
	ListStorageClasses(context.Context, metav1.ListOptions) (*storagev1.StorageClassList, error)
	ListServices(context.Context, metav1.ListOptions) (*corev1.ServiceList, error)
	ListIngresses(context.Context, metav1.ListOptions) (*networkingv1.IngressList, error)
	ListIngressClasses(context.Context, metav1.ListOptions) (*networkingv1.IngressClassList, error)
}

// codecs decode the API groups refit reads, and only those: client-go's
// clientset (k8s.io/client-go/kubernetes) registers every built-in group at
// start-up, which every refit command paid for (issue 16). It is built by
// the first client, not at start-up either.
var codecs = sync.OnceValue(func() serializer.CodecFactory {
	scheme := runtime.NewScheme()
	metav1.AddToGroupVersion(scheme, schema.GroupVersion{Version: "v1"})
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme,
		storagev1.AddToScheme, networkingv1.AddToScheme} {
		utilruntime.Must(add(scheme))
	}
	return serializer.NewCodecFactory(scheme)
})

// RESTClient is a Client over REST clients for the API groups refit reads
// (core, apps, batch, storage.k8s.io, networking.k8s.io), sharing one HTTP
// client and one rate limiter as client-go's clientset does.
type RESTClient struct {
	core, apps, batch, storage, networking rest.Interface
}

// NewRESTClient makes a RESTClient from cfg (RESTConfig's).
func NewRESTClient(cfg *rest.Config) (*RESTClient, error) {
	c := *cfg
	if c.UserAgent == "" {
		c.UserAgent = rest.DefaultKubernetesUserAgent()
	}
	if c.RateLimiter == nil && c.QPS > 0 {
		if c.Burst <= 0 {
			return nil, fmt.Errorf("burst is required to be greater than 0 when RateLimiter is not set and QPS is set to greater than 0")
		}
		c.RateLimiter = flowcontrol.NewTokenBucketRateLimiter(c.QPS, c.Burst)
	}
	hc, err := rest.HTTPClientFor(&c)
	if err != nil {
		return nil, err
	}
	one := func(gv schema.GroupVersion) (rest.Interface, error) {
		g := c
		g.GroupVersion = &gv
		g.APIPath = "/apis"
		if gv.Group == "" {
			g.APIPath = "/api"
		}
		g.NegotiatedSerializer = codecs().WithoutConversion()
		return rest.RESTClientForConfigAndClient(&g, hc)
	}
	var out RESTClient
	for _, x := range []struct {
		to *rest.Interface
		gv schema.GroupVersion
	}{{&out.core, corev1.SchemeGroupVersion}, {&out.apps, appsv1.SchemeGroupVersion}, {&out.batch, batchv1.SchemeGroupVersion},
		{&out.storage, storagev1.SchemeGroupVersion}, {&out.networking, networkingv1.SchemeGroupVersion}} {
		if *x.to, err = one(x.gv); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

// CoreV1 is the REST client of the core group (v1), for watches.
func (c *RESTClient) CoreV1() rest.Interface { return c.core }

func list[T runtime.Object](ctx context.Context, rc rest.Interface, resource string, o metav1.ListOptions, into T) (T, error) {
	err := rc.Get().Resource(resource).VersionedParams(&o, metav1.ParameterCodec).Do(ctx).Into(into)
	return into, err
}

func (c *RESTClient) ListNodes(ctx context.Context, o metav1.ListOptions) (*corev1.NodeList, error) {
	return list(ctx, c.core, "nodes", o, &corev1.NodeList{})
}

func (c *RESTClient) ListPods(ctx context.Context, o metav1.ListOptions) (*corev1.PodList, error) {
	return list(ctx, c.core, "pods", o, &corev1.PodList{})
}

func (c *RESTClient) ListReplicaSets(ctx context.Context, o metav1.ListOptions) (*appsv1.ReplicaSetList, error) {
	return list(ctx, c.apps, "replicasets", o, &appsv1.ReplicaSetList{})
}

func (c *RESTClient) ListJobs(ctx context.Context, o metav1.ListOptions) (*batchv1.JobList, error) {
	return list(ctx, c.batch, "jobs", o, &batchv1.JobList{})
}

func (c *RESTClient) ListPersistentVolumeClaims(ctx context.Context, o metav1.ListOptions) (*corev1.PersistentVolumeClaimList, error) {
	return list(ctx, c.core, "persistentvolumeclaims", o, &corev1.PersistentVolumeClaimList{})
}

func (c *RESTClient) ListPersistentVolumes(ctx context.Context, o metav1.ListOptions) (*corev1.PersistentVolumeList, error) {
	return list(ctx, c.core, "persistentvolumes", o, &corev1.PersistentVolumeList{})
}

func (c *RESTClient) ListStorageClasses(ctx context.Context, o metav1.ListOptions) (*storagev1.StorageClassList, error) {
	return list(ctx, c.storage, "storageclasses", o, &storagev1.StorageClassList{})
}

func (c *RESTClient) ListServices(ctx context.Context, o metav1.ListOptions) (*corev1.ServiceList, error) {
	return list(ctx, c.core, "services", o, &corev1.ServiceList{})
}

func (c *RESTClient) ListIngresses(ctx context.Context, o metav1.ListOptions) (*networkingv1.IngressList, error) {
	return list(ctx, c.networking, "ingresses", o, &networkingv1.IngressList{})
}

func (c *RESTClient) ListIngressClasses(ctx context.Context, o metav1.ListOptions) (*networkingv1.IngressClassList, error) {
	return list(ctx, c.networking, "ingressclasses", o, &networkingv1.IngressClassList{})
}
