package quantity

import (
	"strings"
	"testing"
)

func TestQuantity(t *testing.T) {
	tests := []struct {
		in      string
		milli   int64
		value   int64
		wantErr string
	}{
		{in: "1", milli: 1000, value: 1},
		{in: "0", milli: 0, value: 0},
		{in: "500m", milli: 500, value: 1}, // Value rounds up
		{in: "0.1", milli: 100, value: 1},
		{in: ".5", milli: 500, value: 1},
		{in: "2.", milli: 2000, value: 2},
		{in: "+3", milli: 3000, value: 3},
		{in: "1.0001m", milli: 2, value: 1}, // MilliValue rounds up
		{in: "250000u", milli: 250, value: 1},
		{in: "1500000000n", milli: 1500, value: 2},
		{in: "1k", milli: 1e6, value: 1e3},
		{in: "128Mi", milli: 128 << 20 * 1000, value: 128 << 20},
		{in: "1.5Gi", milli: 3 << 29 * 1000, value: 3 << 29},
		{in: "2Ti", milli: 2 << 40 * 1000, value: 2 << 40},
		{in: "300M", milli: 3e11, value: 3e8},
		{in: "1G", milli: 1e12, value: 1e9},
		{in: "1e3", milli: 1e6, value: 1e3},
		{in: "1E3", milli: 1e6, value: 1e3},
		{in: "5e-3", milli: 5, value: 1},
		{in: "1E", value: 1e18, wantErr: "out of range"}, // exa: fits bytes, not millis
		{in: "8Ei", wantErr: "out of range"},
		{in: "1e99", wantErr: "out of range"},
		{in: "12 cores", wantErr: `unknown unit " cores"`},
		{in: "1.5.5", wantErr: "unknown unit"},
		{in: "Gi", wantErr: "not a number"},
		{in: "", wantErr: "empty"},
		{in: "-1", wantErr: "negative"},
		{in: "1gi", wantErr: "unknown unit"},
		{in: "1e", wantErr: "unknown unit"},
		{in: "1e1.5", wantErr: "unknown unit"},
		{in: strings.Repeat("9", 100), wantErr: "too many digits"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			m, err := milliValue(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("milliValue err = %v, want containing %q", err, tt.wantErr)
				}
				if tt.value != 0 {
					if v, err := value(tt.in); err != nil || v != tt.value {
						t.Errorf("value = %d, %v; want %d", v, err, tt.value)
					}
				}
				return
			}
			if err != nil || m != tt.milli {
				t.Errorf("milliValue = %d, %v; want %d", m, err, tt.milli)
			}
			if v, err := value(tt.in); err != nil || v != tt.value {
				t.Errorf("value = %d, %v; want %d", v, err, tt.value)
			}
		})
	}
}

func TestGibibytes(t *testing.T) {
	for in, want := range map[string]float64{"10Gi": 10, "512Mi": 0.5, "1Ti": 1024, "1073741824": 1, "1G": 1e9 / (1 << 30)} {
		if got, err := gibibytes(in); err != nil || got != want {
			t.Errorf("gibibytes(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := gibibytes("ten"); err == nil {
		t.Error("gibibytes(ten) did not fail")
	}
}
