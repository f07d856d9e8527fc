package local

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/billing/reader"
)

// focusNoEffective is a FOCUS row without EffectiveCost.
type focusNoEffective struct {
	Billed   float64   `parquet:"BilledCost"`
	Start    time.Time `parquet:"ChargePeriodStart,timestamp(millisecond)"`
	End      time.Time `parquet:"ChargePeriodEnd,timestamp(millisecond)"`
	Service  string    `parquet:"ServiceName"`
	Currency string    `parquet:"BillingCurrency"`
}

// Amortized cost from a FOCUS export without EffectiveCost is refused (it
// used to sum BilledCost silently); unblended still reads it (issue 11,
// item 15).
func TestFOCUSAmortizedNeedsEffectiveCost(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "focus.csv")
	csv := "BilledCost,ChargePeriodStart,ChargePeriodEnd,ServiceName,BillingCurrency\n" +
		"1.50,2024-03-01T00:00:00Z,2024-03-01T01:00:00Z,Amazon Elastic Compute Cloud,USD\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[focusNoEffective](&buf)
	start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	if _, err := w.Write([]focusNoEffective{{1.5, start, start.Add(time.Hour), "Amazon Elastic Compute Cloud", "USD"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	pqPath := filepath.Join(dir, "focus.parquet")
	if err := os.WriteFile(pqPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{csvPath, pqPath} {
		for _, kind := range []query.CostKind{query.Amortized, query.Unblended} {
			q := query.Query{Cost: kind, GroupBy: []query.Dimension{query.ByComponent}}
			objs, err := expand([]string{path})
			if err != nil {
				t.Fatal(err)
			}
			res, err := NewEngine(NewFileSource(objs, reader.Options{Projection: reader.ProjectionFor(q)}, 1)).Aggregate(context.Background(), q)
			if kind == query.Unblended {
				if err != nil || res.Total.String() != "1.5" {
					t.Errorf("%s unblended: %v, total %v", path, err, res)
				}
				continue
			}
			want := path + ": FOCUS export without an EffectiveCost column"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s amortized: error %v; want %q", path, err, want)
			}
		}
	}
}

// A directory, or a glob's directories, without a billing export is an
// error, as a glob that matches nothing is; a manifest whose report keys
// leave its tree is refused before any part is looked up.
func TestExpandEdges(t *testing.T) {
	root := t.TempDir()
	mk := func(rel, data string) string {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := filepath.Join(root, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	mk("notes/README.txt", "not an export")
	mk("outside/passwd.csv", "lineItem/UnblendedCost,lineItem/UsageStartDate\n1,2024-03-01T00:00:00Z\n")
	escape := mk("exports/report/20240301-20240401/report-Manifest.json", `{"reportKeys":["report/20240301-20240401/a/report-1.csv","../../../outside/passwd.csv"]}`)
	backslash := mk("exports2/report-Manifest.json", `{"dataFiles":["s3://b/x/..\\..\\outside\\passwd.csv"]}`)
	tests := []struct {
		path, want string
	}{
		{empty, empty + ": no billing files"},
		{filepath.Join(root, "notes"), filepath.Join(root, "notes") + ": no billing files"},
		{filepath.Join(root, "empt*"), filepath.Join(root, "empt*") + ": no billing files (.csv, .csv.gz, .parquet, manifest .json) in the directories it matches"},
		{filepath.Join(root, "nothing*"), "no files match"},
		{escape, escape + `: report key "../../../outside/passwd.csv" leaves the manifest's folder`},
		{backslash, backslash + `: report key "x/..\\..\\outside\\passwd.csv" leaves the manifest's folder`},
	}
	for _, tt := range tests {
		objs, err := expand([]string{tt.path})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Expand(%s): %d objects, error %v; want %q", tt.path, len(objs), err, tt.want)
		}
	}
}

func TestFileSourceWorkersCapped(t *testing.T) {
	if n := NewFileSource(nil, reader.Options{}, 1_000_000).Workers(); n != MaxWorkers {
		t.Errorf("workers %d, want %d", n, MaxWorkers)
	}
}
