package plan

import (
	"strings"
	"testing"
)

func TestParseHeadroom(t *testing.T) {
	tests := []struct {
		in      string
		want    float64
		wantErr string
	}{
		{"20%", 0.2, ""},
		{"0.2", 0.2, ""},
		{"30", 0.3, ""},
		{"0%", 0, ""},
		{"100%", 0, "must be from 0% to below 100%"},
		{"-5%", 0, "must be from 0% to below 100%"},
		{"lots", 0, "want a percentage such as 20%"},
	}
	for _, tt := range tests {
		got, err := ParseHeadroom(tt.in)
		if (err == nil) != (tt.wantErr == "") || (err != nil && err.Error() != tt.wantErr) || got != tt.want {
			t.Errorf("ParseHeadroom(%q) = %g, %v; want %g, %q", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseDefaultRequests(t *testing.T) {
	tests := []struct {
		in       string
		cpu, mem int64
		wantErr  string
	}{
		{"cpu=100m,memory=128Mi", 100, 128 << 20, ""},
		{" cpu=1 , ", 1000, 0, ""},
		{"memory=1Gi", 0, 1 << 30, ""},
		{"cpu", 0, 0, "want cpu=QUANTITY,memory=QUANTITY"},
		{"gpu=1", 0, 0, `unknown resource "gpu" (cpu, memory)`},
		{"cpu=lots", 0, 0, "cpu: "},
		{"cpu=0", 0, 0, "give a positive cpu or memory"},
		{"", 0, 0, "give a positive cpu or memory"},
	}
	for _, tt := range tests {
		cpu, mem, err := ParseDefaultRequests(tt.in)
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.HasPrefix(err.Error(), tt.wantErr)) || cpu != tt.cpu || mem != tt.mem {
			t.Errorf("ParseDefaultRequests(%q) = %d, %d, %v; want %d, %d, %q", tt.in, cpu, mem, err, tt.cpu, tt.mem, tt.wantErr)
		}
	}
}
