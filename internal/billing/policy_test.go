package billing

import (
	"sort"
	"strings"
	"testing"

	"github.com/refit-dev/refit/internal/awspolicy"
)

// billActions maps the SDK operations the billing packages call to the IAM
// actions they need. S3's actions are not named after its operations
// (Service Authorization Reference, "Actions defined by Amazon S3":
// ListObjectsV2 needs s3:ListBucket; GetObject and HeadObject need
// s3:GetObject); Athena's are.
var billActions = map[string]string{
	"s3:ListObjectsV2":           "s3:ListBucket",
	"s3:GetObject":               "s3:GetObject",
	"s3:HeadObject":              "s3:GetObject",
	"athena:GetQueryExecution":   "athena:GetQueryExecution",
	"athena:GetQueryResults":     "athena:GetQueryResults",
	"athena:GetTableMetadata":    "athena:GetTableMetadata",
	"athena:StartQueryExecution": "athena:StartQueryExecution",
	"athena:StopQueryExecution":  "athena:StopQueryExecution",
}

// onBehalf are the actions Athena performs with the caller's permissions
// (the Glue Data Catalog, and writing results to the output location: the
// S3 statement of AWS's AmazonAthenaFullAccess managed policy,
// https://docs.aws.amazon.com/athena/latest/ug/managed-policies.html);
// refit never calls them itself.
var onBehalf = map[string]bool{
	"glue:GetDatabase": true, "glue:GetTable": true, "glue:GetPartitions": true,
	"s3:AbortMultipartUpload": true, "s3:GetBucketLocation": true, "s3:ListBucketMultipartUploads": true,
	"s3:ListMultipartUploadParts": true, "s3:PutObject": true,
}

// TestBillIAMPolicy checks that docs/iam-policy-bill.json allows what the
// S3 reader and the Athena engine call, and nothing else but what Athena
// does on the caller's behalf.
func TestBillIAMPolicy(t *testing.T) {
	called := map[string][]string{}
	var problems []string
	for _, dir := range []string{".", "objstore", "athena"} {
		c, p, err := awspolicy.Calls(dir, map[string]string{
			"github.com/aws/aws-sdk-go-v2/service/s3":     "s3",
			"github.com/aws/aws-sdk-go-v2/service/athena": "athena",
		})
		if err != nil {
			t.Fatal(err)
		}
		for op, at := range c {
			called[op] = append(called[op], at...)
		}
		problems = append(problems, p...)
	}
	policy, more, err := awspolicy.Read("../../docs/iam-policy-bill.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(problems, more...) {
		t.Error(p)
	}
	needed := map[string]bool{}
	var ops []string
	for op := range called {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		action, ok := billActions[op]
		if !ok {
			t.Errorf("%s is called (%s): say which IAM action it needs in billActions", op, strings.Join(called[op], ", "))
			continue
		}
		needed[action] = true
		if _, ok := policy.Actions[action]; !ok {
			t.Errorf("%s is called (%s) but %s is not in docs/iam-policy-bill.json", op, strings.Join(called[op], ", "), action)
		}
	}
	for a := range policy.Actions {
		if !needed[a] && !onBehalf[a] {
			t.Errorf("docs/iam-policy-bill.json allows %s, which refit never needs", a)
		}
	}
}
