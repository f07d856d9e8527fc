package billing

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/shopspring/decimal"
)

var updateAthena = flag.Bool("update-athena", false, "rewrite testdata/athena/*.sql")

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAthenaSQLGolden(t *testing.T) {
	tests := []struct {
		name   string
		q      Query
		table  string
		format Format
	}{
		{name: "cur-total", q: Query{}, table: "cur_db.cur_table", format: FormatCURLegacy},
		{name: "cur-component-day-amortized", table: "cur",
			q: Query{Cost: Amortized, GroupBy: []Dimension{ByComponent, ByDay}, From: day("2024-01-01"), To: day("2024-02-01")}},
		{name: "cur-tags-account-usage-type", table: "cur", format: FormatCURLegacy,
			q: Query{GroupBy: []Dimension{TagDimension("CostCenter"), TagDimension("aws:createdBy"), ByAccount, ByUsageType, ByResource}, From: day("2024-03-01")}},
		{name: "cur2-tag-region-net", table: "data_exports.cur2", format: FormatCUR2,
			q: Query{Cost: Net, GroupBy: []Dimension{TagDimension("team"), ByRegion}, To: day("2024-04-01")}},
		{name: "focus-service-component", table: "focus", format: FormatFOCUS,
			q: Query{Cost: Amortized, GroupBy: []Dimension{ByService, ByComponent, TagDimension("it's")}, From: day("2024-01-01"), To: day("2024-01-08")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SQL(tt.q, tt.table, tt.format)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "athena", tt.name+".sql")
			if *updateAthena {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestAthenaSQLGolden -update-athena)", err)
			}
			if got != string(want) {
				t.Errorf("SQL differs from %s (run with -update-athena and review):\n%s", path, got)
			}
		})
	}
}

func TestAthenaSQLErrors(t *testing.T) {
	tests := []struct {
		name, table, err string
		q                Query
		format           Format
	}{
		{name: "dimension", table: "t", q: Query{GroupBy: []Dimension{"color"}}, err: `unknown dimension "color"`},
		{name: "format", table: "t", format: "csv", err: `unknown format "csv"`},
		{name: "cost", table: "t", q: Query{Cost: "blended"}, err: `unknown cost kind "blended"`},
		{name: "table", table: "db..t", err: `bad Athena table name`},
		{name: "range", table: "t", q: Query{From: day("2024-02-01"), To: day("2024-01-01")}, err: "empty date range"},
		{name: "tag", table: "t", q: Query{GroupBy: []Dimension{TagDimension("::")}}, err: `has no Athena column name`},
	}
	for _, tt := range tests {
		format := tt.format
		if format == "" {
			format = FormatCURLegacy
		}
		if _, err := SQL(tt.q, tt.table, format); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
		}
	}
}

func TestCURTagColumn(t *testing.T) {
	for key, want := range map[string]string{
		"team":                    `"resource_tags_user_team"`,
		"user:CostCenter":         `"resource_tags_user_cost_center"`,
		"cost_center":             `"resource_tags_user_cost_center"`,
		"aws:createdBy":           `"resource_tags_aws_created_by"`,
		"kubernetes.io/cluster/x": `"resource_tags_user_kubernetes_io_cluster_x"`,
		"Name":                    `"resource_tags_user_name"`,
		"app-v2":                  `"resource_tags_user_app_v2"`,
	} {
		if got, err := curTagColumn(key); err != nil || got != want {
			t.Errorf("curTagColumn(%q) = %s, %v; want %s", key, got, err, want)
		}
	}
}

func TestLikeCond(t *testing.T) {
	for pat, want := range map[string]string{
		"boxusage*":       `s LIKE 'boxusage%'`,
		"*datatransfer-*": `s LIKE '%datatransfer-%'`,
		"tax":             `s = 'tax'`,
		"*":               `s <> ''`,
		"a_b*":            `s LIKE 'a\_b%' ESCAPE '\'`,
		"it's*":           `s LIKE 'it''s%'`,
	} {
		if got := likeCond("s", pat); got != want {
			t.Errorf("likeCond(%q) = %s, want %s", pat, got, want)
		}
	}
}

// FuzzAthenaSQLTag checks that no tag key breaks out of its quoting: the
// generated query has balanced quotes and the key appears only escaped.
func FuzzAthenaSQLTag(f *testing.F) {
	f.Add("team", "cur2")
	f.Fuzz(func(t *testing.T, key, format string) {
		for _, fm := range []Format{FormatCURLegacy, FormatCUR2, FormatFOCUS, Format(format)} {
			sql, err := SQL(Query{GroupBy: []Dimension{TagDimension(key)}}, "t", fm)
			if err != nil {
				continue
			}
			comment, rest, _ := strings.Cut(sql, "\n")
			if strings.ContainsAny(comment, `'"`) || !strings.HasPrefix(rest, "SELECT\n") || !sqlQuotesClosed(rest) {
				t.Fatalf("unbalanced quotes for tag %q:\n%s", key, sql)
			}
		}
	})
}

