package cost

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/pricing"
)

// DefaultRegion is used when neither the input nor --region names one.
const DefaultRegion = "us-east-1"

// Options tune an estimate.
type Options struct {
	// Region overrides the estate's region.
	Region string
	// At is the date that decides the EKS support tier (default: now).
	At    time.Time
	Usage Usage
	// AllowMissingPrices turns prices that no region has into notes
	// instead of an error.
	AllowMissingPrices bool
	// StrictPrices makes a price missing in the region an error, instead of
	// estimating it from the nearest region that has it.
	StrictPrices bool
	// Catalog names the catalog directory used, "" for the embedded one.
	Catalog string
}

// Estimate prices the estate. A missing price, an unknown region or an unknown
// instance type is an error naming the item's origin; all such problems are
// reported together.
func Estimate(e *estate.Estate, cat *pricing.Catalog, opt Options) (*Breakdown, error) {
	if opt.At.IsZero() {
		opt.At = time.Now()
	}
	if opt.Usage.Storage.DefaultVolumeType == "" {
		opt.Usage = DefaultUsage()
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	p := &pricer{cat: cat, opt: opt, b: &Breakdown{Currency: "USD"}}
	switch {
	case opt.Region != "":
		p.region = opt.Region
	case e.Region != "":
		p.region = e.Region
	default:
		p.region = DefaultRegion
		p.assume("region: %s (no region in the input; set --region)", DefaultRegion)
	}
	p.b.Region = p.region
	if err := cat.CheckRegion(p.region); err != nil {
		if e.Region == p.region && opt.Region == "" {
			return nil, e.RegionOrigin.Errorf("%v", err)
		}
		return nil, err
	}
	if opt.Catalog != "" {
		p.assume("prices from %s (written by refit prices update), not the embedded catalog", opt.Catalog)
	}
	if opt.Usage.Origin != "" {
		p.assume("usage assumptions from %s", opt.Usage.Origin)
	}
	p.fromSources(e)

	e, merged := dedupe(e)
	for _, n := range merged {
		p.note("%s", n)
	}
	p.clusters(e)
	ec2Nodes := p.nodeGroups(e)
	p.volumes(e)
	p.claims(e)
	p.workloads(e, ec2Nodes)
	p.network(e)
	p.other(e)

	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	p.b.SortItems()
	if p.b.Items == nil {
		p.b.Items = []Item{}
	}
	if p.b.Assumptions == nil {
		p.b.Assumptions = []string{}
	}
	return p.b, nil
}

type pricer struct {
	cat    *pricing.Catalog
	opt    Options
	region string
	b      *Breakdown
	errs   []error
}

func (p *pricer) assume(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	for _, a := range p.b.Assumptions {
		if a == s {
			return
		}
	}
	p.b.Assumptions = append(p.b.Assumptions, s)
}

func (p *pricer) note(format string, args ...any) {
	p.b.Notes = append(p.b.Notes, fmt.Sprintf(format, args...))
}

// fail records an error at an origin; with AllowMissingPrices, missing
// prices become "not priced" entries instead.
func (p *pricer) fail(o estate.Origin, err error) {
	var mp *pricing.MissingPriceError
	if p.opt.AllowMissingPrices && errors.As(err, &mp) {
		p.b.NotPriced = append(p.b.NotPriced, fmt.Sprintf("%s: %v", o, err))
		return
	}
	p.errs = append(p.errs, o.Errorf("%v", err))
}

// lookup finds a price with look in the estimate's region. A price the
// catalog lacks there is estimated from the nearest region that has it
// (unless StrictPrices), with an assumption saying so; a failure is
// recorded at o.
func (p *pricer) lookup(o estate.Origin, look func(region string) (pricing.Price, error)) (pricing.Price, bool) {
	var (
		pr  pricing.Price
		err error
	)
	if p.opt.StrictPrices {
		pr, err = look(p.region)
	} else {
		pr, err = p.cat.Estimated(p.region, look)
	}
	if err != nil {
		p.fail(o, err)
		return pr, false
	}
	if pr.EstimatedFrom != "" {
		p.estimated(pr)
	}
	return pr, true
}

// estimated records an estimated price once, as an assumption.
func (p *pricer) estimated(pr pricing.Price) {
	what := pr.Service + " " + pr.Item
	if pr.Service == "ec2" && !strings.Contains(pr.Item, " spot") {
		what = "ec2 " + pr.Item + " on-demand Linux"
	}
	n := len(p.b.Assumptions)
	p.assume("%s in %s: not in the catalog, estimated from %s ($%s/%s); run refit prices update --fetch for the real price",
		what, p.region, pr.EstimatedFrom, pr.USD.String(), pricing.UnitLabel(pr.Unit))
	if len(p.b.Assumptions) > n {
		p.b.Estimates = append(p.b.Estimates, p.b.Assumptions[n])
	}
}

// add appends an item; quantity × unit price = monthly cost.
func (p *pricer) add(resource string, c Component, qty decimal.Decimal, unit string, price pricing.Price, o estate.Origin, note string) {
	if qty.IsZero() {
		return
	}
	p.b.Items = append(p.b.Items, Item{
		Resource: resource, Component: c, Quantity: qty, Unit: unit,
		UnitPrice: price.USD, MonthlyCost: qty.Mul(price.USD), Origin: o.String(), Note: note,
		Estimated: price.EstimatedFrom != "",
	})
}

// service looks a service price up, recording a failure at o.
func (p *pricer) service(o estate.Origin, service, item string) (pricing.Price, bool) {
	return p.lookup(o, func(region string) (pricing.Price, error) { return p.cat.Service(service, item, region) })
}

func hours(n int) decimal.Decimal { return decimal.NewFromInt(int64(n) * HoursPerMonth) }

func num(f float64) decimal.Decimal { return decimal.NewFromFloat(f) }

func (p *pricer) clusters(e *estate.Estate) {
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
		item, note := "cluster_standard_support", "standard support until "+v.EndStandard.Format(time.DateOnly)
		if tier == pricing.SupportExtended {
			item, note = "cluster_extended_support_total", "extended support since "+v.EndStandard.Format(time.DateOnly)+": upgrade to pay the standard price"
		}
		if pr, ok := p.service(c.Origin, "eks", item); ok {
			p.add(fmt.Sprintf("EKS cluster %s (Kubernetes %s)", c.Name, version), ControlPlane, hours(1), "cluster-hours", pr, c.Origin, note)
		}
	}
}

