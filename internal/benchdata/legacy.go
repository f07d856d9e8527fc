package benchdata

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
)

// LegacyPerDir is how many manifest files GenerateLegacy puts in each
// sub-directory.
const LegacyPerDir = 500

// GenerateLegacy writes files manifest files (about 2.5 KB each, so 20,000
// files make about 50 MB) of a Kubernetes 1.11-era estate, for
// `refit migrate check` benchmarks: each file holds an application's
// Deployment (extensions/v1beta1, apps/v1beta1, apps/v1beta2 or apps/v1),
// its Service and ConfigMap, and one more object that rotates through Ingress
// (extensions/v1beta1, networking.k8s.io/v1beta1, networking.k8s.io/v1),
// HorizontalPodAutoscaler autoscaling/v2beta1, PodDisruptionBudget
// policy/v1beta1, CronJob batch/v1beta1, StatefulSet apps/v1beta2,
// DaemonSet extensions/v1beta1 and PodSecurityPolicy policy/v1beta1.
// Files go in sub-directories of LegacyPerDir under dir/manifests.
func GenerateLegacy(dir string, files int) error {
	for i := 0; i < files; i++ {
		sub := filepath.Join(dir, "manifests", fmt.Sprintf("team-%03d", i/LegacyPerDir))
		if i%LegacyPerDir == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return err
			}
		}
		if err := writeFile(filepath.Join(sub, fmt.Sprintf("app-%05d.yaml", i)), func(w *bufio.Writer) {
			writeLegacy(w, i)
		}); err != nil {
			return err
		}
	}
	return nil
}

var legacyDeploymentAPIs = []string{"extensions/v1beta1", "apps/v1beta1", "apps/v1beta2", "apps/v1"}

func writeLegacy(w *bufio.Writer, i int) {
	ns := fmt.Sprintf("team-%d", i%40)
	api := legacyDeploymentAPIs[i%len(legacyDeploymentAPIs)]
	fmt.Fprintf(w, `# Application %[1]d, as deployed on the kops cluster (Kubernetes 1.11).
apiVersion: %[3]s
kind: Deployment
metadata:
  name: app-%[1]d
  namespace: %[2]s
  labels:
    app: app-%[1]d
    team: %[2]s
spec:
  replicas: %[4]d
  selector:
    matchLabels:
      app: app-%[1]d
  template:
    metadata:
      labels:
        app: app-%[1]d
      annotations:
        iam.amazonaws.com/role: app-%[1]d # kube2iam
    spec:
      containers:
      - name: app
        image: example/app-%[1]d:1.%[5]d.0
        ports:
        - containerPort: 8080
        env:
        - name: LOG_LEVEL
          value: info
        readinessProbe:
          httpGet: {path: /healthz, port: 8080}
        resources:
          requests: {cpu: %[6]dm, memory: %[7]dMi}
          limits: {memory: %[8]dMi}
      - name: proxy
        image: nginx:1.15-alpine
        ports:
        - containerPort: 8081
        volumeMounts:
        - name: config
          mountPath: /etc/nginx/nginx.conf
          subPath: nginx.conf
        resources:
          requests: {cpu: 10m, memory: 16Mi}
      volumes:
      - name: config
        configMap:
          name: app-%[1]d-config
---
apiVersion: v1
kind: Service
metadata:
  name: app-%[1]d
  namespace: %[2]s
spec:
  type: ClusterIP
  selector:
    app: app-%[1]d
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-%[1]d-config
  namespace: %[2]s
data:
  application.properties: |
    server.port=8080
    server.shutdown=graceful
    management.endpoints.web.exposure.include=health,info,prometheus
    spring.datasource.url=jdbc:postgresql://db-%[1]d.%[2]s.svc.cluster.local:5432/app
    spring.datasource.hikari.maximum-pool-size=10
    spring.jpa.open-in-view=false
    logging.level.root=INFO
    logging.level.org.example=DEBUG
    cache.ttl.seconds=300
    feature.new-checkout=false
    feature.search-v2=true
    upload.bucket=example-uploads-%[2]s
    upload.max-size=25MB
  nginx.conf: |
    worker_processes 1;
    events { worker_connections 1024; }
    http {
      server {
        listen 8081;
        location /static/ { root /srv; expires 7d; }
        location / { proxy_pass http://127.0.0.1:8080; }
      }
    }
---
`, i, ns, api, 1+i%4, i%30, 50+i%10*25, 64+i%8*32, 128+i%8*64)
	switch i % 9 {
	case 0, 1:
		fmt.Fprintf(w, `apiVersion: %[3]s
kind: Ingress
metadata:
  name: app-%[1]d
  namespace: %[2]s
  annotations:
    kubernetes.io/ingress.class: nginx
spec:
  rules:
  - host: app-%[1]d.example.org
    http:
      paths:
      - path: /
        backend:
          serviceName: app-%[1]d
          servicePort: 80
`, i, ns, []string{"extensions/v1beta1", "networking.k8s.io/v1beta1"}[i%9])
	case 2:
		fmt.Fprintf(w, `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app-%[1]d
  namespace: %[2]s
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
            name: app-%[1]d
            port: {number: 80}
`, i, ns)
	case 3:
		fmt.Fprintf(w, `apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata:
  name: app-%[1]d
  namespace: %[2]s
spec:
  scaleTargetRef:
    apiVersion: %[3]s
    kind: Deployment
    name: app-%[1]d
  minReplicas: 2
  maxReplicas: 6
  metrics:
  - type: Resource
    resource:
      name: cpu
      targetAverageUtilization: 70
`, i, ns, api)
	case 4:
		fmt.Fprintf(w, `apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: app-%[1]d
  namespace: %[2]s
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: app-%[1]d
`, i, ns)
	case 5:
		fmt.Fprintf(w, `apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: report-%[1]d
  namespace: %[2]s
spec:
  schedule: "%[3]d 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: report
            image: example/report:2.0
            resources:
              requests: {cpu: 100m, memory: 128Mi}
`, i, ns, i%60)
	case 6:
		fmt.Fprintf(w, `apiVersion: apps/v1beta2
kind: StatefulSet
metadata:
  name: db-%[1]d
  namespace: %[2]s
spec:
  serviceName: db-%[1]d
  replicas: 1
  selector:
    matchLabels: {app: db-%[1]d}
  template:
    metadata:
      labels: {app: db-%[1]d}
    spec:
      containers:
      - name: db
        image: postgres:9.6
        resources:
          requests: {cpu: 250m, memory: 512Mi}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: gp2
      resources: {requests: {storage: 10Gi}}
`, i, ns)
	case 7:
		fmt.Fprintf(w, `apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: agent-%[1]d
  namespace: %[2]s
spec:
  template:
    metadata:
      labels: {app: agent-%[1]d}
    spec:
      containers:
      - name: agent
        image: example/agent:0.9
        resources:
          requests: {cpu: 25m, memory: 32Mi}
`, i, ns)
	default:
		fmt.Fprintf(w, `apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: restricted-%[1]d
spec:
  privileged: false
  runAsUser: {rule: MustRunAsNonRoot}
  seLinux: {rule: RunAsAny}
  supplementalGroups: {rule: RunAsAny}
  fsGroup: {rule: RunAsAny}
  volumes: [configMap, secret, emptyDir]
`, i)
	}
}
