package pricing

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/shopspring/decimal"
)

// Price List bulk offer files (AWS Price List API, "bulk API"), as documented
// in https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-an-offer.html:
//
//	{"formatVersion": "v1.0", "offerCode": "AmazonEC2", "version": "...",
//	 "publicationDate": "...",
//	 "products": {SKU: {"sku", "productFamily", "attributes": {...}}},
//	 "terms": {"OnDemand": {SKU: {termCode: {"priceDimensions": {rateCode:
//	     {"unit", "pricePerUnit": {"USD": "..."}, "description",
//	      "beginRange", "endRange"}}}}}, "Reserved": {...}}}
//
// Offer files run to gigabytes, so they are read token by token with
// encoding/json's Decoder: one product or one SKU's terms is decoded at a
// time, and everything refit does not price (Reserved terms, other
// operating systems, ...) is skipped without being kept.

// UpdateSummary reports what UpdateFromOffers did.
type UpdateSummary struct {
	// Offers lists the offer files read, in the order read.
	Offers []OfferFile `json:"offers"`
	// Rows counts the rows taken from offers, per catalog file.
	Rows map[string]int `json:"rows"`
	// Rebuilt lists the catalog files written with rows from offers.
	Rebuilt []string `json:"rebuilt"`
	// Copied lists the files copied unchanged from the embedded catalog.
	Copied []string `json:"copied"`
	// Conflicts lists keys that two offer products priced differently;
	// the first price read is kept.
	Conflicts []string `json:"conflicts,omitempty"`
}

// OfferFile describes one offer file read by UpdateFromOffers.
type OfferFile struct {
	Path            string `json:"path"`
	OfferCode       string `json:"offerCode"`
	Version         string `json:"version"`
	PublicationDate string `json:"publicationDate"`
	Products        int    `json:"products"`
	Matched         int    `json:"matched"`
	Priced          int    `json:"priced"`
}

// UpdateFromOffers rebuilds the catalog from the AWS Price List offer files
// (*.json) found under offerDir and writes it to outDir; see UpdateFromFiles.
func UpdateFromOffers(offerDir, outDir string) (UpdateSummary, error) {
	var paths []string
	err := filepath.WalkDir(offerDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".json") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return UpdateSummary{Rows: map[string]int{}}, fmt.Errorf("reading offers: %w", err)
	}
	if len(paths) == 0 {
		return UpdateSummary{Rows: map[string]int{}}, fmt.Errorf("%s: no offer files (*.json)", offerDir)
	}
	sort.Strings(paths)
	return UpdateFromFiles(paths, outDir)
}

// UpdateFromFiles rebuilds the catalog from AWS Price List offer files and
// writes it to outDir. It understands the AmazonEC2 offer (Linux on-demand
// instances, EBS volumes and snapshots, NAT gateways, load balancers, public
// IPv4), AWSELB, AmazonVPC (public IPv4), AmazonEKS (cluster hours),
// AmazonECS (Fargate), AmazonRDS (PostgreSQL and MySQL instances, gp2/gp3
// storage) and AmazonCloudWatch (alarms): EC2 and RDS instances by their
// attributes, everything else by the usage-type table (usagetypes.csv).
//
// The new catalog is the current one merged with the offers' rows: the
// current one is the catalog already in outDir, if any, file by file over
// the embedded catalog. Rows from offers replace the current rows with the
// same key (for EC2, every current row of a region the offers price); the
// other rows are kept, and files the offers do not touch are copied.
//
// Every price read is checked (sanity.go): one that is not a number, is
// negative or is implausible fails the update, naming the offer file, line
// and SKU. The new catalog is built in a directory beside outDir, checked
// with Load, and renamed into place whole; on any error outDir is left as it
// was.
func UpdateFromFiles(paths []string, outDir string) (UpdateSummary, error) {
	sum := UpdateSummary{Rows: map[string]int{}}
	base, err := currentCatalog(outDir)
	if err != nil {
		return sum, err
	}
	col := newCollector()
	for _, p := range paths {
		open := func() (io.ReadCloser, error) { return os.Open(p) }
		info, err := readOffer(p, open, col)
		if err != nil {
			return sum, err
		}
		sum.Offers = append(sum.Offers, info)
	}
	col.finish()
	sum.Conflicts = col.conflicts

	files, err := col.render(base, &sum)
	if err != nil {
		return sum, err
	}
	if err := ReplaceCatalog(outDir, files); err != nil {
		return sum, err
	}
	return sum, nil
}

