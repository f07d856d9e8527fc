package convert

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	admv1 "k8s.io/api/admissionregistration/v1"
	admv1beta1 "k8s.io/api/admissionregistration/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	appsv1beta1 "k8s.io/api/apps/v1beta1"
	appsv1beta2 "k8s.io/api/apps/v1beta2"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	autoscalingv2beta1 "k8s.io/api/autoscaling/v2beta1"
	autoscalingv2beta2 "k8s.io/api/autoscaling/v2beta2"
	batchv1 "k8s.io/api/batch/v1"
	batchv1beta1 "k8s.io/api/batch/v1beta1"
	coordinationv1 "k8s.io/api/coordination/v1"
	coordinationv1beta1 "k8s.io/api/coordination/v1beta1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	discoveryv1beta1 "k8s.io/api/discovery/v1beta1"
	extv1beta1 "k8s.io/api/extensions/v1beta1"
	flowv1 "k8s.io/api/flowcontrol/v1"
	flowv1beta2 "k8s.io/api/flowcontrol/v1beta2"
	flowv1beta3 "k8s.io/api/flowcontrol/v1beta3"
	netv1 "k8s.io/api/networking/v1"
	netv1beta1 "k8s.io/api/networking/v1beta1"
	nodev1 "k8s.io/api/node/v1"
	nodev1beta1 "k8s.io/api/node/v1beta1"
	policyv1 "k8s.io/api/policy/v1"
	policyv1beta1 "k8s.io/api/policy/v1beta1"
	rbacv1 "k8s.io/api/rbac/v1"
	rbacv1alpha1 "k8s.io/api/rbac/v1alpha1"
	rbacv1beta1 "k8s.io/api/rbac/v1beta1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	schedulingv1beta1 "k8s.io/api/scheduling/v1beta1"
	storagev1 "k8s.io/api/storage/v1"
	storagev1beta1 "k8s.io/api/storage/v1beta1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/refit-dev/refit/internal/yamldoc"
)

// The "losing nothing" tests decode every input document and its converted
// output strictly (sigs.k8s.io/yaml.UnmarshalStrict: unknown fields are
// errors) into the k8s.io/api Go types of their versions (k8s.io/api@v0.34.1,
// the version eksctl brings into the module graph; CustomResourceDefinitions
// into the hand-written structs of crdtypes_test.go), build the expected new
// object from the old one with the mapping documented in `mappings`, and
// compare the listed fields one by one and then the whole objects.
//
// PodSecurityPolicy has no Go type left in k8s.io/api@v0.34.1 and is never
// converted: its output must be the input, unchanged.

