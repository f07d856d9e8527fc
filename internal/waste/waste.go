// Package waste finds resources in an Estate that cost money and serve
// nothing, or that cost more than an equivalent: unattached volumes, idle
// Elastic IPs, gp2 volumes, oversized root volumes, EKS clusters in extended
// support, spare NAT gateways, unmounted claims and Classic ELBs; and, from
// live sources, idle load balancers, old snapshots, idle Beanstalk
// environments, stopped instances and idle node capacity.
//
// Every saving is priced by the cost engine: the affected items are put in a
// small estate and estimated as they are and as the fix leaves them, in the
// estate's region. refit never changes anything itself; each Finding says
// what to run or edit.
package waste

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/pricing"
)

// Confidence says how sure a finding's saving is.
const (
	High   = "high"
	Medium = "medium"
	Low    = "low"
)

// Finding is one resource worth changing.
type Finding struct {
	// Rule is the id of the rule that found it (see Rules).
	Rule string `json:"rule"`
	// Resource names what is affected, as the cost report names it.
	Resource string `json:"resource"`
	// Why explains the finding and its risks.
	Why string `json:"why"`
	// MonthlySaving is what the fix saves a month, priced by the cost engine.
	MonthlySaving decimal.Decimal `json:"monthlySaving"`
	// Fix is the command to run or the change to make. refit runs nothing.
	Fix string `json:"fix"`
	// Confidence is high, medium or low.
	Confidence string `json:"confidence"`
	// Origin is where the resource is defined (file:line or an address).
	Origin string `json:"origin"`
}

// Rule describes one check.
type Rule struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Doc        string `json:"doc"`
	Confidence string `json:"confidence"`
	// Requires names the Estate field the rule needs and does not have yet;
	// such rules never fire.
	Requires string `json:"requires,omitempty"`
	check    func(*finder) error
}

// Rule ids.
const (
	RuleUnattachedVolume = "unattached-volume"
	RuleIdleElasticIP    = "idle-elastic-ip"
	RuleGP2Volume        = "gp2-volume"
	RuleOversizedRoot    = "oversized-root-volume"
	RuleEKSExtended      = "eks-extended-support"
	RuleExtraNAT         = "extra-nat-gateways"
	RuleUnmountedClaim   = "unmounted-claim"
	RuleClassicELB       = "classic-elb"
	RuleIdleLoadBalancer = "idle-load-balancer"
	RuleOldSnapshot      = "old-snapshot"
	RuleIdleBeanstalk    = "idle-beanstalk-environment"
	RuleStoppedInstance  = "stopped-instance"
	RuleIdleNodes        = "idle-node-capacity"
)

