package migrate

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/refit-dev/refit/internal/benchdata"
	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/report"
	"github.com/refit-dev/refit/internal/source"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// The stages of `migrate check DIR --to 1.33`, on a generated estate of
// benchFiles files (MIGRATE_BENCH_DIR: an estate of bench/gen -legacy
// instead): read (walk and read the files, on all cores), identify
// (yamldoc.Scan), check (kubeapi.CheckData), render (JSON), and all of
// them (Check).

const benchFiles = 1000

var (
	benchOnce sync.Once
	benchDir  string
	// benchTemp: benchDir was generated, and is removed by TestMain.
	benchTemp bool
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchTemp {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func estate(b *testing.B) string {
	benchOnce.Do(func() {
		if d := os.Getenv("MIGRATE_BENCH_DIR"); d != "" {
			benchDir = d
			return
		}
		d, err := os.MkdirTemp("", "refit-migrate-bench")
		if err != nil {
			b.Fatal(err)
		}
		if err := benchdata.GenerateLegacy(d, benchFiles); err != nil {
			b.Fatal(err)
		}
		benchDir, benchTemp = d, true
	})
	return benchDir
}

// files reads the estate's files once.
func benchData(b *testing.B) (names []string, data [][]byte) {
	err := filepath.WalkDir(estate(b), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		buf, err := os.ReadFile(p)
		names, data = append(names, p), append(data, buf)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return names, data
}

func BenchmarkStageRead(b *testing.B) {
	dir := estate(b)
	for b.Loop() {
		l := &source.Loader{FS: source.OS, Unsplit: true}
		n := 0
		err := source.DocumentsFunc(l, []string{dir}, func(bt source.Batch) int { return len(bt.Data) }, func(x int) error { n += x; return nil })
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(n))
	}
}

func BenchmarkStageIdentify(b *testing.B) {
	_, data := benchData(b)
	for b.Loop() {
		for _, d := range data {
			if _, ok := yamldoc.Scan(d); !ok {
				b.Fatal("not scanned")
			}
		}
	}
}

func BenchmarkStageCheck(b *testing.B) {
	names, data := benchData(b)
	table, err := kubeapi.LoadTable()
	if err != nil {
		b.Fatal(err)
	}
	opt := kubeapi.CheckOptions{To: kubeapi.Version{Major: 1, Minor: 33}}
	for b.Loop() {
		for i, d := range data {
			if _, err := kubeapi.CheckData(names[i], d, table, opt); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkStageRender(b *testing.B) {
	res, err := Check(context.Background(), Options{Paths: []string{estate(b)}, To: kubeapi.Version{Major: 1, Minor: 33}})
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []report.Format{report.JSON, report.SARIF, report.Table} {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				if err := report.WriteFindingSeq(io.Discard, res.List, f, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCheck(b *testing.B) {
	dir := estate(b)
	for b.Loop() {
		if _, err := Check(context.Background(), Options{Paths: []string{dir}, To: kubeapi.Version{Major: 1, Minor: 33}}); err != nil {
			b.Fatal(err)
		}
	}
}
