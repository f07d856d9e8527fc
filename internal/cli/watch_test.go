package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWatchCheckConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	t.Setenv("REFIT_TEST_WEBHOOK", "https://hooks.slack.com/services/SeCrEtToKeN")
	if err := os.WriteFile(good, []byte("state: w.db\nslack: {webhookURL: \"${REFIT_TEST_WEBHOOK}\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("state: w.db\nslack: {webhookURL: \"${REFIT_TEST_WEBHOOK}\"}\nbudget:\n  daily: lots\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "", "watch", "--config", good, "--check-config")
	if code != 0 || out != good+": ok\n" {
		t.Errorf("good config: code %d, out %q, err %q", code, out, errOut)
	}
	_, errOut, code = run(t, "", "watch", "--config", bad, "--check-config")
	if code != 2 || !strings.Contains(errOut, bad+`:4: "lots" is not an amount`) {
		t.Errorf("bad config: code %d, err %q", code, errOut)
	}
	if _, errOut, code = run(t, "", "watch"); code != 2 || !strings.Contains(errOut, "--config") {
		t.Errorf("no config: code %d, err %q", code, errOut)
	}
}
