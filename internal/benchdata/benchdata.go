// Package benchdata generates large, realistic inputs for refit's benchmarks:
// directories of Kubernetes manifests and eksctl node groups.
package benchdata

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
)

// PerFile is how many objects each generated manifest file holds.
const PerFile = 100

// Generate writes objects Kubernetes objects (a mix of Deployments,
// StatefulSets with claim templates, DaemonSets, Services, Ingresses, PVCs
// and ConfigMaps) and nodeGroups eksctl managed node groups (100 per
// ClusterConfig) under dir.
func Generate(dir string, objects, nodeGroups int) error {
	if err := os.MkdirAll(filepath.Join(dir, "manifests"), 0o755); err != nil {
		return err
	}
	for start := 0; start < objects; start += PerFile {
		name := filepath.Join(dir, "manifests", fmt.Sprintf("app-%05d.yaml", start/PerFile))
		if err := writeFile(name, func(w *bufio.Writer) {
			for i := start; i < min(start+PerFile, objects); i++ {
				writeObject(w, i)
			}
		}); err != nil {
			return err
		}
	}
	for c := 0; c*100 < nodeGroups; c++ {
		name := filepath.Join(dir, fmt.Sprintf("cluster-%03d.yaml", c))
		if err := writeFile(name, func(w *bufio.Writer) {
			fmt.Fprintf(w, "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: bench-%d\n  region: us-east-1\n  version: \"1.34\"\nmanagedNodeGroups:\n", c)
			types := []string{"t3.small", "t3.medium", "m5.large", "m6i.large", "c6i.xlarge", "r6i.large"}
			for g := c * 100; g < min((c+1)*100, nodeGroups); g++ {
				fmt.Fprintf(w, "- name: ng-%d\n  instanceTypes: [%q]\n  desiredCapacity: %d\n  volumeSize: %d\n  spot: %t\n", g, types[g%len(types)], 1+g%5, 20+g%4*20, g%2 == 0)
			}
		}); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(name string, body func(*bufio.Writer)) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	body(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeObject(w *bufio.Writer, i int) {
	ns := fmt.Sprintf("team-%d", i%50)
	fmt.Fprintln(w, "---")
	switch i % 8 {
	case 0, 1, 2:
		fmt.Fprintf(w, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%[1]d
  namespace: %[2]s
  labels: {app: app-%[1]d}
spec:
  replicas: %[3]d
  selector:
    matchLabels: {app: app-%[1]d}
  template:
    metadata:
      labels: {app: app-%[1]d}
    spec:
      initContainers:
      - name: init
        image: busybox:1.36
        resources: {requests: {cpu: 50m, memory: 32Mi}}
      containers:
      - name: app
        image: example/app:%[1]d
        resources:
          requests: {cpu: %[4]dm, memory: %[5]dMi}
          limits: {memory: %[6]dMi}
      - name: sidecar
        image: example/sidecar:1
        resources: {requests: {cpu: 10m, memory: 16Mi}}
`, i, ns, 1+i%4, 50+i%10*25, 64+i%8*32, 128+i%8*64)
	case 3:
		fmt.Fprintf(w, `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db-%[1]d
  namespace: %[2]s
spec:
  replicas: %[3]d
  serviceName: db-%[1]d
  selector:
    matchLabels: {app: db-%[1]d}
  template:
    metadata:
      labels: {app: db-%[1]d}
    spec:
      containers:
      - name: db
        image: postgres:16
        resources: {requests: {cpu: 250m, memory: 512Mi}}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: gp3
      resources: {requests: {storage: %[4]dGi}}
`, i, ns, 1+i%3, 10+i%5*10)
	case 4:
		fmt.Fprintf(w, `apiVersion: v1
kind: Service
metadata:
  name: svc-%[1]d
  namespace: %[2]s
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: %[3]s
spec:
  type: %[4]s
  selector: {app: app-%[1]d}
  ports:
  - port: 80
    targetPort: 8080
`, i, ns, []string{"nlb", "external"}[i%2], []string{"ClusterIP", "ClusterIP", "ClusterIP", "LoadBalancer"}[i/8%4])
	case 5:
		fmt.Fprintf(w, `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ing-%[1]d
  namespace: %[2]s
  annotations:
    alb.ingress.kubernetes.io/scheme: internet-facing
    alb.ingress.kubernetes.io/group.name: group-%[3]d
spec:
  ingressClassName: alb
  rules:
  - host: app-%[1]d.example.org
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: svc-%[1]d
            port: {number: 80}
`, i, ns, i%20)
	case 6:
		fmt.Fprintf(w, `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: pvc-%[1]d
  namespace: %[2]s
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: %[3]dGi}}
`, i, ns, 1+i%20)
	default:
		fmt.Fprintf(w, `apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg-%[1]d
  namespace: %[2]s
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
`, i, ns)
	}
}

// GeneratePods writes Deployments holding pods pods in all (1 to 5 replicas
// each, requests from 50m/64Mi to 2 vCPU/4Gi), a DaemonSet, and one eksctl
// ClusterConfig, for `refit plan` benchmarks.
func GeneratePods(dir string, pods int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "cluster.yaml"), func(w *bufio.Writer) {
		fmt.Fprint(w, "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: bench, region: us-east-1, version: \"1.35\"}\nmanagedNodeGroups:\n- {name: ng, instanceType: m5.large, desiredCapacity: 3}\n")
	}); err != nil {
		return err
	}
	cpus := []int{50, 100, 250, 500, 1000, 2000}
	mems := []int{64, 128, 256, 512, 1024, 2048, 4096}
	placed, file := 0, 0
	for placed < pods {
		name := filepath.Join(dir, fmt.Sprintf("pods-%05d.yaml", file))
		if err := writeFile(name, func(w *bufio.Writer) {
			for i := 0; i < PerFile && placed < pods; i++ {
				n := file*PerFile + i
				replicas := min(1+n%5, pods-placed)
				placed += replicas
				fmt.Fprintf(w, "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d%d, namespace: ns%d}\nspec:\n  replicas: %d\n  selector: {matchLabels: {app: d%d}}\n  template:\n    metadata: {labels: {app: d%d}}\n    spec:\n      containers:\n      - name: c\n        image: x\n        resources: {requests: {cpu: %dm, memory: %dMi}}\n",
					n, n%40, replicas, n, n, cpus[n%len(cpus)], mems[(n/3)%len(mems)])
			}
		}); err != nil {
			return err
		}
		file++
	}
	return writeFile(filepath.Join(dir, "daemonset.yaml"), func(w *bufio.Writer) {
		fmt.Fprint(w, "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: kube-system}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      containers:\n      - {name: a, image: x, resources: {requests: {cpu: 50m, memory: 64Mi}}}\n")
	})
}
