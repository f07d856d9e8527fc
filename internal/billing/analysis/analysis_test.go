package analysis

import (
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/shopspring/decimal"
)

func TestDailyFillsGaps(t *testing.T) {
	res := &query.Result{
		First: testDay("2024-11-01"), Last: testDay("2024-11-04"),
		Rows: []query.Row{
			{Keys: []string{"2024-11-01", "compute/spot"}, Cost: testDec("1.5")},
			{Keys: []string{"2024-11-01", "tax"}, Cost: testDec("3")},
			{Keys: []string{"2024-11-03", "compute/spot"}, Cost: testDec("2")},
			{Keys: []string{"2024-11-04", "control-plane"}, Cost: testDec("2.4")},
		},
	}
	days := Daily(res)
	var got []string
	for _, d := range days {
		got = append(got, d.Date.Format("02")+"="+d.Cost.String())
	}
	if s := strings.Join(got, " "); s != "01=4.5 02=0 03=2 04=2.4" {
		t.Errorf("Daily: %s", s)
	}
	by := DailyBy(res)
	if len(by) != 3 || by[0].Name != "control-plane" || by[1].Name != "compute/spot" || by[2].Name != "tax" {
		t.Fatalf("DailyBy names: %+v", by)
	}
	if !by[1].Days[2].Cost.Equal(testDec("2")) || !by[1].Days[1].Cost.IsZero() || len(by[1].Days) != 4 {
		t.Errorf("DailyBy spot: %+v", by[1].Days)
	}
	us := UsageSeries(res)
	if len(us) != 3 || us[0].Name != TotalSeries || !us[0].Days[0].Cost.Equal(testDec("1.5")) {
		t.Errorf("UsageSeries left tax in: %+v", us)
	}
	if Daily(&query.Result{}) != nil {
		t.Error("empty result has days")
	}
}

