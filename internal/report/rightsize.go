package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// RightsizeView is the JSON contract of `refit rightsize -o json`. The
// cli fills it from package rightsize's result (report renders; it does
// not import the capability of its own layer).
type RightsizeView struct {
	Window    string                  `json:"window"`
	Step      string                  `json:"step,omitempty"`
	Source    string                  `json:"source"`
	Workloads []RightsizeWorkloadView `json:"workloads"`
	// PlanBefore and PlanAfter are refit plan's recommended scenario with
	// the declared and with the recommended requests.
	PlanBefore  *RightsizePlanView `json:"planBefore"`
	PlanAfter   *RightsizePlanView `json:"planAfter"`
	Assumptions []string           `json:"assumptions"`
}

// RightsizeWorkloadView is one container of a workload.
type RightsizeWorkloadView struct {
	Namespace    string              `json:"namespace"`
	Kind         string              `json:"kind"`
	Name         string              `json:"name"`
	Container    string              `json:"container"`
	Samples      int                 `json:"samples"`
	Current      RightsizeResources  `json:"current"`
	Recommended  *RightsizeResources `json:"recommended,omitempty"`
	Limits       *RightsizeResources `json:"limits,omitempty"`
	RemoveLimits bool                `json:"removeLimits,omitempty"`
	Reason       string              `json:"reason,omitempty"`
	Origin       string              `json:"origin,omitempty"`
}

// RightsizeResources are cpu and memory (0: not set).
type RightsizeResources struct {
	CPUMilli    int64 `json:"cpuMilli"`
	MemoryBytes int64 `json:"memoryBytes"`
}

// RightsizePlanView is a plan's recommended scenario and its monthly cost.
type RightsizePlanView struct {
	Scenario string `json:"scenario"`
	Title    string `json:"title"`
	Monthly  Number `json:"monthly"`
}

// WriteRightsize renders a rightsizing.
func WriteRightsize(w io.Writer, v RightsizeView, f Format) error {
	if v.Workloads == nil {
		v.Workloads = []RightsizeWorkloadView{}
	}
	if v.Assumptions == nil {
		v.Assumptions = []string{}
	}
	switch f {
	case JSON:
		return WriteJSON(w, v)
	case YAML:
		return WriteYAML(w, v)
	case Markdown:
		return rightsizeMarkdown(w, v)
	}
	return rightsizeTable(w, v)
}

func cpuText(m int64) string {
	if m == 0 {
		return "-"
	}
	if m%1000 == 0 {
		return fmt.Sprint(m / 1000)
	}
	return fmt.Sprintf("%dm", m)
}

func memText(b int64) string {
	switch {
	case b == 0:
		return "-"
	case b%(1<<30) == 0:
		return fmt.Sprintf("%dGi", b>>30)
	case b%(1<<20) == 0:
		return fmt.Sprintf("%dMi", b>>20)
	}
	return fmt.Sprintf("%.1fMi", float64(b)/(1<<20))
}

func (wl RightsizeWorkloadView) row() []string {
	rec := []string{"-", "-"}
	if wl.Recommended != nil {
		rec = []string{cpuText(wl.Recommended.CPUMilli), memText(wl.Recommended.MemoryBytes)}
	}
	return []string{wl.Namespace, wl.Kind + "/" + wl.Name, wl.Container, fmt.Sprint(wl.Samples),
		cpuText(wl.Current.CPUMilli), rec[0], memText(wl.Current.MemoryBytes), rec[1], wl.Reason}
}

var rightsizeHeader = []string{"NAMESPACE", "WORKLOAD", "CONTAINER", "SAMPLES", "CPU NOW", "CPU REC", "MEMORY NOW", "MEMORY REC", "NOTE"}

func planLine(name string, p *RightsizePlanView) string {
	if p == nil {
		return ""
	}
	return fmt.Sprintf("%s: %s (%s) %s/month\n", name, p.Scenario, p.Title, usd(p.Monthly.Decimal))
}

func rightsizeTable(w io.Writer, v RightsizeView) error {
	fmt.Fprintf(w, "Usage over %s from %s", v.Window, v.Source)
	if v.Step != "" {
		fmt.Fprintf(w, " (step %s)", v.Step)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(rightsizeHeader, "\t"))
	for _, wl := range v.Workloads {
		fmt.Fprintln(tw, strings.TrimRight(strings.Join(wl.row(), "\t"), "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if v.PlanBefore != nil || v.PlanAfter != nil {
		fmt.Fprintln(w)
		fmt.Fprint(w, planLine("Cheapest design with the declared requests   ", v.PlanBefore))
		fmt.Fprint(w, planLine("Cheapest design with the recommended requests", v.PlanAfter))
		if v.PlanBefore != nil && v.PlanAfter != nil {
			d := v.PlanAfter.Monthly.Decimal.Sub(v.PlanBefore.Monthly.Decimal)
			fmt.Fprintf(w, "Difference: %s/month\n", signedUSD(d))
		}
	}
	writeList(w, "Assumptions", v.Assumptions)
	return nil
}

func rightsizeMarkdown(w io.Writer, v RightsizeView) error {
	fmt.Fprintf(w, "## refit rightsize\n\nUsage over %s from %s.\n\n", v.Window, v.Source)
	fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(rightsizeHeader, " | "), strings.Repeat("---|", len(rightsizeHeader)))
	for _, wl := range v.Workloads {
		cells := wl.row()
		for i, c := range cells {
			cells[i] = mdEscape(c)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	if v.PlanBefore != nil || v.PlanAfter != nil {
		fmt.Fprintln(w)
		if v.PlanBefore != nil {
			fmt.Fprintf(w, "- %s", planLine("Cheapest design with the declared requests", v.PlanBefore))
		}
		if v.PlanAfter != nil {
			fmt.Fprintf(w, "- %s", planLine("Cheapest design with the recommended requests", v.PlanAfter))
		}
	}
	if len(v.Assumptions) > 0 {
		fmt.Fprintln(w, "\n**Assumptions**")
		for _, a := range v.Assumptions {
			fmt.Fprintf(w, "\n- %s", a)
		}
		fmt.Fprintln(w)
	}
	return nil
}
