// Package kubelive is the live-cluster source of the estate: it reads a
// running Kubernetes cluster through its API server (k8s.io/client-go) into
// a Snapshot: nodes with their instance type, zone, capacity type and
// allocatable resources; pods with their effective requests, node and owning
// workload; claims, LoadBalancer Services and Ingresses. (Package
// kubemanifests reads the same cluster's objects as manifests, for migrate.)
//
// A Snapshot becomes an estate.Estate (Snapshot.Estate) for the cost engine
// and for per-namespace cost allocation (package internal/allocation, which
// reads the estate's Nodes and Pods). Every item carries an origin
// "kube:<context>/<kind>/<namespace>/<name>".
package kubelive

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/refit-dev/refit/internal/awslb"
	"github.com/refit-dev/refit/internal/netlimit"
)

// Defaults for Options.
const (
	// DefaultTimeout bounds a whole Load.
	DefaultTimeout = 60 * time.Second
	// DefaultPageSize is the Limit of each list call; the API server's own
	// default page for kubectl is 500 (kubectl get --chunk-size).
	DefaultPageSize = 500
)

// Options tune LoadWith.
type Options struct {
	// Context names the kubeconfig context, used in origins.
	Context string
	// Server is the API server URL, used in error messages.
	Server string
	// Timeout bounds the whole load (DefaultTimeout when zero, none when
	// negative: ctx's deadline then bounds it).
	Timeout time.Duration
	// PageSize is the Limit of each list call (DefaultPageSize when zero).
	PageSize int64
}

// Load reads the cluster that kubeconfig's context points to. An empty
// kubeconfig uses $KUBECONFIG or ~/.kube/config; an empty context uses the
// current context. Errors are one line: the kubeconfig's problem, an API
// server that cannot be reached or does not answer in time, or a list call
// the credentials may not make.
func Load(ctx context.Context, kubeconfig, contextName string) (*Snapshot, error) {
	return LoadTimeout(ctx, kubeconfig, contextName, 0)
}

// LoadTimeout is Load with Options.Timeout.
func LoadTimeout(ctx context.Context, kubeconfig, contextName string, timeout time.Duration) (*Snapshot, error) {
	cfg, name, err := RESTConfig(kubeconfig, contextName)
	if err != nil {
		return nil, err
	}
	cs, err := NewRESTClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("kube: context %s: %v", name, err)
	}
	return LoadWith(ctx, cs, Options{Context: name, Server: cfg.Host, Timeout: timeout})
}

// RESTConfig builds a client configuration from a kubeconfig file and
// context, and returns the context's name. It asks for protobuf, which the
// API server encodes and client-go decodes faster than JSON. Each request
// has netlimit's per-request timeout: an API server that sends nothing for
// netlimit.ResponseTimeout fails it with a *netlimit.NoAnswerError.
func RESTConfig(kubeconfig, contextName string) (*rest.Config, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfig != "" {
		if _, err := os.Stat(kubeconfig); err != nil {
			return nil, "", fmt.Errorf("kube: kubeconfig %s: %v", kubeconfig, unwrapPath(err))
		}
		rules.ExplicitPath = kubeconfig
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: contextName})
	raw, err := cc.RawConfig()
	if err != nil {
		return nil, "", fmt.Errorf("kube: kubeconfig: %v", oneLine(err))
	}
	name := contextName
	if name == "" {
		name = raw.CurrentContext
	}
	cfg, err := cc.ClientConfig()
	if err != nil {
		where := "kubeconfig"
		if kubeconfig != "" {
			where = "kubeconfig " + kubeconfig
		}
		if name != "" {
			where += " context " + name
		}
		return nil, "", fmt.Errorf("kube: %s: %v", where, oneLine(err))
	}
	if name == "" {
		name = "default"
	}
	cfg = rest.CopyConfig(cfg)
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	// Lists are few and large: allow them through client-go's rate limiter.
	cfg.QPS, cfg.Burst = 50, 100
	cfg.UserAgent = "refit"
	cfg.Wrap(netlimit.WrapTransport(0))
	return cfg, name, nil
}

