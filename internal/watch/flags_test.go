package watch

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/pflag"
)

func TestFlagsRun(t *testing.T) {
	good := filepath.Join(t.TempDir(), "watch.yaml")
	if err := os.WriteFile(good, []byte("state: w.db\nslack: {webhookURL: \"https://hooks.slack.com/services/T/B/X\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var f Flags
	fl := pflag.NewFlagSet("watch", pflag.ContinueOnError)
	f.AddFlags(fl)
	if err := f.Run(context.Background(), io.Discard, io.Discard, nil); err == nil || err.Error() != "--config: give the watch config file (see docs/watch.md)" {
		t.Errorf("no --config: %v", err)
	}
	if err := fl.Parse([]string{"--config", good, "--check-config"}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := f.Run(context.Background(), &out, io.Discard, nil); err != nil || out.String() != good+": ok\n" {
		t.Errorf("--check-config: %q, %v", out.String(), err)
	}
}
