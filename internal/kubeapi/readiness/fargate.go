package readiness

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// fargateRule flags what Fargate cannot run, from the EKS user guide's
// Fargate considerations
// (https://docs.aws.amazon.com/eks/latest/userguide/fargate.html#fargate-considerations):
// no DaemonSets, no privileged containers, no HostPort or HostNetwork, no
// GPUs, and no Amazon EBS volumes (Amazon EFS volumes can be mounted).
func (ix *index) fargateRule() []issue {
	var out []issue
	for _, w := range ix.workloads {
		if !ix.fargate[w.ns()] {
			continue
		}
		add := func(n *yaml.Node, format string, args ...any) {
			out = append(out, issue{Finding: w.finding(RuleFargateIncompatible, kubeapi.Error, n,
				fmt.Sprintf("namespace %s runs on Fargate: ", w.ns())+fmt.Sprintf(format, args...))})
		}
		if w.kind == "DaemonSet" {
			add(keyNode(w.doc.Node, "kind"), "Fargate does not run DaemonSets (there are no nodes to run them on); run the agent as a sidecar in the pods that need it, or keep a node group for it")
		}
		if v := yamldoc.Lookup(w.podSpec, "hostNetwork"); v != nil && isTrue(v.Value) {
			add(v, "Fargate pods cannot use hostNetwork")
		}
		for _, c := range w.containers() {
			cname := scalarAt(c, "name")
			if v := yamldoc.Lookup(c, "securityContext", "privileged"); v != nil && isTrue(v.Value) {
				add(v, "container %s is privileged, which Fargate does not allow", cname)
			}
			for _, p := range items(yamldoc.Lookup(c, "ports")) {
				if hp := yamldoc.Lookup(p, "hostPort"); hp != nil && hp.Value != "" && hp.Value != "0" {
					add(hp, "container %s asks for hostPort %s, which Fargate pods cannot use", cname, hp.Value)
				}
			}
			for _, section := range []string{"limits", "requests"} {
				done := false
				pairs(yamldoc.Lookup(c, "resources", section), func(k, _ *yaml.Node) {
					if !done && isAccelerator(k.Value) {
						done = true
						add(k, "container %s requests %s: Fargate has no GPUs or other accelerators; run it on a node group", cname, k.Value)
					}
				})
				if done {
					break
				}
			}
		}
		for _, v := range items(yamldoc.Lookup(w.podSpec, "volumes")) {
			vname := scalarAt(v, "name")
			if n := yamldoc.Lookup(v, "awsElasticBlockStore"); n != nil {
				add(keyNode(v, "awsElasticBlockStore"), "volume %s is an EBS volume, which cannot attach to Fargate pods; use Amazon EFS (%s) for shared storage", vname, efsProvisioner)
			}
			if claim := scalarAt(yamldoc.Lookup(v, "persistentVolumeClaim"), "claimName"); claim != "" {
				class, known := "", false
				if pvc := ix.claims[key{w.ns(), claim}]; pvc != nil {
					class, known = scalarAt(yamldoc.Lookup(pvc.doc.Node, "spec"), "storageClassName"), true
				}
				if why := ix.claimProblem(class, known); why != "" {
					add(keyNode(v, "persistentVolumeClaim"), "volume %s mounts claim %s %s", vname, claim, why)
				}
			}
		}
		for _, t := range items(yamldoc.Lookup(w.doc.Node, "spec", "volumeClaimTemplates")) {
			name := yamldoc.Scalar(t, "metadata", "name")
			if why := ix.claimProblem(yamldoc.Scalar(t, "spec", "storageClassName"), true); why != "" {
				add(t, "claim template %s %s", name, why)
			}
		}
	}
	return out
}

// claimProblem explains why a claim cannot be mounted on Fargate, or returns
// "" when its StorageClass is known to be EFS.
func (ix *index) claimProblem(class string, known bool) string {
	if known && class == "" {
		class = ix.defaultClass
	}
	prov := ix.storageClasses[class]
	if prov == efsProvisioner {
		return ""
	}
	var why string
	switch {
	case !known:
		why = "the claim is not in the input"
	case class == "":
		why = "it uses the cluster's default StorageClass (gp2/gp3 EBS on EKS)"
	case prov != "":
		why = fmt.Sprintf("its StorageClass %s uses %s", class, prov)
	default:
		why = fmt.Sprintf("its StorageClass %s is not in the input", class)
	}
	return fmt.Sprintf("(%s): EBS volumes cannot attach to Fargate pods; Amazon EFS can (a StorageClass with provisioner %s), otherwise run it on a node group", why, efsProvisioner)
}

// isAccelerator reports an extended resource that is a GPU or other
// accelerator (nvidia.com/gpu, amd.com/gpu, aws.amazon.com/neuron...).
func isAccelerator(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, "/gpu") || strings.Contains(n, "gpu.") || strings.HasPrefix(n, "aws.amazon.com/neuron")
}
