package pricing

import (
	"strings"
	"testing"
)

// TestUsageTypesPriceOffers checks that a Price List product of each row of
// the usage-type table is priced as the row says.
func TestUsageTypesPriceOffers(t *testing.T) {
	if len(UsageTypes()) == 0 {
		t.Fatal("empty usage-type table")
	}
	for _, u := range UsageTypes() {
		attrs := map[string]string{"regionCode": "us-east-2", "usagetype": "USE2-" + u.UsageType}
		if u.Attribute != "" {
			name, value, _ := strings.Cut(u.Attribute, "=")
			attrs[name] = value
		}
		got, ok := classify(offerProduct{SKU: "X", ProductFamily: u.ProductFamily, Attributes: attrs})
		want := target{kind: kindService, region: "us-east-2", service: u.Service, name: u.Item, unit: u.Unit}
		if !ok || got != want {
			t.Errorf("%s (%s): classify = %+v, %v; want %+v", u.UsageType, u.ProductFamily, got, ok, want)
		}
		if l := limitFor(u.Service, u.Unit); l.unit != u.Unit {
			t.Errorf("%s: unit %q has no price limit (sanity.go)", u.UsageType, u.Unit)
		}
	}
}

// TestUsageTypesQualified checks the table's qualifiers: a load balancer's
// usage type means nothing without its family, an EBS volume is found by its
// API name whatever its usage type.
func TestUsageTypesQualified(t *testing.T) {
	tests := []struct {
		family, usage string
		attrs         map[string]string
		want          string // service item, "" for no row
	}{
		{"Load Balancer-Application", "LCUUsage", nil, "elb_application lcu_hour"},
		{"Load Balancer-Network", "LCUUsage", nil, "elb_network nlcu_hour"},
		{"", "LCUUsage", nil, ""},
		{"Load Balancer-Gateway", "LCUUsage", nil, ""},
		{"Storage", "EBS:VolumeUsage.whatever", map[string]string{"volumeApiName": "gp3"}, "ebs gp3_storage"},
		{"Storage", "EBS:VolumeUsage.gp3", map[string]string{"volumeApiName": "gp9"}, ""},
		{"", "EBS:VolumeUsage.gp3", nil, ""},
		{"", "NatGateway-Hours", nil, "nat_gateway gateway_hour"},
	}
	for _, tt := range tests {
		u, ok := lookupOfferUsage(tt.family, tt.usage, tt.attrs)
		got := ""
		if ok {
			got = u.Service + " " + u.Item
		}
		if got != tt.want {
			t.Errorf("lookupOfferUsage(%q, %q, %v) = %q, want %q", tt.family, tt.usage, tt.attrs, got, tt.want)
		}
	}
}

func TestParseUsageTypesErrors(t *testing.T) {
	header := strings.Join(usageTypesHeader, ",") + "\n"
	for _, tt := range []struct{ data, want string }{
		{"a,b\n", "usagetypes.csv:1: header"},
		{header + "X,,,AmazonEC2,s,i,,c\n", "usagetypes.csv:2: only"},
		{header + "X,,a=b,AmazonEC2,s,i,u,c\n", "usagetypes.csv:2: attribute"},
		{header + "X,,,P,s,i,u,c\nX,,,P,s,j,u,c\n", "usagetypes.csv:3: X is already on line 2"},
	} {
		if _, err := parseUsageTypes(tt.data); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseUsageTypes(%q) = %v, want %q", tt.data, err, tt.want)
		}
	}
}
