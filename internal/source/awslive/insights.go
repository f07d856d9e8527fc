package awslive

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

// UpgradeInsights is what LoadInsights read: the account's EKS clusters
// and the upgrade insights EKS computed for them
// (https://docs.aws.amazon.com/eks/latest/userguide/cluster-insights.html).
type UpgradeInsights struct {
	Clusters []Cluster `json:"clusters"`
	// Insights are the UPGRADE_READINESS insights that are not PASSING.
	Insights []Insight `json:"insights"`
	// Partial lists what could not be read, as in Inventory.Partial.
	Partial []string `json:"partial,omitempty"`
}

// Insight is one EKS upgrade insight
// (https://docs.aws.amazon.com/eks/latest/APIReference/API_Insight.html).
type Insight struct {
	Region  string `json:"region"`
	Cluster string `json:"cluster"`
	ID      string `json:"id"`
	Name    string `json:"name"`
	// Status is ERROR, WARNING or UNKNOWN; Reason says why.
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	// KubernetesVersion is the release the insight checks readiness for.
	KubernetesVersion string            `json:"kubernetesVersion,omitempty"`
	Description       string            `json:"description,omitempty"`
	Recommendation    string            `json:"recommendation,omitempty"`
	LastRefresh       time.Time         `json:"lastRefresh"`
	Deprecations      []Deprecation     `json:"deprecations,omitempty"`
	Resources         []InsightResource `json:"resources,omitempty"`
}

// Deprecation is a deprecated API the cluster received requests for.
type Deprecation struct {
	// Usage is the deprecated path ("/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas"),
	// ReplacedWith the one to call instead.
	Usage        string `json:"usage"`
	ReplacedWith string `json:"replacedWith,omitempty"`
	// StopServingVersion is the release that no longer serves Usage;
	// StartServingReplacementVersion the first that serves ReplacedWith.
	StopServingVersion             string       `json:"stopServingVersion,omitempty"`
	StartServingReplacementVersion string       `json:"startServingReplacementVersion,omitempty"`
	Clients                        []ClientStat `json:"clients,omitempty"`
}

// ClientStat is one client (user agent) that called a deprecated API.
type ClientStat struct {
	UserAgent      string    `json:"userAgent"`
	Requests30Days int       `json:"requests30Days"`
	LastRequest    time.Time `json:"lastRequest"`
}

