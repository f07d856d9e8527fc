package convert

import (
	"testing"

	"github.com/refit-dev/refit/internal/kubeapi"
)

// The converter's release numbers must agree with the API table that
// `migrate check` reports from.
func TestTableAgreesWithAPITable(t *testing.T) {
	apis, err := kubeapi.LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range table {
		for _, from := range c.From {
			for _, kind := range c.Kinds {
				api, ok := apis.Lookup(from, kind)
				if !ok {
					continue // a combination that never existed (extensions/v1beta1 StatefulSet)
				}
				if api.RemovedIn != c.Removed {
					t.Errorf("%s %s: removed in %s here, %s in the API table", from, kind, c.Removed, api.RemovedIn)
				}
				if !c.NoReplacement && api.Replacement != c.To && apis.ReplacementAt(api, kubeapi.Newest) != c.To {
					t.Errorf("%s %s: converted to %s, the API table says %s", from, kind, c.To, api.Replacement)
				}
			}
		}
	}
}
