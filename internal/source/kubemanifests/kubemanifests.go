// Package kubemanifests reads the manifests of a running Kubernetes cluster:
// it lists every object (its own discovery client and client-go's dynamic
// client) and returns each as a yamldoc.Document, so that `refit migrate
// check --kubeconfig` checks live objects with the same rules as manifest
// files.
// (Package kubelive reads the same cluster into an estate, for pricing.)
//
// The API server converts objects to the version a client asks for, so the
// object it serves never shows the deprecated apiVersion a team applied.
// What kubectl apply last sent is kept in the annotation
// kubectl.kubernetes.io/last-applied-configuration: when an object has it,
// that is the document checked (it is what manifests and CI still send).
// Otherwise the served object is checked, for the API versions named inside
// it (HPA scale targets, webhooks, CRD conversion, owner references). The
// latest revision of each Helm 3 release is decoded and its manifest, which
// Helm re-applies on upgrade and rollback, is checked too.
//
// Origins are "kube:<context>/<resource>/<namespace>/<name>" (without the
// namespace for cluster-scoped objects) and "helm:<namespace>/<release>".
// Events are not listed; Secrets lose data and stringData before anything
// else reads them.
package kubemanifests

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/refit-dev/refit/internal/netlimit"
	"github.com/refit-dev/refit/internal/source/kubelive"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// Defaults for Options.
const (
	// DefaultTimeout bounds a whole Load: every resource of a cluster is
	// listed, which takes longer than kubelive's few lists.
	DefaultTimeout = 5 * time.Minute
	// DefaultPageSize is the Limit of each list call, as in kubelive (the
	// default of kubectl get --chunk-size).
	DefaultPageSize = kubelive.DefaultPageSize
	// DefaultWorkers is the number of resources listed at once.
	DefaultWorkers = 4
)

// LastAppliedAnnotation holds the object kubectl apply last sent
// (https://kubernetes.io/docs/reference/labels-annotations-taints/#kubectl-kubernetes-io-last-applied-configuration).
const LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// Options tune LoadWith.
type Options struct {
	// Context names the kubeconfig context, used in origins and errors.
	Context string
	// Server is the API server URL, used in error messages.
	Server string
	// Timeout bounds the whole load (DefaultTimeout when zero, none when
	// negative: ctx's deadline then bounds it).
	Timeout time.Duration
	// PageSize is the Limit of each list call (DefaultPageSize when zero).
	PageSize int64
	// Workers is the number of resources listed at once (DefaultWorkers
	// when zero).
	Workers int
	// Start, when set, is called once the server's version and served
	// APIs are known (Cluster.Version, Cluster.Served), before the first
	// batch: a caller can choose how to check objects from them. An error
	// stops the load.
	Start func(*Cluster) error
}

// Object is one live object (or one document of a Helm release manifest)
// as a document.
type Object struct {
	yamldoc.Document
	// LastApplied says the document is the object's last-applied
	// configuration (what kubectl apply last sent), not the served object.
	LastApplied bool
}

// Batch is one page of objects of one resource, or the manifest of one
// Helm release.
type Batch struct {
	// Resource is "deployments.apps" ("pods" for the core group), or
	// "helm" for a release manifest.
	Resource string
	Objects  []Object
}

// Cluster says what LoadWith read.
type Cluster struct {
	Context string
	// Version is the API server's git version ("v1.34.1"), "" when
	// unknown.
	Version string
	// Served maps every group/version the API server serves to its kinds,
	// sorted.
	Served map[string][]string
	// Resources counts the resources listed, Objects the documents passed
	// on, Releases the Helm releases whose manifest was checked.
	Resources, Objects, Releases int
	// Warnings lists what could not be read (a resource the credentials may
	// not list, an API service that is down); the rest was read.
	Warnings []string
}

