package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeAthenaServer answers the Athena API (AWS JSON 1.1, X-Amz-Target:
// AmazonAthena.<Operation>) for one query: GetTableMetadata from metadata
// (or the error type metadataErr), a query that succeeds at once, and a
// one-day result.
type fakeAthenaServer struct {
	mu          sync.Mutex
	metadata    string
	metadataErr string
	calls       []string
	metadataIn  map[string]any
	sql         string
}

func (f *fakeAthenaServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonAthena.")
	f.calls = append(f.calls, op)
	var in map[string]any
	body, _ := io.ReadAll(r.Body)
	json.Unmarshal(body, &in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch op {
	case "GetTableMetadata":
		f.metadataIn = in
		if f.metadataErr != "" {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"`+f.metadataErr+`","Message":"not authorized to perform: athena:GetTableMetadata"}`)
			return
		}
		io.WriteString(w, `{"TableMetadata":`+f.metadata+`}`)
	case "StartQueryExecution":
		f.sql, _ = in["QueryString"].(string)
		io.WriteString(w, `{"QueryExecutionId":"q-1"}`)
	case "GetQueryExecution":
		io.WriteString(w, `{"QueryExecution":{"QueryExecutionId":"q-1","Status":{"State":"SUCCEEDED"},"Statistics":{"DataScannedInBytes":1024}}}`)
	case "GetQueryResults":
		row := func(vs ...string) string {
			var d []string
			for _, v := range vs {
				d = append(d, `{"VarCharValue":"`+v+`"}`)
			}
			return `{"Data":[` + strings.Join(d, ",") + `]}`
		}
		io.WriteString(w, `{"ResultSet":{"Rows":[`+
			row("k0", "cost", "usage", "row_count", "first_day", "last_day", "currency")+","+
			row("2024-01-20", "12.3400000000", "0", "7", "2024-01-20", "2024-01-20", "USD")+`]}}`)
	default:
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"InvalidRequestException","Message":"unexpected `+op+`"}`)
	}
}

func TestBillAthena(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	cur2 := `{"Name":"cur2","Columns":[{"Name":"line_item_usage_start_date","Type":"timestamp"},{"Name":"line_item_unblended_cost","Type":"double"},{"Name":"resource_tags","Type":"map<string,string>"}],"PartitionKeys":[{"Name":"billing_period","Type":"string"}]}`
	tests := []struct {
		name        string
		flags       []string
		metadata    string
		metadataErr string
		wantCode    int
		wantCalls   string // the operations, in order
		wantSQL     []string
		noSQL       []string
		wantErr     string // stderr, exactly
	}{
		{name: "detected CUR 2.0, pruned to two billing periods", metadata: cur2,
			wantCalls: "GetTableMetadata,StartQueryExecution,GetQueryExecution,GetQueryResults",
			wantSQL:   []string{"-- refit: cur2 unblended cost by day", `WHERE "billing_period" IN ('2024-01', '2024-02')`, `"line_item_usage_start_date" < TIMESTAMP '2024-03-01 00:00:00.000'`}},
		{name: "denied: legacy CUR, no pruning, one warning", metadataErr: "AccessDeniedException",
			wantCalls: "GetTableMetadata,StartQueryExecution,GetQueryExecution,GetQueryResults",
			wantSQL:   []string{"-- refit: cur unblended cost by day"}, noSQL: []string{"billing_period", `"year"`},
			wantErr: "warning: cannot read the metadata of Athena table exports.cur2 (operation error Athena: GetTableMetadata, https response error StatusCode: 400, RequestID: , api error AccessDeniedException: not authorized to perform: athena:GetTableMetadata); assuming legacy CUR columns and no partition pruning\n"},
		{name: "explicit flags skip the metadata", metadataErr: "AccessDeniedException",
			flags:     []string{"--athena-format", "cur", "--athena-partitions", "year-month", "--athena-catalog", "billing"},
			wantCalls: "StartQueryExecution,GetQueryExecution,GetQueryResults",
			wantSQL:   []string{"-- refit: cur unblended cost by day", `WHERE CAST("year" AS integer) * 100 + CAST("month" AS integer) IN (202401, 202402)`}},
		{name: "bad partition scheme", flags: []string{"--athena-partitions", "day"}, wantCode: ExitUsage,
			wantErr: "Error: --athena-partitions: unknown partition scheme \"day\" (want auto, none, year-month or billing-period)\n"},
		{name: "bad format", flags: []string{"--athena-format", "csv"}, wantCode: ExitUsage,
			wantErr: "Error: --athena-format: unknown Athena table format \"csv\" (want auto, cur, cur2 or focus)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeAthenaServer{metadata: tt.metadata, metadataErr: tt.metadataErr}
			srv := httptest.NewServer(f)
			defer srv.Close()
			args := append([]string{"bill", "daily", "--by", "none", "-o", "json", "--engine", "athena",
				"--athena-database", "exports", "--athena-table", "cur2", "--endpoint-url", srv.URL,
				"--from", "2024-01-15", "--to", "2024-03-01"}, tt.flags...)
			out, errOut, code := run(t, "", args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.wantCode, errOut)
			}
			if errOut != tt.wantErr {
				t.Errorf("stderr:\n%q\nwant:\n%q", errOut, tt.wantErr)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if got := strings.Join(f.calls, ","); got != tt.wantCalls {
				t.Errorf("calls %s, want %s", got, tt.wantCalls)
			}
			if tt.wantCode != 0 {
				return
			}
			if f.metadataIn != nil && (f.metadataIn["CatalogName"] != "AwsDataCatalog" || f.metadataIn["DatabaseName"] != "exports" || f.metadataIn["TableName"] != "cur2") {
				t.Errorf("GetTableMetadata request %v", f.metadataIn)
			}
			for _, s := range tt.wantSQL {
				if !strings.Contains(f.sql, s) {
					t.Errorf("query lacks %s:\n%s", s, f.sql)
				}
			}
			for _, s := range tt.noSQL {
				if strings.Contains(f.sql, s) {
					t.Errorf("query has %s:\n%s", s, f.sql)
				}
			}
			if !strings.Contains(out, "2024-01-20") || !strings.Contains(out, "12.34") {
				t.Errorf("output:\n%s", out)
			}
		})
	}
}