// Rules lists every check, in the order Find runs them. The order matters
// for two rules that touch the same root volumes: oversized-root-volume is
// priced after gp2-volume's change, so that savings add up.
var Rules = []Rule{
	{ID: RuleUnattachedVolume, Title: "Unattached EBS volumes", Confidence: High,
		Doc: "An EBS volume attached to no instance is billed in full. Snapshot it if the data matters, then delete it.", check: (*finder).unattachedVolumes},
	{ID: RuleIdleElasticIP, Title: "Idle Elastic IPs", Confidence: High,
		Doc: "An Elastic IP associated with nothing is billed by the hour. Release it.", check: (*finder).idleElasticIPs},
	{ID: RuleGP2Volume, Title: "gp2 volumes, root volumes and claims", Confidence: High,
		Doc: "gp3 costs less per GB than gp2 and includes 3,000 IOPS and 125 MiB/s; the change is online. Volumes whose gp2 baseline is above that get gp3 IOPS and throughput to match, priced in.", check: (*finder).gp2Volumes},
	{ID: RuleOversizedRoot, Title: "Oversized root volumes", Confidence: Medium,
		Doc: "Node root volumes larger than --min-root-volume (default 50 GiB) hold an OS, images and logs; the rest is paid for and unused. Saving is down to the threshold; roots cannot shrink in place, so nodes are replaced.", check: (*finder).oversizedRoots},
	{ID: RuleEKSExtended, Title: "EKS clusters in extended support", Confidence: High,
		Doc: "An EKS cluster on a Kubernetes version past standard support (at --at) pays the extended-support price per cluster-hour. Upgrading to a version in standard support saves the difference.", check: (*finder).eksExtended},
	{ID: RuleExtraNAT, Title: "More than one NAT gateway for a small cluster", Confidence: Low,
		Doc: "A NAT gateway per zone protects egress from a zone failure; for a small cluster one gateway is usually enough. Saving is the hours and Elastic IPs of all but one; traffic then crosses zones.", check: (*finder).extraNATs},
	{ID: RuleUnmountedClaim, Title: "PersistentVolumeClaims no workload mounts", Confidence: Medium,
		Doc: "A claim no workload in the input mounts (StatefulSet claim templates count) still holds an EBS volume. From files, checked only when the input has workloads; from a live cluster, a bound claim no pod mounts (Succeeded and Failed pods do not count), priced at its volume's size and class.", check: (*finder).unmountedClaims},
	{ID: RuleClassicELB, Title: "Internet-facing Classic ELBs", Confidence: Low,
		Doc: "Classic Load Balancers are the previous generation; an NLB (for Services and the kops API) or an ALB costs less per hour. Reported when the replacement is cheaper at the usage assumptions.", check: (*finder).classicELBs},
	{ID: RuleIdleLoadBalancer, Title: "Load balancers with no healthy targets", Confidence: High,
		Doc: "A load balancer with no registered or no healthy targets serves nothing (live AWS only: files do not know targets).", check: (*finder).idleLoadBalancers},
	{ID: RuleOldSnapshot, Title: "Old or orphaned EBS snapshots", Confidence: Medium,
		Doc: "Snapshots older than --snapshot-age days (default 180), or whose source volume is gone, are often forgotten backups (live AWS only).", check: (*finder).oldSnapshots},
	{ID: RuleIdleBeanstalk, Title: "Elastic Beanstalk environments with no traffic", Confidence: Medium,
		Doc: "An environment whose health is Grey (no data: no traffic reaches it) and that nobody has updated for --beanstalk-age days (default 90) is usually a leftover; saving is its running instances (live AWS only).", check: (*finder).idleBeanstalk},
	{ID: RuleStoppedInstance, Title: "Stopped instances", Confidence: High,
		Doc: "A stopped instance bills no hours, but its EBS volumes and Elastic IPs do; saving is those. High confidence when stopped for more than 30 days, else medium (live AWS only).", check: (*finder).stoppedInstances},
	{ID: RuleIdleNodes, Title: "Idle node capacity", Confidence: Medium,
		Doc: "Nodes whose pods request less than --idle-threshold percent (default 30) of both their allocatable cpu and memory: per node group, the nodes its pods' total requests do not need (at least one, at least the group's minimum), at most the idle ones, priced as the group's instances. Low confidence for spot groups and groups with nodes running only DaemonSet pods (live cluster only).", check: (*finder).idleNodes},
}

// DefaultSnapshotAgeDays is the age from which a snapshot is reported.
const DefaultSnapshotAgeDays = 180

// DefaultMinRootVolumeGiB is the root volume size above which a node's root
// is reported as oversized. The EKS-optimized AMIs boot from 20 GiB and
// eksctl's default is 80 GiB; 50 GiB leaves room for images and logs.
// https://docs.aws.amazon.com/eks/latest/eksctl/schema.html (volumeSize: 80)
const DefaultMinRootVolumeGiB = 50

// DefaultSmallClusterNodes is the most worker nodes a cluster may have for
// extra-nat-gateways to call it small. refit's choice: one NAT gateway
// ($32.85 a month in us-east-1) is then a large share of the bill.
const DefaultSmallClusterNodes = 10

// Options tune Find.
type Options struct {
	// Cost are the cost engine's options: region, date, usage, catalog.
	Cost cost.Options
	// MinRootVolumeGiB is the oversized-root-volume threshold
	// (DefaultMinRootVolumeGiB when zero).
	MinRootVolumeGiB float64
	// SmallClusterNodes is the extra-nat-gateways threshold
	// (DefaultSmallClusterNodes when zero).
	SmallClusterNodes int
	// SnapshotAgeDays is the old-snapshot threshold (DefaultSnapshotAgeDays
	// when zero).
	SnapshotAgeDays int
	// IdleThresholdPercent is the idle-node-capacity threshold
	// (DefaultIdleThresholdPercent when zero).
	IdleThresholdPercent int
}

// Region is the region Find prices in: the option's, else the estate's,
// else cost.DefaultRegion.
func Region(e *estate.Estate, opt Options) string {
	switch {
	case opt.Cost.Region != "":
		return opt.Cost.Region
	case e.Region != "":
		return e.Region
	default:
		return cost.DefaultRegion
	}
}

