package pricing

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
)

// UsageType is one row of refit's usage-type table (usagetypes.csv): an AWS
// usage type, as bills and the Price List name it, and what refit makes of
// it. The Price List reader (offers.go) prices the catalog's service rows
// from it; billing's tests check that bill lines of each usage type are
// classified in its Component. To price a new usage type, add a row.
type UsageType struct {
	// UsageType is the usage type without its region prefix
	// ("NatGateway-Hours" for "USE2-NatGateway-Hours").
	UsageType string
	// ProductFamily is the Price List product family, set when the usage
	// type alone is ambiguous: the three kinds of load balancer share theirs.
	ProductFamily string
	// Attribute, "name=value", is a Price List attribute that identifies
	// the product in its family instead of the usage type (EBS volumes by
	// volumeApiName).
	Attribute string
	// Product is the product code, on bills and of the offer file.
	Product string
	// Service, Item and Unit are the catalog row (service_prices.csv).
	Service, Item, Unit string
	// Component is the cost component (internal/cost) of the usage.
	Component string
}

//go:embed usagetypes.csv
var usageTypesCSV string

// usageTypes is the table, parsed once; it is embedded and tested, so a
// malformed table is a build-time mistake.
var usageTypes = mustParseUsageTypes(usageTypesCSV)

// UsageTypes returns a copy of the usage-type table, in file order.
func UsageTypes() []UsageType { return append([]UsageType(nil), usageTypes...) }

func mustParseUsageTypes(data string) []UsageType {
	rows, err := parseUsageTypes(data)
	if err != nil {
		panic(err)
	}
	return rows
}

var usageTypesHeader = []string{"usage_type", "product_family", "attribute", "product", "service", "item", "unit", "component"}

func parseUsageTypes(data string) ([]UsageType, error) {
	recs, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("usagetypes.csv: %w", err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(usageTypesHeader, ",") {
		return nil, fmt.Errorf("usagetypes.csv:1: header is not %s", strings.Join(usageTypesHeader, ","))
	}
	seen := map[string]int{}
	var out []UsageType
	for i, r := range recs[1:] {
		line := i + 2
		u := UsageType{r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]}
		if u.UsageType == "" || u.Product == "" || u.Service == "" || u.Item == "" || u.Unit == "" || u.Component == "" {
			return nil, fmt.Errorf("usagetypes.csv:%d: only product_family and attribute may be empty", line)
		}
		if u.Attribute != "" && (u.ProductFamily == "" || !strings.Contains(u.Attribute, "=")) {
			return nil, fmt.Errorf("usagetypes.csv:%d: attribute %q needs a product family and the form name=value", line, u.Attribute)
		}
		k := u.offerKey()
		if prev, ok := seen[k]; ok {
			return nil, fmt.Errorf("usagetypes.csv:%d: %s is already on line %d", line, k, prev)
		}
		seen[k] = line
		out = append(out, u)
	}
	return out, nil
}

// offerKey is how a Price List product finds its row: by attribute within
// the family, by usage type within the family, or by usage type alone.
func (u UsageType) offerKey() string {
	switch {
	case u.Attribute != "":
		return u.ProductFamily + "|" + u.Attribute
	case u.ProductFamily != "":
		return u.ProductFamily + "|" + u.UsageType
	}
	return u.UsageType
}

// offerUsage indexes the table for offers.go's classify.
var offerUsage = func() (idx struct {
	byKey      map[string]UsageType
	families   map[string]bool   // families whose usage types are qualified by them
	attributes map[string]string // family -> attribute name that identifies its products
}) {
	idx.byKey = map[string]UsageType{}
	idx.families = map[string]bool{}
	idx.attributes = map[string]string{}
	for _, u := range usageTypes {
		idx.byKey[u.offerKey()] = u
		switch {
		case u.Attribute != "":
			name, _, _ := strings.Cut(u.Attribute, "=")
			idx.attributes[u.ProductFamily] = name
		case u.ProductFamily != "":
			idx.families[u.ProductFamily] = true
		}
	}
	return idx
}()

// lookupOfferUsage finds the row of a Price List product from its family,
// its usage type (region prefix removed) and its attributes.
func lookupOfferUsage(family, usage string, attrs map[string]string) (UsageType, bool) {
	key := usage
	if name, ok := offerUsage.attributes[family]; ok && attrs[name] != "" {
		key = family + "|" + name + "=" + attrs[name]
	} else if offerUsage.families[family] {
		key = family + "|" + usage
	}
	u, ok := offerUsage.byKey[key]
	return u, ok
}
