package pack

import (
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/pricing"
)

func TestAllocatable(t *testing.T) {
	cat, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	// want is the EKS AMI formula on nominal memory; karpenterMiB is the
	// catalog's Karpenter figure. cpu and pods are the same in both.
	tests := []struct {
		name         string
		milliCPU     int64
		memMiB       int64
		pods         int
		karpenterMiB int64
	}{
		// 2 vCPU: 60m + 10m reserved; 8192 − (11×29+255) − 100 = 7518.
		{"m5.large", 1930, 7518, 29, 6903},
		// 4 vCPU: 60 + 10 + 10; 16384 − 893 − 100.
		{"m5.xlarge", 3920, 15391, 58, 14162},
		{"t3.small", 1930, 1572, 11, 1418},
		{"t3.micro", 1930, 625, 4, 548},
		// 72 vCPU: 60 + 10 + 10 + 68×2.5 = 250m; 147456 − (11×737+255) − 100.
		{"c5.18xlarge", 71750, 138994, 737, 127934},
		{"m5.24xlarge", 95690, 384754, 737, 355262},
		// arm64: Karpenter is a further 59 MiB lower.
		{"m7g.medium", 940, 3653, 8, 3286},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it, err := cat.InstanceType(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Allocatable(it)
			if err != nil {
				t.Fatal(err)
			}
			want := Capacity{tc.milliCPU, tc.memMiB * MiB, tc.pods}
			if got != want {
				t.Errorf("Allocatable = %+v, want %+v", got, want)
			}
			if int64(it.AllocatableMilliCPU) != got.MilliCPU || it.AllocatableMemoryMiB != int(tc.karpenterMiB) || it.MaxPodsENI != got.Pods {
				t.Errorf("catalog Karpenter figures %dm %dMiB, want %dm %dMiB", it.AllocatableMilliCPU, it.AllocatableMemoryMiB, got.MilliCPU, tc.karpenterMiB)
			}
		})
	}
}

// TestAllocatableVsKarpenter checks the formula against every type the
// catalog has Karpenter figures for: cpu and pods exactly; memory exactly once
// Karpenter's 7.5% VM overhead is applied, except a constant 59 MiB on arm64.
func TestAllocatableVsKarpenter(t *testing.T) {
	cat, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	var n, exact, arm int
	minOver, maxOver := 1e9, 0.0
	for _, it := range cat.InstanceTypes() {
		if it.AllocatableMilliCPU == 0 || it.MaxPodsENI == 0 {
			continue
		}
		n++
		nominal, err := Allocatable(it)
		if err != nil {
			t.Fatalf("%s: %v", it.Name, err)
		}
		if nominal.MilliCPU != int64(it.AllocatableMilliCPU) {
			t.Errorf("%s: cpu %dm, Karpenter %dm", it.Name, nominal.MilliCPU, it.AllocatableMilliCPU)
		}
		over := float64(nominal.MemoryBytes/MiB)/float64(it.AllocatableMemoryMiB) - 1
		minOver, maxOver = min(minOver, over), max(maxOver, over)
		vm, err := AllocatableWithVMOverhead(it, KarpenterVMMemoryOverhead)
		if err != nil {
			t.Fatalf("%s: %v", it.Name, err)
		}
		diff := vm.MemoryBytes/MiB - int64(it.AllocatableMemoryMiB)
		switch {
		case diff == 0:
			exact++
		case diff == 59 && it.Arch == "arm64":
			arm++
		default:
			t.Errorf("%s (%s): memory with VM overhead %d MiB, Karpenter %d MiB", it.Name, it.Arch, vm.MemoryBytes/MiB, it.AllocatableMemoryMiB)
		}
	}
	if n < 1000 {
		t.Fatalf("only %d types with Karpenter figures", n)
	}
	t.Logf("%d types: cpu and pods equal Karpenter's for all; nominal memory is %.1f%%..%.0f%% above Karpenter's; with 7.5%% VM overhead %d equal, %d arm64 types 59 MiB above",
		n, minOver*100, maxOver*100, exact, arm)
}

func TestAllocatableErrors(t *testing.T) {
	tests := []struct {
		it   pricing.InstanceType
		want string
	}{
		{pricing.InstanceType{Name: "p2.xlarge", VCPU: 4, MemoryMiB: 62464}, "max pods"},
		{pricing.InstanceType{Name: "x.tiny", VCPU: 1, MemoryMiB: 256, MaxPodsENI: 4}, "no memory left"},
		{pricing.InstanceType{Name: "x.zero", MaxPodsENI: 4}, "must be positive"},
	}
	for _, tc := range tests {
		_, err := Allocatable(tc.it)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.it.Name) {
			t.Errorf("Allocatable(%s) error = %v, want it to name the type and say %q", tc.it.Name, err, tc.want)
		}
	}
}

func TestKubeReservedMilliCPU(t *testing.T) {
	for _, tc := range []struct{ milli, want int64 }{
		{0, 0}, {500, 30}, {1000, 60}, {2000, 70}, {3000, 75}, {4000, 80}, {8000, 90}, {96000, 310},
	} {
		if got := KubeReservedMilliCPU(tc.milli); got != tc.want {
			t.Errorf("KubeReservedMilliCPU(%d) = %d, want %d", tc.milli, got, tc.want)
		}
	}
}
