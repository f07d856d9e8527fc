package cost

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// Every figure of a usage file is finite, non-negative and bounded, and a
// bad one is named with its file and line: a NaN or an infinity used to
// reach the prices (and panic in decimal.NewFromFloat).
func TestParseUsageNumbers(t *testing.T) {
	tests := []struct{ in, wantErr string }{
		{in: "natGateway:\n  dataProcessedGB: .inf\n", wantErr: "u.yaml:2: natGateway.dataProcessedGB is not a number (.inf)"},
		{in: "natGateway:\n  dataProcessedGB: -.inf\n", wantErr: "u.yaml:2: natGateway.dataProcessedGB is not a number (-.inf)"},
		{in: "natGateway:\n  dataProcessedGB: .nan\n", wantErr: "u.yaml:2: natGateway.dataProcessedGB is not a number (.nan)"},
		{in: "dataTransfer:\n  internetOutGB: 10\n  interAZGB: -1\n", wantErr: "u.yaml:3: dataTransfer.interAZGB is negative (-1)"},
		{in: "loadBalancer:\n  albLCUs: 1e300\n", wantErr: "u.yaml:2: loadBalancer.albLCUs is out of range"},
		{in: "loadBalancer:\n  zones: 1000\n", wantErr: "u.yaml:2: loadBalancer.zones is out of range"},
		{in: "loadBalancer:\n  zones: -2\n", wantErr: "u.yaml:2: loadBalancer.zones is negative"},
		{in: "storage:\n  defaultVolumeType: efs\n", wantErr: "u.yaml:2: storage.defaultVolumeType"},
		{in: "natGateway:\n  dataProcessedGB: 1e12\n"},
	}
	for _, tt := range tests {
		_, err := ParseUsage("u.yaml", []byte(tt.in))
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%q: %v", tt.in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%q: err = %v, want %q", tt.in, err, tt.wantErr)
		}
	}
}

// FuzzParseUsage checks that any usage file either fails or gives figures
// the cost engine can price.
func FuzzParseUsage(f *testing.F) {
	f.Add("natGateway:\n  dataProcessedGB: 50\nloadBalancer:\n  albLCUs: 2\n  zones: 3\n")
	f.Add("natGateway:\n  dataProcessedGB: .inf\n")
	f.Add("natGateway:\n  dataProcessedGB: .nan\n")
	f.Fuzz(func(t *testing.T, in string) {
		u, err := ParseUsage("u.yaml", []byte(in))
		if err != nil {
			return
		}
		for _, v := range []float64{u.NATGateway.DataProcessedGB, u.LoadBalancer.ALBLCUs, u.LoadBalancer.NLBNLCUs,
			u.LoadBalancer.CLBDataProcessedGB, u.DataTransfer.InternetOutGB, u.DataTransfer.InterAZGB} {
			_ = decimal.NewFromFloat(v) // panics on NaN and infinities
			if v < 0 {
				t.Fatalf("negative figure %v accepted", v)
			}
		}
	})
}