// newObject returns an empty Go object for apiVersion/kind.
var newObject = map[string]func() any{
	"extensions/v1beta1/Deployment":                                       func() any { return &extv1beta1.Deployment{} },
	"extensions/v1beta1/DaemonSet":                                        func() any { return &extv1beta1.DaemonSet{} },
	"extensions/v1beta1/ReplicaSet":                                       func() any { return &extv1beta1.ReplicaSet{} },
	"extensions/v1beta1/Ingress":                                          func() any { return &extv1beta1.Ingress{} },
	"extensions/v1beta1/NetworkPolicy":                                    func() any { return &extv1beta1.NetworkPolicy{} },
	"apps/v1beta1/Deployment":                                             func() any { return &appsv1beta1.Deployment{} },
	"apps/v1beta1/StatefulSet":                                            func() any { return &appsv1beta1.StatefulSet{} },
	"apps/v1beta2/Deployment":                                             func() any { return &appsv1beta2.Deployment{} },
	"apps/v1beta2/DaemonSet":                                              func() any { return &appsv1beta2.DaemonSet{} },
	"apps/v1beta2/ReplicaSet":                                             func() any { return &appsv1beta2.ReplicaSet{} },
	"apps/v1beta2/StatefulSet":                                            func() any { return &appsv1beta2.StatefulSet{} },
	"apps/v1/Deployment":                                                  func() any { return &appsv1.Deployment{} },
	"apps/v1/DaemonSet":                                                   func() any { return &appsv1.DaemonSet{} },
	"apps/v1/ReplicaSet":                                                  func() any { return &appsv1.ReplicaSet{} },
	"apps/v1/StatefulSet":                                                 func() any { return &appsv1.StatefulSet{} },
	"networking.k8s.io/v1beta1/Ingress":                                   func() any { return &netv1beta1.Ingress{} },
	"networking.k8s.io/v1beta1/IngressClass":                              func() any { return &netv1beta1.IngressClass{} },
	"networking.k8s.io/v1/Ingress":                                        func() any { return &netv1.Ingress{} },
	"networking.k8s.io/v1/IngressClass":                                   func() any { return &netv1.IngressClass{} },
	"networking.k8s.io/v1/NetworkPolicy":                                  func() any { return &netv1.NetworkPolicy{} },
	"batch/v1beta1/CronJob":                                               func() any { return &batchv1beta1.CronJob{} },
	"batch/v1/CronJob":                                                    func() any { return &batchv1.CronJob{} },
	"policy/v1beta1/PodDisruptionBudget":                                  func() any { return &policyv1beta1.PodDisruptionBudget{} },
	"policy/v1/PodDisruptionBudget":                                       func() any { return &policyv1.PodDisruptionBudget{} },
	"autoscaling/v1/HorizontalPodAutoscaler":                              func() any { return &autoscalingv1.HorizontalPodAutoscaler{} },
	"autoscaling/v2beta1/HorizontalPodAutoscaler":                         func() any { return &autoscalingv2beta1.HorizontalPodAutoscaler{} },
	"autoscaling/v2beta2/HorizontalPodAutoscaler":                         func() any { return &autoscalingv2beta2.HorizontalPodAutoscaler{} },
	"autoscaling/v2/HorizontalPodAutoscaler":                              func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"rbac.authorization.k8s.io/v1alpha1/ClusterRoleBinding":               func() any { return &rbacv1alpha1.ClusterRoleBinding{} },
	"rbac.authorization.k8s.io/v1beta1/ClusterRole":                       func() any { return &rbacv1beta1.ClusterRole{} },
	"rbac.authorization.k8s.io/v1beta1/ClusterRoleBinding":                func() any { return &rbacv1beta1.ClusterRoleBinding{} },
	"rbac.authorization.k8s.io/v1beta1/Role":                              func() any { return &rbacv1beta1.Role{} },
	"rbac.authorization.k8s.io/v1beta1/RoleBinding":                       func() any { return &rbacv1beta1.RoleBinding{} },
	"rbac.authorization.k8s.io/v1/ClusterRole":                            func() any { return &rbacv1.ClusterRole{} },
	"rbac.authorization.k8s.io/v1/ClusterRoleBinding":                     func() any { return &rbacv1.ClusterRoleBinding{} },
	"rbac.authorization.k8s.io/v1/Role":                                   func() any { return &rbacv1.Role{} },
	"rbac.authorization.k8s.io/v1/RoleBinding":                            func() any { return &rbacv1.RoleBinding{} },
	"scheduling.k8s.io/v1beta1/PriorityClass":                             func() any { return &schedulingv1beta1.PriorityClass{} },
	"scheduling.k8s.io/v1/PriorityClass":                                  func() any { return &schedulingv1.PriorityClass{} },
	"storage.k8s.io/v1beta1/StorageClass":                                 func() any { return &storagev1beta1.StorageClass{} },
	"storage.k8s.io/v1beta1/CSIDriver":                                    func() any { return &storagev1beta1.CSIDriver{} },
	"storage.k8s.io/v1beta1/CSINode":                                      func() any { return &storagev1beta1.CSINode{} },
	"storage.k8s.io/v1beta1/VolumeAttachment":                             func() any { return &storagev1beta1.VolumeAttachment{} },
	"storage.k8s.io/v1/StorageClass":                                      func() any { return &storagev1.StorageClass{} },
	"storage.k8s.io/v1/CSIDriver":                                         func() any { return &storagev1.CSIDriver{} },
	"storage.k8s.io/v1/CSINode":                                           func() any { return &storagev1.CSINode{} },
	"storage.k8s.io/v1/VolumeAttachment":                                  func() any { return &storagev1.VolumeAttachment{} },
	"admissionregistration.k8s.io/v1beta1/ValidatingWebhookConfiguration": func() any { return &admv1beta1.ValidatingWebhookConfiguration{} },
	"admissionregistration.k8s.io/v1beta1/MutatingWebhookConfiguration":   func() any { return &admv1beta1.MutatingWebhookConfiguration{} },
	"admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration":      func() any { return &admv1.ValidatingWebhookConfiguration{} },
	"admissionregistration.k8s.io/v1/MutatingWebhookConfiguration":        func() any { return &admv1.MutatingWebhookConfiguration{} },
	"discovery.k8s.io/v1beta1/EndpointSlice":                              func() any { return &discoveryv1beta1.EndpointSlice{} },
	"discovery.k8s.io/v1/EndpointSlice":                                   func() any { return &discoveryv1.EndpointSlice{} },
	"coordination.k8s.io/v1beta1/Lease":                                   func() any { return &coordinationv1beta1.Lease{} },
	"coordination.k8s.io/v1/Lease":                                        func() any { return &coordinationv1.Lease{} },
	"flowcontrol.apiserver.k8s.io/v1beta2/FlowSchema":                     func() any { return &flowv1beta2.FlowSchema{} },
	"flowcontrol.apiserver.k8s.io/v1beta2/PriorityLevelConfiguration":     func() any { return &flowv1beta2.PriorityLevelConfiguration{} },
	"flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema":                     func() any { return &flowv1beta3.FlowSchema{} },
	"flowcontrol.apiserver.k8s.io/v1beta3/PriorityLevelConfiguration":     func() any { return &flowv1beta3.PriorityLevelConfiguration{} },
	"flowcontrol.apiserver.k8s.io/v1/FlowSchema":                          func() any { return &flowv1.FlowSchema{} },
	"flowcontrol.apiserver.k8s.io/v1/PriorityLevelConfiguration":          func() any { return &flowv1.PriorityLevelConfiguration{} },
	"node.k8s.io/v1beta1/RuntimeClass":                                    func() any { return &nodev1beta1.RuntimeClass{} },
	"node.k8s.io/v1/RuntimeClass":                                         func() any { return &nodev1.RuntimeClass{} },
	"storage.k8s.io/v1beta1/CSIStorageCapacity":                           func() any { return &storagev1beta1.CSIStorageCapacity{} },
	"storage.k8s.io/v1/CSIStorageCapacity":                                func() any { return &storagev1.CSIStorageCapacity{} },
	"apiextensions.k8s.io/v1beta1/CustomResourceDefinition":               func() any { return &crdV1beta1{} },
	"apiextensions.k8s.io/v1/CustomResourceDefinition":                    func() any { return &crdV1{} },
	"v1/ConfigMap": func() any { return &corev1.ConfigMap{} },
	"v1/Service":   func() any { return &corev1.Service{} },
	"v1/List":      func() any { return &corev1.List{} },
}

