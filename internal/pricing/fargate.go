package pricing

import (
	"fmt"
	"math"
)

// Fargate pod sizing, as documented in the EKS user guide ("Fargate pod
// configuration", https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html):
//
//   - the pod's vCPU and memory are the larger of the sum of its long-running
//     containers' requests and the largest init container's request, per resource;
//   - Fargate adds 256 MB to the memory for the Kubernetes components
//     (kubelet, kube-proxy, containerd);
//   - the result is rounded up to the smallest supported vCPU/memory
//     combination below that is at least as large in both dimensions.
//
// Pods with no requests get the smallest combination (0.25 vCPU, 0.5 GB).
const FargateOverheadMiB = 256

// FargateSize is one supported vCPU/memory combination.
type FargateSize struct {
	VCPU      float64 `json:"vcpu"`
	MemoryGiB float64 `json:"memoryGiB"`
}

// fargateCombos lists the supported combinations: for each vCPU size (in
// millicores) the memory sizes in MiB, from the table in the EKS user guide.
// Sizes are whole numbers so that boundaries compare exactly.
var fargateCombos = []struct {
	milliCPU             int64
	minMiB, maxMiB, step int64
	extra                []int64
}{
	{250, 0, 0, 0, []int64{512, 1024, 2048}},
	{500, 1024, 4096, 1024, nil},
	{1000, 2048, 8192, 1024, nil},
	{2000, 4096, 16384, 1024, nil},
	{4000, 8192, 30720, 1024, nil},
	{8000, 16384, 61440, 4096, nil},
	{16000, 32768, 122880, 8192, nil},
}

// FargatePodSize returns the Fargate size for a pod with the given effective
// requests (millicores and bytes), before the 256 MB overhead is added.
func FargatePodSize(milliCPU, memoryBytes int64) (FargateSize, error) {
	if milliCPU < 0 || memoryBytes < 0 {
		return FargateSize{}, fmt.Errorf("negative request")
	}
	const mib = 1 << 20
	needBytes := memoryBytes + FargateOverheadMiB*mib
	if memoryBytes > math.MaxInt64-FargateOverheadMiB*mib {
		needBytes = math.MaxInt64
	}
	for _, c := range fargateCombos {
		if c.milliCPU < milliCPU {
			continue
		}
		sizes := c.extra
		if sizes == nil {
			for m := c.minMiB; m <= c.maxMiB; m += c.step {
				sizes = append(sizes, m)
			}
		}
		for _, m := range sizes {
			if m*mib >= needBytes {
				return FargateSize{VCPU: float64(c.milliCPU) / 1000, MemoryGiB: float64(m) / 1024}, nil
			}
		}
	}
	needGiB := float64(needBytes) / (1 << 30)
	return FargateSize{}, fmt.Errorf("requests of %.2f vCPU and %.2f GiB (with Fargate's %d MiB) exceed the largest Fargate pod (16 vCPU, 120 GB)",
		float64(milliCPU)/1000, math.Ceil(needGiB*100)/100, FargateOverheadMiB)
}
