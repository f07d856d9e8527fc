package pack

import (
	"fmt"
	"math"

	"github.com/refit-dev/refit/internal/pricing"
)

// MiB is 2^20 bytes.
const MiB = 1 << 20

// EKS-optimized AMI (AL2023, nodeadm) kubelet defaults, from
// awslabs/amazon-eks-ami nodeadm/internal/kubelet/config.go:
//   - evictionHard memory.available "100Mi" (defaultKubeletSubConfig);
//   - kubeReserved memory = 11 MiB × maxPods + 255 MiB (GetMemoryMebibytesToReserve);
//   - kubeReserved cpu = 6% of the first core, 1% of the second, 0.5% of cores
//     3–4 and 0.25% of every core above 4, each range rounded down to a whole
//     millicore (getCPUMillicoresToReserve / getResourceToReserveInRange,
//     ranges 0–1000–2000–4000–total millicores at 600, 100, 50, 25 basis points);
//   - maxPods is the VPC CNI's ENI limit from eni-max-pods.txt
//     (GetClassicMaxPods), which pricing.InstanceType.MaxPodsENI holds.
//
// The legacy AL2 bootstrap.sh (same repository, templates/al2/runtime/bootstrap.sh)
// applies the same three formulas.
const (
	evictionHardMiB       = 100
	kubeReservedMiBBase   = 255
	kubeReservedMiBPerPod = 11
)

// cpuReserveRanges are the kube-reserved cpu tiers: from each tier's start
// (millicores) up to the next, reserve basisPoints/10000 of the cores.
var cpuReserveRanges = []struct {
	from, to    int64 // millicores; to < 0 means unbounded
	basisPoints int64
}{
	{0, 1000, 600},
	{1000, 2000, 100},
	{2000, 4000, 50},
	{4000, -1, 25},
}

// KubeReservedMilliCPU is the cpu the EKS AMI reserves for Kubernetes system
// daemons on a node with the given number of millicores.
func KubeReservedMilliCPU(milliCPU int64) int64 {
	var r int64
	for _, t := range cpuReserveRanges {
		if milliCPU <= t.from {
			break
		}
		top := milliCPU
		if t.to >= 0 && top > t.to {
			top = t.to
		}
		r += (top - t.from) * t.basisPoints / 10000
	}
	return r
}

// KubeReservedMemoryMiB is the memory the EKS AMI reserves for Kubernetes
// system daemons on a node that may run maxPods pods.
func KubeReservedMemoryMiB(maxPods int) int64 {
	return kubeReservedMiBPerPod*int64(maxPods) + kubeReservedMiBBase
}

// KarpenterVMMemoryOverhead is Karpenter's default vmMemoryOverheadPercent
// (settings: VM_MEMORY_OVERHEAD_PERCENT, default 0.075,
// https://karpenter.sh/docs/reference/settings/): the share of an instance's
// nominal memory it assumes the hypervisor and kernel keep, since the kubelet's
// memory capacity is the guest's MemTotal, not the EC2 figure.
const KarpenterVMMemoryOverhead = 0.075

// Allocatable is the EKS-optimized AMI's allocatable capacity of an instance
// type: its vCPUs and nominal memory less kube-reserved and the hard eviction
// threshold, and max pods from the VPC CNI (MaxPodsENI). It is an error when
// MaxPodsENI is unknown.
//
// Against the Karpenter figures in the catalog (pricing.InstanceType
// AllocatableMilliCPU/AllocatableMemoryMiB, 1,363 types): cpu and pods agree
// exactly for every type; memory is higher here (by 8.1% to 9.5% for nine
// types in ten, median 8.4%, and far more on the smallest types: t3.nano 113
// MiB against 74, t4g.nano 113 against 15) because the nominal EC2 memory is
// not what the kubelet sees. Karpenter subtracts KarpenterVMMemoryOverhead
// first; AllocatableWithVMOverhead(t, KarpenterVMMemoryOverhead) reproduces
// Karpenter's memory exactly for every amd64 type and is 59 MiB higher for every
// arm64 type (Karpenter's table carries a further constant arm64 reduction that
// the AMI formula does not explain). See allocatable_test.go.
func Allocatable(t pricing.InstanceType) (Capacity, error) {
	return AllocatableWithVMOverhead(t, 0)
}

// AllocatableWithVMOverhead is Allocatable after first removing the fraction
// vmOverhead (0..1) of the nominal memory, rounded up to a whole MiB, as
// Karpenter does to estimate the memory the kubelet will see. Use
// KarpenterVMMemoryOverhead for a conservative plan.
func AllocatableWithVMOverhead(t pricing.InstanceType, vmOverhead float64) (Capacity, error) {
	switch {
	case t.MaxPodsENI <= 0:
		return Capacity{}, fmt.Errorf("instance type %s: max pods (VPC CNI ENI limit) unknown", t.Name)
	case t.VCPU <= 0 || t.MemoryMiB <= 0:
		return Capacity{}, fmt.Errorf("instance type %s: vCPU (%d) and memory (%d MiB) must be positive", t.Name, t.VCPU, t.MemoryMiB)
	case !(vmOverhead >= 0 && vmOverhead < 1):
		return Capacity{}, fmt.Errorf("vm memory overhead %v: must be in [0, 1)", vmOverhead)
	}
	milli := int64(t.VCPU) * 1000
	memMiB := int64(t.MemoryMiB)
	memMiB -= int64(math.Ceil(float64(memMiB)*vmOverhead - 1e-9))
	memMiB -= KubeReservedMemoryMiB(t.MaxPodsENI) + evictionHardMiB
	if memMiB <= 0 {
		return Capacity{}, fmt.Errorf("instance type %s: no memory left for pods after kube-reserved (%d MiB) and eviction threshold (%d MiB)",
			t.Name, KubeReservedMemoryMiB(t.MaxPodsENI), evictionHardMiB)
	}
	return Capacity{
		MilliCPU:    milli - KubeReservedMilliCPU(milli),
		MemoryBytes: memMiB * MiB,
		Pods:        t.MaxPodsENI,
	}, nil
}