// mapping builds the expected converted object from the decoded old one.
type fieldMapping struct {
	expect func(t *testing.T, old any, to any)
	// fields compared one by one before the whole object (Go field paths).
	fields []string
}

var workloadFields = []string{"ObjectMeta", "Spec.Replicas", "Spec.Selector", "Spec.Template"}

// mappings documents, per old apiVersion/kind, how each field of the old
// object appears in the new one.
var mappings = map[string]fieldMapping{
	// Workloads: every field keeps its name; spec.selector, when absent, is
	// the template's labels (what the old versions defaulted);
	// spec.rollbackTo and spec.templateGeneration are dropped (with a note).
	"extensions/v1beta1/Deployment": {workload, append(workloadFields, "Spec.Strategy", "Spec.MinReadySeconds", "Spec.RevisionHistoryLimit", "Spec.ProgressDeadlineSeconds", "Spec.Paused")},
	"apps/v1beta1/Deployment":       {workload, append(workloadFields, "Spec.Strategy", "Spec.RevisionHistoryLimit")},
	"apps/v1beta2/Deployment":       {workload, append(workloadFields, "Spec.Strategy")},
	"extensions/v1beta1/DaemonSet":  {workload, []string{"ObjectMeta", "Spec.Selector", "Spec.Template", "Spec.UpdateStrategy"}},
	"apps/v1beta2/DaemonSet":        {workload, []string{"ObjectMeta", "Spec.Selector", "Spec.Template", "Spec.UpdateStrategy"}},
	"extensions/v1beta1/ReplicaSet": {workload, workloadFields},
	"apps/v1beta2/ReplicaSet":       {workload, workloadFields},
	"apps/v1beta1/StatefulSet":      {workload, append(workloadFields, "Spec.ServiceName", "Spec.VolumeClaimTemplates", "Spec.PodManagementPolicy", "Spec.UpdateStrategy")},
	"apps/v1beta2/StatefulSet":      {workload, append(workloadFields, "Spec.ServiceName", "Spec.VolumeClaimTemplates", "Spec.PodManagementPolicy", "Spec.UpdateStrategy")},
	// Ingress: rules, hosts, paths (pathType defaulted to
	// ImplementationSpecific), backends' service name and port, tls,
	// default backend; the ingress.class annotation becomes ingressClassName.
	"extensions/v1beta1/Ingress":        {ingressMap, []string{"ObjectMeta", "Spec.IngressClassName", "Spec.DefaultBackend", "Spec.TLS", "Spec.Rules"}},
	"networking.k8s.io/v1beta1/Ingress": {ingressMap, []string{"ObjectMeta", "Spec.IngressClassName", "Spec.DefaultBackend", "Spec.TLS", "Spec.Rules"}},
	// Same schema: every field by name.
	"networking.k8s.io/v1beta1/IngressClass":          {identity, []string{"ObjectMeta", "Spec"}},
	"extensions/v1beta1/NetworkPolicy":                {identity, []string{"ObjectMeta", "Spec"}},
	"batch/v1beta1/CronJob":                           {identity, []string{"ObjectMeta", "Spec.Schedule", "Spec.ConcurrencyPolicy", "Spec.JobTemplate"}},
	"policy/v1beta1/PodDisruptionBudget":              {identity, []string{"ObjectMeta", "Spec"}},
	"scheduling.k8s.io/v1beta1/PriorityClass":         {identity, []string{"ObjectMeta", "Value", "GlobalDefault", "Description"}},
	"storage.k8s.io/v1beta1/StorageClass":             {identity, []string{"ObjectMeta", "Provisioner", "Parameters", "ReclaimPolicy", "VolumeBindingMode"}},
	"storage.k8s.io/v1beta1/CSIDriver":                {identity, []string{"ObjectMeta", "Spec"}},
	"storage.k8s.io/v1beta1/CSINode":                  {identity, []string{"ObjectMeta", "Spec"}},
	"storage.k8s.io/v1beta1/VolumeAttachment":         {identity, []string{"ObjectMeta", "Spec"}},
	"coordination.k8s.io/v1beta1/Lease":               {identity, []string{"ObjectMeta", "Spec"}},
	"node.k8s.io/v1beta1/RuntimeClass":                {identity, []string{"ObjectMeta", "Handler", "Overhead", "Scheduling"}},
	"storage.k8s.io/v1beta1/CSIStorageCapacity":       {identity, []string{"ObjectMeta", "NodeTopology", "StorageClassName", "Capacity", "MaximumVolumeSize"}},
	"flowcontrol.apiserver.k8s.io/v1beta2/FlowSchema": {identity, []string{"ObjectMeta", "Spec"}},
	"flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema": {identity, []string{"ObjectMeta", "Spec"}},
	// PriorityLevelConfiguration: assuredConcurrencyShares →
	// nominalConcurrencyShares; a 0 (the old versions' "default 30")
	// becomes 30 in v1, unless v1beta3's preserve-zero annotation is set.
	"flowcontrol.apiserver.k8s.io/v1beta2/PriorityLevelConfiguration": {priorityLevelMap, []string{"ObjectMeta", "Spec.Type", "Spec.Limited", "Spec.Exempt"}},
	"flowcontrol.apiserver.k8s.io/v1beta3/PriorityLevelConfiguration": {priorityLevelMap, []string{"ObjectMeta", "Spec.Type", "Spec.Limited", "Spec.Exempt"}},
	"rbac.authorization.k8s.io/v1beta1/ClusterRole":                   {identity, []string{"ObjectMeta", "Rules"}},
	"rbac.authorization.k8s.io/v1beta1/Role":                          {identity, []string{"ObjectMeta", "Rules"}},
	"rbac.authorization.k8s.io/v1beta1/ClusterRoleBinding":            {identity, []string{"ObjectMeta", "RoleRef", "Subjects"}},
	"rbac.authorization.k8s.io/v1beta1/RoleBinding":                   {identity, []string{"ObjectMeta", "RoleRef", "Subjects"}},
	// v1alpha1 subjects: apiVersion → apiGroup ("" for ServiceAccount).
	"rbac.authorization.k8s.io/v1alpha1/ClusterRoleBinding": {rbacAlphaMap, []string{"ObjectMeta", "RoleRef", "Subjects"}},
	// HPA: v2beta1 metric sources restructured; scaleTargetRef of removed
	// workload versions → apps/v1. v2beta2 and v1: same schema.
	"autoscaling/v2beta1/HorizontalPodAutoscaler": {hpaV2beta1Map, []string{"ObjectMeta", "Spec.ScaleTargetRef", "Spec.MinReplicas", "Spec.MaxReplicas", "Spec.Metrics"}},
	"autoscaling/v2beta2/HorizontalPodAutoscaler": {identityFixRef, []string{"ObjectMeta", "Spec.ScaleTargetRef", "Spec.Metrics", "Spec.Behavior"}},
	"autoscaling/v1/HorizontalPodAutoscaler":      {identityFixRef, []string{"ObjectMeta", "Spec.ScaleTargetRef", "Spec.TargetCPUUtilizationPercentage"}},
	// Webhooks: same fields; the v1beta1 defaults written out.
	"admissionregistration.k8s.io/v1beta1/ValidatingWebhookConfiguration": {webhookMap, []string{"ObjectMeta", "Webhooks"}},
	"admissionregistration.k8s.io/v1beta1/MutatingWebhookConfiguration":   {webhookMap, []string{"ObjectMeta", "Webhooks"}},
	// EndpointSlice: topology → zone / nodeName / deprecatedTopology.
	"discovery.k8s.io/v1beta1/EndpointSlice": {endpointSliceMap, []string{"ObjectMeta", "AddressType", "Ports", "Endpoints"}},
	// CRD: version → versions; validation/subresources/columns into every
	// version; JSONPath → jsonPath; webhook conversion restructured.
	"apiextensions.k8s.io/v1beta1/CustomResourceDefinition": {crdMap, []string{"ObjectMeta", "Spec.Group", "Spec.Names", "Spec.Scope", "Spec.Versions", "Spec.Conversion"}},
}

