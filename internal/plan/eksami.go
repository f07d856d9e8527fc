package plan

import (
	"strings"

	"github.com/refit-dev/refit/internal/pricing"
)

// The instance types a planned EKS node group may name are those the
// EKS-optimized AMIs run. Managed node groups default to the AL2023 AMI
// (EKS user guide, "Create nodes with optimized Amazon Linux AMIs": new
// managed node groups on Kubernetes 1.30 or newer use AL2023), and eksctl
// writes amiFamily AmazonLinux2023 by default. The rule, with its sources:
//
//   - arm64: Graviton2 or later. The Amazon Linux 2023 user guide, "AL2023
//     system requirements" (ARM CPU requirements), says AL2023 supports only
//     instance types with Graviton2 or later processors and does not support
//     A1 instances; AWS Batch's Ec2Configuration reference repeats "Amazon
//     Linux 2023 does not support A1 instances".
//   - x86_64: HVM instances whose CPUs meet x86-64-v2, which AL2023 is built
//     for (same page, x86-64 CPU requirements). The EC2 previous-generation
//     families of the first Xen hardware are left out: t1, m1, m2, c1 and
//     hs1, c3 and m3 (the EC2 user guide, "Linux AMI virtualization types",
//     lists C1, C3, HS1, M1, M2, M3 and T1 as the instance types that still
//     take paravirtual AMIs), and the families of the same generation cc1,
//     cc2, cg1, cr1, hi1, g2, i2 and r3. None of them appears in the EKS
//     documentation of supported node types and their hardware predates the
//     EKS AMIs; refit does not plan for them.
//   - p2: the EKS user guide ("Create nodes with optimized Amazon Linux
//     AMIs", considerations) says P2 instances are not supported on EKS
//     because they need NVIDIA driver 470 or earlier.
//
// t2 (Xen HVM, no ENA) stays: the EKS AMIs run on it and eksctl's instance
// selector offers it. Bare metal types run the EKS AMIs too.
var eksAMIUnsupportedFamilies = map[string]string{
	"a1":  "A1 (first-generation Graviton): AL2023 needs Graviton2 or later",
	"t1":  "previous generation (paravirtual era)",
	"m1":  "previous generation (paravirtual era)",
	"m2":  "previous generation (paravirtual era)",
	"m3":  "previous generation (paravirtual era)",
	"c1":  "previous generation (paravirtual era)",
	"c3":  "previous generation (paravirtual era)",
	"hs1": "previous generation (paravirtual era)",
	"cc1": "previous generation",
	"cc2": "previous generation",
	"cg1": "previous generation",
	"cr1": "previous generation",
	"hi1": "previous generation",
	"g2":  "previous generation",
	"i2":  "previous generation",
	"r3":  "previous generation",
	"p2":  "P2 needs NVIDIA driver 470 or earlier, which EKS does not support",
}

// EKSAMISupports reports whether the EKS-optimized AMIs (AL2023,
// Bottlerocket) run on the instance type, and why not.
func EKSAMISupports(t pricing.InstanceType) (bool, string) {
	if t.Arch != "amd64" && t.Arch != "arm64" {
		return false, "architecture " + t.Arch + " has no EKS-optimized AMI"
	}
	if why, ok := eksAMIUnsupportedFamilies[strings.ToLower(t.Family())]; ok {
		return false, why
	}
	return true, ""
}