// Catalog row kinds produced from offers.
const (
	kindEC2 = iota + 1
	kindService
	kindRDS
)

// target is what an offer product prices in the catalog.
type target struct {
	kind    int
	region  string
	name    string // instance type, service item or RDS class
	service string // kindService
	unit    string // kindService
	engine  string // kindRDS
	deploy  string // kindRDS
}

func (t target) key() string {
	switch t.kind {
	case kindEC2:
		return "ec2 " + t.region + " " + t.name
	case kindRDS:
		return "rds " + t.region + " " + t.name + " " + t.engine + " " + t.deploy
	}
	return t.service + " " + t.name + " " + t.region
}

// checkService and checkUnit are the service and unit whose limit
// (sanity.go) applies to the target's price.
func (t target) checkService() string {
	switch t.kind {
	case kindEC2:
		return "ec2"
	case kindRDS:
		return "rds"
	}
	return t.service
}

func (t target) checkUnit() string {
	if t.kind == kindService {
		return t.unit
	}
	return "usd_per_hour"
}

type offerProduct struct {
	SKU           string            `json:"sku"`
	ProductFamily string            `json:"productFamily"`
	Attributes    map[string]string `json:"attributes"`
}

type offerTerm struct {
	PriceDimensions map[string]offerDimension `json:"priceDimensions"`
}

type offerDimension struct {
	Unit         string            `json:"unit"`
	PricePerUnit map[string]string `json:"pricePerUnit"`
	Description  string            `json:"description"`
	BeginRange   string            `json:"beginRange"`
	EndRange     string            `json:"endRange"`
}

