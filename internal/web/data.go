// Package web renders refit's results as HTML pages with SVG charts drawn
// in Go: the dashboard of `refit serve` and the one-file report of
// `refit report --html`. Every number shown comes from the same report
// views the CLI's -o json writes, and the JSON downloads are written by
// the same functions.
package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/refit-dev/refit/examples"
	"github.com/refit-dev/refit/internal/billing"
	"github.com/refit-dev/refit/internal/billing/analysis"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/migrate"
	"github.com/refit-dev/refit/internal/plan"
	"github.com/refit-dev/refit/internal/plan/eksctlcfg"
	"github.com/refit-dev/refit/internal/pricing"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/waste"
)

// Data is everything the pages show; a nil part is a page that says what
// input it needs.
type Data struct {
	Bill      *report.BillSummary
	Daily     *report.DailyView
	Forecast  *billing.Forecast
	Anomalies []analysis.Anomaly
	Vs        *billing.VsEstimate
	Plan      *plan.Result
	// Eksctl is the recommended scenario's eksctl ClusterConfig ("" when it
	// is not an EKS design).
	Eksctl string
	// MigrateTo is the version checked ("" when the check did not run).
	MigrateTo string
	Findings  []kubeapi.Finding
	// FixDiff is `refit migrate fix --diff` of the same inputs.
	FixDiff     string
	Waste       *waste.Result
	WasteRegion string
	// Cluster is the live cluster's cost by namespace and workload.
	Cluster *ClusterData
}

// Sources are what Load reads.
type Sources struct {
	// Estate is what the plan and the waste check read (nil: neither page).
	Estate *estate.Estate
	// Cluster is the live cluster's own estate, as source.Inputs.Load
	// returns it beside Estate (nil: no Cluster page).
	Cluster *estate.Estate
	Catalog *pricing.Catalog
	Cost    cost.Options
	// Estimate is the estate the bill is held against (nil: Estate).
	Estimate *estate.Estate
	// Bill opens the billing export (nil: no bill pages).
	Bill *billing.Config
	// Opened is a bill already opened, used instead of opening Bill.
	Opened *billing.Bill
	Period billing.Period
	// MigratePaths are checked with migrate at MigrateTo ("" : not checked).
	MigratePaths []string
	MigrateTo    string
	// ExampleCluster shows the Cluster page of the bundled story: a
	// generated snapshot of Estimate's (eks-after's) cluster.
	ExampleCluster bool
	// MigrateExample checks the bundled kops-before manifests instead.
	MigrateExample bool
	Log            io.Writer
}

// TopResources is how many resources the bill summary lists, as
// `refit bill summary` does by default.
const TopResources = 10

