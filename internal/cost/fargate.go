package cost

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/pricing"
)

// Fargate: vCPU-hours and GB-hours of the pods a Fargate profile selects,
// sized by EKS's rule. Pods on EC2 nodes are not priced again (their nodes
// are); a note says what they request.
const (
	svcFargate      = "fargate"
	itemFargateVCPU = "linux_x86_vcpu_hour"
	itemFargateGB   = "linux_x86_gb_hour"
)

// workloads prices pods that Fargate profiles select, and notes the demand of
// the pods that run on EC2 nodes (already priced as nodes).
func (p *pricer) workloads(e *estate.Estate) {
	ec2Nodes := p.ec2Nodes
	var ec2CPU, ec2Mem int64
	ec2Pods := 0
	var vcpuPrice, gbPrice pricing.Price
	pricesLoaded := false
	for _, w := range e.Workloads {
		if w.Kind == "Job" || w.Kind == "CronJob" {
			p.assume("Jobs and CronJobs are not priced: they run for part of the month")
			continue
		}
		if !w.PerNode {
			if prof, ok := e.FargateProfileFor(w.Namespace, w.Labels); ok {
				if !pricesLoaded {
					var ok1, ok2 bool
					vcpuPrice, ok1 = p.service(prof.Origin, svcFargate, itemFargateVCPU)
					gbPrice, ok2 = p.service(prof.Origin, svcFargate, itemFargateGB)
					if !ok1 || !ok2 {
						return
					}
					pricesLoaded = true
				}
				size, err := pricing.FargatePodSize(w.Requests.MilliCPU, w.Requests.MemoryBytes)
				if err != nil {
					p.fail(w.Origin, fmt.Errorf("%s %s/%s: %w", w.Kind, w.Namespace, w.Name, err))
					continue
				}
				p.assume("Fargate pods are sized by EKS's rule: requests + 256 MB, rounded up to a supported vCPU/memory combination; x86, 20 GB ephemeral storage")
				res := fmt.Sprintf("fargate %s %s/%s: %d × %g vCPU / %g GB (profile %s)", strings.ToLower(w.Kind), w.Namespace, w.Name, w.Replicas, size.VCPU, size.MemoryGiB, prof.Name)
				reps := decimal.NewFromInt(int64(w.Replicas) * HoursPerMonth)
				p.add(res+": vCPU", ComputeFargate, reps.Mul(num(size.VCPU)), "vCPU-hours", vcpuPrice, w.Origin, "")
				p.add(res+": memory", ComputeFargate, reps.Mul(num(size.MemoryGiB)), "GB-hours", gbPrice, w.Origin, "")
				continue
			}
		}
		n := w.Replicas
		if w.PerNode {
			n = ec2Nodes
		}
		ec2Pods += n
		ec2CPU += int64(n) * w.Requests.MilliCPU
		ec2Mem += int64(n) * w.Requests.MemoryBytes
	}
	if ec2Pods > 0 {
		where := fmt.Sprintf("on %d EC2 nodes, priced above as nodes", ec2Nodes)
		if ec2Nodes == 0 {
			where = "with no node group in the input: not priced (add the cluster config)"
		}
		p.note("%d pods request %.2f vCPU and %.2f GiB %s", ec2Pods, float64(ec2CPU)/1000, float64(ec2Mem)/(1<<30), where)
	}
}
