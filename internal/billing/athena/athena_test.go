package athena

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/query"
	"github.com/refit-dev/refit/internal/golden"
)

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
		q      query.Query
		table  string
		format charge.Format
		parts  PartitionScheme
	}{
		{name: "cur-total", q: query.Query{}, table: "cur_db.cur_table", format: charge.FormatCURLegacy},
		{name: "cur-component-day-amortized", table: "cur",
			q: query.Query{Cost: query.Amortized, GroupBy: []query.Dimension{query.ByComponent, query.ByDay}, From: day("2024-01-01"), To: day("2024-02-01")}},
		{name: "cur-tags-account-usage-type", table: "cur", format: charge.FormatCURLegacy,
			q: query.Query{GroupBy: []query.Dimension{query.TagDimension("CostCenter"), query.TagDimension("aws:createdBy"), query.ByAccount, query.ByUsageType, query.ByResource}, From: day("2024-03-01")}},
		{name: "cur2-tag-region-net", table: "data_exports.cur2", format: charge.FormatCUR2,
			q: query.Query{Cost: query.Net, GroupBy: []query.Dimension{query.TagDimension("team"), query.ByRegion}, To: day("2024-04-01")}},
		{name: "focus-service-component", table: "focus", format: charge.FormatFOCUS,
			q: query.Query{Cost: query.Amortized, GroupBy: []query.Dimension{query.ByService, query.ByComponent, query.TagDimension("it's")}, From: day("2024-01-01"), To: day("2024-01-08")}},
		// Partition pruning: legacy CUR's year/month across a year end.
		{name: "cur-year-month-pruned", table: "cur_db.cur_table", format: charge.FormatCURLegacy, parts: PartitionsYearMonth,
			q: query.Query{GroupBy: []query.Dimension{query.ByDay}, From: day("2023-11-15"), To: day("2024-02-01")}},
		{name: "cur-year-month-to-only", table: "cur", format: charge.FormatCURLegacy, parts: PartitionsYearMonth,
			q: query.Query{GroupBy: []query.Dimension{query.ByService}, To: day("2024-03-02")}},
		// Data Exports' billing_period: one month, and from a day on.
		{name: "cur2-billing-period-one-month", table: "data_exports.cur2", format: charge.FormatCUR2, parts: PartitionsBillingPeriod,
			q: query.Query{Cost: query.Net, GroupBy: []query.Dimension{query.ByRegion}, From: day("2024-03-01"), To: day("2024-03-08")}},
		{name: "focus-billing-period-from", table: "focus", format: charge.FormatFOCUS, parts: PartitionsBillingPeriod,
			q: query.Query{GroupBy: []query.Dimension{query.ByService}, From: day("2024-01-10")}},
		// Over maxPartitionMonths: a range, beneath FOCUS's commitment column.
		{name: "focus-billing-period-range", table: "focus", format: charge.FormatFOCUS, parts: PartitionsBillingPeriod,
			q: query.Query{Cost: query.Amortized, GroupBy: []query.Dimension{query.ByComponent}, From: day("2010-01-01"), To: day("2024-07-01")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := buildSQL(tt.q, tt.table, tt.format, charge.Rules, tt.parts)
			if err != nil {
				t.Fatal(err)
			}
			golden.AssertString(t, filepath.Join("testdata", "athena", tt.name+".sql"), got)
		})
	}
}

