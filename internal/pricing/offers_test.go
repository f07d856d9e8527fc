package pricing

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUpdateFromOffers(t *testing.T) {
	out := t.TempDir()
	sum, err := UpdateFromOffers("testdata/offers", out)
	if err != nil {
		t.Fatalf("UpdateFromOffers: %v", err)
	}
	if len(sum.Offers) != 5 {
		t.Fatalf("read %d offers, want 5: %+v", len(sum.Offers), sum.Offers)
	}
	for _, o := range sum.Offers {
		if o.OfferCode == "" || o.Version == "" || o.PublicationDate == "" || o.Priced == 0 {
			t.Errorf("offer %+v: header or prices missing", o)
		}
	}
	wantRows := map[string]int{FileEC2OnDemand: 2, FileServices: 19, FileRDS: 2}
	for f, n := range wantRows {
		if sum.Rows[f] != n {
			t.Errorf("rows for %s = %d, want %d (all: %v)", f, sum.Rows[f], n, sum.Rows)
		}
	}
	if len(sum.Conflicts) != 0 {
		t.Errorf("conflicts: %v", sum.Conflicts)
	}
	for _, name := range []string{FileInstanceTypes, FileSpotAdvisor, FileEKSVersions, "SOURCES.md"} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := io.ReadAll(must(EmbeddedFS().Open(name)))
		if !bytes.Equal(got, want) {
			t.Errorf("%s was not copied unchanged", name)
		}
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*")); len(leftovers) != 0 {
		t.Errorf("temporary directories left beside outDir: %v", leftovers)
	}

	c, err := Load(os.DirFS(out))
	if err != nil {
		t.Fatalf("Load(rebuilt): %v", err)
	}
	const ec2Src = "AWS Price List AmazonEC2 20990101000000 2099-01-01T00:00:00Z"
	services := []struct {
		service, item, region, want, source string
	}{
		{"nat_gateway", "gateway_hour", "us-east-2", "0.045", ec2Src},
		{"nat_gateway", "data_processed", "us-east-2", "0.045", ec2Src},
		{"ebs", "gp3_storage", "us-east-2", "0.08", ec2Src},
		{"ebs", "gp3_iops_above_3000", "us-east-2", "0.005", ec2Src},
		{"elb_network", "load_balancer_hour", "us-east-2", "0.0225", ec2Src},
		{"vpc_public_ipv4", "in_use_address_hour", "us-east-2", "0.005", ec2Src}, // past the free tier
		{"fargate", "linux_x86_vcpu_hour", "eu-west-1", "0.04048", "AWS Price List AmazonECS 20990102000000"},
		{"fargate", "linux_arm_vcpu_hour", "eu-west-1", "0.03238", "AWS Price List AmazonECS"},
		{"fargate", "linux_arm_gb_hour", "eu-west-1", "0.00356", "AWS Price List AmazonECS"},
		{"fargate", "ephemeral_storage_above_20gb", "eu-west-1", "0.000122", "AWS Price List AmazonECS"},
		{"elb_application", "load_balancer_hour", "eu-west-1", "0.0252", "AWS Price List AWSELB 20990103000000"},
		{"elb_application", "lcu_hour", "eu-west-1", "0.008", "AWS Price List AWSELB"},
		{"elb_classic", "load_balancer_hour", "eu-west-1", "0.028", "AWS Price List AWSELB"},
		{"elb_classic", "data_processed", "eu-west-1", "0.008", "AWS Price List AWSELB"},
		{"eks", "cluster_standard_support", "us-west-2", "0.1", "AWS Price List AmazonEKS"},
		{"eks", "cluster_extended_support_surcharge", "us-west-2", "0.5", "AWS Price List AmazonEKS"},
		{"eks", "cluster_extended_support_total", "us-west-2", "0.6", "AWS Price List AmazonEKS"},
		{"rds", "gp2_storage", "us-west-2", "0.115", "AWS Price List AmazonRDS"},
		// Untouched embedded rows survive.
		{"nat_gateway", "gateway_hour", "us-east-1", "0.045", "infracost"},
		{"route53", "hosted_zone_first_25", "global", "0.5", ""},
	}
	for _, tt := range services {
		p, err := c.Service(tt.service, tt.item, tt.region)
		if err != nil {
			t.Errorf("%s %s %s: %v", tt.service, tt.item, tt.region, err)
			continue
		}
		if p.USD.String() != tt.want || !strings.Contains(p.Source, tt.source) {
			t.Errorf("%s %s %s = %s (%q), want %s from %q", tt.service, tt.item, tt.region, p.USD, p.Source, tt.want, tt.source)
		}
	}
	// Regional NAT gateways, trust stores and Windows Fargate are not rows.
	if p, _ := c.Service("fargate", "linux_x86_vcpu_hour", "eu-west-1"); p.USD.String() == "0.046552" {
		t.Error("Windows Fargate price taken as Linux")
	}

	ec2 := []struct {
		region, typ, want string
	}{
		{"us-east-2", "t3.medium", "0.0416"},
		{"us-east-2", "m5.large", "0.096"}, // not the Windows, reservation or Reserved-term price
		{"us-east-1", "t3.medium", "0.0416"},
	}
	for _, tt := range ec2 {
		p, err := c.OnDemand(tt.region, tt.typ)
		if err != nil || p.USD.String() != tt.want {
			t.Errorf("OnDemand(%s, %s) = %v, %v; want %s", tt.region, tt.typ, p.USD, err, tt.want)
		}
	}
	// The offer replaces the whole us-east-2 EC2 price list.
	if _, err := c.OnDemand("us-east-2", "c5.large"); err == nil {
		t.Error("us-east-2 c5.large kept although the us-east-2 offer does not price it")
	}
	if err := c.CheckRegion("us-east-1-chi-1"); err == nil {
		t.Error("Local Zone priced as a region")
	}

	rds := []struct {
		class, engine, deploy, want string
	}{
		{"db.t3.micro", "postgres", "single-az", "0.018"},
		{"db.t3.micro", "postgres", "multi-az", "0.036"},
	}
	for _, tt := range rds {
		p, err := c.RDS("us-west-2", tt.class, tt.engine, tt.deploy)
		if err != nil || p.USD.String() != tt.want {
			t.Errorf("RDS(%s %s %s) = %v, %v; want %s", tt.class, tt.engine, tt.deploy, p.USD, err, tt.want)
		}
	}
	if p, err := c.RDS("us-east-1", "db.t3.large", "postgres", "single-az"); err != nil || p.USD.String() != "0.145" {
		t.Errorf("embedded RDS row lost: %v %v", p.USD, err)
	}

	// Running again over its own output is stable.
	first, _ := os.ReadFile(filepath.Join(out, FileServices))
	if _, err := UpdateFromOffers("testdata/offers", out); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(filepath.Join(out, FileServices))
	if !bytes.Equal(first, second) {
		t.Error("second run wrote a different service_prices.csv")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestUpdateFromOffersErrors(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string
	}{
		{"no offers", map[string]string{"README.txt": "nothing"}, "no offer files"},
		{"bad product", map[string]string{"bad.json": "{\n  \"offerCode\": \"AmazonEC2\",\n  \"products\": {\n    \"X\": {\"sku\": \"X\", \"productFamily\": 7}\n  }\n}\n"},
			"bad.json:4: product X"},
		{"syntax error", map[string]string{"bad.json": "{\n  \"offerCode\": \"AmazonEC2\",\n\n  \"products\": {,}\n}\n"},
			"bad.json:4:"},
		{"truncated", map[string]string{"cut.json": "{\"offerCode\": \"AmazonEC2\", \"products\": {\"X\": {\"sku\":"},
			"cut.json:1:"},
		{"not an offer", map[string]string{"x.json": "[1, 2]"}, "x.json:1:"},
		{"no offer code", map[string]string{"x.json": "{\"products\": {}}"}, "x.json:1: not an AWS Price List offer file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out := t.TempDir()
			_, err := UpdateFromOffers(dir, out)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if entries, _ := os.ReadDir(out); len(entries) != 0 {
				t.Errorf("outDir written on error: %v", entries)
			}
		})
	}
}

