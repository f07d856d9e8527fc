package waste

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/awslb"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/pricing"
)

// Tools that define resources; the fix is written for the tool.
const (
	toolKops      = "kops"
	toolEksctl    = "eksctl"
	toolTerraform = "terraform"
	toolAWS       = "aws"
)

// toolOf says which tool owns an item: an ARN or AWS id is live AWS, a
// reference without one is a Terraform address, otherwise the source of the
// item's cluster (or of the estate's only cluster).
func toolOf(e *estate.Estate, cluster string, o estate.Origin) string {
	switch {
	case strings.HasPrefix(o.Ref, "arn:") || awsID(o.Ref) != "":
		return toolAWS
	case o.Ref != "":
		return toolTerraform
	}
	if c, ok := e.ClusterByName(cluster); ok && cluster != "" {
		return c.Source
	}
	if len(e.Clusters) == 1 {
		return e.Clusters[0].Source
	}
	return ""
}

// awsID returns s when it is an EC2 resource id (vol-…, eipalloc-…).
func awsID(s string) string {
	for _, p := range []string{"vol-", "eipalloc-", "nat-", "i-"} {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			return s
		}
	}
	return ""
}

// at renders " (file:line)" for fixes that edit a file, or " (ref)".
func at(o estate.Origin) string {
	if o.File != "" {
		return " (" + estate.Origin{File: o.File, Line: o.Line}.String() + ")"
	}
	if o.Ref != "" {
		return " (" + o.Ref + ")"
	}
	return ""
}

func gib(v float64) string { return fmt.Sprintf("%g GiB", v) }

// unattachedVolumes: volumes known to be attached to nothing.
func (f *finder) unattachedVolumes() error {
	for _, v := range f.e.Volumes {
		if v.Attached == nil || *v.Attached {
			continue
		}
		saving, err := f.monthly(&estate.Estate{Volumes: []estate.Volume{v}})
		if err != nil {
			return err
		}
		var fix string
		if tool := toolOf(f.e, "", v.Origin); tool == toolTerraform {
			fix = fmt.Sprintf("remove %s from the configuration%s and terraform apply (snapshot it first if the data matters)", v.Origin.Ref, at(v.Origin))
		} else {
			id := volumeIDExpr(v)
			fix = fmt.Sprintf("aws ec2 create-snapshot --volume-id %s --description 'refit: before deleting %s' && aws ec2 delete-volume --volume-id %s", id, v.Name, id)
		}
		f.add(RuleUnattachedVolume, fmt.Sprintf("volume %s: %d × %s %s", v.Name, v.N(), gib(v.SizeGiB), v.Type), saving, High, v.Origin, fix,
			"the volume is attached to no instance and billed in full; a snapshot of it costs less if the data must be kept")
	}
	return nil
}

// volumeIDExpr is the volume's id, or a shell expression that finds it by
// its Name tag.
func volumeIDExpr(v estate.Volume) string {
	if id := awsID(v.Name); id != "" {
		return id
	}
	if id := awsID(v.Origin.Ref); id != "" {
		return id
	}
	return fmt.Sprintf(`"$(aws ec2 describe-volumes --filters Name=tag:Name,Values=%s --query 'Volumes[0].VolumeId' --output text)"`, v.Name)
}

// idleElasticIPs: Elastic IPs associated with nothing.
func (f *finder) idleElasticIPs() error {
	for _, ip := range f.e.PublicIPs {
		if ip.Attached {
			continue
		}
		saving, err := f.monthly(&estate.Estate{PublicIPs: []estate.PublicIP{ip}})
		if err != nil {
			return err
		}
		var fix string
		switch {
		case awsID(ip.Name) != "":
			fix = "aws ec2 release-address --allocation-id " + ip.Name
		case toolOf(f.e, "", ip.Origin) == toolTerraform:
			fix = fmt.Sprintf("remove %s from the configuration%s and terraform apply", ip.Origin.Ref, at(ip.Origin))
		default:
			fix = fmt.Sprintf(`aws ec2 release-address --allocation-id "$(aws ec2 describe-addresses --filters Name=tag:Name,Values=%s --query 'Addresses[0].AllocationId' --output text)"`, ip.Name)
		}
		f.add(RuleIdleElasticIP, "Elastic IP "+ip.Name, saving, High, ip.Origin, fix,
			"the address is associated with no instance, network interface or NAT gateway; AWS bills idle public IPv4 addresses by the hour")
	}
	return nil
}