// nodeGroups prices instances, root volumes and node public IPv4; it returns
// the number of EC2 nodes that run pods.
func (p *pricer) nodeGroups(e *estate.Estate) int {
	podNodes := 0
	for _, g := range e.NodeGroups {
		if g.Role == estate.RoleNode {
			podNodes += g.Count
		}
		ok := true
		for _, t := range g.InstanceTypes {
			if _, err := p.cat.InstanceType(t); err != nil {
				p.fail(g.Origin, fmt.Errorf("node group %q: %w", g.Name, err))
				ok = false
			}
		}
		if !ok || g.Count == 0 {
			continue
		}
		comp := ComputeOnDemand
		if g.Role == estate.RoleMaster {
			comp = ControlPlane
		}
		label := groupLabel(g)
		if n := g.OnDemandCount(); n > 0 {
			t := g.InstanceTypes[0]
			if pr, ok := p.lookup(g.Origin, func(region string) (pricing.Price, error) { return p.cat.OnDemand(region, t) }); ok {
				p.add(fmt.Sprintf("%s: %d × %s on-demand", label, n, t), comp, hours(n), "instance-hours", pr, g.Origin, "")
			}
		}
		if n := g.SpotCount(); n > 0 {
			p.spot(g, label, n)
		}
		p.rootVolumes(g, label)
		if g.PublicIP {
			if pr, ok := p.service(g.Origin, "vpc_public_ipv4", "in_use_address_hour"); ok {
				p.add(fmt.Sprintf("%s: %d public IPv4 (one per instance)", label, g.Count), PublicIPv4, hours(g.Count), "address-hours", pr, g.Origin, "")
			}
		}
	}
	return podNodes
}

