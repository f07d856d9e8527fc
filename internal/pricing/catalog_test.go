package pricing

import (
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

func defaultCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return c
}

// minimalFS is a catalog directory with one row in each required file.
func minimalFS() fstest.MapFS {
	return fstest.MapFS{
		FileEC2OnDemand:   {Data: []byte("region,instance_type,usd_per_hour\nus-east-1,t3.medium,0.0416\n")},
		FileInstanceTypes: {Data: []byte("instance_type,vcpu,memory_mib,arch,max_pods_eni,burstable\nt3.medium,2,4096,amd64,17,true\n")},
		FileServices:      {Data: []byte("service,item,region,unit,usd,source\nnat_gateway,gateway_hour,us-east-1,usd_per_hour,0.045,test\n")},
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		data    string
		wantErr string
	}{
		{"bad price", FileServices, "service,item,region,unit,usd,source\nebs,gp3_storage,us-east-1,usd_per_gb_month,0.08,x\nebs,gp2_storage,us-east-1,usd_per_gb_month,cheap,x\n",
			`service_prices.csv:3: bad price "cheap"`},
		{"negative price", FileEC2OnDemand, "region,instance_type,usd_per_hour\nus-east-1,t3.small,-1\n",
			`ec2_ondemand_linux.csv:2: negative price "-1"`},
		{"missing column", FileServices, "service,item,region,unit,source\nebs,gp3_storage,us-east-1,usd_per_gb_month,x\n",
			`service_prices.csv:1: missing column "usd"`},
		{"missing field", FileEC2OnDemand, "region,instance_type,usd_per_hour\nus-east-1,t3.small\n",
			`ec2_ondemand_linux.csv:2: missing field "usd_per_hour"`},
		{"bad quote", FileEC2OnDemand, "region,instance_type,usd_per_hour\nus-east-1,t3.small,0.02\nus-east-1,\"t3.micro,0.01\n",
			`ec2_ondemand_linux.csv:3:`},
		{"bad vcpu", FileInstanceTypes, "instance_type,vcpu,memory_mib,arch,max_pods_eni,burstable\nt3.medium,two,4096,amd64,17,true\n",
			`ec2_instance_types.csv:2: instance type t3.medium`},
		{"bad eks date", FileEKSVersions, "version,release,end_of_standard_support,end_of_extended_support,source\n1.30,2024-05-23,2025-07-23,2026-13-01,x\n",
			`eks_versions.csv:2: version 1.30: bad date "2026-13-01"`},
		{"eks dates out of order", FileEKSVersions, "version,release,end_of_standard_support,end_of_extended_support,source\n1.30,2024-05-23,2026-07-23,2025-07-23,x\n",
			`eks_versions.csv:2: version 1.30: dates out of order`},
		{"bad savings", FileSpotAdvisor, "region,instance_type,os,savings_pct,interruption_bucket\nus-east-1,t3.medium,Linux,120,<5%\n",
			`spot_advisor.csv:2: bad savings_pct "120"`},
		{"bad rds price", FileRDS, "region,instance_class,engine,deployment,usd_per_hour,source\nus-east-1,db.t3.micro,postgres,single-az,$0.018,x\n",
			`rds_instances.csv:2: bad price "$0.018"`},
		{"empty file", FileServices, "", `service_prices.csv:1: reading header`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := minimalFS()
			fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.data)}
			_, err := Load(fsys)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Load error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadMissingRequiredFile(t *testing.T) {
	fsys := minimalFS()
	delete(fsys, FileServices)
	_, err := Load(fsys)
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), FileServices) {
		t.Fatalf("Load error = %v, want not-exist naming %s", err, FileServices)
	}
	if _, err := Load(minimalFS()); err != nil {
		t.Fatalf("minimal catalog (optional files absent): %v", err)
	}
}