// gp2 performance, which a gp3 replacement must match: a baseline of 3 IOPS
// per GiB (at most 16,000; gp3 includes 3,000), and 250 MiB/s from 334 GiB
// (gp3 includes 125 MiB/s).
// https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html
const (
	gp2IOPSPerGiB        = 3
	gp2MaxIOPS           = 16000
	gp3IncludedIOPS      = 3000
	gp2FullThroughputGiB = 334
	gp2MaxThroughput     = 250
)

// gp3Equivalent is v as gp3 with the IOPS and throughput of v's gp2 baseline
// when that is above what gp3 includes. modify-volume to gp3 defaults to
// 3,000 IOPS and 125 MiB/s, so the fix must ask for more:
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVolume.html
func gp3Equivalent(v estate.Volume) estate.Volume {
	v.Type = "gp3"
	v.IOPS, v.ThroughputMiBps = 0, 0
	if iops := min(int(math.Ceil(v.SizeGiB*gp2IOPSPerGiB)), gp2MaxIOPS); iops > gp3IncludedIOPS {
		v.IOPS = iops
	}
	if v.SizeGiB >= gp2FullThroughputGiB {
		v.ThroughputMiBps = gp2MaxThroughput
	}
	return v
}

// modifyArgs are the modify-volume arguments that turn v into gp3.
func modifyArgs(v estate.Volume) string {
	g := gp3Equivalent(v)
	s := "--volume-type gp3"
	if g.IOPS > 0 {
		s += fmt.Sprintf(" --iops %d", g.IOPS)
	}
	if g.ThroughputMiBps > 0 {
		s += fmt.Sprintf(" --throughput %d", g.ThroughputMiBps)
	}
	return s
}

func (f *finder) gp3Saving(v estate.Volume) (decimal.Decimal, error) {
	return f.saving(&estate.Estate{Volumes: []estate.Volume{v}}, &estate.Estate{Volumes: []estate.Volume{gp3Equivalent(v)}})
}

const gp2Why = "gp3 is cheaper per GB than gp2 and includes 3,000 IOPS and 125 MiB/s; the change is online, with no detach or downtime"

// gp2Volumes: volumes, node root volumes and claims on gp2.
func (f *finder) gp2Volumes() error {
	stopped := map[string]bool{}
	for _, in := range f.e.StoppedInstances {
		stopped[in.Name] = true
	}
	for _, v := range f.e.Volumes {
		if v.Type != "gp2" || (v.Attached != nil && !*v.Attached) || stopped[v.Instance] {
			continue // unattached volumes and stopped instances' are reported for deletion
		}
		saving, err := f.gp3Saving(v)
		if err != nil {
			return err
		}
		var fix string
		if toolOf(f.e, "", v.Origin) == toolTerraform {
			fix = fmt.Sprintf(`set type = "gp3" on %s%s and terraform apply (an in-place change)`, v.Origin.Ref, at(v.Origin))
		} else {
			fix = fmt.Sprintf("aws ec2 modify-volume %s --volume-id %s", modifyArgs(v), volumeIDExpr(v))
			if v.Origin.File != "" {
				fix += "; then set the volume type to gp3 at " + v.Origin.String() + " so that the next apply keeps it"
			}
		}
		f.add(RuleGP2Volume, fmt.Sprintf("volume %s: %d × %s gp2", v.Name, v.N(), gib(v.SizeGiB)), saving, High, v.Origin, fix, gp2Why)
	}
	for _, g := range f.e.NodeGroups {
		v := rootVolumes(g)
		if v.Type != "gp2" || v.N() == 0 || v.SizeGiB == 0 || g.Count == 0 {
			continue
		}
		saving, err := f.gp3Saving(v)
		if err != nil {
			return err
		}
		inPlace := "aws ec2 modify-volume " + modifyArgs(v) + " --volume-id <root volume id>, for each instance"
		fix := f.nodeGroupFix(g, "rootVolumeType: gp3", "volumeType: gp3", "the root volume type to gp3 (root_block_device, or the launch template's block device mapping)", inPlace,
			inPlace+", and make the launch template use gp3")
		f.add(RuleGP2Volume, fmt.Sprintf("%s: %d × %s gp2 root volume", groupLabel(g), g.Count, gib(v.SizeGiB)), saving, High, g.Origin, fix, gp2Why)
	}
	// A claim whose EBS volume the account also lists (--aws with
	// --kubeconfig) is that volume's finding already.
	listed := map[string]bool{}
	for _, v := range f.e.Volumes {
		listed[v.Name] = true
	}
	for _, c := range f.e.Claims {
		typ, assumed := f.claimType(c)
		if typ != "gp2" || (c.VolumeID != "" && listed[c.VolumeID]) {
			continue
		}
		n := max(c.Count, 1)
		v := estate.Volume{Name: c.Namespace + "/" + c.Name, Type: "gp2", SizeGiB: c.SizeGiB, Count: n, Purpose: "pvc", Origin: c.Origin}
		saving, err := f.gp3Saving(v)
		if err != nil {
			return err
		}
		conf, why := High, gp2Why
		if assumed {
			conf = Medium
			why += "; the claim's storage class is not in the input and is taken as gp2 (storage.defaultVolumeType)"
		}
		fix := fmt.Sprintf(`for pvc in %s; do aws ec2 modify-volume %s --volume-id "$(kubectl get pv "$(kubectl get pvc -n %s $pvc -o jsonpath='{.spec.volumeName}')" -o jsonpath='{.spec.csi.volumeHandle}{.spec.awsElasticBlockStore.volumeID}' | sed 's|.*/||')"; done; `+
			"then set storageClassName to a gp3 class (provisioner ebs.csi.aws.com, parameters.type: gp3)%s so that new volumes are gp3",
			strings.Join(f.pvcNames(c), " "), modifyArgs(v), c.Namespace, at(c.Origin))
		f.add(RuleGP2Volume, fmt.Sprintf("claim %s/%s: %d × %s gp2", c.Namespace, c.Name, n, gib(c.SizeGiB)), saving, conf, c.Origin, fix, "%s", why)
	}
	return nil
}

