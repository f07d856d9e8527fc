package awslive

import (
	"context"
	"net"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// Each reader below walks its pages with the SDK paginators and keeps what
// it read so far when a later call fails: a denied DescribeSnapshots does not
// lose the volumes.

func (r *regionReader) readEC2(ctx context.Context) {
	c := r.ec2()

	var instances []Instance
	pi := ec2.NewDescribeInstancesPaginator(c, &ec2.DescribeInstancesInput{})
	for pi.HasMorePages() {
		out, err := pi.NextPage(ctx)
		if !r.check(ctx, err, "ec2:DescribeInstances") {
			break
		}
		for _, res := range out.Reservations {
			owner := aws.ToString(res.OwnerId)
			for _, in := range res.Instances {
				if i, ok := r.instance(owner, in); ok {
					instances = append(instances, i)
				}
			}
		}
	}

	var volumes []Volume
	pv := ec2.NewDescribeVolumesPaginator(c, &ec2.DescribeVolumesInput{})
	for pv.HasMorePages() {
		out, err := pv.NextPage(ctx)
		if !r.check(ctx, err, "ec2:DescribeVolumes") {
			break
		}
		for _, v := range out.Volumes {
			vol := Volume{
				Region: r.region, ID: aws.ToString(v.VolumeId), Type: string(v.VolumeType),
				SizeGiB: int(aws.ToInt32(v.Size)), IOPS: int(aws.ToInt32(v.Iops)),
				ThroughputMiBps: int(aws.ToInt32(v.Throughput)), State: string(v.State),
				Created: aws.ToTime(v.CreateTime), Tags: ec2Tags(v.Tags),
			}
			vol.ARN = r.arn("ec2", "volume/"+vol.ID)
			for _, a := range v.Attachments {
				if a.State == ec2types.VolumeAttachmentStateAttached || a.State == ec2types.VolumeAttachmentStateAttaching {
					vol.Instances = append(vol.Instances, aws.ToString(a.InstanceId))
				}
			}
			volumes = append(volumes, vol)
		}
	}

	var snapshots []Snapshot
	ps := ec2.NewDescribeSnapshotsPaginator(c, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}})
	for ps.HasMorePages() {
		out, err := ps.NextPage(ctx)
		if !r.check(ctx, err, "ec2:DescribeSnapshots") {
			break
		}
		for _, s := range out.Snapshots {
			snap := Snapshot{
				Region: r.region, ID: aws.ToString(s.SnapshotId), VolumeID: aws.ToString(s.VolumeId),
				SizeGiB: int(aws.ToInt32(s.VolumeSize)), Created: aws.ToTime(s.StartTime),
				Archive: s.StorageTier == ec2types.StorageTierArchive, Description: aws.ToString(s.Description),
				Tags: ec2Tags(s.Tags),
			}
			// Snapshot ARNs carry no account: arn:aws:ec2:REGION::snapshot/ID
			// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
			snap.ARN = "arn:" + r.partition + ":ec2:" + r.region + "::snapshot/" + snap.ID
			snapshots = append(snapshots, snap)
		}
	}

	var addresses []Address
	// DescribeAddresses has no pagination: it returns every address.
	if out, err := c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{}); r.check(ctx, err, "ec2:DescribeAddresses") {
		for _, a := range out.Addresses {
			addr := Address{
				Region: r.region, AllocationID: aws.ToString(a.AllocationId), PublicIP: aws.ToString(a.PublicIp),
				Associated: a.AssociationId != nil || a.InstanceId != nil || a.NetworkInterfaceId != nil,
				InstanceID: aws.ToString(a.InstanceId), Tags: ec2Tags(a.Tags),
			}
			addr.ARN = r.arn("ec2", "elastic-ip/"+addr.AllocationID)
			addresses = append(addresses, addr)
		}
	}

	var nats []NATGateway
	pn := ec2.NewDescribeNatGatewaysPaginator(c, &ec2.DescribeNatGatewaysInput{})
	for pn.HasMorePages() {
		out, err := pn.NextPage(ctx)
		if !r.check(ctx, err, "ec2:DescribeNatGateways") {
			break
		}
		for _, n := range out.NatGateways {
			if n.State != ec2types.NatGatewayStatePending && n.State != ec2types.NatGatewayStateAvailable {
				continue // deleted, deleting and failed gateways are not billed
			}
			g := NATGateway{
				Region: r.region, ID: aws.ToString(n.NatGatewayId), State: string(n.State),
				SubnetID: aws.ToString(n.SubnetId), VPCID: aws.ToString(n.VpcId),
				Private: n.ConnectivityType == ec2types.ConnectivityTypePrivate, Tags: ec2Tags(n.Tags),
			}
			g.ARN = r.arn("ec2", "natgateway/"+g.ID)
			for _, a := range n.NatGatewayAddresses {
				if id := aws.ToString(a.AllocationId); id != "" {
					g.AllocationIDs = append(g.AllocationIDs, id)
				}
			}
			nats = append(nats, g)
		}
	}

	// A NAT gateway's zone is its subnet's
	// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGateway.html
	// has no zone). A filter, unlike SubnetIds, does not fail on a subnet
	// deleted meanwhile.
	if len(nats) > 0 {
		var ids []string
		for _, n := range nats {
			if n.SubnetID != "" {
				ids = append(ids, n.SubnetID)
			}
		}
		zones := map[string]string{}
		for _, chunk := range chunks(sortedUnique(ids), 100) {
			psub := ec2.NewDescribeSubnetsPaginator(c, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("subnet-id"), Values: chunk}}})
			for psub.HasMorePages() {
				out, err := psub.NextPage(ctx)
				if !r.check(ctx, err, "ec2:DescribeSubnets") {
					break
				}
				for _, s := range out.Subnets {
					zones[aws.ToString(s.SubnetId)] = aws.ToString(s.AvailabilityZone)
				}
			}
		}
		for i := range nats {
			nats[i].Zone = zones[nats[i].SubnetID]
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	r.inv.Instances = append(r.inv.Instances, instances...)
	r.inv.Volumes = append(r.inv.Volumes, volumes...)
	r.inv.Snapshots = append(r.inv.Snapshots, snapshots...)
	r.inv.Addresses = append(r.inv.Addresses, addresses...)
	r.inv.NATGateways = append(r.inv.NATGateways, nats...)
}

