package kubeapi

import (
	"strings"
	"testing"
)

func mustTable(t testing.TB) *Table {
	t.Helper()
	tab, err := LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func v(s string) Version {
	if s == "" {
		return Version{}
	}
	x, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return x
}

// guideRemovals is the list of "Removed APIs by release" of the Deprecated
// API Migration Guide, https://kubernetes.io/docs/reference/using-api/deprecation-guide/
// (sections v1.32 down to v1.16), one row per group/version/kind.
var guideRemovals = []struct{ apiVersion, kind, removedIn string }{
	// v1.32
	{"flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.32"},
	{"flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", "1.32"},
	// v1.29
	{"flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", "1.29"},
	{"flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", "1.29"},
	// v1.27
	{"storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.27"},
	// v1.26
	{"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "1.26"},
	{"flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", "1.26"},
	{"autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26"},
	// v1.25
	{"batch/v1beta1", "CronJob", "1.25"},
	{"discovery.k8s.io/v1beta1", "EndpointSlice", "1.25"},
	{"events.k8s.io/v1beta1", "Event", "1.25"},
	{"autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.25"},
	{"policy/v1beta1", "PodDisruptionBudget", "1.25"},
	{"policy/v1beta1", "PodSecurityPolicy", "1.25"},
	{"node.k8s.io/v1beta1", "RuntimeClass", "1.25"},
	// v1.22
	{"admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration", "1.22"},
	{"admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration", "1.22"},
	{"apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "1.22"},
	{"apiregistration.k8s.io/v1beta1", "APIService", "1.22"},
	{"authentication.k8s.io/v1beta1", "TokenReview", "1.22"},
	{"authorization.k8s.io/v1beta1", "LocalSubjectAccessReview", "1.22"},
	{"authorization.k8s.io/v1beta1", "SelfSubjectAccessReview", "1.22"},
	{"authorization.k8s.io/v1beta1", "SubjectAccessReview", "1.22"},
	{"authorization.k8s.io/v1beta1", "SelfSubjectRulesReview", "1.22"},
	{"certificates.k8s.io/v1beta1", "CertificateSigningRequest", "1.22"},
	{"coordination.k8s.io/v1beta1", "Lease", "1.22"},
	{"extensions/v1beta1", "Ingress", "1.22"},
	{"networking.k8s.io/v1beta1", "Ingress", "1.22"},
	{"networking.k8s.io/v1beta1", "IngressClass", "1.22"},
	{"rbac.authorization.k8s.io/v1beta1", "ClusterRole", "1.22"},
	{"rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", "1.22"},
	{"rbac.authorization.k8s.io/v1beta1", "Role", "1.22"},
	{"rbac.authorization.k8s.io/v1beta1", "RoleBinding", "1.22"},
	{"scheduling.k8s.io/v1beta1", "PriorityClass", "1.22"},
	{"storage.k8s.io/v1beta1", "CSIDriver", "1.22"},
	{"storage.k8s.io/v1beta1", "CSINode", "1.22"},
	{"storage.k8s.io/v1beta1", "StorageClass", "1.22"},
	{"storage.k8s.io/v1beta1", "VolumeAttachment", "1.22"},
	// v1.16
	{"extensions/v1beta1", "NetworkPolicy", "1.16"},
	{"extensions/v1beta1", "DaemonSet", "1.16"},
	{"apps/v1beta2", "DaemonSet", "1.16"},
	{"extensions/v1beta1", "Deployment", "1.16"},
	{"apps/v1beta1", "Deployment", "1.16"},
	{"apps/v1beta2", "Deployment", "1.16"},
	{"apps/v1beta1", "StatefulSet", "1.16"},
	{"apps/v1beta2", "StatefulSet", "1.16"},
	{"extensions/v1beta1", "ReplicaSet", "1.16"},
	{"apps/v1beta1", "ReplicaSet", "1.16"},
	{"apps/v1beta2", "ReplicaSet", "1.16"},
}

func TestTableCoversDeprecationGuide(t *testing.T) {
	tab := mustTable(t)
	for _, g := range guideRemovals {
		a, ok := tab.Lookup(g.apiVersion, g.kind)
		if !ok {
			t.Errorf("%s %s (removed in %s by the guide) is not in the table", g.apiVersion, g.kind, g.removedIn)
			continue
		}
		if a.RemovedIn != v(g.removedIn) {
			t.Errorf("%s: removedIn %s, the guide says %s", a, a.RemovedIn, g.removedIn)
		}
		if a.DeprecatedIn.IsZero() {
			t.Errorf("%s: no deprecatedIn", a)
		}
		if !strings.Contains(a.Source, "deprecation-guide") {
			t.Errorf("%s: source %q does not cite the guide", a, a.Source)
		}
	}
}

func TestTableConsistent(t *testing.T) {
	tab := mustTable(t)
	if len(tab.All()) < 80 {
		t.Fatalf("only %d APIs", len(tab.All()))
	}
	for _, a := range tab.All() {
		if a.Source == "" {
			t.Errorf("%s has no source", a)
		}
		if a.Replacement != "" {
			if _, ok := tab.Lookup(a.Replacement, a.NewKind()); !ok {
				t.Errorf("%s: replacement %s %s is not in the table (its introducedIn is needed)", a, a.Replacement, a.NewKind())
			}
		}
		// Every removed API except the ones without a replacement
		// resolves to a served version at its removal release.
		if !a.RemovedIn.IsZero() && a.Replacement != "" && a.Kind != "PodSecurityPolicy" {
			r := tab.ReplacementAt(a, a.RemovedIn)
			if r == "" || !tab.Served(r, a.NewKind(), a.RemovedIn) {
				t.Errorf("%s: no served replacement at %s (got %q)", a, a.RemovedIn, r)
			}
		}
	}
}

func TestLoadTableOnce(t *testing.T) {
	a, b := mustTable(t), mustTable(t)
	if a != b {
		t.Error("LoadTable parsed twice")
	}
}

func TestParseTableErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"bad version", "apis:\n  - {group: g, version: v1, kind: K, removedIn: \"x\"}\n", "t.yaml:2:"},
		{"no kind", "apis:\n  - group: g\n    version: v1\n", "t.yaml:2: an API needs version and kind"},
		{"duplicate", "apis:\n  - {version: v1, kind: K}\n  - {version: v1, kind: K}\n", "t.yaml:3: v1 K is listed twice"},
		{"order", "apis:\n  - {version: v1, kind: K, deprecatedIn: \"1.20\", removedIn: \"1.19\"}\n", "removed in 1.19 before it is deprecated"},
		{"self", "apis:\n  - {group: g, version: v1, kind: K, replacement: g/v1}\n", "replaces itself"},
		{"removed without convert", "apis:\n  - {group: g, version: v1beta1, kind: K, removedIn: \"1.30\", replacement: g/v1}\n", "t.yaml:2: g/v1beta1 K is deprecated or removed but has no convert:"},
		{"deprecated without convert", "apis:\n  - {group: g, version: v1beta1, kind: K, deprecatedIn: \"1.30\", replacement: g/v1}\n", "t.yaml:2: g/v1beta1 K is deprecated or removed but has no convert:"},
		{"manual without reason", "apis:\n  - {group: g, version: v1beta1, kind: K, removedIn: \"1.30\", convert: manual}\n", "is convert: manual without a manualReason"},
		{"reason without manual", "apis:\n  - {group: g, version: v1beta1, kind: K, removedIn: \"1.30\", replacement: g/v1, convert: rename, manualReason: x}\n", "has a manualReason but is not convert: manual"},
		{"report without manual", "apis:\n  - {group: g, version: v1beta1, kind: K, removedIn: \"1.30\", replacement: g/v1, convert: rename, report: psp}\n", "has a report but is not convert: manual"},
		{"rename without replacement", "apis:\n  - {group: g, version: v1beta1, kind: K, removedIn: \"1.30\", convert: rename}\n", "is convert: rename but has no replacement"},
		{"rename to another kind", "apis:\n  - {group: g, version: v1beta1, kind: K, removedIn: \"1.30\", replacement: g/v1, replacementKind: L, convert: rename}\n", "its replacement is another kind"},
		{"newest before oldest", "oldest: \"1.8\"\nnewest: \"1.7\"\napis: []\n", "t.yaml: newest 1.7 is before oldest 1.8"},
		{"not yaml", "apis: [", "t.yaml:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTable("t.yaml", []byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestLookupAndServed(t *testing.T) {
	tab := mustTable(t)
	for _, tc := range []struct {
		apiVersion, kind, at string
		known, served        bool
	}{
		{"extensions/v1beta1", "Deployment", "1.11", true, true},
		{"extensions/v1beta1", "Deployment", "1.15", true, true},
		{"extensions/v1beta1", "Deployment", "1.16", true, false},
		{"apps/v1", "Deployment", "1.8", true, false},
		{"apps/v1", "Deployment", "1.9", true, true},
		{"networking.k8s.io/v1", "Ingress", "1.18", true, false},
		{"networking.k8s.io/v1", "Ingress", "1.19", true, true},
		{"flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.31", true, true},
		{"flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.32", true, false},
		{"policy/v1beta1", "PodSecurityPolicy", "1.24", true, true},
		{"policy/v1beta1", "PodSecurityPolicy", "1.25", true, false},
		{" batch/v1beta1", "CronJob", "1.25", true, false},
		{"v1", "Endpoints", "1.35", true, true},
		{"v1", "Service", "1.8", false, true},
		{"example.com/v1", "Widget", "1.30", false, true},
		{"extensions/v1beta1", "Widget", "1.30", false, true},
	} {
		_, known := tab.Lookup(tc.apiVersion, tc.kind)
		if known != tc.known {
			t.Errorf("Lookup(%s, %s) known = %v", tc.apiVersion, tc.kind, known)
		}
		if got := tab.Served(tc.apiVersion, tc.kind, v(tc.at)); got != tc.served {
			t.Errorf("Served(%s, %s, %s) = %v, want %v", tc.apiVersion, tc.kind, tc.at, got, tc.served)
		}
	}
}

func TestReplacementAt(t *testing.T) {
	tab := mustTable(t)
	for _, tc := range []struct{ apiVersion, kind, at, want string }{
		{"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "1.26", "flowcontrol.apiserver.k8s.io/v1beta3"},
		{"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "1.29", "flowcontrol.apiserver.k8s.io/v1"},
		{"flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", "1.33", "flowcontrol.apiserver.k8s.io/v1"},
		{"extensions/v1beta1", "PodSecurityPolicy", "1.16", "policy/v1beta1"},
		{"extensions/v1beta1", "PodSecurityPolicy", "1.25", ""},
		{"policy/v1beta1", "PodSecurityPolicy", "1.25", ""},
		{"storage.k8s.io/v1alpha1", "CSIStorageCapacity", "1.30", "storage.k8s.io/v1"},
		{"extensions/v1beta1", "Ingress", "1.15", "networking.k8s.io/v1"},
		{"v1", "Endpoints", "1.33", "discovery.k8s.io/v1"},
	} {
		a, ok := tab.Lookup(tc.apiVersion, tc.kind)
		if !ok {
			t.Fatalf("%s %s not found", tc.apiVersion, tc.kind)
		}
		if got := tab.ReplacementAt(a, v(tc.at)); got != tc.want {
			t.Errorf("ReplacementAt(%s, %s) = %q, want %q", a, tc.at, got, tc.want)
		}
	}
}

func TestRemovalsAndGroupVersion(t *testing.T) {
	tab := mustTable(t)
	if got := len(tab.Removals(v("1.32"))); got < 2 {
		t.Errorf("Removals(1.32) = %d APIs", got)
	}
	if got := len(tab.GroupVersion("extensions/v1beta1")); got != 6 {
		t.Errorf("extensions/v1beta1 has %d kinds, want 6", got)
	}
	if !tab.KnowsKind("CronJob") || tab.KnowsKind("Widget") {
		t.Error("KnowsKind")
	}
}

// Oldest and Newest are the table's oldest: and newest:.
func TestReleasesFromTable(t *testing.T) {
	tab := mustTable(t)
	if Oldest != tab.Oldest() || Newest != tab.Newest() || Oldest.IsZero() || Newest.IsZero() {
		t.Errorf("Oldest, Newest = %s, %s; the table says %s, %s", Oldest, Newest, tab.Oldest(), tab.Newest())
	}
	if o, n := tableReleases([]byte("# c\noldest: \"1.9\"\nnewest: \"1.40\"\napis:\n  - {version: v1, kind: K}\n")); o != v("1.9") || n != v("1.40") {
		t.Errorf("tableReleases = %s, %s", o, n)
	}
	if o, n := tableReleases([]byte("newest: [")); !o.IsZero() || !n.IsZero() {
		t.Errorf("tableReleases of bad YAML = %s, %s", o, n)
	}
}

// Every deprecated or removed API says how migrate fix treats it: a
// conversion, or manual with the reason. (ParseTable refuses a table that
// does not; this test names the offenders.) The removals up to Newest that
// were detected but silently unfixable (flowcontrol 1.29 and 1.32) are now
// converted.
func TestEveryRemovalSaysHowToConvert(t *testing.T) {
	tab := mustTable(t)
	for _, a := range tab.All() {
		if a.DeprecatedIn.IsZero() && a.RemovedIn.IsZero() {
			continue
		}
		if !a.Fixable() && (a.Convert != ConvertManual || strings.TrimSpace(a.ManualReason) == "") {
			t.Errorf("%s (removed in %s): convert %q, manualReason %q", a, a.RemovedIn, a.Convert, a.ManualReason)
		}
	}
	for _, r := range []string{"1.29", "1.32"} {
		for _, a := range tab.Removals(v(r)) {
			if a.Group == "flowcontrol.apiserver.k8s.io" && !a.Fixable() {
				t.Errorf("%s: not fixable", a)
			}
		}
	}
}
