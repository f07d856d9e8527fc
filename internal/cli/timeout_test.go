package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/netlimit/netlimittest"
)

// runWithin runs refit and fails the test when it takes longer than limit
// (the command is then left running: the test binary ends soon after).
func runWithin(t *testing.T, limit time.Duration, args ...string) (string, int, time.Duration) {
	t.Helper()
	type result struct {
		errOut string
		code   int
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		_, errOut, code := run(t, "", args...)
		done <- result{errOut, code}
	}()
	select {
	case r := <-done:
		return r.errOut, r.code, time.Since(start)
	case <-time.After(limit):
		t.Fatalf("refit %s: still running after %s", strings.Join(args, " "), limit)
		return "", 0, 0
	}
}

// Every command that reads AWS or a cluster gives up at --timeout against a
// server that accepts the connection and never answers, with one line
// naming the operation and the endpoint (issue 11, item 13).
func TestTimeoutNoAnswer(t *testing.T) {
	netlimittest.FakeAWSEnv(t)
	url, _ := netlimittest.BlackHole(t)
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	kc := `apiVersion: v1
kind: Config
clusters:
- name: hole
  cluster:
    server: ` + url + `
contexts:
- name: hole
  context:
    cluster: hole
    user: u
current-context: hole
users:
- name: u
  user:
    token: t
`
	if err := os.WriteFile(kubeconfig, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     bool // AWS_ENDPOINT_URL=url
		args    []string
		wantErr string
	}{
		{name: "cost --aws", env: true, args: []string{"cost", "--aws", "--aws-regions", "us-east-1"},
			wantErr: "STS GetCallerIdentity on " + url + ": no answer within 1s (--timeout)"},
		{name: "migrate check --aws", env: true, args: []string{"migrate", "check", "--aws", "--aws-regions", "us-east-1", "--to", "1.33"},
			wantErr: "EKS ListClusters on " + url + ": no answer within 1s (--timeout)"},
		{name: "bill s3", args: []string{"bill", "summary", "s3://cur-bucket/exports/", "--endpoint-url", url},
			wantErr: "S3 ListObjectsV2 on " + url + ": no answer within 1s (--timeout)"},
		{name: "bill athena", args: []string{"bill", "daily", "--engine", "athena", "--athena-database", "exports", "--athena-table", "cur", "--endpoint-url", url},
			wantErr: "Athena GetTableMetadata on " + url + ": no answer within 1s (--timeout)"},
		{name: "cost --kubeconfig", args: []string{"cost", "--kubeconfig", kubeconfig},
			wantErr: "kube: context hole: " + url + " did not answer within 1s (--timeout; listing "},
		{name: "migrate check --kubeconfig", args: []string{"migrate", "check", "--kubeconfig", kubeconfig, "--to", "1.33"},
			wantErr: "kube: context hole: " + url + " did not answer within 1s (--timeout; listing the server version)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env {
				t.Setenv("AWS_ENDPOINT_URL", url)
			}
			errOut, code, took := runWithin(t, 15*time.Second, append(tt.args, "--timeout", "1s")...)
			if code != ExitUsage || !strings.Contains(errOut, tt.wantErr) || strings.Count(errOut, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want 2 and one line with %q", code, errOut, tt.wantErr)
			}
			t.Logf("%s", errOut)
			if took > 5*time.Second {
				t.Errorf("took %s with --timeout 1s", took)
			}
		})
	}
}

func TestTimeoutFlag(t *testing.T) {
	if _, errOut, code := run(t, "", "cost", "--example", "--timeout", "-1s"); code != ExitUsage || !strings.Contains(errOut, "--timeout -1s: want a duration") {
		t.Errorf("negative --timeout: exit %d, %q", code, errOut)
	}
	// Offline commands ignore it: a local read is never cut short.
	if _, errOut, code := run(t, "", "cost", "--example", "--timeout", "1ns"); code != ExitOK {
		t.Errorf("cost --example --timeout 1ns: exit %d, %q", code, errOut)
	}
}