func groupLabel(g estate.NodeGroup) string {
	kind := "node group"
	switch g.Role {
	case estate.RoleMaster:
		kind = "masters"
	case estate.RoleBastion:
		kind = "bastions"
	case estate.RoleInstance:
		kind = "instance"
	}
	return kind + " " + g.Name
}

// spot prices spot capacity at the mean spot estimate of the group's types:
// allocation strategies spread capacity over the pools.
func (p *pricer) spot(g estate.NodeGroup, label string, n int) {
	comp := ComputeSpot
	if g.Role == estate.RoleMaster {
		comp = ControlPlane
	}
	sum := decimal.Zero
	var parts []string
	var from []string
	for _, t := range g.InstanceTypes {
		var est pricing.SpotEstimate
		pr, ok := p.lookup(g.Origin, func(region string) (pricing.Price, error) {
			e, err := p.cat.Spot(region, t)
			if err == nil {
				est = e
			}
			return e.Price, err
		})
		if !ok {
			return
		}
		if pr.EstimatedFrom != "" {
			from = append(from, pr.EstimatedFrom)
		}
		sum = sum.Add(pr.USD)
		parts = append(parts, fmt.Sprintf("%s −%d%%, interruptions %s", t, est.SavingsPct, est.InterruptionBucket))
	}
	mean := sum.Div(decimal.NewFromInt(int64(len(g.InstanceTypes))))
	pr := pricing.Price{Service: "ec2", Item: "spot", Region: p.region, USD: mean, EstimatedFrom: strings.Join(from, ",")}
	if len(g.InstanceTypes) > 1 {
		p.assume("spot groups are priced at the mean spot estimate of their instance types")
	}
	p.assume("spot prices are estimates: on-demand less the Spot Instance Advisor's average saving for the type and region")
	p.add(fmt.Sprintf("%s: %d × %s spot", label, n, strings.Join(g.InstanceTypes, "|")), comp, hours(n), "instance-hours", pr, g.Origin,
		"spot estimate ("+strings.Join(parts, "; ")+")")
}

func (p *pricer) rootVolumes(g estate.NodeGroup, label string) {
	v := g.RootVolume
	if v.SizeGiB == 0 {
		return
	}
	v.Count = g.Count
	if v.Name == "" {
		v.Name = label + " root volumes"
	}
	v.Origin = g.Origin
	p.volume(v, fmt.Sprintf("%s: %d × %g GiB %s root volume", label, g.Count, v.SizeGiB, v.Type))
}

// ebsStorageItem maps a volume type to its catalog storage item.
var ebsStorageItem = map[string]string{
	"gp2": "gp2_storage", "gp3": "gp3_storage", "io1": "io1_storage", "io2": "io2_storage",
	"st1": "st1_storage", "sc1": "sc1_storage", "standard": "standard_magnetic_storage",
}

// gp3 includes 3,000 IOPS and 125 MiB/s; more is billed per IOPS-month and
// per MiB/s-month (AWS EBS pricing page).
const (
	gp3FreeIOPS       = 3000
	gp3FreeThroughput = 125
)

func (p *pricer) volumes(e *estate.Estate) {
	for _, v := range e.Volumes {
		p.volume(v, fmt.Sprintf("volume %s: %d × %g GiB %s", v.Name, v.N(), v.SizeGiB, v.Type))
	}
}