// Load computes every page's data as the CLI commands do with their
// default flags.
func Load(ctx context.Context, s Sources) (*Data, error) {
	d := &Data{}
	// The bill is held against the estimate of the estate the Cluster page
	// splits when a live cluster is read beside a bill: it is priced once.
	var priced *estate.Estate
	var pricedB *cost.Breakdown
	estimate := func(e *estate.Estate) (*cost.Breakdown, error) {
		if e != priced {
			b, err := cost.Estimate(e, s.Catalog, s.Cost)
			if err != nil {
				return nil, err
			}
			priced, pricedB = e, b
		}
		return pricedB, nil
	}
	if s.Bill != nil || s.Opened != nil {
		if err := d.loadBill(ctx, s, estimate); err != nil {
			return nil, err
		}
	}
	if s.Estate != nil {
		opt, err := plan.DefaultOptions(s.Cost)
		if err != nil {
			return nil, err
		}
		res, err := plan.Make(s.Estate, s.Catalog, opt)
		if err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		d.Plan = res
		if _, cfg, err := res.EksctlConfig(""); err == nil {
			var b bytes.Buffer
			if err := eksctlcfg.Write(&b, cfg); err == nil {
				d.Eksctl = b.String()
			}
		}
		wopt := waste.Options{Cost: s.Cost, MinRootVolumeGiB: waste.DefaultMinRootVolumeGiB, IdleThresholdPercent: waste.DefaultIdleThresholdPercent}
		found, err := waste.Check(s.Estate, s.Catalog, wopt)
		if err != nil {
			return nil, fmt.Errorf("waste: %w", err)
		}
		d.Waste, d.WasteRegion = &found, waste.Region(s.Estate, wopt)
	}
	cluster, e := s.Cluster, s.Estate
	if s.ExampleCluster && s.Estimate != nil {
		cluster = exampleCluster(s.Estimate)
		e = cluster
	}
	if cluster != nil {
		if e == nil {
			e = cluster
		}
		b, err := estimate(e)
		if err != nil {
			return nil, fmt.Errorf("cluster: %w", err)
		}
		if d.Cluster, err = LoadCluster(cluster, b); err != nil {
			return nil, err
		}
	}
	if s.MigrateTo != "" && (len(s.MigratePaths) > 0 || s.MigrateExample) {
		if err := d.loadMigrate(ctx, s); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// loadBill reads the bill's pages; estimate prices the estate it is held
// against.
func (d *Data) loadBill(ctx context.Context, s Sources, estimate func(*estate.Estate) (*cost.Breakdown, error)) error {
	b := s.Opened
	if b == nil {
		var err error
		if b, err = billing.Open(ctx, *s.Bill); err != nil {
			return err
		}
	}
	sum, err := b.Summary(ctx, s.Period, "")
	if err != nil {
		return err
	}
	v := report.NewBillSummary(sum, TopResources)
	d.Bill = &v
	daily, err := b.Daily(ctx, s.Period, query.ByComponent)
	if err != nil {
		return err
	}
	dv := report.NewDailyView(daily, "component")
	d.Daily = &dv
	if d.Forecast, err = b.Forecast(ctx, s.Period); err != nil {
		return err
	}
	if d.Anomalies, err = b.Anomalies(ctx, s.Period, analysis.AnomalyOptions{Window: analysis.DefaultAnomalyWindow}); err != nil {
		return err
	}
	est := s.Estimate
	if est == nil {
		est = s.Estate
	}
	if est != nil {
		bd, err := estimate(est)
		if err != nil {
			return fmt.Errorf("estimate: %w", err)
		}
		if d.Vs, err = b.VsEstimate(ctx, s.Period, bd); err != nil {
			return err
		}
	}
	return nil
}

// exampleManifests is the bundled story's manifests directory in
// examples.FS(); the findings name it under examples.Dir, as in the
// repository.
const exampleManifests = "kops-before/manifests"

func (d *Data) loadMigrate(ctx context.Context, s Sources) error {
	to, err := migrate.ParseTo(s.MigrateTo)
	if err != nil {
		return err
	}
	paths, prefix := s.MigratePaths, ""
	if s.MigrateExample {
		// The embedded manifests, copied to a temporary directory; the
		// findings name them as in the repository.
		dir, err := os.MkdirTemp("", "refit-example-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		sub, err := fs.Sub(examples.FS(), exampleManifests)
		if err != nil {
			return err
		}
		if err := os.CopyFS(dir, sub); err != nil {
			return err
		}
		paths, prefix = []string{dir}, dir
	}
	log := s.Log
	if log == nil {
		log = io.Discard
	}
	res, err := migrate.Check(ctx, migrate.Options{Paths: paths, To: to, Log: log})
	if err != nil {
		return err
	}
	d.MigrateTo, d.Findings = s.MigrateTo, res.List.Slice() // Check keeps its findings compactly, in List
	var diff bytes.Buffer
	if _, err := migrate.Fix(ctx, migrate.FixOptions{Options: migrate.Options{Paths: paths, To: to, Log: io.Discard}, Mode: migrate.Diff, Out: &diff}); err != nil {
		return fmt.Errorf("migrate fix --diff: %w", err)
	}
	d.FixDiff = diff.String()
	if prefix != "" {
		named := path.Join(examples.Dir, exampleManifests)
		d.FixDiff = strings.ReplaceAll(d.FixDiff, prefix, named)
		for i := range d.Findings {
			if rel, err := filepath.Rel(prefix, d.Findings[i].File); err == nil && !strings.HasPrefix(rel, "..") {
				d.Findings[i].File = path.Join(named, filepath.ToSlash(rel))
			}
		}
	}
	return nil
}

// A download is one chart's data, under /api/NAME.
type download struct {
	Name, Type string
	write      func(io.Writer) error
}

// downloads lists the data files the pages offer.
func (d *Data) downloads() []download {
	var out []download
	add := func(name, typ string, w func(io.Writer) error) { out = append(out, download{name, typ, w}) }
	if d.Bill != nil {
		add("bill-summary.json", "application/json", func(w io.Writer) error { return report.WriteBillSummary(w, *d.Bill, report.JSON) })
		add("bill-summary.csv", "text/csv", func(w io.Writer) error { return report.WriteBillSummary(w, *d.Bill, report.CSV) })
		add("daily.json", "application/json", func(w io.Writer) error { return report.WriteDaily(w, *d.Daily, report.JSON) })
		add("daily.csv", "text/csv", func(w io.Writer) error { return report.WriteDaily(w, *d.Daily, report.CSV) })
		add("forecast.json", "application/json", func(w io.Writer) error { return report.WriteForecast(w, d.Forecast, report.JSON) })
		add("anomalies.json", "application/json", func(w io.Writer) error { return report.WriteAnomalies(w, d.Anomalies, report.JSON) })
	}
	if d.Vs != nil {
		add("vs-estimate.json", "application/json", func(w io.Writer) error { return report.WriteVsEstimate(w, d.Vs, report.JSON) })
		add("vs-estimate.csv", "text/csv", func(w io.Writer) error {
			rows := [][]string{{"component", "estimated", "billed", "billedMonthly", "difference", "hint"}}
			for _, c := range d.Vs.Comparisons {
				rows = append(rows, []string{string(c.Component), c.Estimated.String(), c.Billed.String(), c.BilledMonthly.String(), c.Difference.String(), c.Hint})
			}
			return writeCSV(w, rows)
		})
	}
	if d.Plan != nil {
		add("plan.json", "application/json", func(w io.Writer) error { return report.WritePlan(w, d.Plan, report.JSON, false) })
		add("plan.csv", "text/csv", func(w io.Writer) error {
			v := report.NewPlanView(d.Plan)
			rows := [][]string{{"scenario", "component", "monthlyCost"}}
			for _, c := range v.Current.Components {
				rows = append(rows, []string{"current", c.Name, c.MonthlyCost.String()})
			}
			for _, s := range v.Scenarios {
				for _, c := range s.Components {
					rows = append(rows, []string{s.Name, c.Name, c.MonthlyCost.String()})
				}
			}
			return writeCSV(w, rows)
		})
		if d.Eksctl != "" {
			add("eksctl.yaml", "application/yaml", func(w io.Writer) error { _, err := io.WriteString(w, d.Eksctl); return err })
		}
	}
	if d.MigrateTo != "" {
		add("migration.json", "application/json", func(w io.Writer) error { return report.WriteFindings(w, d.Findings, report.JSON) })
		add("migration.csv", "text/csv", func(w io.Writer) error {
			rows := [][]string{{"severity", "rule", "file", "line", "kind", "namespace", "name", "apiVersion", "replacement", "message"}}
			for _, f := range d.Findings {
				rows = append(rows, []string{string(f.Severity), f.Rule, f.File, strconv.Itoa(f.Line), f.Kind, f.Namespace, f.Name, f.FoundAPIVersion, f.Replacement, f.Message})
			}
			return writeCSV(w, rows)
		})
		if d.FixDiff != "" {
			add("migration.diff", "text/x-diff", func(w io.Writer) error { _, err := io.WriteString(w, d.FixDiff); return err })
		}
	}
	if d.Waste != nil {
		add("waste.json", "application/json", func(w io.Writer) error { return report.WriteWasteResult(w, d.WasteRegion, *d.Waste, report.JSON) })
		add("waste.csv", "text/csv", func(w io.Writer) error {
			rows := [][]string{{"rule", "resource", "monthlySaving", "confidence", "fix"}}
			for _, f := range d.Waste.Findings {
				rows = append(rows, []string{f.Rule, f.Resource, f.MonthlySaving.String(), f.Confidence, f.Fix})
			}
			return writeCSV(w, rows)
		})
	}
	if d.Cluster != nil {
		d.Cluster.downloads(add)
	}
	return out
}

func writeCSV(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}
