package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/yamldoc"

	"github.com/refit-dev/refit/internal/golden"
)

const (
	mi = 1 << 20
	gi = 1 << 30
)

func parse(t *testing.T, file, in string) (*estate.Estate, error) {
	t.Helper()
	docs, err := yamldoc.Split(file, []byte(in))
	if err != nil {
		t.Fatalf("split: %v", err)
	}
	return Parse(docs)
}

// goldenFile compares v, as indented JSON, with testdata/name.
func goldenFile(t *testing.T, name string, v any) {
	t.Helper()
	golden.AssertJSON(t, filepath.Join("testdata", name), v)
}

func TestParseApp(t *testing.T) {
	data, err := os.ReadFile("testdata/app.yaml")
	if err != nil {
		t.Fatal(err)
	}
	est, err := parse(t, "testdata/app.yaml", string(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := est.Validate(); err != nil {
		t.Fatal(err)
	}
	goldenFile(t, "app.golden.json", est)

	// The numbers the golden file holds, spelled out.
	web := est.Workloads[0]
	if web.Name != "web" || web.Replicas != 3 || web.Origin.String() != "testdata/app.yaml:27" {
		t.Errorf("web = %s x%d at %s", web.Name, web.Replicas, web.Origin)
	}
	// cpu: max(250m + 500m (limit) + 100m sidecar, 1 (migrate) + 100m sidecar) = 1100m
	// memory: max(512Mi + 128Mi + 64Mi, 256Mi + 64Mi) = 704Mi
	if want := (estate.Resources{MilliCPU: 1100, MemoryBytes: 704 * mi}); web.Requests != want {
		t.Errorf("web requests = %+v, want %+v", web.Requests, want)
	}
	if got := len(est.LoadBalancers); got != 4 {
		t.Fatalf("%d load balancers, want 4 (nlb, clb, shared alb, alb)", got)
	}
	shop := est.LoadBalancers[2]
	if shop.Type != estate.ALB || shop.Name != "shop" || len(shop.Members) != 2 || shop.Internal {
		t.Errorf("shared ALB = %+v", shop)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		check   func(t *testing.T, e *estate.Estate)
		wantErr string
	}{
		{
			name: "old deployment defaults to one replica in default namespace",
			in: `apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: a}
spec:
  template:
    spec:
      containers: [{name: c, resources: {requests: {cpu: 2, memory: 1G}}}]
`,
			check: func(t *testing.T, e *estate.Estate) {
				w := e.Workloads[0]
				if w.Replicas != 1 || w.Namespace != "default" || w.Requests.MilliCPU != 2000 || w.Requests.MemoryBytes != 1e9 {
					t.Errorf("got %+v", w)
				}
			},
		},
		{
			name: "every controller kind and version",
			in: `apiVersion: apps/v1beta1
kind: StatefulSet
metadata: {name: s}
spec: {replicas: 2}
---
apiVersion: apps/v1beta2
kind: ReplicaSet
metadata: {name: rs}
spec: {replicas: 4}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
---
apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec:
  containers: [{name: c, resources: {requests: {cpu: 10m}}}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec: {parallelism: 5, completions: 3}
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: cj}
spec: {jobTemplate: {spec: {parallelism: 4}}}
---
apiVersion: extensions/v1beta1
kind: DaemonSet
metadata: {name: ds}
`,
			check: func(t *testing.T, e *estate.Estate) {
				want := []struct {
					kind     string
					replicas int
				}{{"StatefulSet", 2}, {"ReplicaSet", 4}, {"ReplicationController", 1}, {"Pod", 1}, {"Job", 3}, {"CronJob", 4}, {"DaemonSet", 0}}
				if len(e.Workloads) != len(want) {
					t.Fatalf("%d workloads, want %d", len(e.Workloads), len(want))
				}
				for i, w := range want {
					got := e.Workloads[i]
					if got.Kind != w.kind || got.Replicas != w.replicas {
						t.Errorf("workload %d = %s x%d, want %s x%d", i, got.Kind, got.Replicas, w.kind, w.replicas)
					}
				}
				if !e.Workloads[6].PerNode {
					t.Error("DaemonSet is not PerNode")
				}
				if p := e.Workloads[3]; p.Labels["app"] != "p" || p.Requests.MilliCPU != 10 {
					t.Errorf("pod = %+v", p)
				}
			},
		},
		{
			name: "init container larger than the app containers",
			in: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
    - {name: a, resources: {requests: {cpu: 2, memory: 100Mi}}}
    - {name: b, resources: {limits: {cpu: 1, memory: 3Gi}}}
  containers:
    - {name: c, resources: {requests: {cpu: 500m, memory: 1Gi}}}
    - {name: d, resources: {requests: {cpu: 500m, memory: 1Gi}}}
  overhead: {cpu: 250m}
`,
			check: func(t *testing.T, e *estate.Estate) {
				want := estate.Resources{MilliCPU: 2250, MemoryBytes: 3 * gi}
				if got := e.Workloads[0].Requests; got != want {
					t.Errorf("requests = %+v, want %+v", got, want)
				}
			},
		},
		{
			name: "sidecars add to the app and to later init containers only",
			in: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
    - {name: early, resources: {requests: {cpu: 900m}}}
    - {name: side, restartPolicy: Always, resources: {requests: {cpu: 200m}}}
    - {name: late, resources: {requests: {cpu: 800m}}}
  containers:
    - {name: c, resources: {requests: {cpu: 100m}}}
`,
			check: func(t *testing.T, e *estate.Estate) {
				// max(100m + 200m, 900m, 800m + 200m) = 1000m
				if got := e.Workloads[0].Requests.MilliCPU; got != 1000 {
					t.Errorf("cpu = %dm, want 1000m", got)
				}
			},
		},
		{
			name: "claims, host network and privileged init container",
			in: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: data}
spec:
  replicas: 2
  template:
    spec:
      hostNetwork: true
      initContainers: [{name: i, securityContext: {privileged: true}}]
      volumes: [{name: v, persistentVolumeClaim: {claimName: shared}}]
  volumeClaimTemplates:
    - metadata: {name: wal}
      spec: {resources: {requests: {storage: 1.5Gi}}}
`,
			check: func(t *testing.T, e *estate.Estate) {
				w := e.Workloads[0]
				if !w.HostNetwork || !w.Privileged || strings.Join(w.Claims, ",") != "shared,wal-db" {
					t.Errorf("workload = %+v", w)
				}
				c := e.Claims[0]
				if c.Name != "wal-db" || c.Namespace != "data" || c.Count != 2 || c.SizeGiB != 1.5 || c.StorageClass != "" || c.Origin.Line != 12 {
					t.Errorf("claim = %+v", c)
				}
			},
		},
		{
			name: "statefulset with no replicas makes no claims",
			in: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 0
  volumeClaimTemplates: [{metadata: {name: d}, spec: {resources: {requests: {storage: 1Gi}}}}]
`,
			check: func(t *testing.T, e *estate.Estate) {
				if len(e.Claims) != 0 || e.Workloads[0].Replicas != 0 {
					t.Errorf("claims = %+v", e.Claims)
				}
			},
		},
		{
			name: "custom resources and costless kinds are skipped",
			in: `apiVersion: example.com/v1
kind: Deployment
metadata: {name: x}
spec: {replicas: -1}
---
apiVersion: v1
kind: Secret
metadata: {name: s}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r}
`,
			check: func(t *testing.T, e *estate.Estate) {
				if len(e.Workloads) != 0 {
					t.Errorf("workloads = %+v", e.Workloads)
				}
			},
		},
		{
			name: "service load balancer kinds and schemes",
			in: `apiVersion: v1
kind: Service
metadata: {name: a, annotations: {service.beta.kubernetes.io/aws-load-balancer-type: external}}
spec: {type: LoadBalancer}
---
apiVersion: v1
kind: Service
metadata: {name: b, annotations: {service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing}}
spec: {type: LoadBalancer, loadBalancerClass: service.k8s.aws/nlb}
---
apiVersion: v1
kind: Service
metadata: {name: c, annotations: {service.beta.kubernetes.io/aws-load-balancer-type: nlb-ip, service.beta.kubernetes.io/aws-load-balancer-scheme: internal}}
spec: {type: LoadBalancer}
---
apiVersion: v1
kind: Service
metadata: {name: d, namespace: x}
spec: {type: LoadBalancer}
---
apiVersion: v1
kind: Service
metadata: {name: e}
spec: {type: LoadBalancer, loadBalancerClass: metallb.io/metallb}
---
apiVersion: v1
kind: Service
metadata: {name: f, annotations: {service.beta.kubernetes.io/aws-load-balancer-type: nlb, service.beta.kubernetes.io/aws-load-balancer-internal: "false"}}
spec: {type: LoadBalancer}
---
apiVersion: v1
kind: Service
metadata: {name: g}
spec: {type: NodePort}
`,
			check: func(t *testing.T, e *estate.Estate) {
				want := []estate.LoadBalancer{
					{Name: "default/a", Type: estate.NLB, Internal: true},
					{Name: "default/b", Type: estate.NLB},
					{Name: "default/c", Type: estate.NLB, Internal: true},
					{Name: "x/d", Type: estate.CLB},
					{Name: "default/f", Type: estate.NLB},
				}
				if len(e.LoadBalancers) != len(want) {
					t.Fatalf("got %+v", e.LoadBalancers)
				}
				for i, w := range want {
					g := e.LoadBalancers[i]
					if g.Name != w.Name || g.Type != w.Type || g.Internal != w.Internal {
						t.Errorf("lb %d = %+v, want %+v", i, g, w)
					}
				}
			},
		},
		{
			name: "ingress classes from the input",
			in: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: by-class}
spec: {ingressClassName: public}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: public}
spec: {controller: ingress.k8s.aws/alb}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: alb}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: alb-is-nginx-here}
spec: {ingressClassName: alb}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: default-alb, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}
spec: {controller: ingress.k8s.aws/alb}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: no-class, namespace: old, annotations: {alb.ingress.kubernetes.io/scheme: internal}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: annotated-nginx, annotations: {kubernetes.io/ingress.class: nginx}}
spec: {ingressClassName: public}
`,
			check: func(t *testing.T, e *estate.Estate) {
				if len(e.LoadBalancers) != 2 {
					t.Fatalf("got %+v", e.LoadBalancers)
				}
				a, b := e.LoadBalancers[0], e.LoadBalancers[1]
				if a.Name != "default/by-class" || a.Type != estate.ALB || !a.Internal || a.Origin.Line != 1 {
					t.Errorf("first = %+v", a)
				}
				if b.Name != "old/no-class" || !b.Internal || strings.Join(b.Members, ",") != "old/no-class" {
					t.Errorf("second = %+v", b)
				}
			},
		},
		{
			name: "storage classes",
			in: `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: csi}
