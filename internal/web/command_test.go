package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/refit-dev/refit/internal/source"
)

// TestOpenExample: --example reads the story the dashboard's tests load by
// hand (the kops-before cluster, the bill against eks-after, migrate at
// 1.33), page for page.
func TestOpenExample(t *testing.T) {
	got, err := Open(context.Background(), Inputs{Files: source.Inputs{Example: true}, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := WriteHTML(&a, example(t), "test"); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&b, got, "test"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("Open(--example) differs from Load of the bundled story")
	}
	if got.MigrateTo != "1.33" {
		t.Errorf("MigrateTo = %q, want 1.33 with --example", got.MigrateTo)
	}
}

func TestOpenNothing(t *testing.T) {
	_, err := Open(context.Background(), Inputs{Log: io.Discard})
	if err == nil || err.Error() != "nothing to show: give the cluster's files (PATH...), --bill PATH, --kubeconfig, --aws, or --example" {
		t.Fatalf("err = %v", err)
	}
}

// syncBuffer is a log Serve writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServe: Serve answers on the address it names, and returns nil once
// its context is done.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var log syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }), &log)
	}()
	addr := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/ \(Ctrl-C stops\)\n`)
	var m []string
	for deadline := time.Now().Add(10 * time.Second); m == nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("Serve did not say where it listens: %q", log.String())
		}
		m = addr.FindStringSubmatch(log.String())
	}
	if !strings.HasPrefix(log.String(), "refit serve: http://127.0.0.1:") {
		t.Errorf("log %q", log.String())
	}
	r, err := http.Get("http://" + m[1] + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if string(b) != "ok" {
		t.Errorf("body %q", b)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context was done")
	}
	if err := Serve(context.Background(), "256.0.0.1:1", http.NotFoundHandler(), io.Discard); err == nil {
		t.Error("Serve on a bad address: no error")
	}
}