// sqlQuotesClosed reports whether every string literal and quoted
// identifier in s is closed (” and "" are escapes inside them).
func sqlQuotesClosed(s string) bool {
	var in byte
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case in == 0 && (ch == '\'' || ch == '"'):
			in = ch
		case in != 0 && ch == in:
			if i+1 < len(s) && s[i+1] == in {
				i++ // doubled quote: escaped
				continue
			}
			in = 0
		}
	}
	return in == 0
}

// FuzzAthenaResultRow feeds arbitrary values to the result parser: it
// returns an error or a row, never panics.
func FuzzAthenaResultRow(f *testing.F) {
	f.Add("compute/spot", "12.5000000000", "3", "7", "2024-01-01", "USD")
	f.Fuzz(func(t *testing.T, key, cost, usage, rows, first, cur string) {
		idx := map[string]int{}
		for i, c := range resultColumns(1) {
			idx[c] = i
		}
		res := &Result{}
		if err := addResultRow(res, idx, []string{key, cost, usage, rows, first, first, cur}, 1); err == nil && len(res.Rows) != 1 {
			t.Fatal("no row and no error")
		}
	})
}

// fakeAthena speaks the Athena API's wire protocol (AWS JSON 1.1:
// POST / with X-Amz-Target: AmazonAthena.<Operation>, JSON bodies as in
// https://docs.aws.amazon.com/athena/latest/APIReference/) and answers from
// canned states.
type fakeAthena struct {
	t        *testing.T
	mu       sync.Mutex
	started  map[string]any // StartQueryExecution request body
	polls    int
	states   []string // GetQueryExecution answers in turn; the last repeats
	reason   string
	pages    []string // GetQueryResults ResultSet.Rows JSON, one per page
	stopped  bool
	targets  []string
	authSeen bool
}