// pvcNames are the names of a claim's PVCs: a StatefulSet's claim template
// makes <template>-<statefulset>-<ordinal>, which refit lists without the
// ordinal.
func (f *finder) pvcNames(c estate.Claim) []string {
	for _, w := range f.e.Workloads {
		if w.Kind == "StatefulSet" && w.Namespace == c.Namespace && strings.HasSuffix(c.Name, "-"+w.Name) && slices.Contains(w.Claims, c.Name) {
			var out []string
			for i := range max(c.Count, 1) {
				out = append(out, fmt.Sprintf("%s-%d", c.Name, i))
			}
			return out
		}
	}
	return []string{c.Name}
}

// claimType resolves a claim's EBS volume type as the cost engine does: its
// class (or the default class), a class named after a type, else the usage
// default (assumed).
func (f *finder) claimType(c estate.Claim) (typ string, assumed bool) {
	name := c.StorageClass
	if name == "" {
		for _, sc := range f.e.StorageClasses {
			if sc.Default {
				name = sc.Name
			}
		}
	}
	for _, sc := range f.e.StorageClasses {
		if sc.Name == name {
			return sc.EBSType, false // "" when not EBS
		}
	}
	if slices.Contains([]string{"gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"}, name) {
		return name, false
	}
	return f.opt.Cost.Usage.Storage.DefaultVolumeType, true
}

// rootVolumes is a node group's root volumes as one volume set.
func rootVolumes(g estate.NodeGroup) estate.Volume {
	v := g.RootVolume
	v.Count = g.Count
	v.Name = groupLabel(g) + " root volumes"
	v.Origin = g.Origin
	return v
}

func groupLabel(g estate.NodeGroup) string {
	switch g.Role {
	case estate.RoleMaster:
		return "masters " + g.Name
	case estate.RoleBastion:
		return "bastions " + g.Name
	case estate.RoleInstance:
		return "instance " + g.Name
	}
	return "node group " + g.Name
}

// clusterName is the name of g's cluster, or of the estate's only one.
func (f *finder) clusterName(g estate.NodeGroup) string {
	if g.Cluster == "" && len(f.e.Clusters) == 1 {
		return f.e.Clusters[0].Name
	}
	return g.Cluster
}