func docKey(n *yaml.Node) string {
	return yamldoc.Scalar(n, "apiVersion") + "/" + yamldoc.Scalar(n, "kind")
}

// strictDecode decodes one object strictly into its Go type.
func strictDecode(t *testing.T, where string, n *yaml.Node) any {
	t.Helper()
	key := docKey(n)
	mk, ok := newObject[key]
	if !ok {
		t.Fatalf("%s: no Go type registered for %s", where, key)
	}
	b, err := yaml.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	obj := mk()
	if err := sigsyaml.UnmarshalStrict(b, obj); err != nil {
		t.Fatalf("%s: %s does not decode strictly: %v\n%s", where, key, err, b)
	}
	return obj
}

// viaJSON copies old into to through JSON, refusing unknown fields, and
// sets the new apiVersion.
func viaJSON(t *testing.T, old any, to any, edit func(map[string]any)) {
	t.Helper()
	b, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "apiVersion")
	delete(m, "kind")
	if edit != nil {
		edit(m)
	}
	b, _ = json.Marshal(m)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(to); err != nil {
		t.Fatalf("old object does not fit the new type: %v", err)
	}
}

func identity(t *testing.T, old, to any) { viaJSON(t, old, to, nil) }

func identityFixRef(t *testing.T, old, to any) {
	viaJSON(t, old, to, func(m map[string]any) {
		spec, _ := m["spec"].(map[string]any)
		if ref, ok := spec["scaleTargetRef"].(map[string]any); ok && contains(oldWorkloadVersions, ref["apiVersion"].(string)) {
			ref["apiVersion"] = "apps/v1"
		}
	})
}

