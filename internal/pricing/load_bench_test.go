package pricing

import (
	"testing"

	"github.com/shopspring/decimal"
)

// BenchmarkLoadEmbedded parses the embedded catalog, whole and file by file
// (each file into a fresh catalog, after the files before it, untimed): what
// every pricing command pays at start (bench/startup.sh runs it).
func BenchmarkLoadEmbedded(b *testing.B) {
	fsys := EmbeddedFS()
	b.Run("all", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Load(fsys); err != nil {
				b.Fatal(err)
			}
		}
	})
	// What `refit cost` pays for a one-region estate: the embedded catalog
	// as Default reads it (EC2 prices and spot advice by region, on first
	// use), then an on-demand and a spot price there.
	b.Run("lazy-one-region", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c, err := load(fsys, true)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := c.Spot("us-east-1", "m5.large"); err != nil {
				b.Fatal(err)
			}
		}
	})
	fresh := func() *Catalog {
		return &Catalog{
			ec2: regionTable[decimal.Decimal]{}, types: map[string]InstanceType{},
			spot: regionTable[SpotAdvice]{}, services: map[serviceKey]Price{},
			rds: map[rdsKey]Price{},
		}
	}
	for i, step := range fresh().loadSteps() {
		b.Run(step.file, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				c := fresh()
				steps := c.loadSteps()
				for _, s := range steps[:i] {
					if err := readCSV(fsys, s.file, s.optional, s.cols, s.row); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				s := steps[i]
				if err := readCSV(fsys, s.file, s.optional, s.cols, s.row); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