func TestUsageType(t *testing.T) {
	tests := map[string]string{
		"NatGateway-Hours":                   "NatGateway-Hours",
		"USE2-NatGateway-Hours":              "NatGateway-Hours",
		"EU-NatGateway-Bytes":                "NatGateway-Bytes",
		"APS3-LCUUsage":                      "LCUUsage",
		"USE2-TS-LoadBalancerUsage":          "TS-LoadBalancerUsage",
		"TS-LoadBalancerUsage":               "TS-LoadBalancerUsage",
		"EUC1-Fargate-ARM-vCPU-Hours:perCPU": "Fargate-ARM-vCPU-Hours:perCPU",
	}
	for in, want := range tests {
		if got := usageType(map[string]string{"usagetype": in}); got != want {
			t.Errorf("usageType(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzReadOffer feeds arbitrary bytes to the offer reader: it must return
// an error or a result, never panic.
func FuzzReadOffer(f *testing.F) {
	// Seeds are in testdata/fuzz/FuzzReadOffer; the full test offers too.
	data, err := os.ReadFile("testdata/offers/AmazonEKS/us-west-2/index.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		col := newCollector()
		if _, err := readOffer("fuzz.json", open, col); err == nil {
			col.finish()
			for _, k := range col.order {
				if r := col.rows[k]; r.usd.IsNegative() || r.region == "" {
					t.Fatalf("bad row %q: %+v", k, r)
				}
			}
		}
	})
}

// FuzzLoadServices feeds arbitrary bytes to the CSV reader as
// service_prices.csv: Load must return an error or a catalog, never panic.
func FuzzLoadServices(f *testing.F) {
	f.Add([]byte("service,item,region,unit,usd,source\nnat_gateway,gateway_hour,us-east-1,usd_per_hour,0.045,x\n"))
	f.Add([]byte("service,item,region,unit,usd,source\n\"a\nb\",c"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := minimalFS()
		fsys[FileServices].Data = data
		c, err := Load(fsys)
		if err == nil {
			_ = c.ServicePrices("", "")
		}
	})
}
