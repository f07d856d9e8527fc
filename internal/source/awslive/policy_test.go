package awslive

import (
	"sort"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/awspolicy"
)

// sdkService maps the SDK packages this package calls to IAM action prefixes.
var sdkService = map[string]string{
	"github.com/aws/aws-sdk-go-v2/service/ec2":                    "ec2",
	"github.com/aws/aws-sdk-go-v2/service/eks":                    "eks",
	"github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk":       "elasticbeanstalk",
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing":   "elasticloadbalancing",
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2": "elasticloadbalancing",
	"github.com/aws/aws-sdk-go-v2/service/rds":                    "rds",
	"github.com/aws/aws-sdk-go-v2/service/sts":                    "sts",
}

// TestIAMPolicy checks docs/iam-policy.json allows exactly the operations
// the package calls, all of them read-only. (For these services the IAM
// action is named after the operation.)
func TestIAMPolicy(t *testing.T) {
	called, problems, err := awspolicy.Calls(".", sdkService)
	if err != nil {
		t.Fatal(err)
	}
	if len(called) == 0 {
		t.Fatal("found no AWS operation in the source")
	}
	policy, more, err := awspolicy.Read("../../../docs/iam-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(problems, more...) {
		t.Error(p)
	}
	var names []string
	for a := range called {
		names = append(names, a)
	}
	sort.Strings(names)
	for _, a := range names {
		if _, ok := policy.Actions[a]; !ok {
			t.Errorf("%s is called (%s) but not in docs/iam-policy.json", a, strings.Join(called[a], ", "))
		}
	}
	for a := range policy.Actions {
		if called[a] == nil {
			t.Errorf("docs/iam-policy.json allows %s, which the code never calls", a)
		}
		op := a[strings.Index(a, ":")+1:]
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Get") {
			t.Errorf("%s is not a read-only operation", a)
		}
	}
}
