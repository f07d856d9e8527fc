package analysis

import (
	"time"

	"github.com/shopspring/decimal"
)

func testDay(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func testDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// series builds a day series from costs, starting on 2024-11-01.
func testSeries(name string, costs ...string) DaySeries {
	s := DaySeries{Name: name}
	for i, c := range costs {
		s.Days = append(s.Days, Day{Date: testDay("2024-11-01").AddDate(0, 0, i), Cost: testDec(c)})
	}
	return s
}
