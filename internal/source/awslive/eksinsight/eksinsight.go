// Package eksinsight turns the EKS upgrade insights of an account (read by
// internal/source/awslive) into migrate check findings: the AWS source hands
// migrate check kubeapi.Findings, so that no capability imports a source.
package eksinsight

import (
	"fmt"
	"strings"
	"time"

	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/source/awslive"
)

// Origin names a cluster in findings: "eks:<region>/<cluster>".
func insightOrigin(region, cluster string) string { return "eks:" + region + "/" + cluster }

// maxClients is how many callers of a deprecated API a finding names.
const maxClients = 3

// Findings maps what awslive.LoadInsights read to findings for the upgrade to release to:
// one per cluster (kubeapi.RuleEKSVersion: how many minor upgrades away it is) and
// one per deprecated API of each insight (or per insight without
// deprecation details) whose Kubernetes version is at most to
// (kubeapi.RuleEKSInsight). Insight status ERROR is an error, WARNING a
// warning, anything else information.
func Findings(u *awslive.UpgradeInsights, to kubeapi.Version) []kubeapi.Finding {
	var out []kubeapi.Finding
	for _, c := range u.Clusters {
		f := kubeapi.Finding{Rule: kubeapi.RuleEKSVersion, Severity: kubeapi.Info, File: insightOrigin(c.Region, c.Name)}
		v, err := kubeapi.ParseVersion(c.Version)
		switch {
		case err != nil:
			f.Message = fmt.Sprintf("EKS cluster %s reports Kubernetes version %q, which refit cannot read", c.Name, c.Version)
		case v.Less(to):
			// EKS upgrades the control plane one minor version at a time
			// (https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html).
			n := to.Minor - v.Minor
			f.Message = fmt.Sprintf("EKS cluster %s runs Kubernetes %s: reaching %s takes %d control-plane upgrade(s), one minor version at a time", c.Name, v, to, n)
		default:
			f.Message = fmt.Sprintf("EKS cluster %s runs Kubernetes %s, at or past %s", c.Name, v, to)
		}
		out = append(out, f)
	}
	for _, in := range u.Insights {
		if v, err := kubeapi.ParseVersion(in.KubernetesVersion); err == nil && to.Less(v) {
			continue // readiness for a release past the target
		}
		base := kubeapi.Finding{Rule: kubeapi.RuleEKSInsight, Severity: insightSeverity(in.Status), File: insightOrigin(in.Region, in.Cluster)}
		head := fmt.Sprintf("EKS upgrade insight %q (%s", in.Name, in.Status)
		if in.KubernetesVersion != "" {
			head += ", for Kubernetes " + in.KubernetesVersion
		}
		head += ")"
		tail := fmt.Sprintf(" [aws eks describe-insight --region %s --cluster-name %s --id %s]", in.Region, in.Cluster, in.ID)
		if len(in.Deprecations) == 0 {
			f := base
			msg := head
			if in.Reason != "" {
				msg += ": " + strings.TrimSuffix(in.Reason, ".")
			}
			if n := affected(in.Resources); n > 0 {
				msg += fmt.Sprintf("; %d resource(s) affected", n)
			}
			if in.Recommendation != "" {
				msg += "; " + strings.TrimSuffix(in.Recommendation, ".")
			}
			f.Message = msg + tail
			out = append(out, f)
			continue
		}
		for _, d := range in.Deprecations {
			f := base
			av, _ := pathAPIVersion(d.Usage)
			f.FoundAPIVersion = av
			f.Replacement, _ = pathAPIVersion(d.ReplacedWith)
			f.RemovedIn, _ = parseOptionalVersion(d.StopServingVersion)
			msg := head + ": " + d.Usage
			if d.StopServingVersion != "" {
				msg += " is not served from Kubernetes " + d.StopServingVersion
			} else {
				msg += " is deprecated"
			}
			if d.ReplacedWith != "" {
				msg += "; use " + d.ReplacedWith
				if d.StartServingReplacementVersion != "" {
					msg += " (served from " + d.StartServingReplacementVersion + ")"
				}
			}
			if len(d.Clients) > 0 {
				var who []string
				for i, cs := range d.Clients {
					if i == maxClients {
						who = append(who, fmt.Sprintf("%d more", len(d.Clients)-maxClients))
						break
					}
					s := fmt.Sprintf("%s (%d request(s) in 30 days", orUnknown(cs.UserAgent), cs.Requests30Days)
					if !cs.LastRequest.IsZero() {
						s += ", last " + cs.LastRequest.UTC().Format(time.RFC3339)
					}
					who = append(who, s+")")
				}
				msg += "; called by " + strings.Join(who, ", ")
			}
			f.Message = msg + tail
			out = append(out, f)
		}
	}
	return out
}

func insightSeverity(status string) kubeapi.Severity {
	switch ekstypes.InsightStatusValue(status) {
	case ekstypes.InsightStatusValueError:
		return kubeapi.Error
	case ekstypes.InsightStatusValueWarning:
		return kubeapi.Warning
	}
	return kubeapi.Info
}

func affected(rs []awslive.InsightResource) int {
	n := 0
	for _, r := range rs {
		if r.Status != string(ekstypes.InsightStatusValuePassing) {
			n++
		}
	}
	return n
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown client"
	}
	return s
}

func parseOptionalVersion(s string) (kubeapi.Version, error) {
	if s == "" {
		return kubeapi.Version{}, nil
	}
	return kubeapi.ParseVersion(s)
}

// pathAPIVersion reads the group/version and resource of an API path:
// "/apis/GROUP/VERSION/RESOURCE" or "/api/v1/RESOURCE", with an optional
// "namespaces/NS/" before the resource. Anything else returns "", "".
func pathAPIVersion(p string) (apiVersion, resource string) {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	var rest []string
	switch {
	case len(parts) >= 3 && parts[0] == "apis":
		apiVersion, rest = parts[1]+"/"+parts[2], parts[3:]
	case len(parts) >= 2 && parts[0] == "api":
		apiVersion, rest = parts[1], parts[2:]
	default:
		return "", ""
	}
	if len(rest) >= 3 && rest[0] == "namespaces" {
		rest = rest[2:]
	}
	if len(rest) > 0 {
		resource = rest[0]
	}
	return apiVersion, resource
}