func TestOnDemand(t *testing.T) {
	c := defaultCatalog(t)
	tests := []struct {
		region, typ string
		want        string
		wantErr     string
	}{
		{"us-east-1", "t3.medium", "0.0416", ""},
		{"us-east-1", "m5.large", "0.096", ""},
		{"eu-west-1", "m5.large", "0.107", ""},
		{"us-east-1", "t3.mediun", "", `unknown instance type "t3.mediun"; did you mean "t3.medium"`},
		{"us-est-1", "t3.medium", "", `unknown region "us-est-1"; did you mean "us-east-1"`},
	}
	for _, tt := range tests {
		t.Run(tt.region+"/"+tt.typ, func(t *testing.T) {
			p, err := c.OnDemand(tt.region, tt.typ)
			if tt.wantErr != "" {
				var ue *UnknownError
				if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want UnknownError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.USD.String() != tt.want || p.Unit != "usd_per_hour" || p.Service != "ec2" {
				t.Errorf("OnDemand = %+v, want %s usd_per_hour", p, tt.want)
			}
		})
	}
}

func TestOnDemandMissingPrice(t *testing.T) {
	fsys := minimalFS()
	fsys[FileInstanceTypes] = &fstest.MapFile{Data: []byte("instance_type,vcpu,memory_mib,arch,max_pods_eni,burstable\nt3.medium,2,4096,amd64,17,true\nt3.large,2,8192,amd64,35,true\n")}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.OnDemand("us-east-1", "t3.large")
	var mp *MissingPriceError
	if !errors.As(err, &mp) || mp.Region != "us-east-1" {
		t.Fatalf("err = %v, want MissingPriceError", err)
	}
}

func TestSpot(t *testing.T) {
	c := defaultCatalog(t)
	tests := []struct {
		typ, want string
		pct       int
	}{
		{"t3.medium", "0.018304", 56}, // 0.0416 × 0.44
		{"m5.large", "0.03264", 66},   // 0.096 × 0.34
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			s, err := c.Spot("us-east-1", tt.typ)
			if err != nil {
				t.Fatal(err)
			}
			if s.USD.String() != tt.want || s.SavingsPct != tt.pct || !strings.Contains(s.Source, "estimate") {
				t.Errorf("Spot = %s (%d%%, %q), want %s (%d%%)", s.USD, s.SavingsPct, s.Source, tt.want, tt.pct)
			}
		})
	}
	fsys := minimalFS()
	cat, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var mp *MissingPriceError
	if _, err := cat.Spot("us-east-1", "t3.medium"); !errors.As(err, &mp) {
		t.Errorf("Spot without advisor data: err = %v, want MissingPriceError", err)
	}
}

func TestService(t *testing.T) {
	c := defaultCatalog(t)
	tests := []struct {
		service, item, region string
		want                  string
		wantErr               string
	}{
		{"nat_gateway", "gateway_hour", "us-east-1", "0.045", ""},
		{"nat_gateway", "data_processed", "eu-west-1", "0.048", ""},
		{"ebs", "gp3_storage", "eu-west-1", "0.088", ""},
		{"eks", "cluster_extended_support_total", "us-west-2", "0.6", ""},
		{"route53", "hosted_zone_first_25", "us-east-2", "0.5", ""}, // global
		{"rds", "gp2_storage", "us-east-1", "0.115", ""},
		{"nat_gateway", "gateway_hour", "us-est-1", "", `unknown region "us-est-1"`},
		{"nat_gateway", "teleport_hour", "us-east-1", "", "no price for nat_gateway teleport_hour in region us-east-1"},
	}
	for _, tt := range tests {
		t.Run(tt.service+"/"+tt.item+"/"+tt.region, func(t *testing.T) {
			p, err := c.Service(tt.service, tt.item, tt.region)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.USD.String() != tt.want || p.Source == "" {
				t.Errorf("Service = %+v, want %s with a source", p, tt.want)
			}
		})
	}
}