// regionPrefix matches the region prefix of a usage type ("USE2", "EU",
// "APS3", "UGW1"); "TS" (trust store) and other short words do not match.
var regionPrefix = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(US|EU|AP|CA|SA|ME|AF|IL|MX|UG|CN)[A-Z]{0,2}[0-9]{0,2}$`)
})

// usageType returns the usage type without its region prefix:
// "USE2-NatGateway-Hours" and "NatGateway-Hours" both give "NatGateway-Hours".
func usageType(attrs map[string]string) string {
	u := attrs["usagetype"]
	if p, rest, ok := strings.Cut(u, "-"); ok && regionPrefix().MatchString(p) {
		return rest
	}
	return u
}

// classify says what a product prices in the catalog, if anything.
func classify(p offerProduct) (target, bool) {
	a := p.Attributes
	region := a["regionCode"]
	if region == "" {
		return target{}, false
	}
	if lt := a["locationType"]; lt != "" && lt != "AWS Region" {
		return target{}, false // Local Zones, Wavelength, Outposts
	}
	fam := p.ProductFamily
	switch {
	case strings.HasPrefix(fam, "Compute Instance"):
		if a["operatingSystem"] != "Linux" || a["tenancy"] != "Shared" || a["preInstalledSw"] != "NA" ||
			a["capacitystatus"] != "Used" || a["licenseModel"] != "No License required" || a["instanceType"] == "" {
			return target{}, false
		}
		return target{kind: kindEC2, region: region, name: a["instanceType"]}, true
	case fam == "Database Instance":
		engine := map[string]string{"PostgreSQL": "postgres", "MySQL": "mysql"}[a["databaseEngine"]]
		deploy := map[string]string{"Single-AZ": "single-az", "Multi-AZ": "multi-az"}[a["deploymentOption"]]
		if engine == "" || deploy == "" || a["instanceType"] == "" ||
			(a["licenseModel"] != "" && a["licenseModel"] != "No license required") {
			return target{}, false
		}
		return target{kind: kindRDS, region: region, name: a["instanceType"], engine: engine, deploy: deploy}, true
	}
	// The usage-type table (usagetypes.csv) says which service item the
	// product prices. Its RDS storage rows are Single-AZ prices.
	s, ok := lookupOfferUsage(fam, usageType(a), a)
	if !ok || (s.Product == "AmazonRDS" && a["deploymentOption"] != "" && a["deploymentOption"] != "Single-AZ") {
		return target{}, false
	}
	return target{kind: kindService, region: region, service: s.Service, name: s.Item, unit: s.Unit}, true
}

// pickPrice chooses the price among a SKU's on-demand dimensions: the
// lowest tier (smallest beginRange) with a non-zero price, so that free-tier
// allowances priced at zero are passed over; zero if every tier is zero.
// A USD price that is not a number or is negative is an error.
func pickPrice(terms map[string]offerTerm) (usd decimal.Decimal, raw string, ok bool, err error) {
	type dim struct {
		begin decimal.Decimal
		usd   decimal.Decimal
		raw   string
	}
	var dims []dim
	for _, t := range terms {
		for _, d := range t.PriceDimensions {
			s, ok := d.PricePerUnit["USD"]
			if !ok {
				continue
			}
			usd, err := parseNumber(s)
			if err != nil {
				return usd, s, false, err
			}
			if usd.IsNegative() {
				return usd, s, false, fmt.Errorf("negative price %q", s)
			}
			begin, err := decimal.NewFromString(d.BeginRange)
			if err != nil {
				begin = decimal.Zero
			}
			dims = append(dims, dim{begin, usd, s})
		}
	}
	if len(dims) == 0 {
		return decimal.Decimal{}, "", false, nil
	}
	sort.Slice(dims, func(i, j int) bool {
		if c := dims[i].begin.Cmp(dims[j].begin); c != 0 {
			return c < 0
		}
		return dims[i].usd.LessThan(dims[j].usd)
	})
	for _, d := range dims {
		if !d.usd.IsZero() {
			return d.usd, d.raw, true, nil
		}
	}
	return decimal.Zero, "0", true, nil
}

// collector gathers priced rows from all offer files.
type collector struct {
	rows      map[string]offerRow
	order     []string
	conflicts []string
}

type offerRow struct {
	target
	usd    decimal.Decimal
	source string
}

func newCollector() *collector { return &collector{rows: map[string]offerRow{}} }

func (c *collector) add(t target, usd decimal.Decimal, source string) {
	k := t.key()
	if old, ok := c.rows[k]; ok {
		if !old.usd.Equal(usd) {
			c.conflicts = append(c.conflicts, fmt.Sprintf("%s: %s (%s) and %s (%s)", k, old.usd, old.source, usd, source))
		}
		return
	}
	c.rows[k] = offerRow{t, usd, source}
	c.order = append(c.order, k)
}

// finish derives the EKS extended-support total (standard + extended
// surcharge, the two Price List usage types) where offers gave both.
func (c *collector) finish() {
	for _, k := range append([]string(nil), c.order...) {
		r := c.rows[k]
		if r.kind != kindService || r.service != "eks" || r.name != "cluster_extended_support_surcharge" {
			continue
		}
		std, ok := c.rows[target{kind: kindService, service: "eks", name: "cluster_standard_support", region: r.region}.key()]
		if !ok {
			continue
		}
		t := r.target
		t.name = "cluster_extended_support_total"
		c.add(t, std.usd.Add(r.usd), std.source+" (AmazonEKS-Hours:perCluster + AmazonEKS-Hours:extendedSupport)")
	}
}

// readOffer streams one offer file into col. open is called once, or twice
// when the file lists its terms before its products.
func readOffer(name string, open func() (io.ReadCloser, error), col *collector) (OfferFile, error) {
	info := OfferFile{Path: name}
	want := map[string]target{} // SKU -> what it prices
	termsPending := false
	for pass := 1; pass <= 2; pass++ {
		if pass == 2 && !termsPending {
			break
		}
		rc, err := open()
		if err != nil {
			return info, err
		}
		err = scanOffer(rc, &info, want, col, pass, &termsPending)
		rc.Close()
		if err != nil {
			return info, offerError(name, open, err)
		}
	}
	if info.OfferCode == "" {
		return info, fmt.Errorf("%s:1: not an AWS Price List offer file (no offerCode)", name)
	}
	return info, nil
}

// errAt is an error at a byte offset of an offer file.
type errAt struct {
	off int64
	err error
}

func (e *errAt) Error() string { return e.err.Error() }
func (e *errAt) Unwrap() error { return e.err }

// offerError turns an error at a byte offset into "file:line: message".
func offerError(name string, open func() (io.ReadCloser, error), err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var ea *errAt
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &ea):
		off = ea.off
	}
	line := 1
	if off >= 0 {
		if rc, oerr := open(); oerr == nil {
			line = lineAt(rc, off)
			rc.Close()
		}
	}
	return fmt.Errorf("%s:%d: %w", name, line, err)
}

// lineAt returns the 1-based line number of byte offset off.
func lineAt(r io.Reader, off int64) int {
	line := 1
	br := bufio.NewReader(io.LimitReader(r, off))
	for {
		b, err := br.ReadByte()
		if err != nil {
			return line
		}
		if b == '\n' {
			line++
		}
	}
}

// scanOffer reads the top-level object of an offer file. In pass 1 it reads
// the header fields and products, and the terms if products came first; in
// pass 2 it reads only the terms.
func scanOffer(r io.Reader, info *OfferFile, want map[string]target, col *collector, pass int, termsPending *bool) error {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	fail := func(err error) error { return &errAt{dec.InputOffset(), err} }
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	productsSeen := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		switch {
		case pass == 1 && (key == "offerCode" || key == "version" || key == "publicationDate"):
			var s string
			if err := dec.Decode(&s); err != nil {
				return fail(fmt.Errorf("%s: %w", key, err))
			}
			switch key {
			case "offerCode":
				info.OfferCode = s
			case "version":
				info.Version = s
			default:
				info.PublicationDate = s
			}
		case pass == 1 && key == "products":
			productsSeen = true
			if err := scanProducts(dec, info, want); err != nil {
				return err
			}
		case key == "terms" && (pass == 2 || productsSeen):
			if err := scanTerms(dec, info, want, col); err != nil {
				return err
			}
		case key == "terms":
			*termsPending = true
			if err := skipValue(dec); err != nil {
				return err
			}
		default:
			if err := skipValue(dec); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil { // closing brace
		return err
	}
	return nil
}

func scanProducts(dec *json.Decoder, info *OfferFile, want map[string]target) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		sku, _ := tok.(string)
		var p offerProduct
		if err := dec.Decode(&p); err != nil {
			return &errAt{dec.InputOffset(), fmt.Errorf("product %s: %w", sku, err)}
		}
		info.Products++
		if p.SKU == "" {
			p.SKU = sku
		}
		if t, ok := classify(p); ok {
			want[p.SKU] = t
			info.Matched++
		}
	}
	_, err := dec.Token()
	return err
}

func scanTerms(dec *json.Decoder, info *OfferFile, want map[string]target, col *collector) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	source := fmt.Sprintf("AWS Price List %s %s %s", info.OfferCode, info.Version, info.PublicationDate)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if kind, _ := tok.(string); kind != "OnDemand" {
			if err := skipValue(dec); err != nil {
				return err
			}
			continue
		}
		if err := expectDelim(dec, '{'); err != nil {
			return err
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			sku, _ := tok.(string)
			t, ok := want[sku]
			if !ok {
				if err := skipValue(dec); err != nil {
					return err
				}
				continue
			}
			var terms map[string]offerTerm
			if err := dec.Decode(&terms); err != nil {
				return &errAt{dec.InputOffset(), fmt.Errorf("terms of %s: %w", sku, err)}
			}
			usd, raw, ok, err := pickPrice(terms)
			if err == nil && ok {
				err = checkPrice(usd, raw, t.checkService(), t.checkUnit())
			}
			if err != nil {
				return &errAt{dec.InputOffset(), fmt.Errorf("SKU %s (%s): %w", sku, t.key(), err)}
			}
			if ok {
				col.add(t, usd, source)
				info.Priced++
			}
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	off := dec.InputOffset()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return &errAt{off, fmt.Errorf("expected %q, found %v", want, tok)}
	}
	return nil
}

// skipValue consumes one JSON value without keeping it.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// render builds every catalog file: embedded rows merged with offer rows
// for the files offers touch, embedded bytes for the others.
func (c *collector) render(base fs.FS, sum *UpdateSummary) (map[string][]byte, error) {
	byFile := map[string][]offerRow{}
	for _, k := range c.order {
		r := c.rows[k]
		switch r.kind {
		case kindEC2:
			byFile[FileEC2OnDemand] = append(byFile[FileEC2OnDemand], r)
		case kindRDS:
			byFile[FileRDS] = append(byFile[FileRDS], r)
		default:
			byFile[FileServices] = append(byFile[FileServices], r)
		}
	}
	out := map[string][]byte{}
	entries, err := fs.ReadDir(base, ".")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		if _, ok := byFile[name]; ok {
			continue
		}
		data, err := fs.ReadFile(base, name)
		if err != nil {
			return nil, err
		}
		out[name] = data
		sum.Copied = append(sum.Copied, name)
	}
	for _, name := range []string{FileEC2OnDemand, FileServices, FileRDS} {
		rows, ok := byFile[name]
		if !ok {
			continue
		}
		data, err := mergeCSV(base, name, rows)
		if err != nil {
			return nil, err
		}
		out[name] = data
		sum.Rows[name] = len(rows)
		sum.Rebuilt = append(sum.Rebuilt, name)
	}
	return out, nil
}

// mergeCSV merges offer rows into the embedded file name (which may be
// absent, for rds_instances.csv) and returns the new file, sorted.
func mergeCSV(base fs.FS, name string, rows []offerRow) ([]byte, error) {
	var header []string
	var keyFields int // leading columns that make a row's key
	var toRecord func(offerRow) []string
	dropRegion := map[string]bool{} // EC2: regions whose embedded rows all go
	switch name {
	case FileEC2OnDemand:
		header, keyFields = []string{"region", "instance_type", "usd_per_hour"}, 2
		// An offer for a region replaces that region's whole price list.
		for _, r := range rows {
			dropRegion[r.region] = true
		}
		toRecord = func(r offerRow) []string { return []string{r.region, r.name, r.usd.String()} }
	case FileServices:
		header, keyFields = []string{"service", "item", "region", "unit", "usd", "source"}, 3
		toRecord = func(r offerRow) []string {
			return []string{r.service, r.name, r.region, r.unit, r.usd.String(), r.source}
		}
	case FileRDS:
		header, keyFields = []string{"region", "instance_class", "engine", "deployment", "usd_per_hour", "source"}, 4
		toRecord = func(r offerRow) []string {
			return []string{r.region, r.name, r.engine, r.deploy, r.usd.String(), r.source}
		}
	default:
		return nil, fmt.Errorf("pricing: cannot merge %s", name)
	}
	keyOf := func(rec []string) string { return strings.Join(rec[:keyFields], "\x00") }
	merged := map[string][]string{}
	for _, r := range rows {
		rec := toRecord(r)
		merged[keyOf(rec)] = rec
	}
	if f, err := base.Open(name); err == nil {
		cr := csv.NewReader(f)
		cr.FieldsPerRecord = -1
		recs, err := cr.ReadAll()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("embedded %s: %w", name, err)
		}
		if len(recs) > 0 && len(recs[0]) >= len(header) {
			header = recs[0]
			for _, rec := range recs[1:] {
				if len(rec) < len(header) || (name == FileEC2OnDemand && dropRegion[rec[0]]) {
					continue
				}
				if _, ok := merged[keyOf(rec)]; !ok {
					merged[keyOf(rec)] = rec
				}
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	keys := make([]string, 0, len(merged))
	for k := range merged {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		return nil, err
	}
	for _, k := range keys {
		rec := merged[k]
		if len(rec) < len(header) { // offer rows have no extra columns
			rec = append(rec, make([]string, len(header)-len(rec))...)
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
