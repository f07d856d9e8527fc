package gen

import (
	"bytes"
	"testing"
)

func TestFixed(t *testing.T) {
	for _, tc := range []struct {
		v     int64
		scale int
		want  string
	}{
		{0, 10, "0"},
		{416_000_000, 10, "0.0416"},
		{-12_500_000_000, 10, "-1.25"},
		{30_000_000_000, 10, "3"},
		{1, 10, "0.0000000001"},
		{1_000_000, 6, "1"},
	} {
		if got := string(fixed(nil, tc.v, tc.scale)); got != tc.want {
			t.Errorf("fixed(%d, %d) = %q, want %q", tc.v, tc.scale, got, tc.want)
		}
	}
}

// TestBillSplitAddsUp checks that ranges of a month add up to the whole, in
// both formats, and that the CSV is the same bytes every time.
func TestBillSplitAddsUp(t *testing.T) {
	const n = 3000
	for _, tc := range []struct {
		name string
		gen  func(w *bytes.Buffer, from, to int64) (BillTotal, error)
	}{
		{"cur", func(w *bytes.Buffer, from, to int64) (BillTotal, error) { return GenerateCUR(w, n, from, to) }},
		{"focus", func(w *bytes.Buffer, from, to int64) (BillTotal, error) { return GenerateFOCUSParquet(w, n, from, to) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var whole, again bytes.Buffer
			all, err := tc.gen(&whole, 0, n)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tc.gen(&again, 0, n); err != nil {
				t.Fatal(err)
			}
			if tc.name == "cur" && !bytes.Equal(whole.Bytes(), again.Bytes()) {
				t.Error("two runs wrote different bytes")
			}
			var parts []BillTotal
			for _, r := range [][2]int64{{0, 1000}, {1000, 2999}, {2999, n}} {
				var b bytes.Buffer
				p, err := tc.gen(&b, r[0], r[1])
				if err != nil {
					t.Fatal(err)
				}
				parts = append(parts, p)
			}
			sum, err := SumBill(parts)
			if err != nil {
				t.Fatal(err)
			}
			if sum != all || all.Rows != n {
				t.Errorf("parts add up to %+v, whole is %+v", sum, all)
			}
		})
	}
}