func priorityLevelMap(t *testing.T, old, to any) {
	_, preserve := reflect.ValueOf(old).Elem().FieldByName("ObjectMeta").Interface().(metav1.ObjectMeta).Annotations[preserveZeroShares]
	viaJSON(t, old, to, func(m map[string]any) {
		spec, _ := m["spec"].(map[string]any)
		lim, _ := spec["limited"].(map[string]any)
		if lim == nil {
			return
		}
		if v, ok := lim["assuredConcurrencyShares"]; ok {
			lim["nominalConcurrencyShares"] = v
			delete(lim, "assuredConcurrencyShares")
		}
		if _, v1 := to.(*flowv1.PriorityLevelConfiguration); v1 && !preserve && lim["nominalConcurrencyShares"] == float64(0) {
			lim["nominalConcurrencyShares"] = 30
		}
	})
}

func workload(t *testing.T, old, to any) {
	viaJSON(t, old, to, func(m map[string]any) {
		spec, _ := m["spec"].(map[string]any)
		delete(spec, "rollbackTo")
		delete(spec, "templateGeneration")
		if _, ok := spec["selector"]; !ok {
			tmpl, _ := spec["template"].(map[string]any)
			md, _ := tmpl["metadata"].(map[string]any)
			spec["selector"] = map[string]any{"matchLabels": md["labels"]}
		}
	})
}

func ingressMap(t *testing.T, oldAny, toAny any) {
	var old extv1beta1.Ingress
	if o, ok := oldAny.(*netv1beta1.Ingress); ok {
		identity(t, o, &old) // the same schema as extensions/v1beta1
	} else {
		old = *oldAny.(*extv1beta1.Ingress)
	}
	to := toAny.(*netv1.Ingress)
	to.ObjectMeta = *old.ObjectMeta.DeepCopy()
	to.Spec.IngressClassName = old.Spec.IngressClassName
	if c, ok := to.Annotations[ingressClassAnnotation]; ok {
		to.Spec.IngressClassName = &c
		delete(to.Annotations, ingressClassAnnotation)
		if len(to.Annotations) == 0 {
			to.Annotations = nil
		}
	}
	backend := func(b *extv1beta1.IngressBackend) *netv1.IngressBackend {
		if b == nil {
			return nil
		}
		nb := &netv1.IngressBackend{Resource: b.Resource}
		if b.ServiceName != "" {
			nb.Service = &netv1.IngressServiceBackend{Name: b.ServiceName}
			switch {
			case b.ServicePort.Type == intstr.Int:
				nb.Service.Port.Number = b.ServicePort.IntVal
			case isDigits(b.ServicePort.StrVal):
				nb.Service.Port.Number = int32(b.ServicePort.IntValue())
			default:
				nb.Service.Port.Name = b.ServicePort.StrVal
			}
		}
		return nb
	}
	to.Spec.DefaultBackend = backend(old.Spec.Backend)
	for _, tls := range old.Spec.TLS {
		to.Spec.TLS = append(to.Spec.TLS, netv1.IngressTLS{Hosts: tls.Hosts, SecretName: tls.SecretName})
	}
	for _, r := range old.Spec.Rules {
		nr := netv1.IngressRule{Host: r.Host}
		if r.HTTP != nil {
			nr.HTTP = &netv1.HTTPIngressRuleValue{}
			for _, p := range r.HTTP.Paths {
				pt := netv1.PathTypeImplementationSpecific
				if p.PathType != nil {
					pt = netv1.PathType(*p.PathType)
				}
				nr.HTTP.Paths = append(nr.HTTP.Paths, netv1.HTTPIngressPath{Path: p.Path, PathType: &pt, Backend: *backend(&p.Backend)})
			}
		}
		to.Spec.Rules = append(to.Spec.Rules, nr)
	}
	to.Status = netv1.IngressStatus{}
}

