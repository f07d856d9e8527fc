package readiness

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// roleARN matches a full IAM role ARN, in any partition.
var roleARN = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/\S+$`) })

// awsController is a well-known component that calls AWS APIs and so needs
// an IAM role for its service account on EKS (each one's install guide asks
// for IRSA or EKS Pod Identity).
type awsController struct {
	match string // in the workload's name or image
	name  string
	needs func(w *workload) bool // nil: always
}

var awsControllers = []awsController{
	// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/installation/
	{match: "aws-load-balancer-controller", name: "the AWS Load Balancer Controller"},
	{match: "aws-alb-ingress-controller", name: "the ALB ingress controller"},
	// https://kubernetes-sigs.github.io/external-dns/latest/docs/tutorials/aws/
	{match: "external-dns", name: "external-dns (Route 53)", needs: func(w *workload) bool {
		for _, a := range w.args() {
			if v, ok := flagValue(a, "--provider"); ok {
				return v == "aws" || v == "aws-sd"
			}
		}
		return true
	}},
	// https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md
	{match: "cluster-autoscaler", name: "the Cluster Autoscaler"},
	// https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html (the controller, not the node DaemonSet)
	{match: "ebs-csi-controller", name: "the EBS CSI controller"},
	{match: "aws-ebs-csi-driver", name: "the EBS CSI controller", needs: notDaemonSet},
	{match: "aws-efs-csi-driver", name: "the EFS CSI controller", needs: notDaemonSet},
	// https://karpenter.sh/docs/getting-started/
	{match: "karpenter", name: "Karpenter"},
	// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-setup-logs-FluentBit.html
	{match: "aws-for-fluent-bit", name: "Fluent Bit (CloudWatch Logs)"},
	{match: "fluent-bit", name: "Fluent Bit with CloudWatch output", needs: mentionsCloudWatch},
	{match: "cloudwatch-agent", name: "the CloudWatch agent"},
}

func notDaemonSet(w *workload) bool { return w.kind != "DaemonSet" }

func mentionsCloudWatch(w *workload) bool {
	for _, a := range w.args() {
		if strings.Contains(strings.ToLower(a), "cloudwatch") {
			return true
		}
	}
	for _, c := range w.containers() {
		for _, e := range items(yamldoc.Lookup(c, "env")) {
			if strings.Contains(strings.ToLower(scalarAt(e, "name")+scalarAt(e, "value")), "cloudwatch") {
				return true
			}
		}
	}
	return false
}

func (ix *index) iamRules() []issue {
	var out []issue
	for _, w := range ix.workloads {
		if w.runs("kube2iam") || w.runs("uswitch/kiam") || strings.HasPrefix(w.name, "kiam") {
			out = append(out, issue{Finding: w.finding(RuleKube2IAMDaemonSet, kubeapi.Warning, keyNode(w.doc.Node, "kind"),
				"kube2iam/kiam hands pods IAM roles through the instance metadata API; on EKS, IAM roles for service accounts (IRSA) or EKS Pod Identity do that without a privileged host-network agent: give each pod's ServiceAccount its role, then remove this")})
			continue
		}
		if role := scalarAt(yamldoc.Lookup(w.podMeta, "annotations"), annKube2IAMRole); role != "" {
			out = append(out, ix.kube2iamPodIssue(w, role))
			continue
		}
		for _, c := range awsControllers {
			if !w.runs(c.match) || (c.needs != nil && !c.needs(w)) {
				continue
			}
			sa := w.serviceAccount()
			if ix.hasRole(key{w.ns(), sa}) {
				break
			}
			msg := fmt.Sprintf("%s calls AWS APIs: its ServiceAccount %s/%s needs an IAM role (the annotation %s, made by eksctl's iam.serviceAccounts or `eksctl create iamserviceaccount`, or an EKS Pod Identity association)",
				c.name, w.ns(), sa, annIRSARoleARN)
			if sa == "default" {
				msg += "; give it its own ServiceAccount rather than the namespace's default one"
			}
			out = append(out, issue{Finding: w.finding(RuleIRSANeeded, kubeapi.Warning, first(yamldoc.Lookup(w.podSpec, "serviceAccountName"), keyNode(w.doc.Node, "spec")), msg)})
			break
		}
	}
	for _, ns := range ix.namespaces {
		if n := ns.annotationNode(annKube2IAMPermitted); n != nil {
			out = append(out, issue{Finding: ns.finding(RuleIRSANeeded, kubeapi.Warning, n, fmt.Sprintf(
				"%s limits which roles kube2iam/kiam hand out in this namespace; with IRSA the role's trust policy names the service accounts that may assume it, so this annotation does nothing on EKS", annKube2IAMPermitted))})
		}
	}
	return out
}

// kube2iamPodIssue: pods that assume a role through kube2iam/kiam need it
// through their ServiceAccount on EKS
// (https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html).
func (ix *index) kube2iamPodIssue(w *workload, role string) issue {
	ann := yamldoc.Lookup(w.podMeta, "annotations")
	at := keyNode(ann, annKube2IAMRole)
	saName := w.serviceAccount()
	k := key{w.ns(), saName}
	if ix.hasRole(k) {
		return issue{Finding: w.finding(RuleIRSANeeded, kubeapi.Info, at, fmt.Sprintf(
			"the kube2iam/kiam annotation %s: %s is left over: ServiceAccount %s/%s already has an IAM role for EKS; remove it once the move is done", annKube2IAMRole, role, k.ns, k.name))}
	}
	full := roleARN().MatchString(role)
	arn := role
	if !full {
		arn = "arn:aws:iam::ACCOUNT_ID:role/" + strings.TrimPrefix(role, "role/")
	}
	sa := ix.serviceAccounts[k]
	msg := fmt.Sprintf("pods assume IAM role %s through kube2iam/kiam (the instance metadata API), which EKS does not provide: annotate ServiceAccount %s/%s with %s: %s, and let the role's trust policy trust the cluster's OIDC provider for system:serviceaccount:%s:%s (eksctl iam.serviceAccounts with attachRoleARN does both)",
		role, k.ns, k.name, annIRSARoleARN, arn, k.ns, k.name)
	var blocker string
	switch {
	case !full:
		blocker = fmt.Sprintf("the annotation holds a role name, not an ARN: the account id is needed to build %s", arn)
	case sa == nil:
		blocker = fmt.Sprintf("ServiceAccount %s/%s is not in the input", k.ns, k.name)
	}
	if blocker != "" {
		msg += "; " + blocker
	}
	if saName == "default" {
		msg += "; the pods use the namespace's default ServiceAccount: give them their own"
	}
	f := w.finding(RuleIRSANeeded, kubeapi.Warning, at, msg)
	f.Fixable = blocker == ""
	return issue{Finding: f, node: w.doc.Node, fix: func() (kubeapi.Finding, error) {
		note := fmt.Sprintf("# refit: on EKS these pods get IAM role %s through ServiceAccount %s/%s (IRSA, %s); kube2iam/kiam is not needed", role, k.ns, k.name, annIRSARoleARN)
		if blocker != "" {
			note = fmt.Sprintf("# refit: on EKS, annotate ServiceAccount %s/%s with %s: %s (IRSA) instead of using kube2iam/kiam", k.ns, k.name, annIRSARoleARN, arn)
		}
		addNote(at, note)
		done := f
		if blocker != "" {
			done.Message = "added a note beside the kube2iam/kiam annotation; not fixed: " + blocker
			return done, nil
		}
		if cur := sa.annotation(annIRSARoleARN); cur != "" && cur != role {
			done.Fixable = false
			done.Message = fmt.Sprintf("added a note; not fixed: ServiceAccount %s/%s already has %s: %s", k.ns, k.name, annIRSARoleARN, cur)
			return done, nil
		}
		if err := setAnnotation(sa, annIRSARoleARN, role); err != nil {
			return kubeapi.Finding{}, err
		}
		done.Severity = kubeapi.Info // fixed
		done.Message = fmt.Sprintf("annotated ServiceAccount %s/%s (%s) with %s: %s and added a note beside the kube2iam/kiam annotation; the role's trust policy must trust the cluster's OIDC provider for system:serviceaccount:%s:%s",
			k.ns, k.name, sa.doc.Origin(), annIRSARoleARN, role, k.ns, k.name)
		return done, nil
	}}
}
