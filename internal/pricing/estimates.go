package pricing

// ServicePricesEstimated lists the prices of service in region (of item
// only, when item is not ""), followed by the items the catalog has
// elsewhere but not in region, at the price cost would estimate them at
// (EstimatedFrom set).
func (c *Catalog) ServicePricesEstimated(service, item, region string) []Price {
	var ps []Price
	have := map[string]bool{}
	for _, p := range c.ServicePrices(service, region) {
		if item == "" || p.Item == item {
			ps = append(ps, p)
			have[p.Item] = true
		}
	}
	// Items the catalog has elsewhere but not here: what cost
	// would estimate them at, marked as estimates.
	for _, p := range c.ServicePrices(service, "") {
		if have[p.Item] || (item != "" && p.Item != item) {
			continue
		}
		have[p.Item] = true
		est, err := c.Estimated(region, func(r string) (Price, error) { return c.Service(service, p.Item, r) })
		if err == nil && est.EstimatedFrom != "" {
			ps = append(ps, est)
		}
	}
	return ps
}
