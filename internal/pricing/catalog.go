// Package pricing holds refit's price catalog: EC2 on-demand Linux prices,
// instance facts, spot savings estimates and the prices of the other AWS
// services refit models (EBS, NAT gateways, load balancers, EKS, Fargate,
// public IPv4, Route 53, RDS, data transfer).
//
// The catalog is a snapshot of public price data, embedded at build time from
// the CSV files in data/ (their sources are in data/SOURCES.md). `refit prices
// update` rebuilds those files from AWS Price List bulk offer files; Load reads
// a catalog from any directory with the same layout.
package pricing

import (
	"bytes"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/shopspring/decimal"
)

//go:embed data/*.csv data/SOURCES.md
var embedded embed.FS

// Files are the catalog's file names, relative to its directory.
const (
	FileEC2OnDemand   = "ec2_ondemand_linux.csv"
	FileInstanceTypes = "ec2_instance_types.csv"
	FileAllocatable   = "ec2_instance_allocatable_karpenter.csv"
	FileServices      = "service_prices.csv"
	FileSpotAdvisor   = "spot_advisor.csv"
	FileEKSVersions   = "eks_versions.csv"
	FileRDS           = "rds_instances.csv"
)

// Price is one unit price with its provenance.
type Price struct {
	Service string          `json:"service"`
	Item    string          `json:"item"`
	Region  string          `json:"region"`
	Unit    string          `json:"unit"`
	USD     decimal.Decimal `json:"usd"`
	Source  string          `json:"source,omitempty"`
	// EstimatedFrom names the region whose price stands in for Region's
	// when the catalog has none there (see Estimated); empty for a real price.
	EstimatedFrom string `json:"estimatedFrom,omitempty"`
}

// InstanceType holds the facts refit needs about one EC2 instance type.
type InstanceType struct {
	Name      string `json:"name"`
	VCPU      int    `json:"vcpu"`
	MemoryMiB int    `json:"memoryMiB"`
	Arch      string `json:"arch"`
	// MaxPodsENI is the VPC CNI's max pods (ENIs × (IPs per ENI − 1) + 2); 0 when unknown.
	MaxPodsENI int  `json:"maxPodsENI,omitempty"`
	Burstable  bool `json:"burstable,omitempty"`
	// Allocatable figures as Karpenter documents them for AL2023 (0 when unknown).
	AllocatableMilliCPU  int `json:"allocatableMilliCPU,omitempty"`
	AllocatableMemoryMiB int `json:"allocatableMemoryMiB,omitempty"`
}

// Family is the part of the type name before the dot ("t3" for "t3.small").
func (t InstanceType) Family() string {
	f, _, _ := strings.Cut(t.Name, ".")
	return f
}

// SpotAdvice is the Spot Instance Advisor's estimate for one type in one region.
type SpotAdvice struct {
	SavingsPct         int    `json:"savingsPct"`
	InterruptionBucket string `json:"interruptionBucket"`
}

// Catalog is a read-only price catalog. Its methods are safe for concurrent use.
type Catalog struct {
	ec2      regionTable[decimal.Decimal] // region -> type -> usd/hour; its keys are the catalog's regions
	types    map[string]InstanceType
	spot     regionTable[SpotAdvice] // region -> type -> advice (Linux)
	services map[serviceKey]Price
	rds      map[rdsKey]Price
	eks      []EKSVersion
	// ec2Source describes where EC2 prices come from.
	ec2Source string
}

type serviceKey struct{ service, item, region string }

type rdsKey struct{ region, class, engine, deployment string }

var (
	defaultOnce sync.Once
	defaultCat  *Catalog
	defaultErr  error
)

// Default returns the embedded catalog, parsed once.
func Default() (*Catalog, error) {
	defaultOnce.Do(func() {
		sub, err := fs.Sub(embedded, "data")
		if err != nil {
			defaultErr = err
			return
		}
		defaultCat, defaultErr = load(sub, true)
	})
	return defaultCat, defaultErr
}

// EmbeddedFS returns the embedded data directory (for `refit prices` and tests).
func EmbeddedFS() fs.FS {
	sub, _ := fs.Sub(embedded, "data")
	return sub
}

// Load reads a catalog from a directory laid out like data/. Optional files
// (eks_versions.csv, rds_instances.csv, the Karpenter allocatable table and
// the spot advisor) may be absent.
func Load(fsys fs.FS) (*Catalog, error) {
	return load(fsys, false)
}