// nodeGroupFix writes a change to a node group's root volumes for the tool
// that owns it. inPlace, when set, changes the running instances' volumes;
// otherwise they are replaced.
func (f *finder) nodeGroupFix(g estate.NodeGroup, kops, eksctl, terraform, inPlace, other string) string {
	c := f.clusterName(g)
	var fix string
	switch toolOf(f.e, g.Cluster, g.Origin) {
	case toolKops:
		fix = fmt.Sprintf("kops edit ig %s --name %s: set spec.%s%s; then kops update cluster --name %s --yes", g.Name, c, kops, at(g.Origin), c)
		if inPlace == "" {
			return fix + fmt.Sprintf(" && kops rolling-update cluster --name %s --yes", c)
		}
	case toolEksctl:
		fix = fmt.Sprintf("set %s on node group %s%s", eksctl, g.Name, at(g.Origin))
		if inPlace == "" {
			return fix + fmt.Sprintf("; eksctl cannot change a node group in place: create it under a new name (eksctl create nodegroup --config-file FILE --include NEW) and remove the old one (eksctl delete nodegroup --cluster %s --name %s --drain)", c, g.Name)
		}
		fix += " for new node groups"
	case toolTerraform:
		return fmt.Sprintf("set %s on %s%s and terraform apply", terraform, g.Origin.Ref, at(g.Origin))
	default:
		return other
	}
	return fix + "; running instances, online: " + inPlace
}

// oversizedRoots: node root volumes above the threshold. Priced after the
// gp2 change (as gp3), so that the two findings add up to both changes.
func (f *finder) oversizedRoots() error {
	limit := f.opt.MinRootVolumeGiB
	for _, g := range f.e.NodeGroups {
		v := rootVolumes(g)
		if g.Count == 0 || v.SizeGiB <= limit {
			continue
		}
		before, after := v, v
		after.SizeGiB = limit
		note := ""
		if v.Type == "gp2" {
			before, after = gp3Equivalent(before), gp3Equivalent(after)
			note = " (priced as gp3, after the gp2-volume change; more if done alone)"
		}
		saving, err := f.saving(&estate.Estate{Volumes: []estate.Volume{before}}, &estate.Estate{Volumes: []estate.Volume{after}})
		if err != nil {
			return err
		}
		size := fmt.Sprintf("%g", limit)
		fix := f.nodeGroupFix(g, "rootVolumeSize: "+size, "volumeSize: "+size, "the root volume size to "+size+" GiB (root_block_device, disk_size, or the launch template's block device mapping)", "",
			"launch the instances from a launch template with a "+size+" GiB root volume and replace them (EBS volumes cannot shrink in place)")
		f.add(RuleOversizedRoot, fmt.Sprintf("%s: %d × %s root volume", groupLabel(g), g.Count, gib(g.RootVolume.SizeGiB)), saving, Medium, g.Origin, fix,
			"a node's root volume holds the OS, container images and logs; %s is more than --min-root-volume %s: %d × %s unused%s; roots cannot shrink in place, so nodes are replaced (check image and log usage first)",
			gib(g.RootVolume.SizeGiB), gib(limit), g.Count, gib(g.RootVolume.SizeGiB-limit), note)
	}
	return nil
}

// eksExtended: EKS clusters on a version past standard support at opt.At.
func (f *finder) eksExtended() error {
	when := f.opt.Cost.At
	for _, c := range f.e.Clusters {
		if c.ControlPlane != estate.ControlPlaneEKS || c.KubernetesVersion == "" {
			continue
		}
		tier, cur, err := f.cat.EKSSupport(c.KubernetesVersion, when)
		if err != nil || tier != pricing.SupportExtended {
			continue // unknown or unsupported versions are the cost engine's to report
		}
		var path []string // the minor versions to upgrade through, one at a time
		target := ""
		for _, v := range f.cat.EKSVersions() {
			if !versionAfter(v.Version, cur.Version) || when.Before(v.Release) {
				continue
			}
			path = append(path, v.Version)
			if when.Before(v.EndStandard) {
				target = v.Version
				break
			}
		}
		if target == "" {
			continue
		}
		after := c
		after.KubernetesVersion = target
		saving, err := f.saving(&estate.Estate{Clusters: []estate.Cluster{c}}, &estate.Estate{Clusters: []estate.Cluster{after}})
		if err != nil {
			return err
		}
		var steps []string
		for _, v := range path {
			switch toolOf(f.e, c.Name, c.Origin) {
			case toolEksctl:
				steps = append(steps, fmt.Sprintf("eksctl upgrade cluster --name %s --version %s --approve", c.Name, v))
			case toolTerraform:
				steps = append(steps, fmt.Sprintf(`set version = "%s" on %s and terraform apply`, v, c.Origin.Ref))
			default:
				steps = append(steps, fmt.Sprintf("aws eks update-cluster-version --name %s --kubernetes-version %s", c.Name, v))
			}
		}
		var fix string
		if toolOf(f.e, c.Name, c.Origin) == toolTerraform {
			fix = strings.Join(steps, "; then ") + at(c.Origin) + "; upgrade the node groups and add-ons after each step"
		} else {
			fix = strings.Join(steps, " && ") + fmt.Sprintf("; then set the version to %s in the input%s and upgrade the node groups and add-ons", target, at(c.Origin))
		}
		f.add(RuleEKSExtended, fmt.Sprintf("EKS cluster %s (Kubernetes %s)", c.Name, c.KubernetesVersion), saving, High, c.Origin, fix,
			"Kubernetes %s left EKS standard support on %s, so the control plane pays the extended-support price; %s is in standard support on %s (EKS upgrades one minor version at a time: %s)",
			cur.Version, cur.EndStandard.Format(time.DateOnly), target, when.Format(time.DateOnly), strings.Join(path, ", "))
	}
	return nil
}