func rbacAlphaMap(t *testing.T, oldAny, toAny any) {
	old := oldAny.(*rbacv1alpha1.ClusterRoleBinding)
	to := toAny.(*rbacv1.ClusterRoleBinding)
	to.ObjectMeta = old.ObjectMeta
	to.RoleRef = rbacv1.RoleRef(old.RoleRef)
	for _, s := range old.Subjects {
		g := "rbac.authorization.k8s.io"
		if s.Kind == "ServiceAccount" {
			g = ""
		}
		to.Subjects = append(to.Subjects, rbacv1.Subject{Kind: s.Kind, APIGroup: g, Name: s.Name, Namespace: s.Namespace})
	}
}

func hpaV2beta1Map(t *testing.T, oldAny, toAny any) {
	old := oldAny.(*autoscalingv2beta1.HorizontalPodAutoscaler)
	to := toAny.(*autoscalingv2.HorizontalPodAutoscaler)
	to.ObjectMeta = old.ObjectMeta
	ref := func(r autoscalingv2beta1.CrossVersionObjectReference) autoscalingv2.CrossVersionObjectReference {
		if contains(oldWorkloadVersions, r.APIVersion) && contains([]string{"Deployment", "ReplicaSet", "StatefulSet"}, r.Kind) {
			r.APIVersion = "apps/v1"
		}
		return autoscalingv2.CrossVersionObjectReference(r)
	}
	to.Spec.ScaleTargetRef = ref(old.Spec.ScaleTargetRef)
	to.Spec.MinReplicas, to.Spec.MaxReplicas = old.Spec.MinReplicas, old.Spec.MaxReplicas
	for _, m := range old.Spec.Metrics {
		nm := autoscalingv2.MetricSpec{Type: autoscalingv2.MetricSourceType(m.Type)}
		switch {
		case m.Resource != nil:
			tt := autoscalingv2.AverageValueMetricType
			if m.Resource.TargetAverageUtilization != nil {
				tt = autoscalingv2.UtilizationMetricType
			}
			nm.Resource = &autoscalingv2.ResourceMetricSource{Name: m.Resource.Name, Target: autoscalingv2.MetricTarget{
				Type: tt, AverageUtilization: m.Resource.TargetAverageUtilization, AverageValue: m.Resource.TargetAverageValue}}
		case m.Pods != nil:
			av := m.Pods.TargetAverageValue
			nm.Pods = &autoscalingv2.PodsMetricSource{
				Metric: autoscalingv2.MetricIdentifier{Name: m.Pods.MetricName, Selector: m.Pods.Selector},
				Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: &av}}
		case m.Object != nil:
			tt := autoscalingv2.ValueMetricType
			if m.Object.AverageValue != nil {
				tt = autoscalingv2.AverageValueMetricType
			}
			v := m.Object.TargetValue
			nm.Object = &autoscalingv2.ObjectMetricSource{
				DescribedObject: ref(m.Object.Target),
				Metric:          autoscalingv2.MetricIdentifier{Name: m.Object.MetricName, Selector: m.Object.Selector},
				Target:          autoscalingv2.MetricTarget{Type: tt, Value: &v, AverageValue: m.Object.AverageValue}}
		case m.External != nil:
			tt := autoscalingv2.AverageValueMetricType
			if m.External.TargetValue != nil {
				tt = autoscalingv2.ValueMetricType
			}
			nm.External = &autoscalingv2.ExternalMetricSource{
				Metric: autoscalingv2.MetricIdentifier{Name: m.External.MetricName, Selector: m.External.MetricSelector},
				Target: autoscalingv2.MetricTarget{Type: tt, Value: m.External.TargetValue, AverageValue: m.External.TargetAverageValue}}
		}
		to.Spec.Metrics = append(to.Spec.Metrics, nm)
	}
}