// Result is what Check finds: the findings, and the prices their savings
// estimated from another region (see cost.Breakdown.Estimates).
type Result struct {
	Findings  []Finding
	Estimates []string
	// Assumptions and Unread are what the sources said about the input
	// (the estate's): what they supposed, and the inputs they could not
	// read (a partial result).
	Assumptions []string
	Unread      []string
}

// Find runs every rule over the estate and returns the findings, largest
// saving first. An estate the cost engine cannot price is an error.
func Find(e *estate.Estate, cat *pricing.Catalog, opt Options) ([]Finding, error) {
	r, err := Check(e, cat, opt)
	return r.Findings, err
}

// Check is Find, with the estimated prices behind the savings.
func Check(e *estate.Estate, cat *pricing.Catalog, opt Options) (Result, error) {
	if opt.MinRootVolumeGiB <= 0 {
		opt.MinRootVolumeGiB = DefaultMinRootVolumeGiB
	}
	if opt.SmallClusterNodes <= 0 {
		opt.SmallClusterNodes = DefaultSmallClusterNodes
	}
	if opt.Cost.At.IsZero() {
		opt.Cost.At = time.Now()
	}
	if opt.Cost.Usage.Storage.DefaultVolumeType == "" {
		opt.Cost.Usage = cost.DefaultUsage()
	}
	if err := e.Validate(); err != nil {
		return Result{}, err
	}
	region := Region(e, opt)
	if err := cat.CheckRegion(region); err != nil {
		if opt.Cost.Region == "" && e.Region != "" {
			return Result{}, e.RegionOrigin.Errorf("%v", err)
		}
		return Result{}, err
	}
	opt.Cost.Region = region
	f := &finder{e: e, cat: cat, opt: opt, found: []Finding{}, seen: map[string]bool{}}
	for _, r := range Rules {
		if r.check == nil {
			continue
		}
		if err := r.check(f); err != nil {
			return Result{}, err
		}
	}
	Sort(f.found)
	return Result{Findings: f.found, Estimates: f.estimates, Assumptions: e.Assumptions, Unread: e.Unread}, nil
}

// Sort orders findings by saving (largest first), then rule and resource.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if !a.MonthlySaving.Equal(b.MonthlySaving) {
			return a.MonthlySaving.GreaterThan(b.MonthlySaving)
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Resource < b.Resource
	})
}

// Total is the sum of the findings' monthly savings.
func Total(fs []Finding) decimal.Decimal {
	t := decimal.Zero
	for _, f := range fs {
		t = t.Add(f.MonthlySaving)
	}
	return t
}

// NotChecked lists the rules that need data the Estate does not carry yet,
// as "id: needs field".
func NotChecked() []string {
	out := []string{}
	for _, r := range Rules {
		if r.Requires != "" {
			out = append(out, fmt.Sprintf("%s: needs %s", r.ID, r.Requires))
		}
	}
	return out
}

// finder carries the state of one Find.
type finder struct {
	e     *estate.Estate
	cat   *pricing.Catalog
	opt   Options
	found []Finding
	// estimates are the prices estimated from another region while
	// pricing savings, once each.
	estimates []string
	seen      map[string]bool
}

func (f *finder) add(rule, resource string, saving decimal.Decimal, confidence string, o estate.Origin, fix, why string, args ...any) {
	f.found = append(f.found, Finding{
		Rule: rule, Resource: resource, Why: fmt.Sprintf(why, args...), MonthlySaving: saving,
		Fix: fix, Confidence: confidence, Origin: o.String(),
	})
}

// monthly prices a small estate with the cost engine in the finder's region.
func (f *finder) monthly(e *estate.Estate) (decimal.Decimal, error) {
	return f.monthlyWith(e, f.opt.Cost)
}

func (f *finder) monthlyWith(e *estate.Estate, opt cost.Options) (decimal.Decimal, error) {
	e.Region = f.opt.Cost.Region
	b, err := cost.Estimate(e, f.cat, opt)
	if err != nil {
		return decimal.Zero, err
	}
	for _, est := range b.Estimates {
		if !f.seen[est] {
			f.seen[est] = true
			f.estimates = append(f.estimates, est)
		}
	}
	return b.Total(), nil
}

// saving is monthly(before) − monthly(after).
func (f *finder) saving(before, after *estate.Estate) (decimal.Decimal, error) {
	b, err := f.monthly(before)
	if err != nil {
		return decimal.Zero, err
	}
	a, err := f.monthly(after)
	if err != nil {
		return decimal.Zero, err
	}
	return b.Sub(a), nil
}