// LoadWith reads the cluster through an existing client. Lists run in
// parallel, each paginated by opt.PageSize.
func LoadWith(ctx context.Context, cs Client, opt Options) (*Snapshot, error) {
	if opt.Timeout == 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.PageSize <= 0 {
		opt.PageSize = DefaultPageSize
	}
	if opt.Context == "" {
		opt.Context = "default"
	}
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}

	l := &loader{cs: cs, opt: opt, snap: &Snapshot{Context: opt.Context}, rsOwner: map[string]owner{}, jobOwner: map[string]owner{}}
	steps := []struct {
		what     string
		optional bool // the snapshot is useful without it (RBAC may forbid it)
		run      func(context.Context) error
	}{
		{"nodes", false, l.nodes},
		{"pods", false, l.pods},
		{"replicasets", true, l.replicaSets},
		{"jobs", true, l.jobs},
		{"persistentvolumeclaims", true, l.claims},
		{"persistentvolumes", true, l.volumes},
		{"storageclasses", true, l.storageClasses},
		{"services", true, l.services},
		{"ingresses", true, l.ingresses},
		{"ingressclasses", true, l.ingressClasses},
	}
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, s := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.run(ctx)
		}()
	}
	wg.Wait()
	for i, s := range steps {
		err := errs[i]
		if err == nil {
			continue
		}
		if s.optional && (apierrors.IsForbidden(err) || apierrors.IsNotFound(err)) {
			l.snap.Warnings = append(l.snap.Warnings, fmt.Sprintf("cannot list %s (%s): skipped", s.what, Reason(err)))
			continue
		}
		return nil, l.describe(ctx, s.what, err)
	}
	l.finish()
	return l.snap, nil
}

// describe turns a client error into one line naming the server.
func (l *loader) describe(ctx context.Context, what string, err error) error {
	return DescribeError(ctx, l.opt.Context, l.opt.Server, l.opt.Timeout, what, err)
}

// DescribeError turns a client-go error met while listing what into one
// line naming the context and the server (server "" says "the API
// server"): a timeout, rejected credentials, a forbidden list, an
// unreachable server, or the API server's own message. A timeout names the
// time waited: the request's (a *netlimit.NoAnswerError), the command's
// --timeout (a *netlimit.DeadlineError cause of ctx) or timeout.
func DescribeError(ctx context.Context, contextName, server string, timeout time.Duration, what string, err error) error {
	if server == "" {
		server = "the API server"
	}
	c := contextName
	var netErr net.Error
	var na *netlimit.NoAnswerError
	var de *netlimit.DeadlineError
	switch {
	case errors.As(err, &na):
		if na.Deadline {
			return fmt.Errorf("kube: context %s: %s did not answer within %s (--timeout; listing %s)", c, server, na.After, what)
		}
		return fmt.Errorf("kube: context %s: %s did not answer within %s (listing %s)", c, server, na.After, what)
	case errors.As(context.Cause(ctx), &de):
		return fmt.Errorf("kube: context %s: %s did not answer within %s (--timeout; listing %s)", c, server, de.After, what)
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded:
		return fmt.Errorf("kube: context %s: %s did not answer within %s (listing %s)", c, server, timeout, what)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("kube: context %s: listing %s: canceled", c, what)
	case apierrors.IsUnauthorized(err):
		return fmt.Errorf("kube: context %s: %s rejected the credentials (401 Unauthorized)", c, server)
	case apierrors.IsForbidden(err):
		return fmt.Errorf("kube: context %s: not allowed to list %s: %s", c, what, Reason(err))
	case errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("kube: context %s: %s did not answer within %s (listing %s)", c, server, timeout, what)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return fmt.Errorf("kube: context %s: cannot reach %s: %v", c, server, oneLine(opErr.Err))
	}
	var uErr *url.Error
	if errors.As(err, &uErr) {
		return fmt.Errorf("kube: context %s: cannot reach %s: %v", c, server, oneLine(uErr.Err))
	}
	return fmt.Errorf("kube: context %s: listing %s: %v", c, what, oneLine(err))
}

func Reason(err error) string {
	var st apierrors.APIStatus
	if errors.As(err, &st) && st.Status().Message != "" {
		return oneLine(errors.New(st.Status().Message))
	}
	return oneLine(err)
}