func (f *fakeAthena) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	target := r.Header.Get("X-Amz-Target")
	if r.Method != http.MethodPost || r.URL.Path != "/" || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		f.t.Errorf("%s %s %s (Content-Type %q): not AWS JSON 1.1", r.Method, r.URL.Path, target, r.Header.Get("Content-Type"))
	}
	f.authSeen = strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ")
	f.targets = append(f.targets, strings.TrimPrefix(target, "AmazonAthena."))
	body, _ := io.ReadAll(r.Body)
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		f.t.Errorf("%s: body %q: %v", target, body, err)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch target {
	case "AmazonAthena.StartQueryExecution":
		f.started = in
		io.WriteString(w, `{"QueryExecutionId":"q-123"}`)
	case "AmazonAthena.GetQueryExecution":
		if in["QueryExecutionId"] != "q-123" {
			f.t.Errorf("GetQueryExecution of %v", in["QueryExecutionId"])
		}
		st := f.states[min(f.polls, len(f.states)-1)]
		f.polls++
		out := map[string]any{"QueryExecution": map[string]any{
			"QueryExecutionId": "q-123",
			"Status":           map[string]any{"State": st, "StateChangeReason": f.reason},
			"Statistics":       map[string]any{"DataScannedInBytes": 123456},
		}}
		json.NewEncoder(w).Encode(out)
	case "AmazonAthena.GetQueryResults":
		page := 0
		if tok, ok := in["NextToken"].(string); ok {
			page = int(tok[len(tok)-1] - '0')
		}
		out := `{"ResultSet":{"Rows":` + f.pages[page] + `}`
		if page+1 < len(f.pages) {
			out += `,"NextToken":"page` + string(rune('0'+page+1)) + `"`
		}
		io.WriteString(w, out+"}")
	case "AmazonAthena.StopQueryExecution":
		f.stopped = true
		io.WriteString(w, `{}`)
	default:
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"InvalidRequestException","Message":"unknown operation"}`)
	}
}

func newFakeAthenaClient(t *testing.T, f *fakeAthena) *athena.Client {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return athena.New(athena.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret-test", ""),
		HTTPClient:   srv.Client(),
	})
}

// rowsJSON renders result rows as Athena's ResultSet.Rows.
func rowsJSON(rows ...[]string) string {
	var out []map[string]any
	for _, r := range rows {
		var data []map[string]any
		for _, v := range r {
			if v == "NULL" {
				data = append(data, map[string]any{})
				continue
			}
			data = append(data, map[string]any{"VarCharValue": v})
		}
		out = append(out, map[string]any{"Data": data})
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func TestAthenaEngine(t *testing.T) {
	header := []string{"k0", "k1", "cost", "usage", "row_count", "first_day", "last_day", "currency"}
	f := &fakeAthena{t: t,
		states: []string{"QUEUED", "RUNNING", "SUCCEEDED"},
		pages: []string{
			rowsJSON(header,
				[]string{"compute/spot", "2024-01-02", "10.5000000000", "24.0000000000", "12", "2024-01-02", "2024-01-02", "USD"}),
			rowsJSON(
				[]string{"network/nat-hours", "2024-01-01", "1.0800000000", "24.0000000000", "24", "2024-01-01", "2024-01-01", "USD"},
				[]string{"other", "NULL", "-0.25", "NULL", "1", "NULL", "NULL", "NULL"}),
		},
	}
	client := newFakeAthenaClient(t, f)
	e := NewAthenaEngine(client, AthenaOptions{Database: "cur_db", Table: "cur_table", Workgroup: "refit",
		OutputLocation: "s3://results/refit/", Format: FormatCURLegacy, Poll: time.Millisecond})
	q := Query{Cost: Unblended, GroupBy: []Dimension{ByComponent, ByDay}, From: day("2024-01-01"), To: day("2024-02-01")}
	res, err := e.Aggregate(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := SQL(q, "cur_table", FormatCURLegacy)
	if f.started["QueryString"] != want {
		t.Errorf("server received:\n%v\nwant:\n%s", f.started["QueryString"], want)
	}
	if db := f.started["QueryExecutionContext"].(map[string]any)["Database"]; db != "cur_db" {
		t.Errorf("database %v", db)
	}
	if f.started["WorkGroup"] != "refit" || f.started["ResultConfiguration"].(map[string]any)["OutputLocation"] != "s3://results/refit/" {
		t.Errorf("workgroup/output: %v", f.started)
	}
	if !f.authSeen {
		t.Error("requests were not SigV4-signed")
	}
	if got := strings.Join(f.targets, ","); got != "StartQueryExecution,GetQueryExecution,GetQueryExecution,GetQueryExecution,GetQueryResults,GetQueryResults" {
		t.Errorf("calls: %s", got)
	}
	if len(res.Rows) != 3 {
		t.Fatalf("rows: %+v", res.Rows)
	}
	// Sorted as the local engine sorts: component report order, then day.
	if got := res.Rows[0].Keys; got[0] != "compute/spot" || got[1] != "2024-01-02" {
		t.Errorf("first row %v", got)
	}
	if !res.Total.Equal(decimal.RequireFromString("11.33")) || res.Currency != "USD" {
		t.Errorf("total %s %s", res.Total, res.Currency)
	}
	if !res.First.Equal(day("2024-01-01")) || !res.Last.Equal(day("2024-01-02")) {
		t.Errorf("first/last %s %s", res.First, res.Last)
	}
	if res.Stats.Rows != 37 || res.Stats.Bytes != 123456 || res.Stats.Format != FormatCURLegacy {
		t.Errorf("stats %+v", res.Stats)
	}
}

func TestAthenaEngineFailures(t *testing.T) {
	t.Run("failed query", func(t *testing.T) {
		f := &fakeAthena{t: t, states: []string{"RUNNING", "FAILED"}, reason: "COLUMN_NOT_FOUND: line 9:5: Column 'line_item_net_unblended_cost' cannot be resolved"}
		e := NewAthenaEngine(newFakeAthenaClient(t, f), AthenaOptions{Table: "cur", Poll: time.Millisecond})
		_, err := e.Aggregate(context.Background(), Query{Cost: Net})
		if err == nil || !strings.Contains(err.Error(), "q-123 failed: COLUMN_NOT_FOUND") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("deadline stops the query", func(t *testing.T) {
		f := &fakeAthena{t: t, states: []string{"RUNNING"}}
		e := NewAthenaEngine(newFakeAthenaClient(t, f), AthenaOptions{Table: "cur", Poll: 10 * time.Millisecond, Timeout: 200 * time.Millisecond})
		start := time.Now()
		_, err := e.Aggregate(context.Background(), Query{})
		if err == nil || !strings.Contains(err.Error(), "stopped") {
			t.Errorf("error %v", err)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("took %s", time.Since(start))
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if !f.stopped {
			t.Error("StopQueryExecution was not called")
		}
		if f.polls < 3 || f.polls > 15 {
			t.Errorf("%d polls in 200ms from 10ms growing by half", f.polls)
		}
	})
	t.Run("bad result", func(t *testing.T) {
		f := &fakeAthena{t: t, states: []string{"SUCCEEDED"}, pages: []string{rowsJSON(
			[]string{"cost", "usage", "row_count", "first_day", "last_day", "currency"},
			[]string{"12,5", "0", "1", "2024-01-01", "2024-01-01", "USD"})}}
		e := NewAthenaEngine(newFakeAthenaClient(t, f), AthenaOptions{Table: "cur", Poll: time.Millisecond})
		if _, err := e.Aggregate(context.Background(), Query{}); err == nil || !strings.Contains(err.Error(), "result row 2: cost") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("missing column", func(t *testing.T) {
		f := &fakeAthena{t: t, states: []string{"SUCCEEDED"}, pages: []string{rowsJSON([]string{"cost"})}}
		e := NewAthenaEngine(newFakeAthenaClient(t, f), AthenaOptions{Table: "cur", Poll: time.Millisecond})
		if _, err := e.Aggregate(context.Background(), Query{}); err == nil || !strings.Contains(err.Error(), `no column "usage"`) {
			t.Errorf("error %v", err)
		}
	})
}
