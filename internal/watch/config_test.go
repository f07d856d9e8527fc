package watch

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestParseConfig(t *testing.T) {
	src := `state: /var/lib/refit/watch.db
slack: {webhookURL: "${SLACK_WEBHOOK_URL}", channel: "#infra"}
bill: {source: s3://bucket/cur/, tag: kubernetes.io/cluster/prod, at: "07:30", timezone: Europe/Paris}
budget: {daily: 5.00, monthly: 150}
anomalies: {enabled: true}
cluster: {kubeconfig: kube.yaml, context: prod}
probes: [{name: api, url: https://api.example.org/healthz, every: 60s, timeout: 5s}]
`
	c, err := ParseConfig("/etc/refit/watch.yaml", []byte(src), env(map[string]string{"SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/SeCrEtToKeN"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != DefaultListen || c.Slack.WebhookURL.Reveal() != "https://hooks.slack.com/services/SeCrEtToKeN" ||
		c.Bill.at != 7*time.Hour+30*time.Minute || c.Bill.loc.String() != "Europe/Paris" || c.Bill.Every != time.Hour ||
		c.Budget.Daily.String() != "5" || c.Budget.Monthly.String() != "150" || !c.Anomalies.Enabled ||
		c.Cluster.Kubeconfig != "/etc/refit/kube.yaml" || c.Cluster.Window != 5*time.Minute ||
		c.Probes[0].Every != time.Minute || c.Probes[0].Failures != 3 || c.Delivery.Attempts != 5 {
		b, _ := json.MarshalIndent(c, "", "  ")
		t.Errorf("config:\n%s", b)
	}
	b, _ := json.Marshal(c)
	if strings.Contains(string(b), "SeCrEtToKeN") {
		t.Errorf("the webhook shows in the config's JSON: %s", b)
	}
}

func TestParseConfigErrors(t *testing.T) {
	base := "state: w.db\nslack: {webhookURL: https://hooks.example/x}\n"
	for _, tc := range []struct{ name, src, want string }{
		{"empty", "", "w.yaml: empty config"},
		{"not a mapping", "- a\n", "w.yaml:1: want a mapping"},
		{"bad yaml", "state: [\n", "w.yaml:"},
		{"unknown key", base + "budgets: {daily: 1}\n", `w.yaml:3: unknown key "budgets"`},
		{"unknown nested key", base + "bill: {source: x, tz: UTC}\n", `w.yaml:3: unknown key "tz"`},
		{"missing state", "slack: {webhookURL: https://h/x}\n", "w.yaml:1: state: missing"},
		{"missing webhook", "state: w.db\n", "slack.webhookURL: missing"},
		{"unset env", "state: w.db\nslack:\n  webhookURL: ${NOPE}\n", "w.yaml:3: ${NOPE}: the environment variable NOPE is not set"},
		{"bad webhook, not echoed", "state: w.db\nslack:\n  webhookURL: ftp://SeCrEtToKeN\n", "w.yaml:3: slack.webhookURL: not an http(s) URL"},
		{"bad budget", base + "bill: {source: x}\nbudget:\n  daily: lots\n", `w.yaml:5: "lots" is not an amount`},
		{"budget without bill", base + "budget: {daily: 1}\n", "w.yaml:3: budget and anomalies need bill.source"},
		{"bad at", base + "bill:\n  source: x\n  at: 25:00\n", `w.yaml:5: bill.at "25:00": want HH:MM`},
		{"bad tz", base + "bill:\n  source: x\n  timezone: Mars/Base\n", `w.yaml:5: bill.timezone "Mars/Base"`},
		{"bad duration", base + "probes:\n  - name: a\n    url: https://a/\n    every: often\n", "w.yaml:6: "},
		{"timeout over every", base + "probes:\n  - name: a\n    url: https://a/\n    every: 5s\n    timeout: 10s\n", "w.yaml:7: probes[0].timeout 10s"},
		{"dup probe", base + "probes:\n  - {name: a, url: https://a/}\n  - {name: a, url: https://b/}\n", `w.yaml:5: probes[1].name "a": used twice`},
		{"bad listen", base + "listen: 9464\n", `w.yaml:3: listen "9464"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig("w.yaml", []byte(tc.src), env(nil))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "SeCrEtToKeN") {
				t.Errorf("error echoes the secret: %v", err)
			}
		})
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("state: w.db\nslack: {webhookURL: https://h/x}\nprobes: [{name: a, url: https://a/}]\n"))
	f.Add([]byte("state: ${X}\nbudget: {daily: 1e3}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseConfig("f.yaml", data, env(map[string]string{"X": "y"}))
	})
}
