package report

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/refit-dev/refit/internal/cost"
)

// ReadCostFile reads a report saved from `refit cost -o json` (for `cost
// diff`). ok is false when path is not one: not named .json, or JSON
// without totalMonthlyCost; the caller then prices it as an input.
func ReadCostFile(path string) (b *cost.Breakdown, ok bool, err error) {
	if !strings.HasSuffix(strings.ToLower(path), ".json") {
		return nil, false, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, true, err
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(data, &probe) == nil {
		if _, ok := probe["totalMonthlyCost"]; ok {
			var v CostView
			if err := json.Unmarshal(data, &v); err != nil {
				return nil, true, fmt.Errorf("%s: not a refit cost report: %w", path, err)
			}
			return v.Breakdown(), true, nil
		}
	}
	return nil, false, nil
}
