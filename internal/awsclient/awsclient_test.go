package awsclient

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/refit-dev/refit/internal/netlimit"

	"github.com/refit-dev/refit/internal/netlimit/netlimittest"
)

// A call whose requests get no answer fails after two attempts of the
// per-request timeout, however many attempts the caller allows for
// throttling, and says which operation on which endpoint.
func TestNoAnswerPerRequest(t *testing.T) {
	netlimittest.FakeAWSEnv(t)
	for _, attempts := range []int{0, 10} {
		url, conns := netlimittest.BlackHole(t)
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
	netlimittest.FakeAWSEnv(t)
	url, conns := netlimittest.BlackHole(t)
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