// versionAfter reports whether MAJOR.MINOR a is newer than b.
func versionAfter(a, b string) bool {
	var am, an, bm, bn int
	fmt.Sscanf(a, "%d.%d", &am, &an)
	fmt.Sscanf(b, "%d.%d", &bm, &bn)
	return am > bm || (am == bm && an > bn)
}

// extraNATs: several NAT gateways for a cluster of few nodes.
func (f *finder) extraNATs() error {
	nats := f.e.NATGateways
	if len(nats) < 2 {
		return nil
	}
	workers, groups := 0, 0
	for _, g := range f.e.NodeGroups {
		if g.Role == estate.RoleNode {
			workers += g.Count
			groups++
		}
	}
	if groups == 0 && len(f.e.FargateProfiles) == 0 {
		return nil // no cluster in the input to call small
	}
	if workers > f.opt.SmallClusterNodes {
		return nil
	}
	keep, drop := nats[0], nats[1:]
	small := &estate.Estate{NATGateways: drop}
	var names []string
	for _, n := range drop {
		names = append(names, n.Name)
		for _, ip := range f.e.PublicIPs {
			if ip.Purpose == "nat" && ip.Name == "of NAT gateway "+n.Name {
				small.PublicIPs = append(small.PublicIPs, ip)
			}
		}
	}
	// The traffic moves to the gateway kept: only the hours and addresses go.
	opt := f.opt.Cost
	opt.Usage.NATGateway.DataProcessedGB = 0
	saving, err := f.monthlyWith(small, opt)
	if err != nil {
		return err
	}
	var fix string
	switch toolOf(f.e, "", keep.Origin) {
	case toolKops:
		fix = fmt.Sprintf("route every private subnet through NAT gateway %s: kops edit cluster, set egress: <nat-id of %s> on each Private subnet%s, kops update cluster --yes; then delete the others (aws ec2 delete-nat-gateway --nat-gateway-id ID) and release their Elastic IPs", keep.Name, keep.Name, at(keep.Origin))
	case toolEksctl:
		fix = fmt.Sprintf("set vpc.nat.gateway: Single%s (https://docs.aws.amazon.com/eks/latest/eksctl/vpc-configuration.html); for a running cluster, point the private route tables at one gateway (aws ec2 replace-route --route-table-id RTB --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ID) and delete the others", at(keep.Origin))
	case toolTerraform:
		fix = fmt.Sprintf("route the private route tables through %s and remove the other aws_nat_gateway and aws_eip resources (terraform-aws-modules/vpc: single_nat_gateway = true)%s", keep.Origin.Ref, at(keep.Origin))
	default:
		fix = "point every private route table at one NAT gateway (aws ec2 replace-route --route-table-id RTB --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ID), then aws ec2 delete-nat-gateway --nat-gateway-id ID for the others and release their Elastic IPs"
	}
	f.add(RuleExtraNAT, fmt.Sprintf("%d of %d NAT gateways (keep %s): %s", len(drop), len(nats), keep.Name, strings.Join(names, ", ")), saving, Low, drop[0].Origin, fix,
		"%d worker nodes need no NAT gateway per zone; risk: when the kept gateway's zone fails, nodes in every zone lose internet egress, and traffic from other zones pays inter-zone data transfer", workers)
	return nil
}

