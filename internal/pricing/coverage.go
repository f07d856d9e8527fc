package pricing

import (
	"fmt"
	"io"
	"strings"
)

// ItemGroup is one column of the coverage table: service items the cost
// engine looks up, under one heading.
type ItemGroup struct {
	Heading string
	Service string
	Items   []string
}

// ModelledItems lists every regional service item the cost engine prices,
// grouped as the coverage table shows them.
var ModelledItems = []ItemGroup{
	{"EBS", "ebs", []string{"gp2_storage", "gp3_storage", "gp3_iops_above_3000", "gp3_throughput_above_125mibps", "io1_storage",
		"io1_iops", "io2_storage", "io2_iops_tier1_first_32000", "st1_storage", "sc1_storage",
		"standard_magnetic_storage", "snapshot_standard_storage", "snapshot_archive_storage"}},
	{"NAT gateway", "nat_gateway", []string{"gateway_hour", "data_processed"}},
	{"ALB", "elb_application", []string{"load_balancer_hour", "lcu_hour"}},
	{"NLB", "elb_network", []string{"load_balancer_hour", "nlcu_hour"}},
	{"Classic ELB", "elb_classic", []string{"load_balancer_hour", "data_processed"}},
	{"EKS", "eks", []string{"cluster_standard_support", "cluster_extended_support_total"}},
	{"Fargate", "fargate", []string{"linux_x86_vcpu_hour", "linux_x86_gb_hour", "linux_arm_vcpu_hour", "linux_arm_gb_hour", "ephemeral_storage_above_20gb"}},
	{"public IPv4", "vpc_public_ipv4", []string{"in_use_address_hour", "idle_address_hour"}},
	{"VPC endpoint", "vpc_endpoint", []string{"interface_endpoint_hour", "interface_data_processed"}},
	{"data transfer", "data_transfer", []string{"internet_out_first_10tb", "inter_az_each_direction"}},
}

// CommercialRegions lists the catalog's regions outside GovCloud, sorted.
func (c *Catalog) CommercialRegions() []string {
	var out []string
	for _, r := range c.Regions() {
		if !strings.HasPrefix(r, "us-gov-") {
			out = append(out, r)
		}
	}
	return out
}

// Missing lists the modelled items ("service item") the catalog has no
// price for in region.
func (c *Catalog) Missing(region string) []string {
	var out []string
	for _, g := range ModelledItems {
		for _, item := range g.Items {
			if _, ok := c.services[serviceKey{g.Service, item, region}]; !ok {
				out = append(out, g.Service+" "+item)
			}
		}
	}
	return out
}

// WriteCoverage writes the region × service coverage of the catalog as a
// Markdown table: ✓ where every modelled item of a column has a price, n/m
// where some do, – where none does (those are estimated from the nearest
// region, see docs/pricing.md). EC2 and spot columns count instance types.
func (c *Catalog) WriteCoverage(w io.Writer, regions []string) error {
	var b strings.Builder
	b.WriteString("| region | EC2 types | spot advice |")
	for _, g := range ModelledItems {
		b.WriteString(" " + g.Heading + " |")
	}
	b.WriteString("\n|---|---:|---:|")
	for range ModelledItems {
		b.WriteString(":---:|")
	}
	b.WriteString("\n")
	for _, r := range regions {
		ec2, err := c.ec2.get(r)
		if err != nil {
			return err
		}
		spot, err := c.spot.get(r)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "| %s | %d | %d |", r, len(ec2), len(spot))
		for _, g := range ModelledItems {
			have := 0
			for _, item := range g.Items {
				if _, ok := c.services[serviceKey{g.Service, item, r}]; ok {
					have++
				}
			}
			switch have {
			case len(g.Items):
				b.WriteString(" ✓ |")
			case 0:
				b.WriteString(" – |")
			default:
				fmt.Fprintf(&b, " %d/%d |", have, len(g.Items))
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