func webhookMap(t *testing.T, old, to any) {
	viaJSON(t, old, to, func(m map[string]any) {
		whs, _ := m["webhooks"].([]any)
		for _, w := range whs {
			w := w.(map[string]any)
			defaults := map[string]any{"failurePolicy": "Ignore", "matchPolicy": "Exact", "timeoutSeconds": 30, "admissionReviewVersions": []any{"v1beta1"}}
			for k, v := range defaults {
				if _, ok := w[k]; !ok {
					w[k] = v
				}
			}
		}
	})
}

func endpointSliceMap(t *testing.T, oldAny, toAny any) {
	old := oldAny.(*discoveryv1beta1.EndpointSlice)
	to := toAny.(*discoveryv1.EndpointSlice)
	to.ObjectMeta = old.ObjectMeta
	to.AddressType = discoveryv1.AddressType(old.AddressType)
	for _, p := range old.Ports {
		to.Ports = append(to.Ports, discoveryv1.EndpointPort(p))
	}
	for _, e := range old.Endpoints {
		ne := discoveryv1.Endpoint{Addresses: e.Addresses, Conditions: discoveryv1.EndpointConditions(e.Conditions),
			Hostname: e.Hostname, TargetRef: e.TargetRef, NodeName: e.NodeName}
		for k, v := range e.Topology {
			switch {
			case k == corev1.LabelTopologyZone:
				z := v
				ne.Zone = &z
			case k == corev1.LabelHostname && ne.NodeName == nil:
				n := v
				ne.NodeName = &n
			case k == corev1.LabelHostname && *ne.NodeName == v:
			default:
				if ne.DeprecatedTopology == nil {
					ne.DeprecatedTopology = map[string]string{}
				}
				ne.DeprecatedTopology[k] = v
			}
		}
		to.Endpoints = append(to.Endpoints, ne)
	}
}

func crdMap(t *testing.T, oldAny, toAny any) {
	old := oldAny.(*crdV1beta1)
	to := toAny.(*crdV1)
	to.ObjectMeta = old.ObjectMeta
	to.Status = old.Status
	s := old.Spec
	to.Spec.Group, to.Spec.Names, to.Spec.Scope = s.Group, s.Names, s.Scope
	if to.Spec.Scope == "" {
		to.Spec.Scope = "Namespaced"
	}
	if s.PreserveUnknownFields != nil {
		to.Spec.PreserveUnknownFields = *s.PreserveUnknownFields
	}
	versions := s.Versions
	if len(versions) == 0 {
		versions = []crdV1beta1Version{{Name: s.Version, Served: true, Storage: true}}
	}
	cols := func(cs []crdV1beta1Column) []crdV1Column {
		var out []crdV1Column
		for _, c := range cs {
			out = append(out, crdV1Column(c))
		}
		return out
	}
	for _, v := range versions {
		nv := crdV1Version{Name: v.Name, Served: v.Served, Storage: v.Storage, Deprecated: v.Deprecated, DeprecationWarning: v.DeprecationWarning,
			Schema: v.Schema, Subresources: v.Subresources, AdditionalPrinterColumns: cols(v.AdditionalPrinterColumns), SelectableFields: v.SelectableFields}
		if nv.Schema == nil {
			nv.Schema = s.Validation
		}
		if nv.Schema == nil {
			nv.Schema = &crdValidation{OpenAPIV3Schema: json.RawMessage(`{"type":"object","x-kubernetes-preserve-unknown-fields":true}`)}
		}
		if nv.Subresources == nil {
			nv.Subresources = s.Subresources
		}
		if nv.AdditionalPrinterColumns == nil {
			nv.AdditionalPrinterColumns = cols(s.AdditionalPrinterColumns)
		}
		if nv.SelectableFields == nil {
			nv.SelectableFields = s.SelectableFields
		}
		to.Spec.Versions = append(to.Spec.Versions, nv)
	}
	if c := s.Conversion; c != nil {
		to.Spec.Conversion = &struct {
			Strategy string `json:"strategy"`
			Webhook  *struct {
				ClientConfig             *crdClientConfig `json:"clientConfig,omitempty"`
				ConversionReviewVersions []string         `json:"conversionReviewVersions"`
			} `json:"webhook,omitempty"`
		}{Strategy: c.Strategy}
		if c.WebhookClientConfig != nil || c.ConversionReviewVersions != nil {
			crv := c.ConversionReviewVersions
			if crv == nil && c.Strategy == "Webhook" {
				crv = []string{"v1beta1"}
			}
			to.Spec.Conversion.Webhook = &struct {
				ClientConfig             *crdClientConfig `json:"clientConfig,omitempty"`
				ConversionReviewVersions []string         `json:"conversionReviewVersions"`
			}{c.WebhookClientConfig, crv}
		}
	}
}

