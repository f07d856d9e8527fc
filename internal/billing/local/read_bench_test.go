package local

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/refit-dev/refit/internal/billing/billtest"
	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/objstore"
	"github.com/refit-dev/refit/internal/billing/reader"
)

func BenchmarkReadParquet(b *testing.B) {
	const n = 200_000
	path := filepath.Join(b.TempDir(), "bench.parquet")
	billtest.WriteCUR2Parquet(b, path, n, 25_000)
	obj := billtest.Local(b, path)
	for _, workers := range []int{1, 0} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			src := NewFileSource([]objstore.Object{obj}, reader.Options{}, workers)
			for b.Loop() {
				st, err := src.Scan(context.Background(), reader.Projection{}, func(int, *charge.Charge) error { return nil })
				if err != nil || st.Rows != n {
					b.Fatal(st, err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