// Load lists the cluster that kubeconfig's context points to and calls fn
// for each batch, as LoadWith does (opt.Context and opt.Server are set from
// the kubeconfig). An empty kubeconfig uses $KUBECONFIG or ~/.kube/config;
// an empty context uses the current context. Errors are one line naming the
// context.
func Load(ctx context.Context, kubeconfig, contextName string, opt Options, fn func(Batch) error) (*Cluster, error) {
	cfg, name, err := kubelive.RESTConfig(kubeconfig, contextName)
	if err != nil {
		return nil, err
	}
	// The dynamic client reads JSON: unstructured objects have no protobuf
	// form.
	cfg = rest.CopyConfig(cfg)
	cfg.AcceptContentTypes, cfg.ContentType = "application/json", "application/json"
	// Listing everything draws the server's deprecation warnings (v1
	// Endpoints, v1 ComponentStatus): they are about the list calls, not
	// about the objects.
	cfg.WarningHandler = rest.NoWarnings{}
	disc, err := NewDiscovery(cfg)
	if err != nil {
		return nil, fmt.Errorf("kube: context %s: %v", name, err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kube: context %s: %v", name, err)
	}
	opt.Context, opt.Server = name, cfg.Host
	return LoadWith(ctx, disc, dyn, opt, fn)
}

// withContext runs call, a discovery call that takes no context, until ctx
// ends: it then returns ctx's error, and call goes on in the background
// until the per-request timeout (netlimit) ends it.
func withContext[T any](ctx context.Context, call func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := call()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, context.Cause(ctx)
	}
}

// resource is one listable resource at the version it is read.
type resource struct {
	gvr  schema.GroupVersionResource
	kind string
	// name is "deployments.apps", or "pods" for the core group.
	name string
}

// LoadWith lists every listable resource through existing clients and calls
// fn (never concurrently) for each page of documents, then for each Helm
// release. A resource that cannot be listed (forbidden, its API service
// down) is a warning and the rest goes on; an API server that cannot be
// reached, rejects the credentials or does not answer in time is an error.
// An error from fn stops the load and is returned.
func LoadWith(ctx context.Context, disc Discovery, dyn dynamic.Interface, opt Options, fn func(Batch) error) (*Cluster, error) {
	if opt.Timeout == 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.PageSize <= 0 {
		opt.PageSize = DefaultPageSize
	}
	if opt.Workers <= 0 {
		opt.Workers = DefaultWorkers
	}
	if opt.Context == "" {
		opt.Context = "default"
	}
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}
	l := &loader{opt: opt, dyn: dyn, fn: fn, seen: map[string]bool{}, releases: map[string]*release{},
		out: &Cluster{Context: opt.Context, Served: map[string][]string{}}}

	if v, err := withContext(ctx, disc.ServerVersion); err == nil {
		l.out.Version = v.GitVersion
	} else if !apierrors.IsNotFound(err) && !apierrors.IsForbidden(err) {
		return nil, l.describe(ctx, "the server version", err)
	}
	resources, err := l.discover(ctx, disc)
	if err != nil {
		return nil, err
	}
	if opt.Start != nil {
		if err := opt.Start(l.out); err != nil {
			return nil, err
		}
	}
	// The extensions group served copies of apps, networking and policy
	// objects (Deployments, Ingresses) until 1.22: it is listed after
	// every other group is done, so that each object is read once, through
	// its current group.
	var current, legacy []resource
	for _, r := range resources {
		if r.gvr.Group == "extensions" {
			legacy = append(legacy, r)
		} else {
			current = append(current, r)
		}
	}
	for _, rs := range [][]resource{current, legacy} {
		if err := l.listAll(ctx, rs); err != nil {
			return nil, err
		}
	}
	if err := l.helm(); err != nil {
		return nil, err
	}
	sort.Strings(l.out.Warnings)
	return l.out, nil
}

type loader struct {
	opt Options
	dyn dynamic.Interface
	fn  func(Batch) error
	out *Cluster

	mu       sync.Mutex // guards what follows and serializes fn
	seen     map[string]bool
	releases map[string]*release // "namespace/name" → latest revision
}