func TestAthenaSQLErrors(t *testing.T) {
	tests := []struct {
		name, table, err string
		q                query.Query
		format           charge.Format
	}{
		{name: "dimension", table: "t", q: query.Query{GroupBy: []query.Dimension{"color"}}, err: `unknown dimension "color"`},
		{name: "format", table: "t", format: "csv", err: `unknown format "csv"`},
		{name: "cost", table: "t", q: query.Query{Cost: "blended"}, err: `unknown cost kind "blended"`},
		{name: "table", table: "db..t", err: `bad Athena table name`},
		{name: "range", table: "t", q: query.Query{From: day("2024-02-01"), To: day("2024-01-01")}, err: "empty date range"},
		{name: "tag", table: "t", q: query.Query{GroupBy: []query.Dimension{query.TagDimension("::")}}, err: `has no Athena column name`},
	}
	for _, tt := range tests {
		format := tt.format
		if format == "" {
			format = charge.FormatCURLegacy
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
		for _, fm := range []charge.Format{charge.FormatCURLegacy, charge.FormatCUR2, charge.FormatFOCUS, charge.Format(format)} {
			sql, err := SQL(query.Query{GroupBy: []query.Dimension{query.TagDimension(key)}}, "t", fm)
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
		res := &query.Result{}
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
	// GetTableMetadata: the request, and the answer: metadata (a
	// TableMetadata JSON object) or, when metadataErr is set, that error
	// type; with neither, a MetadataException (no such table).
	metadataIn  map[string]any
	metadata    string
	metadataErr string
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
	case "AmazonAthena.GetTableMetadata":
		f.metadataIn = in
		switch {
		case f.metadataErr != "":
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"`+f.metadataErr+`","Message":"User: arn:aws:iam::111122223333:user/refit is not authorized to perform: athena:GetTableMetadata"}`)
		case f.metadata == "":
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"MetadataException","Message":"Table not found"}`)
		default:
			io.WriteString(w, `{"TableMetadata":`+f.metadata+`}`)
		}
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
		metadata: tableJSON("cur_table", []string{"line_item_usage_start_date", "line_item_unblended_cost", "resource_tags_user_team"}, "year", "month"),
		states:   []string{"QUEUED", "RUNNING", "SUCCEEDED"},
		pages: []string{
			rowsJSON(header,
				[]string{"compute/spot", "2024-01-02", "10.5000000000", "24.0000000000", "12", "2024-01-02", "2024-01-02", "USD"}),
			rowsJSON(
				[]string{"network/nat-hours", "2024-01-01", "1.0800000000", "24.0000000000", "24", "2024-01-01", "2024-01-01", "USD"},
				[]string{"other", "NULL", "-0.25", "NULL", "1", "NULL", "NULL", "NULL"}),
		},
	}
	client := newFakeAthenaClient(t, f)
	e := New(client, Options{Database: "cur_db", Table: "cur_table", Workgroup: "refit",
		OutputLocation: "s3://results/refit/", Format: charge.FormatCURLegacy, Poll: time.Millisecond})
	q := query.Query{Cost: query.Unblended, GroupBy: []query.Dimension{query.ByComponent, query.ByDay}, From: day("2024-01-01"), To: day("2024-02-01")}
	res, err := e.Aggregate(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := buildSQL(q, "cur_table", charge.FormatCURLegacy, charge.Rules, PartitionsYearMonth)
	if !strings.Contains(want, `CAST("year" AS integer) * 100 + CAST("month" AS integer) = 202401`) {
		t.Errorf("no partition predicate:\n%s", want)
	}
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
	if got := f.metadataIn; got["CatalogName"] != "AwsDataCatalog" || got["DatabaseName"] != "cur_db" || got["TableName"] != "cur_table" || got["WorkGroup"] != "refit" {
		t.Errorf("GetTableMetadata request %v", got)
	}
	if got := strings.Join(f.targets, ","); got != "GetTableMetadata,StartQueryExecution,GetQueryExecution,GetQueryExecution,GetQueryExecution,GetQueryResults,GetQueryResults" {
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
	if res.Stats.Rows != 37 || res.Stats.Bytes != 123456 || res.Stats.Format != charge.FormatCURLegacy {
		t.Errorf("stats %+v", res.Stats)
	}
}

func TestAthenaEngineFailures(t *testing.T) {
	t.Run("failed query", func(t *testing.T) {
		f := &fakeAthena{t: t, states: []string{"RUNNING", "FAILED"}, reason: "COLUMN_NOT_FOUND: line 9:5: Column 'line_item_net_unblended_cost' cannot be resolved"}
		e := New(newFakeAthenaClient(t, f), Options{Table: "cur", Poll: time.Millisecond})
		_, err := e.Aggregate(context.Background(), query.Query{Cost: query.Net})
		if err == nil || !strings.Contains(err.Error(), "q-123 failed: COLUMN_NOT_FOUND") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("deadline stops the query", func(t *testing.T) {
		f := &fakeAthena{t: t, states: []string{"RUNNING"}}
		e := New(newFakeAthenaClient(t, f), Options{Table: "cur", Poll: 10 * time.Millisecond, Timeout: 200 * time.Millisecond})
		start := time.Now()
		_, err := e.Aggregate(context.Background(), query.Query{})
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
		e := New(newFakeAthenaClient(t, f), Options{Table: "cur", Poll: time.Millisecond})
		if _, err := e.Aggregate(context.Background(), query.Query{}); err == nil || !strings.Contains(err.Error(), "result row 2: cost") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("missing column", func(t *testing.T) {
		f := &fakeAthena{t: t, states: []string{"SUCCEEDED"}, pages: []string{rowsJSON([]string{"cost"})}}
		e := New(newFakeAthenaClient(t, f), Options{Table: "cur", Poll: time.Millisecond})
		if _, err := e.Aggregate(context.Background(), query.Query{}); err == nil || !strings.Contains(err.Error(), `no column "usage"`) {
			t.Errorf("error %v", err)
		}
	})
}

// tableJSON renders a GetTableMetadata TableMetadata object with string
// columns and partition keys.
func tableJSON(name string, cols []string, partitionKeys ...string) string {
	col := func(names []string) []map[string]any {
		out := []map[string]any{}
		for _, n := range names {
			out = append(out, map[string]any{"Name": n, "Type": "string"})
		}
		return out
	}
	b, _ := json.Marshal(map[string]any{"Name": name, "TableType": "EXTERNAL_TABLE", "Columns": col(cols), "PartitionKeys": col(partitionKeys)})
	return string(b)
}

var (
	cur2Cols  = []string{"bill_payer_account_id", "line_item_usage_start_date", "line_item_unblended_cost", "product", "resource_tags"}
	focusCols = []string{"billedcost", "chargeperiodstart", "effectivecost", "servicename", "tags"}
	curCols   = []string{"line_item_usage_start_date", "line_item_unblended_cost", "product_region"}
)

func TestAthenaTableMetadata(t *testing.T) {
	q := query.Query{From: day("2024-02-10"), To: day("2024-03-01")}
	tests := []struct {
		name                string
		opt                 Options
		metadata, err       string
		wantFormat          charge.Format
		wantPredicate       string // in the query; "" for none at all
		wantCalls, wantWarn string // wantWarn: in the one warning, "" for none
		wantDB, wantTable   string // GetTableMetadata's DatabaseName and TableName
		wantErr             string
	}{
		{name: "cur2 billing_period", opt: Options{Database: "exports", Table: "cur2"},
			metadata: tableJSON("cur2", cur2Cols, "billing_period"), wantFormat: charge.FormatCUR2,
			wantPredicate: `"billing_period" = '2024-02'`, wantCalls: "GetTableMetadata", wantDB: "exports", wantTable: "cur2"},
		{name: "focus lower-cased by Glue", opt: Options{Table: "exports.focus"},
			metadata: tableJSON("focus", focusCols, "billing_period"), wantFormat: charge.FormatFOCUS,
			wantPredicate: `"billing_period" = '2024-02'`, wantCalls: "GetTableMetadata", wantDB: "exports", wantTable: "focus"},
		{name: "legacy CUR year/month", opt: Options{Table: "athenacurcfn_cur.cur"},
			metadata: tableJSON("cur", curCols, "year", "month"), wantFormat: charge.FormatCURLegacy,
			wantPredicate: `CAST("year" AS integer) * 100 + CAST("month" AS integer) = 202402`, wantCalls: "GetTableMetadata", wantDB: "athenacurcfn_cur", wantTable: "cur"},
		{name: "unpartitioned", opt: Options{Table: "db.cur2"},
			metadata: tableJSON("cur2", cur2Cols), wantFormat: charge.FormatCUR2, wantCalls: "GetTableMetadata", wantDB: "db", wantTable: "cur2"},
		{name: "explicit partitions win", opt: Options{Table: "db.cur2", Partitions: PartitionsNone},
			metadata: tableJSON("cur2", cur2Cols, "billing_period"), wantFormat: charge.FormatCUR2, wantCalls: "GetTableMetadata", wantDB: "db", wantTable: "cur2"},
		{name: "explicit flags: no metadata call", opt: Options{Table: "db.cur2", Format: charge.FormatCUR2, Partitions: PartitionsBillingPeriod},
			err: "AccessDeniedException", wantFormat: charge.FormatCUR2, wantPredicate: `"billing_period" = '2024-02'`},
		{name: "denied: old defaults", opt: Options{Database: "db", Table: "cur2"},
			err: "AccessDeniedException", wantFormat: charge.FormatCURLegacy, wantCalls: "GetTableMetadata", wantDB: "db", wantTable: "cur2",
			wantWarn: "cannot read the metadata of Athena table db.cur2 (operation error Athena: GetTableMetadata, https response error StatusCode: 400"},
		{name: "denied, format given", opt: Options{Database: "db", Table: "cur2", Format: charge.FormatCUR2},
			err: "AccessDeniedException", wantFormat: charge.FormatCUR2, wantCalls: "GetTableMetadata", wantDB: "db", wantTable: "cur2",
			wantWarn: "AccessDeniedException: User: arn:aws:iam::111122223333:user/refit is not authorized to perform: athena:GetTableMetadata); assuming no partition pruning"},
		{name: "denied, partitions given", opt: Options{Database: "db", Table: "cur", Partitions: PartitionsYearMonth},
			err: "AccessDeniedException", wantFormat: charge.FormatCURLegacy, wantCalls: "GetTableMetadata", wantDB: "db", wantTable: "cur",
			wantPredicate: `CAST("year" AS integer) * 100 + CAST("month" AS integer) = 202402`, wantWarn: "assuming legacy CUR columns"},
		{name: "no such table", opt: Options{Database: "db", Table: "gone"},
			wantFormat: charge.FormatCURLegacy, wantCalls: "GetTableMetadata", wantDB: "db", wantTable: "gone",
			wantWarn: "MetadataException: Table not found); assuming legacy CUR columns and no partition pruning"},
		{name: "no database", opt: Options{Table: "cur"}, wantFormat: charge.FormatCURLegacy,
			wantWarn: "cannot read the metadata of Athena table cur (no database: give one with the table as database.table); assuming legacy CUR columns and no partition pruning"},
		{name: "not a billing table", opt: Options{Table: "db.logs"},
			metadata: tableJSON("logs", []string{"ts", "message"}, "dt"), wantCalls: "GetTableMetadata", wantDB: "db", wantTable: "logs",
			wantErr: "athena: Athena table db.logs: not a billing export"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeAthena{t: t, metadata: tt.metadata, metadataErr: tt.err, states: []string{"SUCCEEDED"},
				pages: []string{rowsJSON(resultColumns(0), []string{"1.5", "2", "3", "2024-02-10", "2024-02-29", "USD"})}}
			var warnings []string
			opt := tt.opt
			opt.Poll = time.Millisecond
			opt.Warn = func(msg string) { warnings = append(warnings, msg) }
			e := New(newFakeAthenaClient(t, f), opt)
			for i := 0; i < 2; i++ { // the table is looked at once per engine
				res, err := e.Aggregate(context.Background(), q)
				if tt.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("error %v, want %q", err, tt.wantErr)
					}
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if res.Stats.Format != tt.wantFormat {
					t.Errorf("format %s, want %s", res.Stats.Format, tt.wantFormat)
				}
			}
			calls := []string{}
			for _, c := range f.targets {
				if c == "GetTableMetadata" {
					calls = append(calls, c)
				}
			}
			if got := strings.Join(calls, ","); got != tt.wantCalls {
				t.Errorf("metadata calls %q, want %q", got, tt.wantCalls)
			}
			if tt.wantCalls != "" && (f.metadataIn["DatabaseName"] != tt.wantDB || f.metadataIn["TableName"] != tt.wantTable || f.metadataIn["CatalogName"] != "AwsDataCatalog") {
				t.Errorf("GetTableMetadata request %v", f.metadataIn)
			}
			switch {
			case tt.wantWarn == "" && len(warnings) > 0:
				t.Errorf("warnings %q", warnings)
			case tt.wantWarn != "" && (len(warnings) != 1 || !strings.Contains(warnings[0], tt.wantWarn) || strings.Contains(warnings[0], "\n")):
				t.Errorf("warnings %q, want one line with %q", warnings, tt.wantWarn)
			}
			if tt.wantErr != "" {
				return
			}
			sql, _ := f.started["QueryString"].(string)
			if tt.wantPredicate == "" {
				if strings.Contains(sql, "billing_period") || strings.Contains(sql, `"year"`) {
					t.Errorf("unexpected partition predicate:\n%s", sql)
				}
			} else if !strings.Contains(sql, "  WHERE "+tt.wantPredicate+"\n") {
				t.Errorf("query lacks WHERE %s:\n%s", tt.wantPredicate, sql)
			}
		})
	}
}

func TestAthenaCatalog(t *testing.T) {
	f := &fakeAthena{t: t, metadata: tableJSON("cur2", cur2Cols, "billing_period"), states: []string{"SUCCEEDED"},
		pages: []string{rowsJSON(resultColumns(0))}}
	e := New(newFakeAthenaClient(t, f), Options{Catalog: "billing_catalog", Database: "exports", Table: "cur2", Poll: time.Millisecond})
	if _, err := e.Aggregate(context.Background(), query.Query{}); err != nil {
		t.Fatal(err)
	}
	if f.metadataIn["CatalogName"] != "billing_catalog" {
		t.Errorf("GetTableMetadata request %v", f.metadataIn)
	}
	if ctx := f.started["QueryExecutionContext"].(map[string]any); ctx["Catalog"] != "billing_catalog" || ctx["Database"] != "exports" {
		t.Errorf("query context %v", ctx)
	}
}

func TestPartitionMonths(t *testing.T) {
	ts := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return v
	}
	tests := []struct {
		name     string
		from, to time.Time
		want     string
	}{
		{name: "one day", from: day("2024-03-05"), to: day("2024-03-06"), want: "2024-03"},
		{name: "whole month", from: day("2024-03-01"), to: day("2024-04-01"), want: "2024-03"},
		{name: "to on the 1st leaves its month out", from: day("2024-01-15"), to: day("2024-03-01"), want: "2024-01 2024-02"},
		{name: "to a second past the 1st", from: day("2024-01-15"), to: ts("2024-03-01T00:00:01Z"), want: "2024-01 2024-02 2024-03"},
		{name: "year boundary", from: day("2023-12-31"), to: day("2024-01-02"), want: "2023-12 2024-01"},
		{name: "whole year", from: day("2023-01-01"), to: day("2024-01-01"), want: "2023-01 2023-02 2023-03 2023-04 2023-05 2023-06 2023-07 2023-08 2023-09 2023-10 2023-11 2023-12"},
		{name: "two year boundaries", from: day("2022-12-01"), to: day("2024-01-31"), want: "2022-12 2023-01 2023-02 2023-03 2023-04 2023-05 2023-06 2023-07 2023-08 2023-09 2023-10 2023-11 2023-12 2024-01"},
		{name: "UTC, not local time", from: ts("2024-01-31T23:30:00-02:00"), to: ts("2024-02-02T00:00:00Z"), want: "2024-02"},
		{name: "empty", from: day("2024-03-01"), to: day("2024-03-01"), want: ""},
		{name: "reversed", from: day("2024-03-01"), to: day("2024-02-01"), want: ""},
		{name: "open", from: day("2024-03-01"), want: ""},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range partitionMonths(tt.from, tt.to) {
			got = append(got, m.String())
		}
		if s := strings.Join(got, " "); s != tt.want {
			t.Errorf("%s: %s", tt.name, s)
		}
	}
}

func TestPartitionPredicate(t *testing.T) {
	const ym = `CAST("year" AS integer) * 100 + CAST("month" AS integer)`
	tests := []struct {
		name     string
		scheme   PartitionScheme
		from, to string
		want     string
	}{
		{name: "none", scheme: PartitionsNone, from: "2024-01-01", to: "2024-02-01", want: ""},
		{name: "unresolved auto", scheme: PartitionsAuto, from: "2024-01-01", to: "2024-02-01", want: ""},
		{name: "no bounds", scheme: PartitionsYearMonth, want: ""},
		{name: "one month", scheme: PartitionsYearMonth, from: "2024-01-01", to: "2024-02-01", want: ym + " = 202401"},
		{name: "year end", scheme: PartitionsYearMonth, from: "2023-12-20", to: "2024-01-10", want: ym + " IN (202312, 202401)"},
		{name: "from only", scheme: PartitionsYearMonth, from: "2023-12-20", want: ym + " >= 202312"},
		{name: "to only, on the 1st", scheme: PartitionsYearMonth, to: "2024-01-01", want: ym + " <= 202312"},
		{name: "billing period to only", scheme: PartitionsBillingPeriod, to: "2024-01-02", want: `"billing_period" <= '2024-01'`},
		{name: "120 months listed", scheme: PartitionsBillingPeriod, from: "2014-01-01", to: "2024-01-01", want: `"billing_period" IN ('2014-01', `},
		{name: "121 months ranged", scheme: PartitionsBillingPeriod, from: "2014-01-01", to: "2024-01-02", want: `"billing_period" BETWEEN '2014-01' AND '2024-01'`},
		{name: "121 months ranged, year-month", scheme: PartitionsYearMonth, from: "2013-12-31", to: "2024-01-01", want: ym + " BETWEEN 201312 AND 202312"},
	}
	parse := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		return day(s)
	}
	for _, tt := range tests {
		got, err := partitionPredicate(tt.scheme, parse(tt.from), parse(tt.to))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) || (!strings.HasSuffix(tt.want, ", ") && got != tt.want) {
			t.Errorf("%s: %s\nwant %s", tt.name, got, tt.want)
		}
		if tt.name == "120 months listed" && strings.Count(got, ", ") != 119 {
			t.Errorf("%s: %d months listed", tt.name, strings.Count(got, ", ")+1)
		}
	}
	if _, err := partitionPredicate("by-day", day("2024-01-01"), time.Time{}); err == nil || !strings.Contains(err.Error(), `unknown partition scheme "by-day"`) {
		t.Errorf("bad scheme: %v", err)
	}
}

func TestParseAthenaOptions(t *testing.T) {
	for _, s := range []string{"auto", "cur", "cur2", "focus"} {
		if f, err := ParseFormat(s); err != nil || string(f) != s {
			t.Errorf("ParseFormat(%q) = %q, %v", s, f, err)
		}
	}
	for _, s := range []string{"auto", "none", "year-month", "billing-period"} {
		if p, err := ParsePartitionScheme(s); err != nil || string(p) != s {
			t.Errorf("ParsePartitionScheme(%q) = %q, %v", s, p, err)
		}
	}
	if _, err := ParseFormat("parquet"); err == nil {
		t.Error("ParseFormat(parquet): no error")
	}
	if _, err := ParsePartitionScheme("day"); err == nil {
		t.Error("ParsePartitionScheme(day): no error")
	}
}

// FuzzPartitionPredicate checks the predicate for any date range: no
// panic, never more than maxPartitionMonths months listed, balanced quotes.
func FuzzPartitionPredicate(f *testing.F) {
	f.Add(int64(1704067200), int64(1706745600), true)
	f.Fuzz(func(t *testing.T, from, to int64, billingPeriod bool) {
		scheme := PartitionsYearMonth
		if billingPeriod {
			scheme = PartitionsBillingPeriod
		}
		// Years 0 to 9999, as --from and --to give.
		clamp := func(s int64) time.Time {
			const lo, hi = -62167219200, 253402300799
			if s < lo || s > hi {
				s = lo + (s%(hi-lo)+(hi-lo))%(hi-lo)
			}
			return time.Unix(s, 0).UTC()
		}
		got, err := partitionPredicate(scheme, clamp(from), clamp(to))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(got, ", ") + 1; n > maxPartitionMonths {
			t.Fatalf("%d months listed", n)
		}
		if !sqlQuotesClosed(got) {
			t.Fatalf("unbalanced quotes: %s", got)
		}
	})
}
