package kubemanifests

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/client-go/rest"
)

// Discovery reads which API groups, versions and resources the server
// serves. client-go's discovery client (and its fake) has these methods;
// refit uses its own (NewDiscovery), which reads the same endpoints without
// linking client-go's scheme of every built-in API group (issue 16).
type Discovery interface {
	ServerVersion() (*version.Info, error)
	ServerGroupsAndResources() ([]*metav1.APIGroup, []*metav1.APIResourceList, error)
}

// GroupsFailedError says which group/versions' resources could not be read;
// the groups and the other group/versions' resources are returned with it.
// (client-go's discovery.ErrGroupDiscoveryFailed.)
type GroupsFailedError struct {
	Groups map[schema.GroupVersion]error
}

func (e *GroupsFailedError) Error() string {
	var groups []string
	for k, v := range e.Groups {
		groups = append(groups, fmt.Sprintf("%s: %v", k, v))
	}
	sort.Strings(groups)
	return fmt.Sprintf("unable to retrieve the complete list of server APIs: %s", strings.Join(groups, ", "))
}

var discoveryCodecs = sync.OnceValue(func() serializer.CodecFactory {
	s := runtime.NewScheme()
	metav1.AddToGroupVersion(s, schema.GroupVersion{Version: "v1"})
	return serializer.NewCodecFactory(s)
})

// restDiscovery reads /version, /api, /apis and each group/version's
// resource list, as client-go's discovery client does without aggregated
// discovery.
type restDiscovery struct{ rc rest.Interface }

// NewDiscovery makes a Discovery from cfg. Like client-go's discovery
// client, a request with no cfg.Timeout gets 32s.
func NewDiscovery(cfg *rest.Config) (Discovery, error) {
	c := rest.CopyConfig(cfg)
	c.APIPath, c.GroupVersion = "", nil
	if c.Timeout == 0 {
		c.Timeout = 32 * time.Second
	}
	if c.Burst == 0 {
		c.Burst = 300
	}
	c.NegotiatedSerializer = discoveryCodecs().WithoutConversion()
	if c.UserAgent == "" {
		c.UserAgent = rest.DefaultKubernetesUserAgent()
	}
	rc, err := rest.UnversionedRESTClientFor(c)
	if err != nil {
		return nil, err
	}
	return &restDiscovery{rc}, nil
}

func (d *restDiscovery) ServerVersion() (*version.Info, error) {
	body, err := d.rc.Get().AbsPath("/version").Do(context.TODO()).Raw()
	if err != nil {
		return nil, err
	}
	var info version.Info
	if err := json.Unmarshal(body, &info); err != nil {
		return nil, fmt.Errorf("unable to parse the server version: %v", err)
	}
	return &info, nil
}

// serverGroups is the core group (from /api) then /apis's groups; a 404 or
// 403 from either is no groups.
func (d *restDiscovery) serverGroups() (*metav1.APIGroupList, error) {
	v := &metav1.APIVersions{}
	err := d.rc.Get().AbsPath("/api").Do(context.TODO()).Into(v)
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsForbidden(err) {
		return nil, err
	}
	groups := &metav1.APIGroupList{}
	err = d.rc.Get().AbsPath("/apis").Do(context.TODO()).Into(groups)
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsForbidden(err) {
		return nil, err
	}
	if err != nil {
		groups = &metav1.APIGroupList{}
	}
	if len(v.Versions) != 0 {
		core := metav1.APIGroup{}
		for _, ver := range v.Versions {
			core.Versions = append(core.Versions, metav1.GroupVersionForDiscovery{GroupVersion: ver, Version: ver})
		}
		core.PreferredVersion = core.Versions[0]
		groups.Groups = append([]metav1.APIGroup{core}, groups.Groups...)
	}
	return groups, nil
}

func (d *restDiscovery) resources(gv schema.GroupVersion) (*metav1.APIResourceList, error) {
	path := "/apis/" + gv.String()
	if gv.Group == "" {
		path = "/api/" + gv.Version
	}
	rl := &metav1.APIResourceList{GroupVersion: gv.String()}
	if err := d.rc.Get().AbsPath(path).Do(context.TODO()).Into(rl); err != nil {
		if gv.Group == "" && apierrors.IsNotFound(err) {
			return rl, nil
		}
		return nil, err
	}
	return rl, nil
}

// ServerGroupsAndResources reads the groups, then every group/version's
// resources in parallel; a partial failure is retried once (as client-go
// does), then returned as a *GroupsFailedError with what was read.
func (d *restDiscovery) ServerGroupsAndResources() ([]*metav1.APIGroup, []*metav1.APIResourceList, error) {
	groups, lists, err := d.groupsAndResources()
	if _, ok := err.(*GroupsFailedError); ok {
		groups, lists, err = d.groupsAndResources()
	}
	return groups, lists, err
}

func (d *restDiscovery) groupsAndResources() ([]*metav1.APIGroup, []*metav1.APIResourceList, error) {
	sgs, err := d.serverGroups()
	if err != nil {
		return nil, nil, err
	}
	var groups []*metav1.APIGroup
	for i := range sgs.Groups {
		groups = append(groups, &sgs.Groups[i])
	}
	byGV := map[schema.GroupVersion]*metav1.APIResourceList{}
	failed := map[schema.GroupVersion]error{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, g := range sgs.Groups {
		for _, v := range g.Versions {
			gv := schema.GroupVersion{Group: g.Name, Version: v.Version}
			wg.Add(1)
			go func() {
				defer wg.Done()
				rl, err := d.resources(gv)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failed[gv] = err
				}
				if rl != nil {
					byGV[gv] = rl
				}
			}()
		}
	}
	wg.Wait()
	var lists []*metav1.APIResourceList
	for _, g := range sgs.Groups {
		for _, v := range g.Versions {
			if rl, ok := byGV[schema.GroupVersion{Group: g.Name, Version: v.Version}]; ok {
				lists = append(lists, rl)
			}
		}
	}
	if len(failed) > 0 {
		return groups, lists, &GroupsFailedError{Groups: failed}
	}
	return groups, lists, nil
}
