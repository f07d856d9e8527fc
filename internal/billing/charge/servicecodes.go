package charge

import "maps"

// ServiceCodes is the table behind ServiceCode: lower-cased service names
// (FOCUS ServiceName, CUR product/ProductName) to product codes. Engines
// that classify elsewhere (Athena's SQL) map names with it as ServiceCode
// does. The map is a copy.
func ServiceCodes() map[string]string { return maps.Clone(serviceCodes) }