func (p *pricer) volume(v estate.Volume, resource string) {
	item, ok := ebsStorageItem[v.Type]
	if !ok {
		p.fail(v.Origin, fmt.Errorf("volume %q: unknown EBS volume type %q (gp2, gp3, io1, io2, st1, sc1, standard)", v.Name, v.Type))
		return
	}
	n := v.N()
	if pr, ok := p.service(v.Origin, "ebs", item); ok {
		p.add(resource, StorageEBS, num(v.SizeGiB).Mul(decimal.NewFromInt(int64(n))), "GB-months", pr, v.Origin, "")
	}
	switch v.Type {
	case "gp3":
		if extra := v.IOPS - gp3FreeIOPS; extra > 0 {
			if pr, ok := p.service(v.Origin, "ebs", "gp3_iops_above_3000"); ok {
				p.add(resource+": IOPS above 3000", StorageEBS, decimal.NewFromInt(int64(extra*n)), "IOPS-months", pr, v.Origin, "")
			}
		}
		if extra := v.ThroughputMiBps - gp3FreeThroughput; extra > 0 {
			if pr, ok := p.service(v.Origin, "ebs", "gp3_throughput_above_125mibps"); ok {
				// The catalog prices it per GiBps-month; the bill per MiBps-month.
				pr.USD = pr.USD.Div(decimal.NewFromInt(1024))
				p.add(resource+": throughput above 125 MiB/s", StorageEBS, decimal.NewFromInt(int64(extra*n)), "MiBps-months", pr, v.Origin, "")
			}
		}
	case "io1", "io2":
		iopsItem := "io1_iops"
		if v.Type == "io2" {
			iopsItem = "io2_iops_tier1_first_32000"
		}
		if v.IOPS > 0 {
			if pr, ok := p.service(v.Origin, "ebs", iopsItem); ok {
				p.add(resource+": provisioned IOPS", StorageEBS, decimal.NewFromInt(int64(v.IOPS*n)), "IOPS-months", pr, v.Origin, "")
			}
		}
	}
}

// claims prices PersistentVolumeClaims as EBS volumes of their class's type.
func (p *pricer) claims(e *estate.Estate) {
	classes := map[string]estate.StorageClass{}
	defaultClass := ""
	for _, sc := range e.StorageClasses {
		classes[sc.Name] = sc
		if sc.Default {
			defaultClass = sc.Name
		}
	}
	for _, c := range e.Claims {
		name := c.StorageClass
		if name == "" {
			name = defaultClass
		}
		typ := ""
		if sc, ok := classes[name]; ok {
			if sc.EBSType == "" {
				p.note("claim %s/%s uses storage class %s, which is not EBS: not priced", c.Namespace, c.Name, name)
				continue
			}
			typ = sc.EBSType
		} else if _, ok := ebsStorageItem[name]; ok {
			typ = name // classes named after their type, such as EKS's "gp2"
		} else {
			typ = p.opt.Usage.Storage.DefaultVolumeType
			shown := name
			if shown == "" {
				shown = "(default)"
			}
			p.assume("storage class %s is not in the input: its claims are priced as %s (storage.defaultVolumeType)", shown, typ)
		}
		n := c.Count
		if n <= 0 {
			n = 1
		}
		v := estate.Volume{Name: c.Namespace + "/" + c.Name, Type: typ, SizeGiB: c.SizeGiB, Count: n, Purpose: "pvc", Origin: c.Origin}
		p.volume(v, fmt.Sprintf("claim %s/%s: %d × %g GiB %s", c.Namespace, c.Name, n, c.SizeGiB, typ))
	}
}