// discover reads the served group/versions and picks, for each resource,
// the first version of its group that serves it, the group's preferred
// version first (as kubectl does). Groups whose discovery failed are
// warnings.
func (l *loader) discover(ctx context.Context, disc Discovery) ([]resource, error) {
	type found struct {
		groups []*metav1.APIGroup
		lists  []*metav1.APIResourceList
	}
	f, err := withContext(ctx, func() (found, error) {
		groups, lists, err := disc.ServerGroupsAndResources()
		return found{groups, lists}, err
	})
	groups, lists := f.groups, f.lists
	if err != nil {
		var gdf *GroupsFailedError
		if !errors.As(err, &gdf) || (len(groups) == 0 && len(lists) == 0) {
			return nil, l.describe(ctx, "API groups", err)
		}
		for gv, e := range gdf.Groups {
			l.warn("cannot discover %s (%s): skipped", gv, kubelive.Reason(e))
		}
	}
	byGV := map[string]*metav1.APIResourceList{}
	for _, rl := range lists {
		if rl == nil {
			continue
		}
		byGV[rl.GroupVersion] = rl
		var kinds []string
		for _, r := range rl.APIResources {
			if !strings.Contains(r.Name, "/") && r.Kind != "" {
				kinds = append(kinds, r.Kind)
			}
		}
		sort.Strings(kinds)
		l.out.Served[rl.GroupVersion] = kinds
	}
	var out []resource
	for _, g := range groups {
		if g == nil {
			continue
		}
		versions := []string{g.PreferredVersion.GroupVersion}
		for _, v := range g.Versions {
			if v.GroupVersion != g.PreferredVersion.GroupVersion {
				versions = append(versions, v.GroupVersion)
			}
		}
		taken := map[string]bool{}
		for _, gvs := range versions {
			rl := byGV[gvs]
			if rl == nil {
				continue
			}
			gv, err := schema.ParseGroupVersion(gvs)
			if err != nil {
				continue
			}
			for _, r := range rl.APIResources {
				if strings.Contains(r.Name, "/") || taken[r.Name] || !slices.Contains(r.Verbs, "list") || skipped(gv.Group, r.Name) {
					continue
				}
				taken[r.Name] = true
				name := r.Name
				if gv.Group != "" {
					name += "." + gv.Group
				}
				out = append(out, resource{gvr: gv.WithResource(r.Name), kind: r.Kind, name: name})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// skipped names resources that are not listed: Events (many, short-lived,
// and never applied from manifests) and ComponentStatuses (computed health
// reports).
func skipped(group, name string) bool {
	switch {
	case name == "events":
		return group == "" || group == "events.k8s.io"
	case name == "componentstatuses":
		return group == ""
	}
	return false
}

// listAll lists the resources on opt.Workers goroutines.
func (l *loader) listAll(ctx context.Context, resources []resource) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan resource)
	var wg sync.WaitGroup
	for range l.opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range next {
				if err := l.list(ctx, r); err != nil {
					cancel(err)
				}
			}
		}()
	}
feed:
	for _, r := range resources {
		select {
		case next <- r:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	var de *netlimit.DeadlineError
	switch err := context.Cause(ctx); {
	case err == nil:
		return nil
	case errors.As(err, &de):
		return fmt.Errorf("kube: context %s: %s did not answer within %s (--timeout)", l.opt.Context, l.server(), de.After)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("kube: context %s: %s did not answer within %s", l.opt.Context, l.server(), l.opt.Timeout)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("kube: context %s: canceled", l.opt.Context)
	default:
		return err
	}
}

// list pages through one resource. Errors that concern only this resource
// become warnings.
func (l *loader) list(ctx context.Context, r resource) error {
	opts := metav1.ListOptions{Limit: l.opt.PageSize}
	for {
		page, err := l.dyn.Resource(r.gvr).List(ctx, opts)
		if err != nil {
			if partial(err) {
				what := r.name
				if r.name == "secrets" {
					what += "; Helm releases not checked"
				}
				l.warn("cannot list %s (%s): skipped", what, kubelive.Reason(err))
				return nil
			}
			return l.describe(ctx, r.name, err)
		}
		if err := l.page(r, page); err != nil {
			return err
		}
		if page.GetContinue() == "" {
			l.mu.Lock()
			l.out.Resources++
			l.mu.Unlock()
			return nil
		}
		opts.Continue = page.GetContinue()
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// partial reports an error that concerns one resource: the credentials may
// not list it, or its API (often an aggregated one) is not there.
func partial(err error) bool {
	return apierrors.IsForbidden(err) || apierrors.IsNotFound(err) || apierrors.IsMethodNotSupported(err) ||
		apierrors.IsServiceUnavailable(err) || apierrors.IsBadRequest(err) || apierrors.IsInternalError(err) ||
		apierrors.IsGone(err)
}

// page turns one page into a batch and hands it to fn.
func (l *loader) page(r resource, page *unstructured.UnstructuredList) error {
	b := Batch{Resource: r.name}
	for i := range page.Items {
		item := page.Items[i].Object
		if item == nil {
			continue
		}
		obj, ok, warn := l.object(r, item)
		if warn != "" {
			l.warn("%s", warn)
		}
		if ok {
			b.Objects = append(b.Objects, obj)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.out.Objects += len(b.Objects)
	if len(b.Objects) == 0 {
		return nil
	}
	return l.fn(b)
}

// object turns one listed object into a document: its last-applied
// configuration when it has one, else the served object without status
// and managedFields. ok is false for an object already read through another
// group, and for Endpoints that nobody applied (the control plane writes
// one per Service).
func (l *loader) object(r resource, obj map[string]any) (o Object, ok bool, warn string) {
	meta, _ := obj["metadata"].(map[string]any)
	ns, _ := meta["namespace"].(string)
	name, _ := meta["name"].(string)
	if uid, _ := meta["uid"].(string); uid != "" {
		l.mu.Lock()
		dup := l.seen[uid]
		l.seen[uid] = true
		l.mu.Unlock()
		if dup {
			return o, false, ""
		}
	}
	if _, has := obj["apiVersion"]; !has {
		obj["apiVersion"] = r.gvr.GroupVersion().String()
	}
	if _, has := obj["kind"]; !has {
		obj["kind"] = r.kind
	}
	secret := r.gvr.Group == "" && r.gvr.Resource == "secrets"
	if secret {
		if t, _ := obj["type"].(string); t == helmReleaseType {
			l.noteRelease(ns, name, meta, obj)
		}
		redact(obj)
	}
	origin := l.origin(r.name, ns, name)

	var applied map[string]any
	if ann, _ := meta["annotations"].(map[string]any); ann != nil {
		if text, _ := ann[LastAppliedAnnotation].(string); text != "" {
			var err error
			if applied, err = parseApplied(text); err != nil {
				warn = fmt.Sprintf("%s: annotation %s: %v; the served object is checked instead", origin, LastAppliedAnnotation, err)
				applied = nil
			}
		}
		// It repeats the object (a Secret's data included): never kept.
		delete(ann, LastAppliedAnnotation)
	}
	if applied != nil {
		if secret {
			redact(applied)
		}
		am, _ := applied["metadata"].(map[string]any)
		if am == nil {
			am = map[string]any{}
			applied["metadata"] = am
		}
		// kubectl apply leaves namespace out when the manifest does.
		if _, has := am["namespace"]; !has && ns != "" {
			am["namespace"] = ns
		}
		if _, has := am["name"]; !has {
			am["name"] = name
		}
		return Object{Document: document(origin, applied), LastApplied: true}, true, warn
	}
	if r.gvr.Group == "" && r.gvr.Resource == "endpoints" {
		return o, false, warn
	}
	delete(obj, "status")
	delete(meta, "managedFields")
	return Object{Document: document(origin, obj)}, true, warn
}

// origin renders "kube:<context>/<resource>/<namespace>/<name>".
func (l *loader) origin(res, ns, name string) string {
	if ns == "" {
		return fmt.Sprintf("kube:%s/%s/%s", l.opt.Context, res, name)
	}
	return fmt.Sprintf("kube:%s/%s/%s/%s", l.opt.Context, res, ns, name)
}

// redact drops a Secret's values.
func redact(obj map[string]any) {
	delete(obj, "data")
	delete(obj, "stringData")
}

func (l *loader) warn(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.out.Warnings = append(l.out.Warnings, fmt.Sprintf(format, args...))
}

func (l *loader) server() string {
	if l.opt.Server == "" {
		return "the API server"
	}
	return l.opt.Server
}

// describe turns a client error into one line naming the context and what
// was being read, as kubelive does.
func (l *loader) describe(ctx context.Context, what string, err error) error {
	return kubelive.DescribeError(ctx, l.opt.Context, l.opt.Server, l.opt.Timeout, what, err)
}