// InsightResource is a Kubernetes object or AWS resource an insight names.
type InsightResource struct {
	URI    string `json:"uri,omitempty"`
	ARN    string `json:"arn,omitempty"`
	Status string `json:"status,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// LoadInsights reads the EKS clusters of the account behind opt.Profile in
// opt.Regions and, for each, the upgrade insights that are not passing:
// eks:ListClusters, eks:DescribeCluster, eks:ListInsights (category
// UPGRADE_READINESS) and eks:DescribeInsight. A region or operation that is
// denied is listed in Partial; bad credentials fail the whole load.
func LoadInsights(ctx context.Context, opt Options) (*UpgradeInsights, error) {
	cfg, regions, err := loadConfig(ctx, opt)
	if err != nil {
		return nil, err
	}
	conc := opt.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	parts := make([]*insightReader, len(regions))
	err = runBounded(ctx, conc, func(ctx context.Context, cancel context.CancelCauseFunc) []func(context.Context) {
		var jobs []func(context.Context)
		for i, region := range regions {
			rcfg := cfg.Copy()
			rcfg.Region = region
			ir := &insightReader{regionReader: &regionReader{region: region, cfg: rcfg, cancel: cancel}}
			parts[i] = ir
			jobs = append(jobs, ir.read)
		}
		return jobs
	})
	if err != nil {
		return nil, err
	}
	out := &UpgradeInsights{}
	ok := false
	for _, ir := range parts {
		ok = ok || ir.succeeded > 0
		out.Partial = append(out.Partial, ir.inv.Partial...)
		out.Clusters = append(out.Clusters, ir.inv.Clusters...)
		out.Insights = append(out.Insights, ir.insights...)
	}
	if !ok {
		return nil, fmt.Errorf("nothing could be read: %s", strings.Join(out.Partial, "; "))
	}
	sort.Strings(out.Partial)
	sort.Slice(out.Clusters, func(i, j int) bool {
		if out.Clusters[i].Region != out.Clusters[j].Region {
			return out.Clusters[i].Region < out.Clusters[j].Region
		}
		return out.Clusters[i].Name < out.Clusters[j].Name
	})
	sort.SliceStable(out.Insights, func(i, j int) bool {
		a, b := out.Insights[i], out.Insights[j]
		if a.Region+"/"+a.Cluster != b.Region+"/"+b.Cluster {
			return a.Region+"/"+a.Cluster < b.Region+"/"+b.Cluster
		}
		return a.Name < b.Name
	})
	return out, nil
}

// insightReader reads one region's clusters and their insights.
type insightReader struct {
	*regionReader
	insights []Insight
}

func (ir *insightReader) read(ctx context.Context) {
	r := ir.regionReader
	c := r.eks()
	for _, name := range r.eksClusterNames(ctx, c) {
		cluster, ok := r.describeEKSCluster(ctx, c, name)
		if !ok {
			continue
		}
		if cluster.Name != "" {
			r.mu.Lock()
			r.inv.Clusters = append(r.inv.Clusters, cluster)
			r.mu.Unlock()
		}
		ir.clusterInsights(ctx, c, name)
	}
}

// clusterInsights lists a cluster's upgrade insights and describes those
// that are not passing.
func (ir *insightReader) clusterInsights(ctx context.Context, c *eks.Client, cluster string) {
	r := ir.regionReader
	p := eks.NewListInsightsPaginator(c, &eks.ListInsightsInput{
		ClusterName: aws.String(cluster),
		Filter:      &ekstypes.InsightsFilter{Categories: []ekstypes.Category{ekstypes.CategoryUpgradeReadiness}},
	})
	var ids []string
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if !r.check(ctx, err, "eks:ListInsights") {
			break
		}
		for _, s := range out.Insights {
			if s.InsightStatus != nil && s.InsightStatus.Status == ekstypes.InsightStatusValuePassing {
				continue
			}
			ids = append(ids, aws.ToString(s.Id))
		}
	}
	for _, id := range ids {
		out, err := c.DescribeInsight(ctx, &eks.DescribeInsightInput{ClusterName: aws.String(cluster), Id: aws.String(id)})
		if !r.check(ctx, err, "eks:DescribeInsight") || out.Insight == nil {
			continue
		}
		ir.insights = append(ir.insights, insightFrom(r.region, cluster, out.Insight))
	}
}

func insightFrom(region, cluster string, in *ekstypes.Insight) Insight {
	ins := Insight{
		Region: region, Cluster: cluster, ID: aws.ToString(in.Id), Name: aws.ToString(in.Name),
		KubernetesVersion: aws.ToString(in.KubernetesVersion), Description: aws.ToString(in.Description),
		Recommendation: aws.ToString(in.Recommendation), LastRefresh: aws.ToTime(in.LastRefreshTime),
	}
	if in.InsightStatus != nil {
		ins.Status, ins.Reason = string(in.InsightStatus.Status), aws.ToString(in.InsightStatus.Reason)
	}
	if s := in.CategorySpecificSummary; s != nil {
		for _, d := range s.DeprecationDetails {
			dep := Deprecation{
				Usage: aws.ToString(d.Usage), ReplacedWith: aws.ToString(d.ReplacedWith),
				StopServingVersion: aws.ToString(d.StopServingVersion), StartServingReplacementVersion: aws.ToString(d.StartServingReplacementVersion),
			}
			for _, cs := range d.ClientStats {
				dep.Clients = append(dep.Clients, ClientStat{UserAgent: aws.ToString(cs.UserAgent), Requests30Days: int(cs.NumberOfRequestsLast30Days), LastRequest: aws.ToTime(cs.LastRequestTime)})
			}
			// The most recent caller first.
			sort.SliceStable(dep.Clients, func(i, j int) bool { return dep.Clients[i].LastRequest.After(dep.Clients[j].LastRequest) })
			ins.Deprecations = append(ins.Deprecations, dep)
		}
	}
	for _, res := range in.Resources {
		ir := InsightResource{URI: aws.ToString(res.KubernetesResourceUri), ARN: aws.ToString(res.Arn)}
		if res.InsightStatus != nil {
			ir.Status, ir.Reason = string(res.InsightStatus.Status), aws.ToString(res.InsightStatus.Reason)
		}
		ins.Resources = append(ins.Resources, ir)
	}
	return ins
}
