package watch

import (
	"iter"
	"net/http"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are watch's Prometheus metrics, on a registry of their own.
type metrics struct {
	reg           *prometheus.Registry
	costDaily     *prometheus.GaugeVec
	forecast      prometheus.Gauge
	budgetRatio   *prometheus.GaugeVec
	clusterNodes  *prometheus.GaugeVec
	clusterCost   *prometheus.GaugeVec
	probeDuration *prometheus.HistogramVec
	probeUp       *prometheus.GaugeVec
	checkErrors   *prometheus.CounterVec
	alertsSent    *prometheus.CounterVec
	alertsPending prometheus.Gauge
	lastReportDay prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		costDaily: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "refit_cost_daily_usd",
			Help: "Cost of the latest complete day in the billing exports, by component."}, []string{"component"}),
		forecast: prometheus.NewGauge(prometheus.GaugeOpts{Name: "refit_cost_monthly_forecast_usd",
			Help: "Month-end forecast of the month of the latest complete day."}),
		budgetRatio: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "refit_budget_ratio",
			Help: "Spend over budget: the latest complete day over the daily budget, month to date over the monthly budget."}, []string{"budget"}),
		clusterNodes: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "refit_cluster_nodes",
			Help: "Nodes of the watched cluster."}, []string{"capacity_type", "instance_type"}),
		clusterCost: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "refit_cluster_cost_hourly_usd",
			Help: "The watched cluster's cost an hour by namespace: its pods' share of the nodes (by requests; __idle__ is what no pod requested) plus its claims and load balancers."}, []string{"namespace"}),
		probeDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "refit_probe_duration_seconds",
			Help:    "Duration of the HTTP probes, successful or not.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30}}, []string{"probe"}),
		probeUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "refit_probe_up",
			Help: "1 when the probe's last check succeeded."}, []string{"probe"}),
		checkErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "refit_watch_check_errors_total",
			Help: "Checks that failed, by check."}, []string{"check"}),
		alertsSent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "refit_alerts_sent_total",
			Help: "Alerts Slack accepted, by kind."}, []string{"kind"}),
		alertsPending: prometheus.NewGauge(prometheus.GaugeOpts{Name: "refit_alerts_pending",
			Help: "Alerts in the outbox not yet accepted by Slack."}),
		lastReportDay: prometheus.NewGauge(prometheus.GaugeOpts{Name: "refit_cost_report_day_timestamp_seconds",
			Help: "Start (UTC) of the latest complete day reported."}),
	}
	m.reg.MustRegister(m.costDaily, m.forecast, m.budgetRatio, m.clusterNodes, m.clusterCost, m.probeDuration, m.probeUp,
		m.checkErrors, m.alertsSent, m.alertsPending, m.lastReportDay,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// setNodes sets refit_cluster_nodes to the nodes by capacity and
// instance type.
func (m *metrics) setNodes(nodes iter.Seq[NodeEvent]) {
	m.clusterNodes.Reset()
	for n := range nodes {
		m.clusterNodes.WithLabelValues(n.CapacityType, n.InstanceType).Inc()
	}
}

// handler serves /metrics, /healthz (the process answers) and /readyz (the
// state is open and the first round of checks has run).
func (m *metrics) handler(ready *atomic.Bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !ready.Load() {
			http.Error(w, "not ready: first checks not done", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	return mux
}