// instance converts one EC2 instance; terminated ones are dropped.
func (r *regionReader) instance(owner string, in ec2types.Instance) (Instance, bool) {
	state := ""
	if in.State != nil {
		state = string(in.State.Name)
	}
	if state == "terminated" || state == "shutting-down" {
		return Instance{}, false
	}
	i := Instance{
		Region: r.region, ID: aws.ToString(in.InstanceId), Type: string(in.InstanceType), State: state,
		Spot: in.InstanceLifecycle == ec2types.InstanceLifecycleTypeSpot, LaunchTime: aws.ToTime(in.LaunchTime),
		PublicIP: aws.ToString(in.PublicIpAddress), StateReason: aws.ToString(in.StateTransitionReason), Tags: ec2Tags(in.Tags),
	}
	if i.Stopped() {
		i.StoppedSince, _ = transitionDate(i.StateReason)
	}
	if owner == "" {
		owner = r.account
	}
	i.ARN = "arn:" + r.partition + ":ec2:" + r.region + ":" + owner + ":instance/" + i.ID
	if in.Placement != nil {
		i.Zone = aws.ToString(in.Placement.AvailabilityZone)
	}
	root := aws.ToString(in.RootDeviceName)
	for _, m := range in.BlockDeviceMappings {
		if aws.ToString(m.DeviceName) == root && m.Ebs != nil {
			i.RootVolumeID = aws.ToString(m.Ebs.VolumeId)
		}
	}
	return i, true
}

