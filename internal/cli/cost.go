package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"

	"github.com/refit-dev/refit/examples"
	"github.com/refit-dev/refit/internal/allocation"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/source"
)

// estimateFlags are shared by `cost` and `cost diff`.
type estimateFlags struct {
	region       string
	usageFile    string
	pricesDir    string
	at           string
	allowMissing bool
	strictPrices bool
	input        inputFlags
}

// inputFlags say how files are read: which Kustomize overlays, and whether
// an input that cannot be read fails the command.
type inputFlags struct {
	overlay string
	strict  bool
}

func (f *inputFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.overlay, "overlay", "", "price only the Kustomize overlays with a directory of this name (prod keeps k8s/app/overlays/prod); default: every overlay, named in the notes")
	fl.BoolVar(&f.strict, "strict", false, "exit with code 2 when an input cannot be read (a broken kustomization), instead of pricing the rest as a partial result")
}

// check reports what could not be read: an error with --strict, else a
// warning on stderr (the result says it is partial).
func (f *inputFlags) check(e *estate.Estate, streams IO) error {
	if !e.Partial() {
		return nil
	}
	if f.strict {
		return fmt.Errorf("--strict: %d input(s) could not be read:\n  %s", len(e.Unread), strings.Join(e.Unread, "\n  "))
	}
	for _, u := range e.Unread {
		fmt.Fprintf(streams.ErrOut, "warning: partial result: not read: %s\n", u)
	}
	return nil
}

func (f *estimateFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.region, "region", "", "AWS region to price in (default: the region in the input, else us-east-1)")
	fl.StringVar(&f.usageFile, "usage", "", "YAML file of usage assumptions (NAT and load balancer traffic, data transfer); see docs/usage.md")
	fl.StringVar(&f.pricesDir, "prices", "", "directory of price CSVs to use instead of the embedded catalog (as written by `refit prices update`)")
	fl.StringVar(&f.at, "at", "", "date (YYYY-MM-DD) that decides EKS standard vs extended support (default: today)")
	fl.BoolVar(&f.allowMissing, "allow-missing-prices", false, "list items no region of the catalog prices as \"not priced\" (left out of the total) instead of failing")
	fl.BoolVar(&f.strictPrices, "strict-prices", false, "fail (exit 2) naming every price the catalog lacks in the region, instead of estimating it from the nearest region that has it")
	f.input.register(cmd)
}

// setup loads the catalog and the options.
func (f *estimateFlags) setup() (*pricing.Catalog, cost.Options, error) {
	cat, catDir, err := pricing.Open(f.pricesDir)
	if err != nil {
		return nil, cost.Options{}, err
	}
	opt := cost.Options{Region: f.region, Usage: cost.DefaultUsage(), AllowMissingPrices: f.allowMissing, StrictPrices: f.strictPrices, Catalog: catDir}
	if f.region != "" {
		if err := cat.CheckRegion(f.region); err != nil {
			return nil, opt, fmt.Errorf("--region: %w", err)
		}
	}
	if f.usageFile != "" {
		if opt.Usage, err = cost.LoadUsage(f.usageFile); err != nil {
			return nil, opt, err
		}
	}
	if f.at != "" {
		if opt.At, err = time.Parse(time.DateOnly, f.at); err != nil {
			return nil, opt, fmt.Errorf("--at %q: want a date like 2026-11-26", f.at)
		}
	}
	return cat, opt, nil
}

// loadEstate reads paths, or with example set, the bundled examples they name
// (kops-before when none is named).
func loadEstate(paths []string, example bool, in inputFlags, streams IO) (*estate.Estate, error) {
	e, err := source.LoadPaths(paths, example, streams.In, in.overlay)
	if example {
		return e, err
	}
	if err != nil {
		return nil, err
	}
	return e, in.check(e, streams)
}