// load is Load; lazy parses each region of the EC2 on-demand prices and of
// the spot advisor on first use (only for the embedded catalog, whose files
// the tests check: a catalog directory's bad file is an error of Load).
func load(fsys fs.FS, lazy bool) (*Catalog, error) {
	c := &Catalog{
		ec2:       regionTable[decimal.Decimal]{},
		types:     map[string]InstanceType{},
		spot:      regionTable[SpotAdvice]{},
		services:  map[serviceKey]Price{},
		rds:       map[rdsKey]Price{},
		ec2Source: "AWS EC2 on-demand pricing feed (see SOURCES.md)",
	}
	for _, s := range c.loadSteps() {
		var err error
		switch {
		case lazy && s.file == FileEC2OnDemand:
			err = byRegion(fsys, s, c.ec2, ec2Row)
		case lazy && s.file == FileSpotAdvisor:
			err = byRegion(fsys, s, c.spot, spotRow)
		default:
			err = readCSV(fsys, s.file, s.optional, s.cols, s.row)
		}
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(c.eks, func(i, j int) bool { return versionLess(c.eks[i].Version, c.eks[j].Version) })
	return c, nil
}

// loadStep is one file of a catalog directory and what reads its rows.
type loadStep struct {
	file     string
	optional bool
	cols     []string
	row      func(rec []string) error
}

// loadSteps lists the files Load reads into c, in order.
func (c *Catalog) loadSteps() []loadStep {
	return []loadStep{
		{FileEC2OnDemand, false, []string{"region", "instance_type", "usd_per_hour"}, c.addEC2},
		{FileInstanceTypes, false, []string{"instance_type", "vcpu", "memory_mib", "arch", "max_pods_eni", "burstable"}, c.addType},
		{FileAllocatable, true, []string{"instance_type", "allocatable_cpu_millicores", "allocatable_memory_mib", "pods"}, c.addAllocatable},
		{FileServices, false, []string{"service", "item", "region", "unit", "usd", "source"}, c.addService},
		{FileSpotAdvisor, true, []string{"region", "instance_type", "os", "savings_pct", "interruption_bucket"}, c.addSpot},
		{FileEKSVersions, true, []string{"version", "release", "end_of_standard_support", "end_of_extended_support", "source"}, c.addEKS},
		{FileRDS, true, []string{"region", "instance_class", "engine", "deployment", "usd_per_hour", "source"}, c.addRDS},
	}
}

// byRegion indexes a file grouped by region (indexByRegion) into t, each
// region's rows parsed with row on first use.
func byRegion[T any](fsys fs.FS, s loadStep, t regionTable[T], row func(map[string]T, []string) error) error {
	data, err := fs.ReadFile(fsys, s.file)
	if err != nil {
		if s.optional && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("price catalog: %w", err)
	}
	header, spans, err := indexByRegion(s.file, data)
	if err != nil {
		return err
	}
	for region, runs := range spans {
		t[region] = &regional[T]{m: map[string]T{}, load: func(m map[string]T) error {
			for _, sp := range runs {
				in := io.MultiReader(bytes.NewReader(header), bytes.NewReader(data[sp.start:sp.end]))
				if err := parseCSV(in, s.file, sp.line-2, s.cols, func(rec []string) error { return row(m, rec) }); err != nil {
					return err
				}
			}
			return nil
		}}
	}
	return nil
}

// readCSV streams a CSV file, checks that its header starts with cols (by
// name, in order), and calls row with each record's first len(cols) fields.
// Errors name the file and line.
func readCSV(fsys fs.FS, name string, optional bool, cols []string, row func([]string) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		if optional && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("price catalog: %w", err)
	}
	defer f.Close()
	return parseCSV(f, name, 0, cols, row)
}