// workloads prices pods that Fargate profiles select, and notes the demand of
// the pods that run on EC2 nodes (already priced as nodes).
func (p *pricer) workloads(e *estate.Estate, ec2Nodes int) {
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
			if prof, ok := fargateProfileFor(e, w); ok {
				if !pricesLoaded {
					var ok1, ok2 bool
					vcpuPrice, ok1 = p.service(prof.Origin, "fargate", "linux_x86_vcpu_hour")
					gbPrice, ok2 = p.service(prof.Origin, "fargate", "linux_x86_gb_hour")
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

func fargateProfileFor(e *estate.Estate, w estate.Workload) (estate.FargateProfile, bool) {
	for _, prof := range e.FargateProfiles {
		if prof.Matches(w.Namespace, w.Labels) {
			return prof, true
		}
	}
	return estate.FargateProfile{}, false
}

func (p *pricer) network(e *estate.Estate) {
	u := p.opt.Usage
	for _, n := range e.NATGateways {
		name := "NAT gateway " + n.Name
		if pr, ok := p.service(n.Origin, "nat_gateway", "gateway_hour"); ok {
			p.add(name, NATHours, hours(1), "gateway-hours", pr, n.Origin, "")
		}
		if u.NATGateway.DataProcessedGB > 0 {
			if pr, ok := p.service(n.Origin, "nat_gateway", "data_processed"); ok {
				p.add(name+": data processed", NATData, num(u.NATGateway.DataProcessedGB), "GB", pr, n.Origin, "")
			}
		}
	}
	if len(e.NATGateways) > 0 {
		p.assume("NAT gateway data processed: %g GB a month per gateway (natGateway.dataProcessedGB)", u.NATGateway.DataProcessedGB)
	}
	for _, ip := range e.PublicIPs {
		item, what := "in_use_address_hour", "public IPv4 "+ip.Name
		if !ip.Attached {
			item, what = "idle_address_hour", "idle Elastic IP "+ip.Name
		}
		if pr, ok := p.service(ip.Origin, "vpc_public_ipv4", item); ok {
			p.add(what, PublicIPv4, hours(1), "address-hours", pr, ip.Origin, "")
		}
	}
	lbs := append([]estate.LoadBalancer(nil), e.LoadBalancers...)
	sort.SliceStable(lbs, func(i, j int) bool { return lbs[i].Name < lbs[j].Name })
	for _, lb := range lbs {
		p.loadBalancer(lb)
	}
	if dt := u.DataTransfer; dt.InternetOutGB > 0 || dt.InterAZGB > 0 {
		o := estate.Origin{File: u.Origin}
		if dt.InternetOutGB > 0 {
			if pr, ok := p.service(o, "data_transfer", "internet_out_first_10tb"); ok {
				p.add("data transfer out to the internet", DataTransfer, num(dt.InternetOutGB), "GB", pr, o, "")
			}
		}
		if dt.InterAZGB > 0 {
			if pr, ok := p.service(o, "data_transfer", "inter_az_each_direction"); ok {
				p.add("data transfer between zones (billed on both sides)", DataTransfer, num(dt.InterAZGB*2), "GB", pr, o, "")
			}
		}
	}
	p.assume("data transfer: %g GB out to the internet and %g GB between zones a month (dataTransfer.*)", u.DataTransfer.InternetOutGB, u.DataTransfer.InterAZGB)
}

func (p *pricer) loadBalancer(lb estate.LoadBalancer) {
	u := p.opt.Usage.LoadBalancer
	var service, capItem, capUnit, label string
	var capQty float64
	switch lb.Type {
	case estate.ALB:
		service, capItem, capUnit, label, capQty = "elb_application", "lcu_hour", "LCU-hours", "ALB", u.ALBLCUs*HoursPerMonth
		p.assume("ALB capacity: %g LCU per hour per ALB (loadBalancer.albLCUs)", u.ALBLCUs)
	case estate.NLB:
		service, capItem, capUnit, label, capQty = "elb_network", "nlcu_hour", "NLCU-hours", "NLB", u.NLBNLCUs*HoursPerMonth
		p.assume("NLB capacity: %g NLCU per hour per NLB (loadBalancer.nlbNLCUs)", u.NLBNLCUs)
	case estate.CLB:
		service, capItem, capUnit, label, capQty = "elb_classic", "data_processed", "GB", "Classic ELB", u.CLBDataProcessedGB
		p.assume("Classic ELB data processed: %g GB a month per load balancer (loadBalancer.clbDataProcessedGB)", u.CLBDataProcessedGB)
	default:
		p.fail(lb.Origin, fmt.Errorf("load balancer %q: unknown type %q", lb.Name, lb.Type))
		return
	}
	name := label + " " + lb.Name
	if len(lb.Members) > 1 {
		name += fmt.Sprintf(" (%d Ingresses: %s)", len(lb.Members), strings.Join(lb.Members, ", "))
	}
	if pr, ok := p.service(lb.Origin, service, "load_balancer_hour"); ok {
		p.add(name, LoadBalancer, hours(1), "LB-hours", pr, lb.Origin, "")
	}
	if capQty > 0 {
		if pr, ok := p.service(lb.Origin, service, capItem); ok {
			p.add(name+": capacity units", LoadBalancer, num(capQty), capUnit, pr, lb.Origin, "")
		}
	}
	if !lb.Internal && u.Zones > 0 {
		if pr, ok := p.service(lb.Origin, "vpc_public_ipv4", "in_use_address_hour"); ok {
			p.add(fmt.Sprintf("%s: %d public IPv4 (one per zone)", name, u.Zones), PublicIPv4, hours(u.Zones), "address-hours", pr, lb.Origin, "")
		}
		p.assume("internet-facing load balancers span %d zones, one public IPv4 each (loadBalancer.zones)", u.Zones)
	}
}

func (p *pricer) other(e *estate.Estate) {
	for _, s := range e.Snapshots {
		item := "snapshot_standard_storage"
		if s.Archive {
			item = "snapshot_archive_storage"
		}
		if pr, ok := p.service(s.Origin, "ebs", item); ok {
			p.add("snapshot "+s.Name, StorageSnapshots, num(s.SizeGiB), "GB-months", pr, s.Origin, "")
		}
	}
	for _, ep := range e.VPCEndpoints {
		if pr, ok := p.service(ep.Origin, "vpc_endpoint", "interface_endpoint_hour"); ok {
			p.add(fmt.Sprintf("VPC endpoint %s (%s, %d zones)", ep.Name, ep.Service, ep.Zones), VPCEndpoint, hours(ep.Zones), "endpoint-zone-hours", pr, ep.Origin, "")
		}
	}
	for _, z := range e.HostedZones {
		if pr, ok := p.service(z.Origin, "route53", "hosted_zone_first_25"); ok {
			p.add("Route 53 hosted zone "+z.Name, DNS, decimal.NewFromInt(1), "zone-months", pr, z.Origin, "")
		}
	}
	for _, d := range e.Databases {
		dep := "single-az"
		if d.MultiAZ {
			dep = "multi-az"
		}
		engine := normalizeEngine(d.Engine)
		if pr, ok := p.lookup(d.Origin, func(region string) (pricing.Price, error) { return p.cat.RDS(region, d.InstanceClass, engine, dep) }); ok {
			p.add(fmt.Sprintf("RDS %s: %s %s %s", d.Name, d.InstanceClass, engine, dep), Database, hours(1), "instance-hours", pr, d.Origin, "")
		}
		if d.StorageGiB > 0 {
			st := d.StorageType
			if st == "" {
				st = "gp2"
			}
			if pr, ok := p.service(d.Origin, "rds", st+"_storage"); ok {
				qty := num(d.StorageGiB)
				if d.MultiAZ {
					qty = qty.Mul(decimal.NewFromInt(2)) // Multi-AZ stores a standby copy
				}
				p.add(fmt.Sprintf("RDS %s: %g GiB %s storage", d.Name, d.StorageGiB, st), Database, qty, "GB-months", pr, d.Origin, "")
			}
		}
	}
}

// normalizeEngine maps Terraform and RDS engine names to the catalog's
// ("postgresql" is "postgres").
func normalizeEngine(e string) string {
	e = strings.ToLower(e)
	if e == "postgresql" {
		return "postgres"
	}
	return e
}