// oneLine keeps the first line of an error message.
func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// list pages through one resource: fetch gets one page for a continue token
// and returns the next token.
func (l *loader) list(ctx context.Context, fetch func(metav1.ListOptions) (string, error)) error {
	opts := metav1.ListOptions{Limit: l.opt.PageSize}
	for {
		next, err := fetch(opts)
		if err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		opts.Continue = next
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

type owner struct{ kind, name string }

// loader fills a Snapshot; each list writes only its own fields, finish
// joins them.
type loader struct {
	cs   Client
	opt  Options
	snap *Snapshot

	rsOwner  map[string]owner // "ns/replicaset" → its Deployment
	jobOwner map[string]owner // "ns/job" → its CronJob
	pvs      map[string]pvInfo
	classes  map[string]string // IngressClass → controller
	rawIngs  []networkingv1.Ingress
	defClass string // controller of the default IngressClass
}

type pvInfo struct {
	sizeGiB  float64
	class    string
	reclaim  string
	volumeID string
}

func (l *loader) nodes(ctx context.Context) error {
	return l.list(ctx, func(o metav1.ListOptions) (string, error) {
		page, err := l.cs.ListNodes(ctx, o)
		if err != nil {
			return "", err
		}
		for i := range page.Items {
			l.snap.Nodes = append(l.snap.Nodes, nodeFrom(&page.Items[i]))
		}
		return page.Continue, nil
	})
}

func (l *loader) pods(ctx context.Context) error {
	return l.list(ctx, func(o metav1.ListOptions) (string, error) {
		page, err := l.cs.ListPods(ctx, o)
		if err != nil {
			return "", err
		}
		for i := range page.Items {
			l.snap.Pods = append(l.snap.Pods, podFrom(&page.Items[i]))
		}
		return page.Continue, nil
	})
}

func (l *loader) replicaSets(ctx context.Context) error {
	return l.list(ctx, func(o metav1.ListOptions) (string, error) {
		page, err := l.cs.ListReplicaSets(ctx, o)
		if err != nil {
			return "", err
		}
		for i := range page.Items {
			rs := &page.Items[i]
			if c := controllerOf(rs.OwnerReferences); c != nil {
				l.rsOwner[rs.Namespace+"/"+rs.Name] = owner{c.Kind, c.Name}
			}
		}
		return page.Continue, nil
	})
}

func (l *loader) jobs(ctx context.Context) error {
	return l.list(ctx, func(o metav1.ListOptions) (string, error) {
		page, err := l.cs.ListJobs(ctx, o)
		if err != nil {
			return "", err
		}
		for i := range page.Items {
			j := &page.Items[i]
			if c := controllerOf(j.OwnerReferences); c != nil {
				l.jobOwner[j.Namespace+"/"+j.Name] = owner{c.Kind, c.Name}
			}
		}
		return page.Continue, nil
	})
}

func (l *loader) claims(ctx context.Context) error {
	return l.list(ctx, func(o metav1.ListOptions) (string, error) {
		page, err := l.cs.ListPersistentVolumeClaims(ctx, o)
		if err != nil {
			return "", err
		}
		for i := range page.Items {
			l.snap.Claims = append(l.snap.Claims, claimFrom(&page.Items[i]))
		}
		return page.Continue, nil
	})
}

func (l *loader) volumes(ctx context.Context) error {
	l.pvs = map[string]pvInfo{}
	return l.list(ctx, func(o metav1.ListOptions) (string, error) {
		page, err := l.cs.ListPersistentVolumes(ctx, o)
		if err != nil {
			return "", err
		}
		for i := range page.Items {
			pv := &page.Items[i]
			q := pv.Spec.Capacity[corev1.ResourceStorage]
			l.pvs[pv.Name] = pvInfo{sizeGiB: gib(q.Value()), class: pv.Spec.StorageClassName,
				reclaim: string(pv.Spec.PersistentVolumeReclaimPolicy), volumeID: ebsVolumeID(&pv.Spec)}
		}
		return page.Continue, nil
	})
}

func (l *loader) storageClasses(ctx context.Context) error {
	return l.list(ctx, func(o metav1.ListOptions) (string, error) {
		page, err := l.cs.ListStorageClasses(ctx, o)
		if err != nil {
			return "", err
		}
		for i := range page.Items {
			l.snap.StorageClasses = append(l.snap.StorageClasses, storageClassFrom(&page.Items[i]))
		}
		return page.Continue, nil
	})
}

func (l *loader) services(ctx context.Context) error {
	return l.list(ctx, func(o metav1.ListOptions) (string, error) {
		page, err := l.cs.ListServices(ctx, o)
		if err != nil {
			return "", err
		}
		for i := range page.Items {
			if s, ok := serviceFrom(&page.Items[i]); ok {
				l.snap.Services = append(l.snap.Services, s)
			}
		}
		return page.Continue, nil
	})
}

func (l *loader) ingresses(ctx context.Context) error {
	return l.list(ctx, func(o metav1.ListOptions) (string, error) {
		page, err := l.cs.ListIngresses(ctx, o)
		if err != nil {
			return "", err
		}
		l.rawIngs = append(l.rawIngs, page.Items...)
		return page.Continue, nil
	})
}

func (l *loader) ingressClasses(ctx context.Context) error {
	l.classes = map[string]string{}
	return l.list(ctx, func(o metav1.ListOptions) (string, error) {
		page, err := l.cs.ListIngressClasses(ctx, o)
		if err != nil {
			return "", err
		}
		for _, ic := range page.Items {
			l.classes[ic.Name] = ic.Spec.Controller
			if ic.Annotations[awslb.AnnDefaultClass] == "true" {
				l.defClass = ic.Spec.Controller
			}
		}
		return page.Continue, nil
	})
}

// finish resolves owners through ReplicaSets and Jobs, claim sizes through
// volumes, claim users through pods, and which Ingresses make ALBs.
func (l *loader) finish() {
	s := l.snap
	for i := range s.Pods {
		p := &s.Pods[i]
		key := p.Namespace + "/" + p.OwnerName
		switch p.OwnerKind {
		case "ReplicaSet":
			if o, ok := l.rsOwner[key]; ok {
				p.OwnerKind, p.OwnerName = o.kind, o.name
			} else if d, ok := deploymentByHash(p); ok {
				p.OwnerKind, p.OwnerName = "Deployment", d
			}
		case "Job":
			if o, ok := l.jobOwner[key]; ok {
				p.OwnerKind, p.OwnerName = o.kind, o.name
			}
		}
	}
	users := map[string][]string{}
	for _, p := range s.Pods {
		if p.Finished() {
			continue
		}
		for _, c := range p.Claims {
			k := p.Namespace + "/" + c
			users[k] = append(users[k], p.Name)
		}
	}
	for i := range s.Claims {
		c := &s.Claims[i]
		if pv, ok := l.pvs[c.Volume]; ok && c.Volume != "" {
			// The volume is what bills: its capacity and class, which may
			// differ from the claim's request and class.
			if pv.sizeGiB > 0 {
				c.SizeGiB = pv.sizeGiB
			}
			if pv.class != "" {
				c.StorageClass = pv.class
			}
			c.ReclaimPolicy, c.VolumeID = pv.reclaim, pv.volumeID
		}
		c.Pods = users[c.Namespace+"/"+c.Name]
	}
	for i := range l.rawIngs {
		ing := &l.rawIngs[i]
		if !l.isALB(ing) {
			continue
		}
		s.Ingresses = append(s.Ingresses, Ingress{
			Namespace: ing.Namespace,
			Name:      ing.Name,
			Group:     ing.Annotations[awslb.AnnALBGroup],
			Internal:  ing.Annotations[awslb.AnnALBScheme] != "internet-facing",
			Labels:    ing.Labels,
			Hostname:  ingressHostname(ing),
		})
	}
	l.rawIngs = nil
}

// ebsVolumeID is the EBS volume behind a PersistentVolume: the EBS CSI
// driver's volumeHandle, or the in-tree plugin's volumeID
// ("aws://us-east-1a/vol-…" or "vol-…"); "" for other volumes.
func ebsVolumeID(spec *corev1.PersistentVolumeSpec) string {
	id := ""
	switch {
	case spec.CSI != nil && ebsProvisioners[spec.CSI.Driver] != "":
		id = spec.CSI.VolumeHandle
	case spec.AWSElasticBlockStore != nil:
		id = spec.AWSElasticBlockStore.VolumeID
	}
	id = id[strings.LastIndexByte(id, '/')+1:]
	if !strings.HasPrefix(id, "vol-") {
		return ""
	}
	return id
}

// deploymentByHash strips the pod-template-hash suffix that the Deployment
// controller appends to its ReplicaSets' names ("<deployment>-<hash>"), used
// when ReplicaSets cannot be listed.
func deploymentByHash(p *Pod) (string, bool) {
	h := p.Labels[appsv1.DefaultDeploymentUniqueLabelKey]
	if h == "" || !strings.HasSuffix(p.OwnerName, "-"+h) {
		return "", false
	}
	return strings.TrimSuffix(p.OwnerName, "-"+h), true
}

func controllerOf(refs []metav1.OwnerReference) *metav1.OwnerReference {
	for i := range refs {
		if refs[i].Controller != nil && *refs[i].Controller {
			return &refs[i]
		}
	}
	if len(refs) > 0 {
		return &refs[0]
	}
	return nil
}