// unmountedClaims: claims that no workload in the input mounts. A live
// cluster's claims are compared with its pods even when none runs.
func (f *finder) unmountedClaims() error {
	mounted := map[string]bool{}
	for _, w := range f.e.Workloads {
		for _, c := range w.Claims {
			mounted[w.Namespace+"/"+c] = true
		}
	}
	for _, c := range f.e.Claims {
		if mounted[c.Namespace+"/"+c.Name] || (len(f.e.Workloads) == 0 && !liveClaim(c)) {
			continue // from files without workloads, they are elsewhere: nothing to compare with
		}
		saving, err := f.monthly(&estate.Estate{Claims: []estate.Claim{c}, StorageClasses: f.e.StorageClasses})
		if err != nil {
			return err
		}
		if liveClaim(c) {
			f.add(RuleUnmountedClaim, fmt.Sprintf("claim %s/%s: %s", c.Namespace, c.Name, gib(c.SizeGiB)), saving, Medium, c.Origin, claimFix(c),
				"no pod that is running or pending mounts the claim (finished pods do not count), yet its volume %s is billed; a CronJob or a StatefulSet scaled to zero may mount it again", c.Volume)
			continue
		}
		fix := fmt.Sprintf("check that no pod mounts it (kubectl get pods -n %s -o jsonpath='{..persistentVolumeClaim.claimName}'), then kubectl delete pvc -n %s %s and remove it from the input%s; with reclaimPolicy Retain, delete its EBS volume too (aws ec2 delete-volume)",
			c.Namespace, c.Namespace, strings.Join(f.pvcNames(c), " "), at(c.Origin))
		f.add(RuleUnmountedClaim, fmt.Sprintf("claim %s/%s: %d × %s", c.Namespace, c.Name, max(c.Count, 1), gib(c.SizeGiB)), saving, Medium, c.Origin, fix,
			"no workload in the input mounts the claim, yet its EBS volume is billed; workloads outside the input (Helm releases, other repositories) may use it")
	}
	return nil
}

// classicELBs: internet-facing Classic ELBs, when the replacement costs less.
// A Classic ELB a Kubernetes Service makes is replaced by annotating the
// Service for an NLB (a Service balances TCP, so an ALB does not fit), the
// kops API's by kops, the others (Terraform, the AWS account) by an aws_lb.
func (f *finder) classicELBs() error {
	for _, lb := range f.e.LoadBalancers {
		if lb.Type != estate.CLB || lb.Internal {
			continue
		}
		repl := lb
		var fix string
		why := "Classic Load Balancers are the previous generation; an %s costs less at the usage assumptions (--usage) and supports current TLS policies and target types; its DNS name changes, so update DNS records and clients"
		switch {
		case lb.Purpose == "api" && toolOf(f.e, "", lb.Origin) == toolKops:
			repl.Type = estate.NLB
			c := ""
			if len(f.e.Clusters) == 1 {
				c = " --name " + f.e.Clusters[0].Name
			}
			fix = fmt.Sprintf("kops edit cluster%s: set spec.api.loadBalancer.class: Network%s; then kops update cluster%s --yes && kops rolling-update cluster%s --yes", c, at(lb.Origin), c, c)
		case lb.Purpose == "" && (lb.Service || lb.Origin.Ref == ""):
			repl.Type = estate.NLB
			fix = fmt.Sprintf("annotate the Service %s with %s: nlb (or \"external\" with the AWS Load Balancer Controller)%s; the Service gets a new DNS name",
				lb.Name, awslb.AnnLBType, at(lb.Origin))
			why = "a Service of type LoadBalancer without the " + awslb.AnnLBType + " annotation gets a Classic ELB, the previous generation" + f.lbHours() +
				"; an %s passes the Service's TCP traffic through as the Classic ELB does and costs less at the usage assumptions (--usage); its DNS name changes, so update DNS records and clients"
		default:
			repl.Type = estate.ALB
			fix = fmt.Sprintf("replace %s with an aws_lb (load_balancer_type \"application\" for HTTP, \"network\" for TCP)%s", orName(lb.Origin.Ref, lb.Name), at(lb.Origin))
		}
		saving, err := f.saving(&estate.Estate{LoadBalancers: []estate.LoadBalancer{lb}}, &estate.Estate{LoadBalancers: []estate.LoadBalancer{repl}})
		if err != nil {
			return err
		}
		if saving.IsNegative() {
			continue
		}
		f.add(RuleClassicELB, "Classic ELB "+lb.Name, saving, Low, lb.Origin, fix, why, strings.ToUpper(string(repl.Type)))
	}
	return nil
}

