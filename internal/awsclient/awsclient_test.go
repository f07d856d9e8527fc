package awsclient

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/refit-dev/refit/internal/netlimit"
)

// blackHole accepts connections and never answers; it returns its URL and
// the number of connections so far.
func blackHole(t *testing.T) (string, func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String(), func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(conns)
	}
}

func fakeEnv(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", "")
}

// A call whose requests get no answer fails after two attempts of the
// per-request timeout, however many attempts the caller allows for
// throttling, and says which operation on which endpoint.
func TestNoAnswerPerRequest(t *testing.T) {
	fakeEnv(t)
	for _, attempts := range []int{0, 10} {
		url, conns := blackHole(t)
		cfg, err := LoadConfig(context.Background(), Options{EndpointURL: url, MaxAttempts: attempts,
			MaxBackoff: time.Millisecond, NoRetryQuota: true, ResponseTimeout: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		took := time.Since(start)
		var na *netlimit.NoAnswerError
		want := "STS GetCallerIdentity on " + url + ": no answer within 200ms"
		if !errors.As(err, &na) || na.Deadline || !strings.Contains(err.Error(), want) {
			t.Fatalf("MaxAttempts %d: error %v; want %q", attempts, err, want)
		}
		if n := conns(); n != NoAnswerAttempts {
			t.Errorf("MaxAttempts %d: %d attempts, want %d", attempts, n, NoAnswerAttempts)
		}
		if took > 3*time.Second {
			t.Errorf("MaxAttempts %d: took %s", attempts, took)
		}
	}
}

// The command's deadline ends a call at once, without retries.
func TestNoAnswerDeadline(t *testing.T) {
	fakeEnv(t)
	url, conns := blackHole(t)
	cfg, err := LoadConfig(context.Background(), Options{EndpointURL: url, MaxAttempts: 10})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := netlimit.WithDeadline(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	var na *netlimit.NoAnswerError
	want := "STS GetCallerIdentity on " + url + ": no answer within 300ms (--timeout)"
	if !errors.As(err, &na) || !na.Deadline || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v; want %q", err, want)
	}
	if n := conns(); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}
