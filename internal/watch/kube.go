package watch

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"github.com/refit-dev/refit/internal/source/kubelive"
)

// kubeNodes is a client-go informer on the cluster's Nodes, over a core/v1
// REST client (not client-go's clientset and informer factory, which
// register every built-in API group at start-up: issue 16).
type kubeNodes struct {
	kubeconfig, context string
}

// Capacity-type labels: EKS managed node groups, Karpenter.
var capacityLabels = []string{"eks.amazonaws.com/capacityType", "karpenter.sh/capacity-type", "node.kubernetes.io/capacity-type"}

// interruptionTaints mark a node that is being taken away (the AWS Node
// Termination Handler's and Karpenter's).
var interruptionTaints = []string{"aws-node-termination-handler/spot-itn", "aws-node-termination-handler/rebalance-recommendation", "karpenter.sh/disrupted", "karpenter.sh/disruption"}

func nodeEvent(n *corev1.Node, change string) NodeEvent {
	e := NodeEvent{Change: change, Name: n.Name, InstanceType: n.Labels["node.kubernetes.io/instance-type"], Region: n.Labels["topology.kubernetes.io/region"]}
	if e.InstanceType == "" {
		e.InstanceType = n.Labels["beta.kubernetes.io/instance-type"]
	}
	for _, l := range capacityLabels {
		if v := n.Labels[l]; v != "" {
			switch v {
			case "SPOT", "spot":
				e.CapacityType = "spot"
			case "ON_DEMAND", "on-demand":
				e.CapacityType = "on-demand"
			default:
				e.CapacityType = v
			}
			break
		}
	}
	if n.Labels["eks.amazonaws.com/compute-type"] == "fargate" {
		e.CapacityType = "fargate"
	}
	return e
}

func interrupted(n *corev1.Node) bool {
	for _, t := range n.Spec.Taints {
		for _, it := range interruptionTaints {
			if t.Key == it {
				return true
			}
		}
	}
	return false
}

// Run starts the informer and reports changes until ctx ends.
func (k *kubeNodes) Run(ctx context.Context, handle func(NodeEvent, bool)) error {
	cfg, _, err := kubelive.RESTConfig(k.kubeconfig, k.context)
	if err != nil {
		return err
	}
	// No client timeout: it would cut the informer's watch; the
	// reflector bounds its own requests, and the sync below is bounded.
	rc, err := kubelive.NewRESTClient(cfg)
	if err != nil {
		return err
	}
	inf := nodeInformer(rc.CoreV1())
	reg, aerr := inf.AddEventHandler(cache.ResourceEventHandlerDetailedFuncs{
		AddFunc: func(obj any, initial bool) {
			if n, ok := obj.(*corev1.Node); ok {
				handle(nodeEvent(n, "joined"), initial)
			}
		},
		UpdateFunc: func(oldObj, newObj any) {
			o, ok1 := oldObj.(*corev1.Node)
			n, ok2 := newObj.(*corev1.Node)
			if ok1 && ok2 && !interrupted(o) && interrupted(n) {
				handle(nodeEvent(n, "interrupted"), false)
			}
		},
		DeleteFunc: func(obj any) {
			if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = t.Obj
			}
			if n, ok := obj.(*corev1.Node); ok {
				handle(nodeEvent(n, "left"), false)
			}
		},
	})
	if aerr != nil {
		return aerr
	}
	go inf.Run(ctx.Done())
	sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if !cache.WaitForCacheSync(sctx.Done(), reg.HasSynced) {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("nodes: the API server did not answer in 60s")
	}
	<-ctx.Done()
	return nil
}

// nodeInformer is what client-go's informer factory makes for
// Core().V1().Nodes(), over a REST client: resync every 10 minutes, the
// namespace index.
func nodeInformer(core rest.Interface) cache.SharedIndexInformer {
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			list := &corev1.NodeList{}
			err := core.Get().Resource("nodes").VersionedParams(&o, metav1.ParameterCodec).Do(ctx).Into(list)
			return list, err
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			var timeout time.Duration
			if o.TimeoutSeconds != nil {
				timeout = time.Duration(*o.TimeoutSeconds) * time.Second
			}
			o.Watch = true
			return core.Get().Resource("nodes").VersionedParams(&o, metav1.ParameterCodec).Timeout(timeout).Watch(ctx)
		},
	}
	return cache.NewSharedIndexInformer(lw, &corev1.Node{}, 10*time.Minute, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
}
