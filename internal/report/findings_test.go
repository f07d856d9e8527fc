package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/yamldoc"
)

const findingsManifest = `apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: web
  namespace: shop
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=60
    alb.ingress.kubernetes.io/load-balancer-attributes: routing.http2.enabled=true
---
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: restricted
---
apiVersion: v1
kind: Endpoints
metadata:
  name: legacy | db
`

func sampleFindings(t *testing.T) []kubeapi.Finding {
	t.Helper()
	tab, err := kubeapi.LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := yamldoc.Split("deploy/app.yaml", []byte(findingsManifest))
	if err != nil {
		t.Fatal(err)
	}
	fs := kubeapi.Check(docs, tab, kubeapi.CheckOptions{To: kubeapi.Version{Major: 1, Minor: 33}})
	// A readiness rule's finding, as another package reports it.
	fs = append(fs, kubeapi.Finding{
		Rule: "alb-ingress-class", Severity: kubeapi.Info, File: "deploy/app.yaml", Line: 9,
		APIVersion: "extensions/v1beta1", Kind: "Ingress", Namespace: "shop", Name: "web",
		Message: "uses the alb ingress class annotation; set spec.ingressClassName",
	})
	return fs
}

func TestWriteFindingsGolden(t *testing.T) {
	fs := sampleFindings(t)
	for _, f := range append(append([]Format{}, Formats...), SARIF) {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteFindings(&buf, fs, f); err != nil {
				t.Fatal(err)
			}
			goldenFile(t, "findings."+string(f)+".golden", buf.Bytes())
		})
	}
}

func TestWriteFindingsEmpty(t *testing.T) {
	for _, f := range []Format{Table, Wide, Markdown} {
		var buf bytes.Buffer
		if err := WriteFindings(&buf, nil, f); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "No deprecated or removed APIs found.") {
			t.Errorf("%s: %q", f, buf.String())
		}
	}
	var buf bytes.Buffer
	if err := WriteFindings(&buf, nil, JSON); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"findings": []`) {
		t.Errorf("empty JSON: %s", buf.String())
	}
}

func TestFindingsJSONContract(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteFindings(&buf, sampleFindings(t), JSON); err != nil {
		t.Fatal(err)
	}
	var v struct {
		Findings []map[string]any `json:"findings"`
		Summary  map[string]any   `json:"summary"`
	}
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Findings) != 7 {
		t.Fatalf("%d findings", len(v.Findings))
	}
	for _, k := range []string{"rule", "severity", "file", "line", "message"} {
		if _, ok := v.Findings[0][k]; !ok {
			t.Errorf("finding has no %q", k)
		}
	}
	want := map[string]float64{"total": 7, "removed": 4, "deprecated": 1, "other": 2, "fixable": 3, "errors": 4, "warnings": 2, "info": 1}
	for k, n := range want {
		if v.Summary[k] != n {
			t.Errorf("summary.%s = %v, want %v", k, v.Summary[k], n)
		}
	}
}

// TestSARIFShape decodes the log into the SARIF 2.1.0 structures with
// unknown fields disallowed, and checks the properties the standard (and
// GitHub code scanning) require.
func TestSARIFShape(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, sampleFindings(t), "0.4.0"); err != nil {
		t.Fatal(err)
	}
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
	}
	type result struct {
		RuleID    string `json:"ruleId"`
		RuleIndex *int   `json:"ruleIndex"`
		Level     string `json:"level"`
		Message   struct {
			Text string `json:"text"`
		} `json:"message"`
		Locations []struct {
			PhysicalLocation struct {
				ArtifactLocation struct {
					URI string `json:"uri"`
				} `json:"artifactLocation"`
				Region *region `json:"region"`
			} `json:"physicalLocation"`
		} `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
	}
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name           string `json:"name"`
					Version        string `json:"version"`
					InformationURI string `json:"informationUri"`
					Rules          []struct {
						ID               string `json:"id"`
						ShortDescription struct {
							Text string `json:"text"`
						} `json:"shortDescription"`
						HelpURI string `json:"helpUri"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []result `json:"results"`
		} `json:"runs"`
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-2.1.0") || len(log.Runs) != 1 {
		t.Fatalf("log header: %q %q %d runs", log.Version, log.Schema, len(log.Runs))
	}
	run := log.Runs[0]
	d := run.Tool.Driver
	if d.Name != "refit" || d.Version != "0.4.0" || !strings.HasPrefix(d.InformationURI, "https://") {
		t.Errorf("driver = %+v", d)
	}
	ids := map[string]int{}
	for i, r := range d.Rules {
		if r.ID == "" || r.ShortDescription.Text == "" || !strings.HasPrefix(r.HelpURI, "https://") {
			t.Errorf("rule %d incomplete: %+v", i, r)
		}
		ids[r.ID] = i
	}
	if len(run.Results) != 7 {
		t.Fatalf("%d results", len(run.Results))
	}
	for i, r := range run.Results {
		idx, ok := ids[r.RuleID]
		if !ok || r.RuleIndex == nil || *r.RuleIndex != idx {
			t.Errorf("result %d: rule %q index %v not in driver.rules", i, r.RuleID, r.RuleIndex)
		}
		switch r.Level {
		case "error", "warning", "note":
		default:
			t.Errorf("result %d: level %q", i, r.Level)
		}
		if r.Message.Text == "" || len(r.Locations) != 1 {
			t.Errorf("result %d: message %q, %d locations", i, r.Message.Text, len(r.Locations))
			continue
		}
		pl := r.Locations[0].PhysicalLocation
		if pl.ArtifactLocation.URI != "deploy/app.yaml" || pl.Region == nil || pl.Region.StartLine < 1 {
			t.Errorf("result %d: location %+v", i, pl)
		}
	}
}

func TestFileURI(t *testing.T) {
	for in, want := range map[string]string{
		"deploy/app.yaml":      "deploy/app.yaml",
		"my charts/a b.yaml":   "my%20charts/a%20b.yaml",
		"k8s/100%/x.yaml":      "k8s/100%25/x.yaml",
		"overlays/prod/#1.yml": "overlays/prod/%231.yml",
	} {
		if got := fileURI(in); got != want {
			t.Errorf("fileURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseFindingsFormat(t *testing.T) {
	for in, want := range map[string]Format{"sarif": SARIF, "SARIF": SARIF, "md": Markdown, "json": JSON, "wide": Wide} {
		if got, err := ParseFindingsFormat(in); err != nil || got != want {
			t.Errorf("ParseFindingsFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFindingsFormat("xml"); err == nil || !strings.Contains(err.Error(), "sarif") {
		t.Errorf("xml: %v", err)
	}
	if _, err := ParseFormat("sarif"); err == nil {
		t.Error("ParseFormat accepts sarif; cost reports have no SARIF form")
	}
}
