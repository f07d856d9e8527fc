package live

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestActive(t *testing.T) {
	for _, tt := range []struct {
		o    Options
		want bool
	}{
		{Options{}, false},
		{Options{Profile: "p", Regions: []string{"eu-west-1"}, Kubeconfig: "k"}, false},
		{Options{AWS: true}, true},
		{Options{Kube: true}, true},
	} {
		if got := tt.o.Active(); got != tt.want {
			t.Errorf("%+v.Active() = %v, want %v", tt.o, got, tt.want)
		}
	}
}

func TestLoad(t *testing.T) {
	var warn bytes.Buffer
	e, cluster, err := Load(context.Background(), Options{}, &warn)
	if err != nil || e == nil || cluster != nil || warn.Len() != 0 {
		t.Errorf("no sources: estate %v, cluster %v, err %v, warnings %q", e, cluster, err, warn.String())
	}
	_, _, err = Load(context.Background(), Options{Kube: true, Kubeconfig: "/nonexistent/kubeconfig"}, &warn)
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/kubeconfig") {
		t.Errorf("a missing kubeconfig: error %v, want one naming it", err)
	}
}
