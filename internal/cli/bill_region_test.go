package cli

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/billing"
)

// TestBillS3Region checks refit bill's --s3-region and its deprecated
// alias --region: both set the region of s3:// inputs and Athena, the alias
// warns on stderr only, and giving both is bad usage.
func TestBillS3Region(t *testing.T) {
	for _, args := range [][]string{{"--s3-region", "eu-west-1"}, {"--region", "eu-west-1"}} {
		var f billing.Flags
		fl := pflag.NewFlagSet("x", pflag.ContinueOnError)
		f.AddFlags(fl)
		if err := fl.Parse(args); err != nil {
			t.Fatal(err)
		}
		if f.Region != "eu-west-1" {
			t.Errorf("%v: region %q", args, f.Region)
		}
	}
	want, _, code := run(t, "", "bill", "summary", "--example", "--s3-region", "us-east-1", "-o", "json")
	if code != 0 {
		t.Fatalf("--s3-region: exit %d", code)
	}
	out, errOut, code := run(t, "", "bill", "summary", "--example", "--region", "us-east-1", "-o", "json")
	if code != 0 || out != want {
		t.Errorf("--region: exit %d, output differs from --s3-region's: %v", code, out != want)
	}
	if !strings.Contains(errOut, "warning: --region is deprecated in refit bill: use --s3-region") {
		t.Errorf("--region: stderr %q", errOut)
	}
	_, errOut, code = run(t, "", "bill", "summary", "--example", "--region", "us-east-1", "--s3-region", "us-east-1")
	if code != 2 || !strings.Contains(errOut, "give --s3-region only") {
		t.Errorf("both: exit %d, stderr %q", code, errOut)
	}
	help, _, _ := run(t, "", "bill", "summary", "--help")
	if !strings.Contains(help, "--s3-region") || strings.Contains(help, "--region ") {
		t.Errorf("help names --region or lacks --s3-region:\n%s", help)
	}
}
