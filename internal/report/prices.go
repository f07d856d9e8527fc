package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/pricing"
)

// instanceView is `refit prices show TYPE -o json`.
type instanceView struct {
	pricing.InstanceType
	Region             string  `json:"region"`
	OnDemandHourly     Number  `json:"onDemandHourly"`
	OnDemandMonthly    Number  `json:"onDemandMonthly"`
	SpotHourly         *Number `json:"spotHourlyEstimate,omitempty"`
	SpotMonthly        *Number `json:"spotMonthlyEstimate,omitempty"`
	SpotSavingsPct     int     `json:"spotSavingsPct,omitempty"`
	InterruptionBucket string  `json:"spotInterruptionFrequency,omitempty"`
	Source             string  `json:"source"`
}

type priceView struct {
	Service string `json:"service"`
	Item    string `json:"item"`
	Region  string `json:"region"`
	Unit    string `json:"unit"`
	USD     Number `json:"usd"`
	Source  string `json:"source"`
	// EstimatedFrom names the region whose price stands in when the catalog
	// has none in this region.
	EstimatedFrom string `json:"estimatedFrom,omitempty"`
}

func toPriceViews(ps []pricing.Price) []priceView {
	out := make([]priceView, 0, len(ps))
	for _, p := range ps {
		out = append(out, priceView{p.Service, p.Item, p.Region, p.Unit, Number{Decimal: p.USD}, p.Source, p.EstimatedFrom})
	}
	return out
}

// WritePriceShow writes what `refit prices show NAME` names: an instance
// type (a name with a dot and no slash), or a service's prices, or one
// item's (SERVICE/ITEM), in region.
func WritePriceShow(w io.Writer, cat *pricing.Catalog, name, region string, f Format) error {
	if strings.Contains(name, ".") && !strings.Contains(name, "/") {
		return WriteInstance(w, cat, name, region, f)
	}
	service, item, _ := strings.Cut(name, "/")
	ps := cat.ServicePricesEstimated(service, item, region)
	if len(ps) == 0 {
		if item != "" {
			if _, err := cat.Service(service, item, region); err != nil {
				return err
			}
		}
		return fmt.Errorf("no prices for %q in %s; services: %s (or an instance type such as t3.small)", name, region, strings.Join(cat.Services(), ", "))
	}
	return WritePrices(w, ps, f)
}