provisioner: ebs.csi.aws.com
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: intree, annotations: {storageclass.beta.kubernetes.io/is-default-class: "true"}}
provisioner: kubernetes.io/aws-ebs
---
apiVersion: storage.k8s.io/v1beta1
kind: StorageClass
metadata: {name: fast}
provisioner: ebs.csi.aws.com
parameters: {Type: IO2, iopsPerGB: "50"}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: efs}
provisioner: efs.csi.aws.com
parameters: {type: whatever}
`,
			check: func(t *testing.T, e *estate.Estate) {
				want := []estate.StorageClass{{Name: "csi", EBSType: "gp3"}, {Name: "intree", EBSType: "gp2", Default: true}, {Name: "fast", EBSType: "io2"}, {Name: "efs"}}
				for i, w := range want {
					g := e.StorageClasses[i]
					g.Origin = estate.Origin{}
					if g != w {
						t.Errorf("class %d = %+v, want %+v", i, g, w)
					}
				}
			},
		},
		{
			name: "claims with legacy class annotation and decimal size",
			in: `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: old, annotations: {volume.beta.kubernetes.io/storage-class: slow}}
spec: {resources: {requests: {storage: 1073741824}}}
`,
			check: func(t *testing.T, e *estate.Estate) {
				c := e.Claims[0]
				if c.StorageClass != "slow" || c.SizeGiB != 1 || c.Count != 1 || c.Namespace != "default" {
					t.Errorf("claim = %+v", c)
				}
			},
		},
		{
			name: "lists are expanded",
			in: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: a}
  - apiVersion: v1
    kind: List
    items:
      - apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: b}
        spec: {resources: {requests: {storage: 2Gi}}}
---
apiVersion: apps/v1
kind: DeploymentList
items:
  - metadata: {name: c}
    spec: {replicas: 2}
---
apiVersion: v1
kind: List
`,
			check: func(t *testing.T, e *estate.Estate) {
				if len(e.Workloads) != 2 || len(e.Claims) != 1 {
					t.Fatalf("got %+v / %+v", e.Workloads, e.Claims)
				}
				if w := e.Workloads[1]; w.Kind != "Deployment" || w.Replicas != 2 || w.Origin.String() != "f.yaml:18" {
					t.Errorf("typed list item = %+v", w)
				}
				if c := e.Claims[0]; c.Origin.String() != "f.yaml:10" {
					t.Errorf("nested item origin = %s", c.Origin)
				}
			},
		},
		{name: "no apiVersion", in: "kind: Pod\nmetadata: {name: a}\n", wantErr: "f.yaml:1: object has no apiVersion"},
		{name: "no kind", in: "---\n# c\napiVersion: v1\n", wantErr: "f.yaml:3: object has no kind"},
		{name: "list item without kind", in: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n", wantErr: "f.yaml:4: object has no kind"},
		{name: "items not a list", in: "apiVersion: v1\nkind: List\nitems: {a: b}\n", wantErr: "f.yaml:3: List: items is not a list"},
		{
			name:    "negative replicas",
			in:      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: -2\n",
			wantErr: "f.yaml:5: Deployment default/a: replicas -2 is negative",
		},
		{
			name:    "negative parallelism",
			in:      "apiVersion: batch/v1\nkind: Job\nmetadata: {name: a}\nspec:\n  parallelism: -1\n",
			wantErr: "f.yaml:5: Job default/a: parallelism -1 is negative",
		},
		{
			name:    "replicas not a number",
			in:      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: three\n",
			wantErr: `f.yaml:5: Deployment default/a: replicas "three" is not a whole number`,
		},
		{
			name:    "replicas not whole",
			in:      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: 1.5\n",
			wantErr: `f.yaml:5: Deployment default/a: replicas "1.5" is not a whole number`,
		},
		{
			name:    "replicas as a float exponent",
			in:      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: 1e12\n",
			wantErr: `f.yaml:5: Deployment default/a: replicas "1e12" is not a whole number`,
		},
		{
			name:    "replicas past int32",
			in:      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: 2147483648\n",
			wantErr: "f.yaml:5: Deployment default/a: replicas 2147483648 is out of range (at most 2147483647)",
		},
		{
			name:    "replicas past int64",
			in:      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: 99999999999999999999\n",
			wantErr: "f.yaml:5: Deployment default/a: replicas 99999999999999999999 is out of range",
		},
		{
			name:    "parallelism past int32",
			in:      "apiVersion: batch/v1\nkind: Job\nmetadata: {name: a}\nspec:\n  parallelism: 9223372036854775807\n",
			wantErr: "f.yaml:5: Job default/a: parallelism 9223372036854775807 is out of range",
		},
		{
			name:    "cpu past the bound",
			in:      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    resources: {requests: {cpu: 9223372036854775807m}}\n",
			wantErr: "f.yaml:7: Pod default/p: container c: cpu request: quantity",
		},
		{
			name:    "requests in total past the bound",
			in:      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  replicas: 2147483647\n  template:\n    spec:\n      containers:\n      - name: c\n        resources: {requests: {memory: 4Ti}}\n",
			wantErr: "f.yaml:1: Deployment default/a: 2147483647 replicas bring the pods' requests past",
		},
		{
			name:    "claim past the bound",
			in:      "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  resources: {requests: {storage: 1e30}}\n",
			wantErr: "f.yaml:5: PersistentVolumeClaim default/c: storage request: quantity \"1e30\" is out of range",
		},
		{
			name: "malformed cpu",
			in: `apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: n}
spec:
  template:
    spec:
      containers:
        - name: app
          resources:
            requests:
              cpu: 12 cores
`,
			wantErr: `f.yaml:11: Deployment n/a: container app: cpu request: quantity "12 cores" has unknown unit " cores"`,
		},
		{
			name:    "negative memory limit",
			in:      "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: c\n    resources: {limits: {memory: -1Gi}}\n",
			wantErr: `f.yaml:7: Pod default/a: container c: memory limit: quantity "-1Gi" is negative`,
		},
		{
			name:    "quantity not a scalar",
			in:      "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: c\n    resources:\n      requests:\n        cpu: [1]\n",
			wantErr: "f.yaml:9: Pod default/a: container c: cpu request is not a quantity",
		},
		{
			name:    "containers of the wrong type",
			in:      "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: nginx\n",
			wantErr: "f.yaml:5: cannot unmarshal",
		},
		{
			name:    "spec of the wrong type",
			in:      "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: [1]\n",
			wantErr: "f.yaml:4: cannot unmarshal",
		},
		{
			name:    "claim without size",
			in:      "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: a}\nspec: {}\n",
			wantErr: "f.yaml:1: PersistentVolumeClaim default/a: no spec.resources.requests.storage",
		},
		{
			name: "bad template storage",
			in: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: s}
spec:
  volumeClaimTemplates:
    - metadata: {name: d}
      spec:
        resources:
          requests:
            storage: 10 GB
`,
			wantErr: `f.yaml:10: StatefulSet default/s: volumeClaimTemplates d: storage request: quantity "10 GB" has unknown unit`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := parse(t, "f.yaml", tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Validate(); err != nil {
				t.Fatal(err)
			}
			tt.check(t, e)
		})
	}
}
