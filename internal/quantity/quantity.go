// Package quantity parses Kubernetes resource quantities ("500m", "1.5Gi").
package quantity

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// This file parses Kubernetes resource quantities ("500m", "1.5Gi", "2e3")
// without importing k8s.io/apimachinery, which would pull a large dependency
// tree into the module for one small grammar. The grammar is the one
// documented on resource.Quantity
// (https://pkg.go.dev/k8s.io/apimachinery/pkg/api/resource#Quantity):
//
//	<quantity>        ::= <signedNumber><suffix>
//	<signedNumber>    ::= <number> | <sign><number>
//	<number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
//	<suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
//	<binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
//	<decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
//	<decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>
//
// Values are kept exact (big.Rat) and rounded up when converted to integers,
// as Quantity.Value and Quantity.MilliValue do.

// maxExponent bounds decimal exponents so that input such as "1e999999999"
// cannot make the parser allocate huge numbers; anything that large is out of
// range for an int64 anyway.
const maxExponent = 64

// maxDigits bounds the length of the numeric part for the same reason.
const maxDigits = 64

var suffixes = map[string]*big.Rat{
	"":   big.NewRat(1, 1),
	"n":  big.NewRat(1, 1_000_000_000),
	"u":  big.NewRat(1, 1_000_000),
	"m":  big.NewRat(1, 1000),
	"k":  big.NewRat(1_000, 1),
	"M":  big.NewRat(1_000_000, 1),
	"G":  big.NewRat(1_000_000_000, 1),
	"T":  new(big.Rat).SetInt64(1_000_000_000_000),
	"P":  new(big.Rat).SetInt64(1_000_000_000_000_000),
	"E":  new(big.Rat).SetInt64(1_000_000_000_000_000_000),
	"Ki": new(big.Rat).SetInt64(1 << 10),
	"Mi": new(big.Rat).SetInt64(1 << 20),
	"Gi": new(big.Rat).SetInt64(1 << 30),
	"Ti": new(big.Rat).SetInt64(1 << 40),
	"Pi": new(big.Rat).SetInt64(1 << 50),
	"Ei": new(big.Rat).SetInt64(1 << 60),
}

// parseQuantity parses a Kubernetes quantity. Negative quantities are an
// error: no request or size may be negative.
func parseQuantity(s string) (*big.Rat, error) {
	if s == "" {
		return nil, errors.New("empty quantity")
	}
	num, suffix := splitQuantity(s)
	if num == "" || num == "+" || num == "-" || num == "." || num == "+." || num == "-." {
		return nil, fmt.Errorf("quantity %q is not a number with an optional unit (like 500m, 1.5Gi)", s)
	}
	if len(num) > maxDigits {
		return nil, fmt.Errorf("quantity %q has too many digits", s)
	}
	if strings.HasPrefix(num, "-") {
		return nil, fmt.Errorf("quantity %q is negative", s)
	}
	v, ok := new(big.Rat).SetString(strings.TrimPrefix(num, "+"))
	if !ok {
		return nil, fmt.Errorf("quantity %q is not a number with an optional unit (like 500m, 1.5Gi)", s)
	}
	if mult, ok := suffixes[suffix]; ok {
		return v.Mul(v, mult), nil
	}
	if suffix[0] == 'e' || suffix[0] == 'E' {
		exp, err := strconv.Atoi(suffix[1:])
		if err == nil {
			if exp > maxExponent || exp < -maxExponent {
				return nil, fmt.Errorf("quantity %q is out of range", s)
			}
			pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(exp))), nil)
			if exp >= 0 {
				return v.Mul(v, new(big.Rat).SetInt(pow)), nil
			}
			return v.Quo(v, new(big.Rat).SetInt(pow)), nil
		}
	}
	return nil, fmt.Errorf("quantity %q has unknown unit %q (want one of n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent like e3)", s, suffix)
}

// splitQuantity splits s into its signed number and its suffix.
func splitQuantity(s string) (num, suffix string) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	return s[:i], s[i:]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// ceilInt64 rounds v up to an integer and reports whether it fits an int64.
func ceilInt64(v *big.Rat) (int64, bool) {
	q, r := new(big.Int).QuoRem(v.Num(), v.Denom(), new(big.Int))
	if r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

// milliValue returns the quantity in thousandths, rounded up, as
// Quantity.MilliValue does for cpu.
func milliValue(s string) (int64, error) {
	v, err := parseQuantity(s)
	if err != nil {
		return 0, err
	}
	m, ok := ceilInt64(v.Mul(v, big.NewRat(1000, 1)))
	if !ok {
		return 0, fmt.Errorf("quantity %q is out of range", s)
	}
	return m, nil
}

// value returns the quantity rounded up to an integer, as Quantity.Value
// does for memory bytes.
func value(s string) (int64, error) {
	v, err := parseQuantity(s)
	if err != nil {
		return 0, err
	}
	n, ok := ceilInt64(v)
	if !ok {
		return 0, fmt.Errorf("quantity %q is out of range", s)
	}
	return n, nil
}

// GiB parses a Kubernetes quantity (bytes) as a number of GiB (2^30 bytes).
func GiB(s string) (float64, error) { return gibibytes(s) }

func gibibytes(s string) (float64, error) {
	v, err := parseQuantity(s)
	if err != nil {
		return 0, err
	}
	f, _ := v.Quo(v, new(big.Rat).SetInt64(1<<30)).Float64()
	if math.IsInf(f, 0) {
		return 0, fmt.Errorf("quantity %q is out of range", s)
	}
	return f, nil
}

// MilliValue parses a Kubernetes quantity ("100m", "0.5", "2") as
// thousandths, rounding up, as resource.Quantity.MilliValue does.
func MilliValue(s string) (int64, error) { return milliValue(s) }

// Value parses a Kubernetes quantity ("128Mi", "1G", "1e3") as a whole
// number, rounding up, as resource.Quantity.Value does.
func Value(s string) (int64, error) { return value(s) }
