package reader

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestFloatDigitsMatchesNewFromFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vals := []float64{0, 1, -1, 0.1, 22.32, 1e-20, 1e-21, 123456789.123, -0.0000001, 5e-324, 1.7976931348623157e308, math.Copysign(0, -1)}
	for range 20000 {
		vals = append(vals, (rng.Float64()-0.3)*math.Pow(10, float64(rng.IntN(16)-8)))
	}
	var buf [32]byte
	for _, f := range vals {
		mant, scale, ok := floatDigits(f, buf[:])
		if !ok {
			t.Fatalf("%v: not ok", f)
		}
		got := decimal.New(mant, -scale)
		if want := decimal.NewFromFloat(f); !got.Equal(want) {
			t.Fatalf("%v: %s, want %s", f, got, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1)} {
		if _, _, ok := floatDigits(f, buf[:]); ok {
			t.Errorf("%v: ok", f)
		}
	}
}

func TestInt128(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var a int128
	want := new(big.Int)
	for range 10000 {
		v := int64(rng.Uint64())
		a.add64(v)
		want.Add(want, big.NewInt(v))
		m := uint64(rng.IntN(1e9) + 1)
		p := mul64(v>>20, m)
		var b int128
		b.add(p)
		a.add(b)
		want.Add(want, new(big.Int).Mul(big.NewInt(v>>20), new(big.Int).SetUint64(m)))
	}
	if a.big().Cmp(want) != 0 {
		t.Fatalf("sum %s, want %s", a.big(), want)
	}
}

func TestStartBound(t *testing.T) {
	ms := leaf{conv: convTimestamp, unit: time.Millisecond}
	day := leaf{conv: convDate}
	cases := []struct {
		t    time.Time
		l    leaf
		want int64
	}{
		{time.Unix(10, 0), ms, 10000},
		{time.Unix(10, 1), ms, 10001},
		{time.Unix(-10, 0), ms, -10000},
		{time.Unix(86400*3, 0), day, 3},
		{time.Unix(86400*3+1, 0), day, 4},
		{time.Unix(-1, 0), day, 0},
	}
	for _, c := range cases {
		if got := startBound(c.t, c.l, true); got != c.want {
			t.Errorf("startBound(%v, %v) = %d, want %d", c.t, c.l.conv, got, c.want)
		}
	}
}

func TestInt128AddChecked(t *testing.T) {
	big := int128{lo: 0, hi: math.MaxInt64}
	a := big
	if a.addChecked(int128{lo: 0, hi: 1}) || a != big {
		t.Errorf("overflow added: %+v", a)
	}
	b := int128{lo: 0, hi: math.MinInt64}
	if b.addChecked(int128{lo: 0, hi: -1}) {
		t.Error("negative overflow added")
	}
	c := int128{hi: 5}
	if !c.addChecked(int128{hi: -7}) || c.hi != -2 {
		t.Errorf("ordinary sum: %+v", c)
	}
}
