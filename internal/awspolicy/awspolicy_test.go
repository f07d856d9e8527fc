package awspolicy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const source = `package x

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	awseks "github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func f(ctx context.Context, c *ec2.Client, e *awseks.Client) {
	c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	p := awseks.NewListClustersPaginator(e, &awseks.ListClustersInput{})
	_ = p
	c.DescribeVolumes(ctx, nil)
	g(ctx, nil)
	_ = types.Instance{}
	_ = rds.Options{}
}

func g(context.Context, any) {}
`

func TestCalls(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(source), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x_test.go"), []byte("package x\n\nimport \"github.com/aws/aws-sdk-go-v2/service/s3\"\n\nvar _ = s3.GetObjectInput{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	calls, problems, err := Calls(dir, map[string]string{
		"github.com/aws/aws-sdk-go-v2/service/ec2": "ec2",
		"github.com/aws/aws-sdk-go-v2/service/eks": "eks",
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for op := range calls {
		got = append(got, op)
	}
	slices.Sort(got)
	// ListClusters twice: the input literal and the paginator.
	if want := []string{"ec2:DescribeInstances", "eks:ListClusters"}; !slices.Equal(got, want) || len(calls["eks:ListClusters"]) != 2 {
		t.Errorf("calls %v, want %v", calls, want)
	}
	joined := strings.Join(problems, "\n")
	if len(problems) != 2 || !strings.Contains(joined, "service/rds, which the policy check does not map") || !strings.Contains(joined, "x.go:16:2: an SDK call with a nil input") {
		t.Errorf("problems:\n%s", joined)
	}
}

func TestRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.json")
	doc := `{"Version": "2012-10-17", "Statement": [
  {"Sid": "A", "Effect": "Allow", "Action": ["ec2:DescribeInstances", "eks:ListClusters"]},
  {"Sid": "B", "Effect": "Deny", "Action": ["ec2:DescribeInstances"]}]}`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	p, problems, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Actions) != 2 || p.Actions["eks:ListClusters"] != "A" {
		t.Errorf("actions %v", p.Actions)
	}
	if len(problems) != 2 || !strings.Contains(problems[0], `statement "B" has effect "Deny"`) || !strings.Contains(problems[1], "lists ec2:DescribeInstances twice") {
		t.Errorf("problems %q", problems)
	}
	if _, _, err := Read(filepath.Join(t.TempDir(), "none.json")); err == nil {
		t.Error("missing file: no error")
	}
	os.WriteFile(path, []byte("{"), 0o644)
	if _, _, err := Read(path); err == nil || !strings.Contains(err.Error(), "p.json") {
		t.Errorf("bad JSON: %v", err)
	}
}
