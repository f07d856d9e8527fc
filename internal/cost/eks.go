package cost

import (
	"fmt"
	"time"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/pricing"
)

// EKS control plane: cluster-hours at the standard-support price, or at the
// extended-support total (standard + surcharge) once the cluster's
// Kubernetes version is out of standard support. Self-managed control
// planes (kops masters) are priced as node groups.
const (
	svcEKS               = "eks"
	itemEKSStandard      = "cluster_standard_support"
	itemEKSExtendedTotal = "cluster_extended_support_total"
)

func (p *pricer) eksClusters(e *estate.Estate) {
	for _, c := range e.Clusters {
		if c.ControlPlane != estate.ControlPlaneEKS {
			continue
		}
		version := c.KubernetesVersion
		if version == "" {
			version = p.cat.DefaultEKSVersion(p.opt.At)
			p.assume("EKS cluster %s: Kubernetes %s (no version set; the newest in standard support on %s)", c.Name, version, p.opt.At.Format(time.DateOnly))
		}
		tier, v, err := p.cat.EKSSupport(version, p.opt.At)
		if err != nil {
			p.fail(c.Origin, err)
			continue
		}
		item, note := itemEKSStandard, "standard support until "+v.EndStandard.Format(time.DateOnly)
		if tier == pricing.SupportExtended {
			item, note = itemEKSExtendedTotal, "extended support since "+v.EndStandard.Format(time.DateOnly)+": upgrade to pay the standard price"
		}
		if pr, ok := p.service(c.Origin, svcEKS, item); ok {
			p.add(fmt.Sprintf("EKS cluster %s (Kubernetes %s)", c.Name, version), ControlPlane, hours(1), "cluster-hours", pr, c.Origin, note)
		}
	}
}