// field follows a dotted Go field path.
func field(v any, path string) reflect.Value {
	r := reflect.ValueOf(v)
	for _, f := range strings.Split(path, ".") {
		for r.Kind() == reflect.Pointer {
			if r.IsNil() {
				return reflect.Value{}
			}
			r = r.Elem()
		}
		r = r.FieldByName(f)
		if !r.IsValid() {
			return r
		}
	}
	return r
}

// semanticEqual compares JSON-ish Go values, treating raw JSON schemas by
// their decoded value.
func semanticEqual(a, b any) bool {
	if equality.Semantic.DeepEqual(a, b) {
		return true
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return false
	}
	var x, y any
	_ = json.Unmarshal(ja, &x)
	_ = json.Unmarshal(jb, &y)
	return reflect.DeepEqual(x, y)
}

// checkLossless compares every object of in and out.
func checkLossless(t *testing.T, name string, in, out []byte) {
	t.Helper()
	inDocs, err := yamldoc.Split(name, in)
	if err != nil {
		t.Fatal(err)
	}
	outDocs, err := yamldoc.Split(name, out)
	if err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	if len(inDocs) != len(outDocs) {
		t.Fatalf("%d documents in, %d out", len(inDocs), len(outDocs))
	}
	for i := range inDocs {
		inObjs, outObjs := objectsOf(inDocs[i].Node), objectsOf(outDocs[i].Node)
		if len(inObjs) != len(outObjs) {
			t.Fatalf("document %d: %d objects in, %d out", i, len(inObjs), len(outObjs))
		}
		for j := range inObjs {
			where := name + ":" + itoa(inObjs[j].Line)
			compareObject(t, where, inObjs[j], outObjs[j])
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// objectsOf returns the object, or the items of a List.
func objectsOf(n *yaml.Node) []*yaml.Node {
	if strings.HasSuffix(yamldoc.Scalar(n, "kind"), "List") {
		return seq(n, "items")
	}
	return []*yaml.Node{n}
}

func compareObject(t *testing.T, where string, in, out *yaml.Node) {
	t.Helper()
	inKey, outKey := docKey(in), docKey(out)
	if yamldoc.Scalar(in, "kind") == "PodSecurityPolicy" {
		a, _ := yaml.Marshal(in)
		b, _ := yaml.Marshal(out)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: PodSecurityPolicy changed", where)
		}
		return
	}
	if _, known := newObject[inKey]; !known {
		a, _ := yaml.Marshal(in)
		b, _ := yaml.Marshal(out)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: unknown kind %s changed", where, inKey)
		}
		return
	}
	old := strictDecode(t, where+" (input)", in)
	got := strictDecode(t, where+" (output)", out)
	m, ok := mappings[inKey]
	if !ok {
		if inKey != outKey {
			t.Fatalf("%s: %s became %s but the test has no mapping for it", where, inKey, outKey)
		}
		if !semanticEqual(old, got) {
			t.Errorf("%s: unconverted %s changed", where, inKey)
		}
		return
	}
	want := newObject[outKey]()
	m.expect(t, old, want)
	for _, f := range m.fields {
		a, b := field(want, f), field(got, f)
		if a.IsValid() != b.IsValid() {
			t.Errorf("%s: field %s missing", where, f)
			continue
		}
		if a.IsValid() && !semanticEqual(a.Interface(), b.Interface()) {
			wa, _ := json.Marshal(a.Interface())
			wb, _ := json.Marshal(b.Interface())
			t.Errorf("%s: %s %s:\nwant %s\ngot  %s", where, inKey, f, wa, wb)
		}
	}
	// Then everything else (TypeMeta aside).
	clearTypeMeta(want)
	clearTypeMeta(got)
	if !semanticEqual(want, got) {
		wa, _ := json.Marshal(want)
		wb, _ := json.Marshal(got)
		t.Errorf("%s: %s converted object differs from the mapping:\nwant %s\ngot  %s", where, inKey, wa, wb)
	}
}

func clearTypeMeta(v any) {
	if f := field(v, "TypeMeta"); f.IsValid() && f.CanSet() {
		f.Set(reflect.ValueOf(metav1.TypeMeta{}))
	}
}

// TestLosingNothing runs every corpus file through FixFile and checks that
// each converted object carries all the information of the original.
func TestLosingNothing(t *testing.T) {
	for _, in := range inputs(t) {
		name := filepath.Base(in)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := FixFile(name, data, target)
			if err != nil {
				t.Fatal(err)
			}
			checkLossless(t, name, data, out)
		})
	}
}
