package charge

// ServiceCodes is the table behind ServiceCode: lower-cased service names
// (FOCUS ServiceName, CUR product/ProductName) to product codes. Engines
// that classify elsewhere (Athena's SQL) map names with it as ServiceCode
// does. The map is a copy.
func ServiceCodes() map[string]string {
	out := make(map[string]string, len(serviceCodes))
	for n, c := range serviceCodes {
		out[n] = c
	}
	return out
}