// WriteInstance writes the facts and prices of instance type name in
// region (`refit prices show TYPE`).
func WriteInstance(w io.Writer, cat *pricing.Catalog, name, region string, f Format) error {
	t, err := cat.InstanceType(name)
	if err != nil {
		return err
	}
	od, err := cat.OnDemand(region, name)
	if err != nil {
		return err
	}
	hours := decimal.NewFromInt(cost.HoursPerMonth)
	v := instanceView{InstanceType: t, Region: region, OnDemandHourly: Number{Decimal: od.USD},
		OnDemandMonthly: Number{Decimal: od.USD.Mul(hours)}, Source: od.Source}
	if sp, err := cat.Spot(region, name); err == nil {
		h, m := Number{Decimal: sp.USD.Round(6)}, Number{Decimal: sp.USD.Mul(hours).Round(2)}
		v.SpotHourly, v.SpotMonthly, v.SpotSavingsPct, v.InterruptionBucket = &h, &m, sp.SavingsPct, sp.InterruptionBucket
	}
	switch f {
	case JSON:
		return WriteJSON(w, v)
	case YAML:
		return WriteYAML(w, v)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Instance type\t%s (%s)\n", t.Name, t.Arch)
	fmt.Fprintf(tw, "vCPU / memory\t%d / %g GiB\n", t.VCPU, float64(t.MemoryMiB)/1024)
	if t.MaxPodsENI > 0 {
		fmt.Fprintf(tw, "Max pods (VPC CNI)\t%d\n", t.MaxPodsENI)
	}
	if t.AllocatableMilliCPU > 0 {
		fmt.Fprintf(tw, "Allocatable (EKS AL2023)\t%dm CPU, %d MiB\n", t.AllocatableMilliCPU, t.AllocatableMemoryMiB)
	}
	if t.Burstable {
		fmt.Fprintf(tw, "Burstable\tyes (CPU credits)\n")
	}
	fmt.Fprintf(tw, "On-demand (%s)\t$%s/hour, $%s/month\n", region, od.USD.String(), od.USD.Mul(hours).StringFixed(2))
	if v.SpotHourly != nil {
		fmt.Fprintf(tw, "Spot (estimate)\t$%s/hour, $%s/month (−%d%%, interruptions %s)\n", v.SpotHourly.String(), v.SpotMonthly.StringFixed(2), v.SpotSavingsPct, v.InterruptionBucket)
	}
	fmt.Fprintf(tw, "Source\t%s\n", od.Source)
	return tw.Flush()
}

// WritePrices writes service prices (`refit prices show SERVICE`, `refit
// prices list`); estimated ones are marked ~.
func WritePrices(w io.Writer, ps []pricing.Price, f Format) error {
	switch f {
	case JSON:
		return WriteJSON(w, toPriceViews(ps))
	case YAML:
		return WriteYAML(w, toPriceViews(ps))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tITEM\tREGION\tUSD\tUNIT\tSOURCE")
	for _, p := range ps {
		src := p.Source
		if len(src) > 70 {
			src = src[:67] + "..."
		}
		usd := p.USD.String()
		if p.EstimatedFrom != "" {
			usd = "~" + usd
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Service, p.Item, p.Region, usd, p.Unit, src)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, p := range ps {
		if p.EstimatedFrom != "" {
			fmt.Fprintln(w, "\n~ not in the catalog for this region: estimated from the nearest region that has it, as refit cost does; run refit prices update --fetch for the real price")
			break
		}
	}
	return nil
}

// WriteInstances writes the instance types of family (all when "") that
// region offers, with their on-demand prices (`refit prices list
// --instances`).
func WriteInstances(w io.Writer, cat *pricing.Catalog, region, family string, f Format) error {
	var rows []instanceView
	for _, t := range cat.InstanceTypes() {
		if family != "" && t.Family() != family {
			continue
		}
		od, err := cat.OnDemand(region, t.Name)
		if err != nil {
			continue // not offered in this region
		}
		rows = append(rows, instanceView{InstanceType: t, Region: region, OnDemandHourly: Number{Decimal: od.USD},
			OnDemandMonthly: Number{Decimal: od.USD.Mul(decimal.NewFromInt(cost.HoursPerMonth))}, Source: od.Source})
	}
	switch f {
	case JSON:
		return WriteJSON(w, rows)
	case YAML:
		return WriteYAML(w, rows)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TYPE\tVCPU\tMEMORY GiB\tARCH\tMAX PODS\tUSD/HOUR\tUSD/MONTH\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%g\t%s\t%d\t%s\t%s\t\n", r.Name, r.VCPU, float64(r.MemoryMiB)/1024, r.Arch, r.MaxPodsENI, r.OnDemandHourly.String(), r.OnDemandMonthly.StringFixed(2))
	}
	return tw.Flush()
}

// coverageView is one region of `refit prices coverage -o json`.
type coverageView struct {
	Region string `json:"region"`
	// Missing lists the service items ("service item") the catalog lacks in
	// the region: refit estimates them from the nearest region.
	Missing []string `json:"missing"`
	// EstimatedFrom is the region the first missing item would be
	// estimated from, per item.
	EstimatedFrom map[string]string `json:"estimatedFrom,omitempty"`
}

// WriteCoverage writes which items the catalog prices in each of regions
// (`refit prices coverage`): a Markdown table, or per region the items
// missing and the region each would be estimated from.
func WriteCoverage(w io.Writer, cat *pricing.Catalog, regions []string, f Format) error {
	if f == Markdown {
		return cat.WriteCoverage(w, regions)
	}
	views := make([]coverageView, 0, len(regions))
	for _, r := range regions {
		v := coverageView{Region: r, Missing: cat.Missing(r)}
		if v.Missing == nil {
			v.Missing = []string{}
		}
		for _, m := range v.Missing {
			service, item, _ := strings.Cut(m, " ")
			p, err := cat.Estimated(r, func(region string) (pricing.Price, error) { return cat.Service(service, item, region) })
			if err == nil && p.EstimatedFrom != "" {
				if v.EstimatedFrom == nil {
					v.EstimatedFrom = map[string]string{}
				}
				v.EstimatedFrom[m] = p.EstimatedFrom
			}
		}
		views = append(views, v)
	}
	if f == YAML {
		return WriteYAML(w, views)
	}
	return WriteJSON(w, views)
}