func newCostCommand(streams IO) *cobra.Command {
	var (
		flags    estimateFlags
		example  bool
		failOver string
		format   func() (report.Format, error)
		live     liveFlags
		by       string
	)
	cmd := &cobra.Command{
		Use:   "cost [PATH...] | --example [NAME]",
		Short: "Explain the monthly AWS cost of a cluster, component by component",
		Long: `Explain what a Kubernetes-on-AWS cluster costs a month, from the files you have.

PATH may be a file, a directory (read recursively; a directory with a
kustomization.yaml is built with Kustomize), or - for stdin. refit detects each
document: kops Cluster and InstanceGroups (kops get --full -o yaml), an eksctl
ClusterConfig, Kubernetes manifests, or a Terraform plan (terraform show -json).
Mix them: an eksctl config plus the manifests of the workloads prices Fargate
pods, PVCs and load balancers together with the nodes.

Prices come from the embedded catalog (refit prices), 730 hours a month.
What a config cannot tell — NAT and load-balancer traffic, data transfer — comes
from --usage, and every assumption made is listed with the result.`,
		Example: `  # The founding story's kops cluster, bundled with refit, and its EKS successor
  refit cost --example
  refit cost --example eks-after

  # Your eksctl config and manifests, as JSON for scripts
  refit cost cluster.yaml k8s/ -o json

  # A Terraform plan, in eu-west-1, failing CI above $500 a month
  terraform show -json plan.out | refit cost - --region eu-west-1 --fail-over 500

  # What a change does to the bill
  refit cost diff before/ after/

  # The real account and cluster; each namespace's share of the nodes
  refit cost --aws --kubeconfig ~/.kube/config --by namespace`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := format()
			if err != nil {
				return err
			}
			var limit decimal.Decimal
			if failOver != "" {
				if limit, err = decimal.NewFromString(strings.TrimPrefix(failOver, "$")); err != nil {
					return fmt.Errorf("--fail-over %q: want an amount in dollars, for example 500", failOver)
				}
			}
			cat, opt, err := flags.setup()
			if err != nil {
				return err
			}
			if by != "" && !live.active(cmd) {
				return fmt.Errorf("--by allocates a live cluster's nodes to its pods: give --kubeconfig or --context")
			}
			e, err := loadAll(cmd, args, example, flags.input, &live, streams)
			if err != nil {
				return err
			}
			b, err := cost.Estimate(e, cat, opt)
			if err != nil {
				return err
			}
			if by != "" && live.cluster != nil {
				dim, err := allocation.ParseDimension(by)
				if err != nil {
					return fmt.Errorf("--by: %w", err)
				}
				res, err := allocation.Allocate(live.cluster, allocation.PricesFromBreakdown(live.cluster, b), dim)
				if err != nil {
					return err
				}
				if err := report.WriteAllocation(streams.Out, b, res, f); err != nil {
					return err
				}
			} else if err := report.WriteCost(streams.Out, b, f); err != nil {
				return err
			}
			if failOver != "" && b.Total().GreaterThan(limit) {
				return thresholdError("monthly cost %s is over --fail-over %s", b.Total().StringFixed(2), limit.StringFixed(2))
			}
			return nil
		},
	}
	format = outputFlag(cmd, report.Table, report.Table, report.Wide, report.JSON, report.YAML, report.Markdown)
	flags.register(cmd)
	cmd.Flags().BoolVar(&example, "example", false, "price a bundled example instead of files: the argument names it ("+strings.Join(examples.Names(), ", ")+"; default kops-before)")
	cmd.Flags().StringVar(&failOver, "fail-over", "", "exit with code 1 when the monthly total is over this many dollars")
	cmd.Flags().StringVar(&by, "by", "", "with a live cluster: allocate the nodes' cost to namespace, workload or label:KEY (idle shown as __idle__)")
	live.register(cmd)
	cmd.AddCommand(newCostDiffCommand(streams))
	return cmd
}

func newCostDiffCommand(streams IO) *cobra.Command {
	var (
		flags          estimateFlags
		example        bool
		failOnIncrease string
		format         func() (report.Format, error)
	)
	cmd := &cobra.Command{
		Use:   "diff BEFORE AFTER | --example",
		Short: "Show what a change does to the monthly cost, per component and resource",
		Long: `Compare the cost of two estates. BEFORE and AFTER are each a file or a
directory (priced as by refit cost), or a JSON report saved from
refit cost -o json — handy in CI to compare a pull request with main.`,
		Example: `  # The founding story: kops on EC2 before, EKS with spot workers after
  refit cost diff --example

  # In a pull request: fail when the change adds more than $50 or 10% a month
  refit cost diff main.json pr/ -o markdown --fail-on-increase 50
  refit cost diff main.json pr/ --fail-on-increase 10%`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := format()
			if err != nil {
				return err
			}
			if example && len(args) == 0 {
				args = []string{"kops-before", "eks-after"}
			}
			if len(args) != 2 {
				return fmt.Errorf("want BEFORE and AFTER, got %d argument(s)", len(args))
			}
			cat, opt, err := flags.setup()
			if err != nil {
				return err
			}
			side := func(i int) (*cost.Breakdown, error) {
				if example {
					e, err := source.LoadExample(args[i])
					if err != nil {
						return nil, err
					}
					return cost.Estimate(e, cat, opt)
				}
				return breakdownOf(args[i], cat, opt, flags.input, streams)
			}
			before, err := side(0)
			if err != nil {
				return err
			}
			after, err := side(1)
			if err != nil {
				return err
			}
			d := cost.Compare(before, after)
			if err := report.WriteDiff(streams.Out, d, before, after, f); err != nil {
				return err
			}
			return checkIncrease(d, failOnIncrease)
		},
	}
	format = outputFlag(cmd, report.Table, report.Table, report.JSON, report.YAML, report.Markdown)
	flags.register(cmd)
	cmd.Flags().BoolVar(&example, "example", false, "BEFORE and AFTER name bundled examples (default: kops-before eks-after)")
	cmd.Flags().StringVar(&failOnIncrease, "fail-on-increase", "", "exit with code 1 when the monthly cost rises by more than this many dollars, or percent with a % suffix")
	return cmd
}

// breakdownOf prices a path, or reads a saved `refit cost -o json` report.
func breakdownOf(path string, cat *pricing.Catalog, opt cost.Options, in inputFlags, streams IO) (*cost.Breakdown, error) {
	if b, ok, err := report.ReadCostFile(path); ok {
		return b, err
	}
	e, err := loadEstate([]string{path}, false, in, streams)
	if err != nil {
		return nil, err
	}
	return cost.Estimate(e, cat, opt)
}

func checkIncrease(d cost.Diff, limit string) error {
	if limit == "" {
		return nil
	}
	if pct, ok := strings.CutSuffix(limit, "%"); ok {
		v, err := decimal.NewFromString(pct)
		if err != nil {
			return fmt.Errorf("--fail-on-increase %q: want dollars (50) or percent (10%%)", limit)
		}
		if d.Percent().GreaterThan(v) {
			return thresholdError("monthly cost rises %s%%, more than --fail-on-increase %s", d.Percent().StringFixed(1), limit)
		}
		return nil
	}
	v, err := decimal.NewFromString(strings.TrimPrefix(limit, "$"))
	if err != nil {
		return fmt.Errorf("--fail-on-increase %q: want dollars (50) or percent (10%%)", limit)
	}
	if d.Delta().GreaterThan(v) {
		return thresholdError("monthly cost rises %s, more than --fail-on-increase %s", d.Delta().StringFixed(2), v.StringFixed(2))
	}
	return nil
}