// lbHours is ": $0.025 an hour in us-east-1 against $0.0225 for an NLB, …",
// the hourly prices of a Classic ELB and an NLB in the finder's region
// ("" when the catalog lacks one).
func (f *finder) lbHours() string {
	region := f.opt.Cost.Region
	clb, err1 := f.cat.Service("elb_classic", "load_balancer_hour", region)
	nlb, err2 := f.cat.Service("elb_network", "load_balancer_hour", region)
	if err1 != nil || err2 != nil {
		return ""
	}
	return fmt.Sprintf(": $%s an hour in %s against $%s for an NLB, before GB processed (Classic ELB) and capacity units (NLB)", clb.USD, region, nlb.USD)
}

func orName(ref, name string) string {
	if ref != "" {
		return ref
	}
	return name
}

// idleLoadBalancers reports load balancers a live source found with no
// registered or no healthy targets.
func (f *finder) idleLoadBalancers() error {
	for _, lb := range f.e.LoadBalancers {
		if lb.Targets == nil || lb.HealthyTargets == nil || *lb.HealthyTargets > 0 {
			continue
		}
		saving, err := f.monthly(&estate.Estate{LoadBalancers: []estate.LoadBalancer{lb}})
		if err != nil {
			return err
		}
		why := "it has no registered targets"
		if *lb.Targets > 0 {
			why = fmt.Sprintf("none of its %d registered targets is healthy", *lb.Targets)
		}
		fix := "aws elbv2 delete-load-balancer --load-balancer-arn " + lb.Origin.Ref
		if lb.Type == estate.CLB {
			fix = "aws elb delete-load-balancer --load-balancer-name " + lb.Name
		}
		f.add(RuleIdleLoadBalancer, fmt.Sprintf("%s %s", strings.ToUpper(string(lb.Type)), lb.Name), saving, High, lb.Origin,
			fix+" (first check no DNS record or client still points at it)", "%s, so it serves no traffic but is billed by the hour", why)
	}
	return nil
}

// oldSnapshots reports snapshots older than the age limit, or whose source
// volume is gone.
func (f *finder) oldSnapshots() error {
	days := f.opt.SnapshotAgeDays
	if days <= 0 {
		days = DefaultSnapshotAgeDays
	}
	now := f.opt.Cost.At
	for _, s := range f.e.Snapshots {
		if s.Created.IsZero() {
			continue
		}
		age := int(now.Sub(s.Created).Hours() / 24)
		if age < days && !s.SourceGone {
			continue
		}
		saving, err := f.monthly(&estate.Estate{Snapshots: []estate.Snapshot{s}})
		if err != nil {
			return err
		}
		why := fmt.Sprintf("taken %d days ago (over %d)", age, days)
		if s.SourceGone {
			why = fmt.Sprintf("taken %d days ago from a volume that no longer exists", age)
		}
		f.add(RuleOldSnapshot, "snapshot "+s.Name, saving, Medium, s.Origin,
			"aws ec2 delete-snapshot --snapshot-id "+s.Name+" (first check no AMI or backup plan still needs it)", "%s", why)
	}
	return nil
}

// idleBeanstalk reports Elastic Beanstalk environments with no traffic
// (health Grey: no data) not updated for 90 days.
func (f *finder) idleBeanstalk() error {
	for _, env := range f.e.Environments {
		if env.Health != "Grey" || env.Updated.IsZero() {
			continue
		}
		age := int(f.opt.Cost.At.Sub(env.Updated).Hours() / 24)
		if age < 90 {
			continue
		}
		saving, err := f.monthly(&estate.Estate{NodeGroups: env.Instances})
		if err != nil {
			return err
		}
		f.add(RuleIdleBeanstalk, "Elastic Beanstalk environment "+env.Name, saving, Medium, env.Origin,
			"aws elasticbeanstalk terminate-environment --environment-name "+env.Name+" (save its configuration first: eb config save)",
			"its health is Grey (no data: nothing reaches it) and it was last updated %d days ago; its %d instance(s) and load balancer still bill", age, len(env.Instances))
	}
	return nil
}
