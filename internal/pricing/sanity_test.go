package pricing

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestParsePrice(t *testing.T) {
	tests := []struct {
		in, service, unit string
		wantErr           string // "" for a good price
	}{
		{"0.0225", "elb_classic", "usd_per_hour", ""},
		{"0.0252000000", "elb_application", "usd_per_hour", ""},
		{"0", "vpc_public_ipv4", "usd_per_address_hour", ""},
		{"360.98695", "ec2", "usd_per_hour", ""},
		{"1.5e-3", "nat_gateway", "usd_per_gb", ""},
		{"1000", "elb_network", "usd_per_hour", ""},
		{"1000.01", "elb_network", "usd_per_hour", `implausible price "1000.01" for an hour (elb_network, usd_per_hour): over the limit of 1000`},
		{"2500", "ec2", "usd_per_hour", `implausible price "2500" for an EC2 instance hour`},
		{"1e400", "ec2", "usd_per_hour", `implausible price "1e400"`},
		{"1e400", "new_service", "usd_per_widget", `implausible price "1e400" for one unit (new_service, usd_per_widget): over the limit of 100000`},
		{"-0.5", "ebs", "usd_per_gb_month", `negative price "-0.5"`},
		{"abc", "ebs", "usd_per_gb_month", `bad price "abc" (not a number)`},
		{"NaN", "ebs", "usd_per_gb_month", `bad price "NaN" (not a number)`},
		{"Inf", "ebs", "usd_per_gb_month", `bad price "Inf" (not a number)`},
		{"-Infinity", "ebs", "usd_per_gb_month", `bad price "-Infinity" (not a number)`},
		{"0x10", "ebs", "usd_per_gb_month", `bad price "0x10" (not a number)`},
		{"", "ebs", "usd_per_gb_month", `bad price "" (not a number)`},
		{"$0.08", "ebs", "usd_per_gb_month", `bad price "$0.08" (not a number)`},
		{"1e-99", "ebs", "usd_per_gb_month", `bad price "1e-99" (more than 30 decimal places)`},
		{"1e-999999999999", "ebs", "usd_per_gb_month", `bad price "1e-999999999999"`},
	}
	for _, tt := range tests {
		_, err := parsePrice(tt.in, tt.service, tt.unit)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("parsePrice(%q, %s, %s): %v", tt.in, tt.service, tt.unit, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("parsePrice(%q, %s, %s) = %v, want %q", tt.in, tt.service, tt.unit, err, tt.wantErr)
		}
	}
}

// TestEmbeddedWithinLimits keeps the limits above every real price.
func TestEmbeddedWithinLimits(t *testing.T) {
	if _, err := Load(EmbeddedFS()); err != nil {
		t.Fatal(err)
	}
}

// TestLoadRejectsImplausiblePrices: a --prices directory goes through the
// same checks, and the error names the file, line and value.
func TestLoadRejectsImplausiblePrices(t *testing.T) {
	tests := []struct {
		file, data, wantErr string
	}{
		{FileServices, "service,item,region,unit,usd,source\nelb_classic,load_balancer_hour,us-east-2,usd_per_hour,1e400,x\n",
			`service_prices.csv:2: implausible price "1e400" for an hour (elb_classic, usd_per_hour)`},
		{FileServices, "service,item,region,unit,usd,source\nebs,gp3_storage,us-east-1,usd_per_gb_month,NaN,x\n",
			`service_prices.csv:2: bad price "NaN" (not a number)`},
		{FileEC2OnDemand, "region,instance_type,usd_per_hour\nus-east-1,t3.small,0.0208\nus-east-1,m5.large,Inf\n",
			`ec2_ondemand_linux.csv:3: bad price "Inf" (not a number)`},
		{FileEC2OnDemand, "region,instance_type,usd_per_hour\nus-east-1,t3.small,20000\n",
			`ec2_ondemand_linux.csv:2: implausible price "20000" for an EC2 instance hour`},
		{FileRDS, "region,instance_class,engine,deployment,usd_per_hour,source\nus-east-1,db.t3.micro,postgres,single-az,-0.5,x\n",
			`rds_instances.csv:2: negative price "-0.5"`},
	}
	for _, tt := range tests {
		fsys := minimalFS()
		fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.data)}
		if _, err := Load(fsys); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Load: %v, want %q", err, tt.wantErr)
		}
	}
}

// TestUpdateRejectsImplausiblePrices: a bad price in an offer file fails
// the update, naming the file, SKU and value, and the catalog already in
// outDir stays as it was.
func TestUpdateRejectsImplausiblePrices(t *testing.T) {
	good, err := os.ReadFile("testdata/offers/AWSELB/eu-west-1/index.json")
	if err != nil {
		t.Fatal(err)
	}
	const clbHour = `"USD": "0.0280000000"`
	if !bytes.Contains(good, []byte(clbHour)) {
		t.Fatal("fixture changed: no Classic ELB hour at 0.028")
	}
	out := filepath.Join(t.TempDir(), "prices")
	if _, err := UpdateFromOffers("testdata/offers", out); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, out)
	for _, value := range []string{"1e400", "-0.5", "abc", "NaN", "Inf", "1000.5", ""} {
		t.Run(value, func(t *testing.T) {
			dir := t.TempDir()
			bad := bytes.Replace(good, []byte(clbHour), []byte(`"USD": "`+value+`"`), 1)
			if err := os.WriteFile(filepath.Join(dir, "index.json"), bad, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := UpdateFromOffers(dir, out)
			want := []string{filepath.Join(dir, "index.json") + ":", "SKU CLBHOURSEUW10001", `"` + value + `"`}
			for _, w := range want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v, want it to name %s", err, w)
				}
			}
			if after := snapshot(t, out); after != before {
				t.Error("the catalog in outDir changed")
			}
		})
	}
}

// snapshot renders a directory's files and contents as one string.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		if e.IsDir() {
			b.WriteString(e.Name() + "/\n")
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(e.Name() + "\n" + string(data) + "\n")
	}
	return b.String()
}
