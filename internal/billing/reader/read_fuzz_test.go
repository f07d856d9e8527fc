package reader

import (
	"context"
	"testing"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/objstore"
)

// FuzzReadCSV feeds arbitrary bytes to the CSV readers (plain, gzip,
// legacy CUR, CUR 2.0 CSV and FOCUS headers): errors are fine, panics and
// rows counted twice are not.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost\n2024-01-01T00:00:00Z,AmazonEC2,1.25\n"))
	f.Add([]byte("BilledCost,ChargePeriodStart,ServiceName,Tags\n1e-3,2024-09-01 00:00:00,S3,\"{\"\"a\"\":1}\"\n"))
	f.Add([]byte("line_item_unblended_cost,line_item_usage_start_date,resource_tags\n1,2024-01-01,\"{\"\"user_team\"\":\"\"x\"\"}\"\n"))
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, strict := range []bool{false, true} {
			var rows int64
			st, err := Read(context.Background(), objstore.NewBytesObject("fuzz.csv", data), Options{Strict: strict}, func(c *charge.Charge) error {
				rows++
				_ = c.Unblended.String()
				return nil
			})
			if err == nil && st.Rows != rows {
				t.Fatalf("stats rows %d, fn saw %d", st.Rows, rows)
			}
			if len(st.Errors) > 20 {
				t.Fatalf("%d errors kept", len(st.Errors))
			}
		}
	})
}