// parseCSV is readCSV on a reader whose line n is the file's line
// n+lineOffset (past the header, line 1 either way).
func parseCSV(f io.Reader, name string, lineOffset int, cols []string, row func([]string) error) error {
	r := csv.NewReader(f)
	r.ReuseRecord = true
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s:1: reading header: %w", name, err)
	}
	idx := make([]int, len(cols))
	for i, want := range cols {
		idx[i] = -1
		for j, h := range header {
			if strings.TrimSpace(h) == want {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			return fmt.Errorf("%s:1: missing column %q (have %s)", name, want, strings.Join(header, ","))
		}
	}
	rec := make([]string, len(cols))
	for {
		raw, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			// A csv.ParseError already names its line; FieldPos is not
			// safe to call after an error.
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fmt.Errorf("%s:%d: %w", name, pe.Line+lineOffset, pe.Err)
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		line += lineOffset
		for i, j := range idx {
			if j >= len(raw) {
				return fmt.Errorf("%s:%d: missing field %q", name, line, cols[i])
			}
			rec[i] = strings.TrimSpace(raw[j])
		}
		if err := row(rec); err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
}

func (c *Catalog) addEC2(rec []string) error {
	return ec2Row(c.ec2.add(rec[0]), rec)
}

// ec2Row adds a row of the EC2 on-demand prices to its region's table.
func ec2Row(m map[string]decimal.Decimal, rec []string) error {
	usd, err := parsePrice(rec[2], "ec2", "usd_per_hour") // sanity.go
	if err != nil {
		return err
	}
	m[rec[1]] = usd
	return nil
}

func atoiOr0(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	return strconv.Atoi(s)
}

func (c *Catalog) addType(rec []string) error {
	vcpu, err1 := strconv.Atoi(rec[1])
	mem, err2 := strconv.Atoi(rec[2])
	pods, err3 := atoiOr0(rec[4])
	if err := errors.Join(err1, err2, err3); err != nil {
		return fmt.Errorf("instance type %s: %w", rec[0], err)
	}
	t := c.types[rec[0]]
	t.Name, t.VCPU, t.MemoryMiB, t.Arch, t.MaxPodsENI, t.Burstable = rec[0], vcpu, mem, rec[3], pods, rec[5] == "true"
	c.types[rec[0]] = t
	return nil
}

func (c *Catalog) addAllocatable(rec []string) error {
	t, ok := c.types[rec[0]]
	if !ok {
		return nil // allocatable for a type we have no facts for: ignore
	}
	cpu, err1 := strconv.Atoi(rec[1])
	mem, err2 := strconv.Atoi(rec[2])
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("instance type %s: %w", rec[0], err)
	}
	t.AllocatableMilliCPU, t.AllocatableMemoryMiB = cpu, mem
	c.types[rec[0]] = t
	return nil
}

func (c *Catalog) addService(rec []string) error {
	usd, err := parsePrice(rec[4], rec[0], rec[3])
	if err != nil {
		return err
	}
	p := Price{Service: rec[0], Item: rec[1], Region: rec[2], Unit: rec[3], USD: usd, Source: rec[5]}
	c.services[serviceKey{p.Service, p.Item, p.Region}] = p
	return nil
}

func (c *Catalog) addSpot(rec []string) error {
	return spotRow(c.spot.add(rec[0]), rec)
}

// spotRow adds a row of the spot advisor to its region's table (Linux rows
// only).
func spotRow(m map[string]SpotAdvice, rec []string) error {
	if rec[2] != "Linux" {
		return nil
	}
	pct, err := strconv.Atoi(rec[3])
	if err != nil || pct < -100 || pct > 100 { // the feed has a few negative savings (spot above on-demand)
		return fmt.Errorf("bad savings_pct %q", rec[3])
	}
	m[rec[1]] = SpotAdvice{SavingsPct: pct, InterruptionBucket: rec[4]}
	return nil
}

func (c *Catalog) addRDS(rec []string) error {
	usd, err := parsePrice(rec[4], "rds", "usd_per_hour")
	if err != nil {
		return err
	}
	c.rds[rdsKey{rec[0], rec[1], rec[2], rec[3]}] = Price{
		Service: "rds", Item: rec[1] + " " + rec[2] + " " + rec[3], Region: rec[0],
		Unit: "usd_per_hour", USD: usd, Source: rec[5],
	}
	return nil
}