func TestAnomalies(t *testing.T) {
	steady := []string{"10", "10.2", "9.9", "10.1", "10", "9.8", "10.3", "10", "10.1", "9.9"}
	for _, tc := range []struct {
		name   string
		s      DaySeries
		opt    AnomalyOptions
		want   []string // dates flagged (day of month)
		detail string
	}{
		{name: "spike", s: testSeries("total", append(append([]string{}, steady...), "25", "10")...), want: []string{"11"}},
		{name: "no baseline yet", s: testSeries("total", "1", "1", "50", "1", "1", "1", "1"), want: nil},
		{name: "rise under 20%", s: testSeries("total", append(append([]string{}, steady...), "11.9")...), want: nil},
		// a flat series has MAD 0; the 20 % and $1 terms keep cents out
		{name: "flat series, small rise", s: testSeries("nat", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5", "1.4"), want: nil},
		{name: "flat series, big rise", s: testSeries("nat", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5", "1.6"), want: []string{"09"}},
		// a noisy series needs K × MAD, not just 20 %
		{name: "noisy", s: testSeries("total", "10", "14", "8", "13", "9", "15", "7", "12", "10", "16", "17"), want: nil},
		// earlier spikes do not hide later ones: the median ignores them
		{name: "repeated spikes", s: testSeries("total", "10", "10", "30", "10", "10", "10", "10", "10", "30", "10", "10", "30"), want: []string{"09", "12"}},
		{name: "custom floor", s: testSeries("nat", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5", "1.4"),
			opt: AnomalyOptions{Floor: testDec("0.5")}, want: []string{"09"}},
		{name: "drops are not anomalies", s: testSeries("total", append(append([]string{}, steady...), "0")...), want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, a := range Anomalies([]DaySeries{tc.s}, tc.opt) {
				got = append(got, a.Date.Format("02"))
				if a.Series != tc.s.Name || !a.Excess.Equal(a.Cost.Sub(a.Median)) || !a.Cost.GreaterThan(a.Threshold) {
					t.Errorf("anomaly %+v", a)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("flagged %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAnomalyThreshold(t *testing.T) {
	// baseline 10,10,10,10,10,12,8: median 10, |dev| 0,0,0,0,0,2,2 → MAD 0 → threshold max(10, 12, 11) = 12
	a := Anomalies([]DaySeries{testSeries("x", "10", "10", "10", "10", "10", "12", "8", "12.01")}, AnomalyOptions{})
	if len(a) != 1 || !a[0].Median.Equal(testDec("10")) || !a[0].MAD.IsZero() || !a[0].Threshold.Equal(testDec("12")) || a[0].BaselineDays != 7 {
		t.Fatalf("%+v", a)
	}
	// baseline 8,12,8,12,8,12,10: median 10, |dev| 2,2,2,2,2,2,0 → MAD 2×1.4826 → threshold 10 + 3×2.9652
	a = Anomalies([]DaySeries{testSeries("x", "8", "12", "8", "12", "8", "12", "10", "19")}, AnomalyOptions{})
	if len(a) != 1 || !a[0].MAD.Equal(testDec("2.9652")) || !a[0].Threshold.Equal(testDec("18.8956")) {
		t.Fatalf("%+v", a)
	}
	// window: only the trailing 7 days count when Window is below the minimum
	s := testSeries("x", "100", "100", "100", "100", "100", "100", "100", "1", "1", "1", "1", "1", "1", "1", "5")
	if a := Anomalies([]DaySeries{s}, AnomalyOptions{Window: 3}); len(a) != 1 || a[0].BaselineDays != 7 || !a[0].Median.Equal(testDec("1")) {
		t.Fatalf("window: %+v", a)
	}
}

func TestForecast(t *testing.T) {
	var days []Day
	for i := range 20 { // Nov 1..20: 10 a day, except the last 7 days at 8..14
		c := decimal.NewFromInt(10)
		if i >= 13 {
			c = decimal.NewFromInt(int64(8 + i - 13))
		}
		days = append(days, Day{Date: testDay("2024-11-01").AddDate(0, 0, i), Cost: c})
	}
	f := Forecast(days, testDay("2024-12-01"))
	// MTD = 13×10 + (8+…+14) = 130 + 77 = 207; 10 days remain; mean 11, min 8, max 14
	if !f.MonthToDate.Equal(testDec("207")) || f.DaysRemaining != 10 || f.BasisDays != 7 {
		t.Fatalf("%+v", f)
	}
	if !f.Projected.Equal(testDec("317")) || !f.Low.Equal(testDec("287")) || !f.High.Equal(testDec("347")) {
		t.Errorf("projected %s [%s, %s]", f.Projected, f.Low, f.High)
	}
	if f.PeriodStart != testDay("2024-11-01") || f.Method != ForecastMethod {
		t.Errorf("%+v", f)
	}

	// early in a month the basis reaches back into the previous one
	early := append(append([]Day{}, days...), Day{Date: testDay("2024-12-01"), Cost: testDec("5")})
	early = append([]Day{}, early[len(early)-7:]...)
	f = Forecast(early, testDay("2025-01-01"))
	if !f.MonthToDate.Equal(testDec("5")) || f.DaysRemaining != 30 || f.BasisDays != 7 {
		t.Errorf("early: %+v", f)
	}

	if f := Forecast(nil, testDay("2024-12-01")); !f.Projected.IsZero() || f.DaysRemaining != 30 {
		t.Errorf("empty: %+v", f)
	}
	if got := CompleteDays(days, testDay("2024-11-20")); len(got) != 19 {
		t.Errorf("CompleteDays kept %d", len(got))
	}
}

func TestVsEstimate(t *testing.T) {
	est := &cost.Breakdown{Items: []cost.Item{
		{Component: cost.ControlPlane, MonthlyCost: testDec("73")},
		{Component: cost.ComputeSpot, MonthlyCost: testDec("15.94")},
		{Component: cost.NATHours, MonthlyCost: testDec("32.85")},
		{Component: cost.Database, MonthlyCost: testDec("50")},
		{Component: cost.DataTransfer, MonthlyCost: testDec("1")},
	}}
	// 30 days billed; month-equivalent = billed × 730/720
	billed := map[cost.Component]decimal.Decimal{
		cost.ControlPlane: testDec("72"),    // 73.00
		cost.ComputeSpot:  testDec("15.72"), // 15.94
		cost.NATHours:     testDec("32.4"),  // 32.85
		cost.NATData:      testDec("47.25"), // 47.91
		cost.DataTransfer: testDec("21.6"),  // 21.90
		cost.Tax:          testDec("12"),
	}
	cmp := VsEstimate(est, billed, 30)
	var got []string
	for _, c := range cmp {
		got = append(got, c.String())
	}
	want := []string{
		"database: billed 0.00/month vs estimated 50.00 (0x) " + HintNotRunning,
		"network/nat-data: billed 47.91/month vs estimated 0.00 (-) NAT data: set natGateway.dataProcessedGB in --usage",
		"network/data-transfer: billed 21.90/month vs estimated 1.00 (21.9x) data transfer: set dataTransfer.internetOutGB / interAZGB in --usage",
		"tax: billed 12.17/month vs estimated 0.00 (-) " + HintAdjustment,
		"control-plane: billed 73.00/month vs estimated 73.00 (1x) ",
		"compute/spot: billed 15.94/month vs estimated 15.94 (1x) ",
		"network/nat-hours: billed 32.85/month vs estimated 32.85 (1x) ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if VsEstimate(est, billed, 0) != nil {
		t.Error("0 days compared")
	}
	if c := VsEstimate(nil, map[cost.Component]decimal.Decimal{cost.Other: testDec("1")}, 1); len(c) != 1 || c[0].Hint != HintUnmodelled {
		t.Errorf("%+v", c)
	}
}
