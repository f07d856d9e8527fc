package reader

import (
	"context"
	"testing"

	"github.com/refit-dev/refit/internal/billing/billtest"
	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/objstore"
)

func BenchmarkReadCSVGz(b *testing.B) {
	const n = 100_000
	data := billtest.CURCSVGz(n)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		st, err := Read(context.Background(), objstore.NewBytesObject("bench.csv.gz", data), Options{}, func(*charge.Charge) error { return nil })
		if err != nil || st.Rows != n {
			b.Fatal(st, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