// Regions lists the regions with EC2 prices, sorted.
func (c *Catalog) Regions() []string {
	out := make([]string, 0, len(c.ec2))
	for r := range c.ec2 {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// CheckRegion returns an error, with the closest known names, for a region
// the catalog does not know.
func (c *Catalog) CheckRegion(region string) error {
	if c.ec2[region] != nil {
		return nil
	}
	return &UnknownError{What: "region", Name: region, Suggestions: Closest(region, c.Regions(), 3)}
}

// InstanceTypes lists every known instance type, sorted by name.
func (c *Catalog) InstanceTypes() []InstanceType {
	out := make([]InstanceType, 0, len(c.types))
	for _, t := range c.types {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// InstanceType returns the facts for one type, or an error suggesting the
// closest names.
func (c *Catalog) InstanceType(name string) (InstanceType, error) {
	if t, ok := c.types[name]; ok {
		return t, nil
	}
	names := make([]string, 0, len(c.types))
	for n := range c.types {
		names = append(names, n)
	}
	return InstanceType{}, &UnknownError{What: "instance type", Name: name, Suggestions: Closest(name, names, 3)}
}

// OnDemand returns the Linux on-demand hourly price of an instance type.
func (c *Catalog) OnDemand(region, instanceType string) (Price, error) {
	if err := c.CheckRegion(region); err != nil {
		return Price{}, err
	}
	prices, err := c.ec2.get(region)
	if err != nil {
		return Price{}, err
	}
	usd, ok := prices[instanceType]
	if !ok {
		if _, err := c.InstanceType(instanceType); err != nil {
			return Price{}, err
		}
		return Price{}, &MissingPriceError{Region: region, Item: "ec2 " + instanceType + " on-demand Linux"}
	}
	return Price{Service: "ec2", Item: instanceType, Region: region, Unit: "usd_per_hour", USD: usd, Source: c.ec2Source}, nil
}

// SpotEstimate is an estimated spot price: on-demand less the Spot Instance
// Advisor's average saving for the type in the region. Real spot prices move
// hourly; this is an estimate, and is labelled as one.
type SpotEstimate struct {
	Price
	OnDemand decimal.Decimal `json:"onDemandUSD"`
	SpotAdvice
}

// Spot estimates the spot price of a type in a region.
func (c *Catalog) Spot(region, instanceType string) (SpotEstimate, error) {
	od, err := c.OnDemand(region, instanceType)
	if err != nil {
		return SpotEstimate{}, err
	}
	spot, err := c.spot.get(region)
	if err != nil {
		return SpotEstimate{}, err
	}
	adv, ok := spot[instanceType]
	if !ok {
		return SpotEstimate{}, &MissingPriceError{Region: region, Item: "spot advisor savings for " + instanceType}
	}
	factor := decimal.NewFromInt(int64(100 - adv.SavingsPct)).Div(decimal.NewFromInt(100))
	p := od
	p.Item = instanceType + " spot (estimate)"
	p.USD = od.USD.Mul(factor)
	p.Source = fmt.Sprintf("on-demand × (1 − %d%% Spot Instance Advisor average saving); estimate", adv.SavingsPct)
	return SpotEstimate{Price: p, OnDemand: od.USD, SpotAdvice: adv}, nil
}

// Service returns a service price such as ("nat_gateway", "gateway_hour",
// "us-east-1"). Items priced globally (Route 53) are found under "global".
func (c *Catalog) Service(service, item, region string) (Price, error) {
	if p, ok := c.services[serviceKey{service, item, region}]; ok {
		return p, nil
	}
	if p, ok := c.services[serviceKey{service, item, "global"}]; ok {
		return p, nil
	}
	if err := c.CheckRegion(region); err != nil {
		return Price{}, err
	}
	return Price{}, &MissingPriceError{Region: region, Item: service + " " + item}
}

// ServicePrices lists the service prices, optionally filtered by service
// and region (empty matches all), sorted by service, item, region.
func (c *Catalog) ServicePrices(service, region string) []Price {
	var out []Price
	for k, p := range c.services {
		if (service == "" || k.service == service) && (region == "" || k.region == region || k.region == "global") {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		if a.Item != b.Item {
			return a.Item < b.Item
		}
		return a.Region < b.Region
	})
	return out
}

// Services lists the distinct service names with prices.
func (c *Catalog) Services() []string {
	seen := map[string]bool{}
	for k := range c.services {
		seen[k.service] = true
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// RDS returns the hourly price of an RDS instance class for an engine
// ("postgres", "mysql", ...) and deployment ("single-az" or "multi-az").
func (c *Catalog) RDS(region, class, engine, deployment string) (Price, error) {
	if p, ok := c.rds[rdsKey{region, class, engine, deployment}]; ok {
		return p, nil
	}
	if err := c.CheckRegion(region); err != nil {
		return Price{}, err
	}
	return Price{}, &MissingPriceError{Region: region, Item: fmt.Sprintf("rds %s %s %s", class, engine, deployment)}
}

// MissingPriceError says that the catalog has no price for an item in a
// region. refit never prices such an item at zero.
type MissingPriceError struct {
	Region string
	Item   string
}

func (e *MissingPriceError) Error() string {
	return fmt.Sprintf("no price for %s in region %s (see `refit prices show`; add it with `refit prices update` or a --prices directory)", e.Item, e.Region)
}

// UnknownError is a name the catalog does not know, with suggestions.
type UnknownError struct {
	What        string
	Name        string
	Suggestions []string
}

func (e *UnknownError) Error() string {
	msg := fmt.Sprintf("unknown %s %q", e.What, e.Name)
	if len(e.Suggestions) > 0 {
		msg += "; did you mean " + strings.Join(quoteAll(e.Suggestions), ", ") + "?"
	}
	return msg
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}
