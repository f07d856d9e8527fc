package cost

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/yamldoc"
)

// Usage holds the assumptions for what a configuration cannot tell: traffic
// through NAT gateways and load balancers, data transfer, and the volume type
// of claims with no known storage class. Every figure is per month unless
// named otherwise, and every one used is listed in the Breakdown's
// assumptions. Defaults are deliberately zero for traffic: refit does not
// guess traffic; set it from your bill or metrics with --usage FILE.
type Usage struct {
	NATGateway struct {
		// DataProcessedGB is the GB processed by each NAT gateway per month.
		DataProcessedGB float64 `yaml:"dataProcessedGB" json:"dataProcessedGB"`
	} `yaml:"natGateway" json:"natGateway"`
	LoadBalancer struct {
		// ALBLCUs is the average number of LCUs each ALB uses per hour.
		ALBLCUs float64 `yaml:"albLCUs" json:"albLCUs"`
		// NLBNLCUs is the average number of NLCUs each NLB uses per hour.
		NLBNLCUs float64 `yaml:"nlbNLCUs" json:"nlbNLCUs"`
		// CLBDataProcessedGB is the GB each Classic ELB processes per month.
		CLBDataProcessedGB float64 `yaml:"clbDataProcessedGB" json:"clbDataProcessedGB"`
		// Zones is how many zones (and so public IPv4 addresses) each
		// internet-facing load balancer spans.
		Zones int `yaml:"zones" json:"zones"`
	} `yaml:"loadBalancer" json:"loadBalancer"`
	DataTransfer struct {
		// InternetOutGB is data transfer out to the internet per month
		// (first 10 TB tier; AWS's free 100 GB is not deducted).
		InternetOutGB float64 `yaml:"internetOutGB" json:"internetOutGB"`
		// InterAZGB is data crossing zones per month; billed on each side.
		InterAZGB float64 `yaml:"interAZGB" json:"interAZGB"`
	} `yaml:"dataTransfer" json:"dataTransfer"`
	Storage struct {
		// DefaultVolumeType is the EBS type of claims whose storage class is
		// not in the input: gp2, as EKS's pre-created "gp2" default class.
		DefaultVolumeType string `yaml:"defaultVolumeType" json:"defaultVolumeType"`
	} `yaml:"storage" json:"storage"`
	// Origin is the file the usage came from ("" for defaults).
	Origin string `yaml:"-" json:"-"`
}

// DefaultUsage returns refit's documented defaults.
func DefaultUsage() Usage {
	var u Usage
	u.LoadBalancer.Zones = 2
	u.Storage.DefaultVolumeType = "gp2"
	return u
}

// LoadUsage reads a usage YAML file over the defaults. Unknown keys and
// negative figures are errors naming the file and line.
func LoadUsage(path string) (Usage, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Usage{}, err
	}
	return ParseUsage(path, data)
}

// Bounds on usage figures: far above any real cluster's month, low enough
// that no price times them loses meaning.
const (
	maxUsageGB   = 1e12 // GB a month: an exabyte
	maxUsageLCUs = 1e9  // LCUs an hour
	maxUsageZone = 64
)

// ParseUsage is LoadUsage on bytes. Every figure must be a finite,
// non-negative number within its bound; errors name the file and line.
func ParseUsage(name string, data []byte) (Usage, error) {
	u := DefaultUsage()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&u); err != nil && err.Error() != "EOF" {
		return Usage{}, yamldoc.WrapError(name, 0, err)
	}
	u.Origin = name
	var root yaml.Node
	_ = yaml.Unmarshal(data, &root) // it decoded above: only lines are read
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	for _, f := range []struct {
		path []string
		v    float64
		max  float64
	}{
		{[]string{"natGateway", "dataProcessedGB"}, u.NATGateway.DataProcessedGB, maxUsageGB},
		{[]string{"loadBalancer", "albLCUs"}, u.LoadBalancer.ALBLCUs, maxUsageLCUs},
		{[]string{"loadBalancer", "nlbNLCUs"}, u.LoadBalancer.NLBNLCUs, maxUsageLCUs},
		{[]string{"loadBalancer", "clbDataProcessedGB"}, u.LoadBalancer.CLBDataProcessedGB, maxUsageGB},
		{[]string{"loadBalancer", "zones"}, float64(u.LoadBalancer.Zones), maxUsageZone},
		{[]string{"dataTransfer", "internetOutGB"}, u.DataTransfer.InternetOutGB, maxUsageGB},
		{[]string{"dataTransfer", "interAZGB"}, u.DataTransfer.InterAZGB, maxUsageGB},
	} {
		var problem string
		switch {
		case math.IsNaN(f.v) || math.IsInf(f.v, 0):
			problem = "is not a number"
		case f.v < 0:
			problem = "is negative"
		case f.v > f.max:
			problem = fmt.Sprintf("is out of range (at most %g)", f.max)
		default:
			continue
		}
		at := name
		value := fmt.Sprint(f.v)
		if n := yamldoc.Lookup(doc, f.path...); n != nil {
			at = fmt.Sprintf("%s:%d", name, n.Line)
			value = n.Value
		}
		return Usage{}, fmt.Errorf("%s: %s %s (%s)", at, strings.Join(f.path, "."), problem, value)
	}
	if _, ok := ebsStorageItem[u.Storage.DefaultVolumeType]; !ok {
		at := name
		if n := yamldoc.Lookup(doc, "storage", "defaultVolumeType"); n != nil {
			at = fmt.Sprintf("%s:%d", name, n.Line)
		}
		return Usage{}, fmt.Errorf("%s: storage.defaultVolumeType %q is not an EBS volume type (%s)", at, u.Storage.DefaultVolumeType, ebsVolumeTypesHelp)
	}
	return u, nil
}