func TestRDS(t *testing.T) {
	c := defaultCatalog(t)
	tests := []struct {
		region, class, engine, deploy string
		want                          string
		missing                       bool
	}{
		{"us-east-1", "db.t3.large", "postgres", "single-az", "0.145", false},
		{"us-east-1", "db.t3.large", "mysql", "multi-az", "0.272", false},
		{"us-east-1", "db.t4g.small", "mysql", "single-az", "0.032", false},
		{"us-east-1", "db.t3.large", "oracle", "single-az", "", true},
		{"eu-west-1", "db.t3.large", "postgres", "single-az", "", true},
	}
	for _, tt := range tests {
		t.Run(strings.Join([]string{tt.region, tt.class, tt.engine, tt.deploy}, "/"), func(t *testing.T) {
			p, err := c.RDS(tt.region, tt.class, tt.engine, tt.deploy)
			if tt.missing {
				var mp *MissingPriceError
				if !errors.As(err, &mp) {
					t.Fatalf("err = %v, want MissingPriceError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.USD.String() != tt.want {
				t.Errorf("RDS = %s, want %s", p.USD, tt.want)
			}
		})
	}
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestEKSSupport(t *testing.T) {
	c := defaultCatalog(t)
	tests := []struct {
		version string
		at      time.Time
		want    string
		wantErr string
	}{
		{"1.30", date("2025-07-22"), SupportStandard, ""},
		{"1.30", date("2025-07-22").Add(23*time.Hour + 59*time.Minute), SupportStandard, ""},
		{"1.30", date("2025-07-23"), SupportExtended, ""}, // billing starts at the start of the day
		{"v1.30.4", date("2026-07-22"), SupportExtended, ""},
		{"1.30", date("2026-07-23"), "", "left extended support on 2026-07-23"},
		{"1.34", date("2025-10-01"), "", "not released until 2025-10-02"},
		{"1.34", date("2025-10-02"), SupportStandard, ""},
		{"1.29", date("2025-03-22"), SupportStandard, ""},
		{"1.29", date("2025-03-23"), SupportExtended, ""},
		{"1.12", date("2025-01-01"), "", "EKS does not offer Kubernetes 1.12"},
		{"latest", date("2025-01-01"), "", "bad Kubernetes version"},
	}
	for _, tt := range tests {
		t.Run(tt.version+"@"+tt.at.Format(time.RFC3339), func(t *testing.T) {
			got, _, err := c.EKSSupport(tt.version, tt.at)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("EKSSupport = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestDefaultEKSVersion(t *testing.T) {
	c := defaultCatalog(t)
	tests := []struct {
		at   string
		want string
	}{
		{"2024-06-01", "1.30"},
		{"2025-10-01", "1.33"},
		{"2025-10-02", "1.34"},
		{"2026-06-01", "1.35"},
		{"2030-01-01", ""},
	}
	for _, tt := range tests {
		if got := c.DefaultEKSVersion(date(tt.at)); got != tt.want {
			t.Errorf("DefaultEKSVersion(%s) = %q, want %q", tt.at, got, tt.want)
		}
	}
	// Every row of the embedded calendar is sourced.
	for _, v := range c.EKSVersions() {
		if v.Source == "" || strings.Contains(v.Source, "DRAFT") {
			t.Errorf("EKS %s has no real source: %q", v.Version, v.Source)
		}
	}
}

const mib = 1 << 20

func TestFargatePodSize(t *testing.T) {
	tests := []struct {
		name     string
		milliCPU int64
		memBytes int64
		want     FargateSize
		wantErr  bool
	}{
		{"no requests", 0, 0, FargateSize{0.25, 0.5}, false},
		{"256Mi plus overhead is exactly 0.5 GB", 250, 256 * mib, FargateSize{0.25, 0.5}, false},
		{"one byte more rounds up", 250, 256*mib + 1, FargateSize{0.25, 1}, false},
		{"1.75Gi plus overhead is exactly 2 GB", 250, 1792 * mib, FargateSize{0.25, 2}, false},
		{"2Gi needs more than 0.25 vCPU allows", 250, 2048 * mib, FargateSize{0.5, 3}, false},
		{"251m moves to 0.5 vCPU", 251, 0, FargateSize{0.5, 1}, false},
		{"1 vCPU 1Gi", 1000, 1024 * mib, FargateSize{1, 2}, false},
		{"1 vCPU 7.75Gi", 1000, 7936 * mib, FargateSize{1, 8}, false},
		{"1 vCPU 8Gi", 1000, 8192 * mib, FargateSize{2, 9}, false},
		{"4 vCPU 29.75Gi", 4000, 30464 * mib, FargateSize{4, 30}, false},
		{"4 vCPU 30Gi goes to 8 vCPU in 4 GB steps", 4000, 30 * 1024 * mib, FargateSize{8, 32}, false},
		{"16 vCPU 119.75Gi", 16000, 122624 * mib, FargateSize{16, 120}, false},
		{"too much memory", 16000, 120 * 1024 * mib, FargateSize{}, true},
		{"too much cpu", 16001, 0, FargateSize{}, true},
		{"negative", -1, 0, FargateSize{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FargatePodSize(tt.milliCPU, tt.memBytes)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("FargatePodSize(%d, %d) = %+v, want %+v", tt.milliCPU, tt.memBytes, got, tt.want)
			}
		})
	}
}

func TestClosest(t *testing.T) {
	c := defaultCatalog(t)
	types := make([]string, 0)
	for _, it := range c.InstanceTypes() {
		types = append(types, it.Name)
	}
	tests := []struct {
		name       string
		candidates []string
		want       string // first suggestion
	}{
		{"t3.mediun", types, "t3.medium"},
		{"m5.lrage", types, "m5.large"},
		{"us-est-1", c.Regions(), "us-east-1"},
		{"eu-west1", c.Regions(), "eu-west-1"},
	}
	for _, tt := range tests {
		got := Closest(tt.name, tt.candidates, 3)
		if len(got) == 0 || got[0] != tt.want {
			t.Errorf("Closest(%q) = %v, want %q first", tt.name, got, tt.want)
		}
	}
	if got := Closest("zzzzzzzzzz", c.Regions(), 3); len(got) != 0 {
		t.Errorf("Closest(far) = %v, want none", got)
	}
	if got := Closest("ab", []string{"ac", "ab", "bb", "zz"}, 2); !reflect.DeepEqual(got, []string{"ab", "ac"}) {
		t.Errorf("Closest ordering = %v", got)
	}
}

// coreRegions must price every item the cost engine looks up: no estimate
// there.
var coreRegions = []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1"}

func TestCoreRegionsComplete(t *testing.T) {
	c := defaultCatalog(t)
	for _, region := range coreRegions {
		if err := c.CheckRegion(region); err != nil {
			t.Fatal(err)
		}
		if m := c.Missing(region); len(m) > 0 {
			t.Errorf("%s lacks %v", region, m)
		}
	}
}

// TestDefaultLazyRegions: the embedded catalog parses a region of the EC2
// prices and of the spot advisor on first use, once under concurrent
// callers, and then answers exactly as an eagerly loaded catalog does, in
// every region, for every type (prices, errors, coverage).
func TestDefaultLazyRegions(t *testing.T) {
	eager, err := Load(EmbeddedFS())
	if err != nil {
		t.Fatal(err)
	}
	lazy, err := load(EmbeddedFS(), true)
	if err != nil {
		t.Fatal(err)
	}
	parsed := func(c *Catalog) (n int) {
		for _, r := range c.ec2 {
			if len(r.m) > 0 {
				n++
			}
		}
		for _, r := range c.spot {
			if len(r.m) > 0 {
				n++
			}
		}
		return n
	}
	if n := parsed(lazy); n != 0 {
		t.Fatalf("%d regions parsed before any price was asked for", n)
	}
	if !slices.Equal(lazy.Regions(), eager.Regions()) {
		t.Fatalf("regions: lazy %v, eager %v", lazy.Regions(), eager.Regions())
	}
	if _, err := lazy.Spot("eu-west-1", "m5.large"); err != nil {
		t.Fatal(err)
	}
	if n := parsed(lazy); n != 2 {
		t.Errorf("one spot price parsed %d region tables, want 2 (its EC2 prices and its spot advice)", n)
	}
	types := []string{"no.such"}
	for _, it := range eager.InstanceTypes() {
		types = append(types, it.Name)
	}
	var wg sync.WaitGroup
	for _, region := range append(eager.Regions(), "mars-north-1") {
		wg.Add(1)
		go func() { // the regions concurrently, as the nearest-region estimates may ask
			defer wg.Done()
			for _, typ := range types {
				got, gerr := lazy.OnDemand(region, typ)
				want, werr := eager.OnDemand(region, typ)
				if fmt.Sprint(got, gerr) != fmt.Sprint(want, werr) {
					t.Errorf("OnDemand(%s, %s) = %v, %v; eager %v, %v", region, typ, got, gerr, want, werr)
					return
				}
				gs, gerr := lazy.Spot(region, typ)
				ws, werr := eager.Spot(region, typ)
				if fmt.Sprint(gs, gerr) != fmt.Sprint(ws, werr) {
					t.Errorf("Spot(%s, %s) = %v, %v; eager %v, %v", region, typ, gs, gerr, ws, werr)
					return
				}
			}
		}()
	}
	wg.Wait()
	var a, b strings.Builder
	fresh, _ := load(EmbeddedFS(), true)
	if err := eager.WriteCoverage(&a, eager.Regions()); err != nil {
		t.Fatal(err)
	}
	if err := fresh.WriteCoverage(&b, fresh.Regions()); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Error("coverage of the lazy catalog differs")
	}
}

// TestLazyRegionErrorsNameTheLine: a bad row found when its region is first
// parsed names the file's own line, as an eager Load does.
func TestLazyRegionErrorsNameTheLine(t *testing.T) {
	fsys := fstest.MapFS{}
	entries, err := fs.ReadDir(EmbeddedFS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := fs.ReadFile(EmbeddedFS(), e.Name())
		if err != nil {
			t.Fatal(err)
		}
		fsys[e.Name()] = &fstest.MapFile{Data: data}
	}
	fsys[FileEC2OnDemand] = &fstest.MapFile{Data: []byte("region,instance_type,usd_per_hour\nus-east-1,m5.large,0.096\n" +
		"us-east-2,m5.large,0.096\nus-east-2,m5.xlarge,abc\nus-west-2,m5.large,0.096\nus-east-2,m5.2xlarge,0.384\n")}
	const want = FileEC2OnDemand + ":4:"
	if _, err := Load(fsys); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Load: %v, want %s", err, want)
	}
	lazy, err := load(fsys, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lazy.OnDemand("us-east-1", "m5.large"); err != nil {
		t.Errorf("a good region: %v", err)
	}
	if _, err := lazy.OnDemand("us-east-2", "m5.large"); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("lazy: %v, want %s", err, want)
	}
	if p, err := lazy.OnDemand("us-west-2", "m5.large"); err != nil || p.USD.String() != "0.096" {
		t.Errorf("the region between the runs of another: %v, %v", p, err)
	}
}