func ec2Tags(tags []ec2types.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

func (r *regionReader) readELB(ctx context.Context) {
	c := r.elb()
	var lbs []LoadBalancer
	p := elasticloadbalancing.NewDescribeLoadBalancersPaginator(c, &elasticloadbalancing.DescribeLoadBalancersInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if !r.check(ctx, err, "elasticloadbalancing:DescribeLoadBalancers") {
			break
		}
		for _, d := range out.LoadBalancerDescriptions {
			lb := LoadBalancer{
				Region: r.region, Name: aws.ToString(d.LoadBalancerName), Type: "classic",
				Internal: aws.ToString(d.Scheme) == "internal", DNSName: aws.ToString(d.DNSName), Created: aws.ToTime(d.CreatedTime),
				Listeners: len(d.ListenerDescriptions), Targets: len(d.Instances),
			}
			lb.ARN = r.arn("elasticloadbalancing", "loadbalancer/"+lb.Name)
			lbs = append(lbs, lb)
		}
	}
	for i := range lbs {
		if lbs[i].Targets == 0 {
			continue // nothing registered, nothing to ask
		}
		out, err := c.DescribeInstanceHealth(ctx, &elasticloadbalancing.DescribeInstanceHealthInput{LoadBalancerName: aws.String(lbs[i].Name)})
		if !r.check(ctx, err, "elasticloadbalancing:DescribeInstanceHealth") {
			break
		}
		for _, s := range out.InstanceStates {
			if aws.ToString(s.State) == "InService" {
				lbs[i].HealthyTargets++
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inv.LoadBalancers = append(r.inv.LoadBalancers, lbs...)
}

func (r *regionReader) readELBv2(ctx context.Context) {
	c := r.elbv2()
	var lbs []LoadBalancer
	p := elasticloadbalancingv2.NewDescribeLoadBalancersPaginator(c, &elasticloadbalancingv2.DescribeLoadBalancersInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if !r.check(ctx, err, "elasticloadbalancing:DescribeLoadBalancers") {
			break
		}
		for _, d := range out.LoadBalancers {
			lbs = append(lbs, LoadBalancer{
				Region: r.region, Name: aws.ToString(d.LoadBalancerName), ARN: aws.ToString(d.LoadBalancerArn),
				Type: string(d.Type), Internal: d.Scheme == "internal", DNSName: aws.ToString(d.DNSName), Created: aws.ToTime(d.CreatedTime),
			})
		}
	}
	byARN := map[string]*LoadBalancer{}
	for i := range lbs {
		byARN[lbs[i].ARN] = &lbs[i]
	}
	for i := range lbs {
		pl := elasticloadbalancingv2.NewDescribeListenersPaginator(c, &elasticloadbalancingv2.DescribeListenersInput{LoadBalancerArn: aws.String(lbs[i].ARN)})
		for pl.HasMorePages() {
			out, err := pl.NextPage(ctx)
			if !r.check(ctx, err, "elasticloadbalancing:DescribeListeners") {
				break
			}
			lbs[i].Listeners += len(out.Listeners)
		}
	}
	if len(lbs) > 0 {
		pt := elasticloadbalancingv2.NewDescribeTargetGroupsPaginator(c, &elasticloadbalancingv2.DescribeTargetGroupsInput{})
	groups:
		for pt.HasMorePages() {
			out, err := pt.NextPage(ctx)
			if !r.check(ctx, err, "elasticloadbalancing:DescribeTargetGroups") {
				break
			}
			for _, tg := range out.TargetGroups {
				var owners []*LoadBalancer
				for _, a := range tg.LoadBalancerArns {
					if lb := byARN[a]; lb != nil {
						owners = append(owners, lb)
					}
				}
				if len(owners) == 0 {
					continue // a target group no load balancer uses costs nothing
				}
				th, err := c.DescribeTargetHealth(ctx, &elasticloadbalancingv2.DescribeTargetHealthInput{TargetGroupArn: tg.TargetGroupArn})
				if !r.check(ctx, err, "elasticloadbalancing:DescribeTargetHealth") {
					break groups
				}
				for _, lb := range owners {
					for _, d := range th.TargetHealthDescriptions {
						lb.Targets++
						if d.TargetHealth != nil && d.TargetHealth.State == "healthy" {
							lb.HealthyTargets++
						}
					}
				}
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inv.LoadBalancers = append(r.inv.LoadBalancers, lbs...)
}

// eksClusterNames lists the region's EKS clusters.
func (r *regionReader) eksClusterNames(ctx context.Context, c *eks.Client) []string {
	var names []string
	p := eks.NewListClustersPaginator(c, &eks.ListClustersInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if !r.check(ctx, err, "eks:ListClusters") {
			break
		}
		names = append(names, out.Clusters...)
	}
	return names
}

// describeEKSCluster reads one cluster (ok is false when the call failed;
// the zero Cluster when EKS answered without one).
func (r *regionReader) describeEKSCluster(ctx context.Context, c *eks.Client, name string) (Cluster, bool) {
	out, err := c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	if !r.check(ctx, err, "eks:DescribeCluster") {
		return Cluster{}, false
	}
	cl := out.Cluster
	if cl == nil {
		return Cluster{}, true
	}
	cluster := Cluster{
		Region: r.region, Name: aws.ToString(cl.Name), ARN: aws.ToString(cl.Arn), Version: aws.ToString(cl.Version),
		Status: string(cl.Status), Created: aws.ToTime(cl.CreatedAt),
	}
	if cl.UpgradePolicy != nil {
		cluster.SupportType = string(cl.UpgradePolicy.SupportType)
	}
	return cluster, true
}

func (r *regionReader) readEKS(ctx context.Context) {
	c := r.eks()
	var (
		clusters []Cluster
		groups   []NodeGroup
		profiles []FargateProfile
	)
	for _, name := range r.eksClusterNames(ctx, c) {
		cluster, ok := r.describeEKSCluster(ctx, c, name)
		if !ok {
			continue
		}
		if cluster.Name != "" {
			clusters = append(clusters, cluster)
		}

		pn := eks.NewListNodegroupsPaginator(c, &eks.ListNodegroupsInput{ClusterName: aws.String(name)})
	nodegroups:
		for pn.HasMorePages() {
			page, err := pn.NextPage(ctx)
			if !r.check(ctx, err, "eks:ListNodegroups") {
				break
			}
			for _, ng := range page.Nodegroups {
				d, err := c.DescribeNodegroup(ctx, &eks.DescribeNodegroupInput{ClusterName: aws.String(name), NodegroupName: aws.String(ng)})
				if !r.check(ctx, err, "eks:DescribeNodegroup") {
					break nodegroups
				}
				if d.Nodegroup != nil {
					groups = append(groups, r.nodegroup(d.Nodegroup))
				}
			}
		}

		pf := eks.NewListFargateProfilesPaginator(c, &eks.ListFargateProfilesInput{ClusterName: aws.String(name)})
	fargate:
		for pf.HasMorePages() {
			page, err := pf.NextPage(ctx)
			if !r.check(ctx, err, "eks:ListFargateProfiles") {
				break
			}
			for _, fp := range page.FargateProfileNames {
				d, err := c.DescribeFargateProfile(ctx, &eks.DescribeFargateProfileInput{ClusterName: aws.String(name), FargateProfileName: aws.String(fp)})
				if !r.check(ctx, err, "eks:DescribeFargateProfile") {
					break fargate
				}
				if f := d.FargateProfile; f != nil {
					prof := FargateProfile{
						Region: r.region, Cluster: name, Name: aws.ToString(f.FargateProfileName),
						ARN: aws.ToString(f.FargateProfileArn), Status: string(f.Status),
					}
					for _, s := range f.Selectors {
						prof.Selectors = append(prof.Selectors, FargateSelector{Namespace: aws.ToString(s.Namespace), Labels: s.Labels})
					}
					profiles = append(profiles, prof)
				}
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inv.Clusters = append(r.inv.Clusters, clusters...)
	r.inv.NodeGroups = append(r.inv.NodeGroups, groups...)
	r.inv.FargateProfiles = append(r.inv.FargateProfiles, profiles...)
}

// nodegroup converts one EKS managed node group.
func (r *regionReader) nodegroup(n *ekstypes.Nodegroup) NodeGroup {
	g := NodeGroup{
		Region: r.region, Cluster: aws.ToString(n.ClusterName), Name: aws.ToString(n.NodegroupName),
		ARN: aws.ToString(n.NodegroupArn), Status: string(n.Status), CapacityType: string(n.CapacityType),
		InstanceTypes: n.InstanceTypes, DiskSizeGiB: int(aws.ToInt32(n.DiskSize)), Labels: n.Labels,
	}
	if s := n.ScalingConfig; s != nil {
		g.MinSize, g.MaxSize, g.DesiredSize = int(aws.ToInt32(s.MinSize)), int(aws.ToInt32(s.MaxSize)), int(aws.ToInt32(s.DesiredSize))
	}
	for _, t := range n.Taints {
		// EKS spells effects NO_SCHEDULE; Kubernetes NoSchedule.
		effect := map[string]string{"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"}[string(t.Effect)]
		g.Taints = append(g.Taints, aws.ToString(t.Key)+"="+aws.ToString(t.Value)+":"+effect)
	}
	if n.Resources != nil {
		for _, a := range n.Resources.AutoScalingGroups {
			g.AutoScalingGroups = append(g.AutoScalingGroups, aws.ToString(a.Name))
		}
	}
	return g
}

func (r *regionReader) readBeanstalk(ctx context.Context) {
	c := r.beanstalk()
	var envs []Environment
	// DescribeEnvironments pages by NextToken but the SDK has no paginator
	// for it. Health and HealthStatus come with it; the per-instance health
	// of DescribeEnvironmentHealth is not needed.
	in := &elasticbeanstalk.DescribeEnvironmentsInput{IncludeDeleted: aws.Bool(false)}
	seen := map[string]bool{}
	for {
		out, err := c.DescribeEnvironments(ctx, in)
		if !r.check(ctx, err, "elasticbeanstalk:DescribeEnvironments") {
			break
		}
		for _, e := range out.Environments {
			if e.Status == "Terminated" {
				continue
			}
			env := Environment{
				Region: r.region, Name: aws.ToString(e.EnvironmentName), ID: aws.ToString(e.EnvironmentId),
				ARN: aws.ToString(e.EnvironmentArn), Application: aws.ToString(e.ApplicationName),
				Platform: aws.ToString(e.SolutionStackName), Status: string(e.Status), Health: string(e.Health),
				HealthStatus: string(e.HealthStatus), Created: aws.ToTime(e.DateCreated), Updated: aws.ToTime(e.DateUpdated),
				EndpointURL: aws.ToString(e.EndpointURL),
			}
			if env.Platform == "" {
				env.Platform = aws.ToString(e.PlatformArn)
			}
			if e.Tier != nil {
				env.Tier = aws.ToString(e.Tier.Name)
			}
			env.Type = environmentType(env.Tier, env.EndpointURL)
			envs = append(envs, env)
		}
		next := aws.ToString(out.NextToken)
		if next == "" || seen[next] {
			break
		}
		seen[next] = true
		in.NextToken = aws.String(next)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inv.Environments = append(r.inv.Environments, envs...)
}

// environmentType guesses LoadBalanced or SingleInstance from the endpoint:
// a single-instance environment's URL is its Elastic IP, a load-balanced
// one's the load balancer's DNS name
// (https://docs.aws.amazon.com/elasticbeanstalk/latest/api/API_EnvironmentDescription.html).
func environmentType(tier, endpoint string) string {
	switch {
	case tier == "Worker" || endpoint == "":
		return ""
	case net.ParseIP(endpoint) != nil:
		return "SingleInstance"
	case strings.Contains(endpoint, ".elb.") || strings.HasSuffix(endpoint, ".amazonaws.com"):
		return "LoadBalanced"
	}
	return ""
}

func (r *regionReader) readRDS(ctx context.Context) {
	c := r.rds()
	var dbs []Database
	p := rds.NewDescribeDBInstancesPaginator(c, &rds.DescribeDBInstancesInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if !r.check(ctx, err, "rds:DescribeDBInstances") {
			break
		}
		for _, d := range out.DBInstances {
			dbs = append(dbs, Database{
				Region: r.region, ID: aws.ToString(d.DBInstanceIdentifier), ARN: aws.ToString(d.DBInstanceArn),
				Engine: aws.ToString(d.Engine), EngineVersion: aws.ToString(d.EngineVersion),
				InstanceClass: aws.ToString(d.DBInstanceClass), MultiAZ: aws.ToBool(d.MultiAZ),
				StorageGiB: int(aws.ToInt32(d.AllocatedStorage)), StorageType: aws.ToString(d.StorageType),
				Status: aws.ToString(d.DBInstanceStatus), Cluster: aws.ToString(d.DBClusterIdentifier),
				Created: aws.ToTime(d.InstanceCreateTime),
			})
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inv.Databases = append(r.inv.Databases, dbs...)
}

// chunks splits s in slices of at most n. EC2 does not document how many
// values one filter takes; 200 is the limit met in practice
// (https://github.com/apache/druid/pull/1954), so refit sends 100.
func chunks(s []string, n int) [][]string {
	var out [][]string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}

func sortedUnique(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
