// Package awsclient builds the AWS SDK configuration every refit AWS client
// uses (awslive, billing's S3 and Athena readers), so that each gets the same
// time limits: a connect timeout (netlimit.DialTimeout), a per-request
// timeout (netlimit.ResponseTimeout, tried at most twice), bounded retries,
// and errors that name the operation and endpoint when a call gets no answer
// (netlimit.NoAnswerError). The command's deadline (--timeout) comes with
// the context given to each call.
package awsclient

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddle "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/refit-dev/refit/internal/netlimit"
)

// Options say which configuration to load.
type Options struct {
	// Profile is the shared-config profile ("" for the SDK's default chain).
	Profile string
	// Region overrides the configured region when set.
	Region string
	// EndpointURL sends every request there instead of AWS.
	EndpointURL string
	// MaxAttempts bounds the attempts of one call (DefaultMaxAttempts when
	// zero); a call that gets no answer is tried at most NoAnswerAttempts
	// times whatever this says.
	MaxAttempts int
	// MaxBackoff caps the wait between two attempts (20 s when zero).
	MaxBackoff time.Duration
	// NoRetryQuota turns off the SDK's client-side retry quota, for callers
	// that meet throttling often and would rather wait than fail.
	NoRetryQuota bool
	// ResponseTimeout is the per-request timeout
	// (netlimit.ResponseTimeout when zero; tests shorten it).
	ResponseTimeout time.Duration
}

const (
	// DefaultMaxAttempts is the SDK standard retryer's own default.
	DefaultMaxAttempts = 3
	// NoAnswerAttempts bounds the attempts of a call whose requests get no
	// answer: once more, in case the connection alone was bad.
	NoAnswerAttempts  = 2
	defaultMaxBackoff = 20 * time.Second
)

// LoadConfig loads the SDK's default configuration chain with refit's time
// limits.
func LoadConfig(ctx context.Context, opt Options) (aws.Config, error) {
	attempts := opt.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	backoff := opt.MaxBackoff
	if backoff <= 0 {
		backoff = defaultMaxBackoff
	}
	load := []func(*config.LoadOptions) error{
		config.WithHTTPClient(buildableClient(opt.ResponseTimeout)),
		config.WithRetryer(func() aws.Retryer {
			return &retryer{RetryerV2: retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = attempts
				o.MaxBackoff = backoff
				if opt.NoRetryQuota {
					o.RateLimiter = ratelimit.None
				}
			})}
		}),
	}
	if opt.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(opt.Profile))
	}
	if opt.Region != "" {
		load = append(load, config.WithRegion(opt.Region))
	}
	if opt.EndpointURL != "" {
		load = append(load, config.WithBaseEndpoint(opt.EndpointURL))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return cfg, err
	}
	cfg.HTTPClient = guarded(cfg.HTTPClient, opt.ResponseTimeout)
	cfg.APIOptions = append(cfg.APIOptions, addDeadlineMiddleware)
	return cfg, nil
}

// The deadline middleware: the SDK reports a call ended by the command's
// deadline as "canceled, context deadline exceeded"; this says which
// operation on which endpoint got no answer instead.
type endpointKey struct{}

type lastEndpoint struct {
	mu  sync.Mutex
	url string
}

func addDeadlineMiddleware(stack *middleware.Stack) error {
	err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("refitDeadline", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		last := &lastEndpoint{}
		out, md, err := next.HandleInitialize(context.WithValue(ctx, endpointKey{}, last), in)
		if err != nil {
			var de *netlimit.DeadlineError
			var na *netlimit.NoAnswerError
			if !errors.As(err, &na) && errors.As(context.Cause(ctx), &de) {
				last.mu.Lock()
				endpoint := last.url
				last.mu.Unlock()
				op := awsmiddle.GetServiceID(ctx) + " " + awsmiddle.GetOperationName(ctx)
				err = &netlimit.NoAnswerError{Operation: op, Endpoint: endpoint, After: de.After, Deadline: true}
			}
		}
		return out, md, err
	}), middleware.Before)
	if err != nil {
		return err
	}
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("refitEndpoint", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		if req, ok := in.Request.(*smithyhttp.Request); ok {
			if last, ok := ctx.Value(endpointKey{}).(*lastEndpoint); ok {
				last.mu.Lock()
				last.url = netlimit.Endpoint(req.URL)
				last.mu.Unlock()
			}
		}
		return next.HandleFinalize(ctx, in)
	}), middleware.After)
}

// buildableClient is the SDK's HTTP client with a connect timeout of
// netlimit.DialTimeout. LoadDefaultConfig wants this type (it adds
// AWS_CA_BUNDLE to its transport); the clients it builds while loading
// (credential providers) keep it, so it has a response-header timeout of
// its own as a backstop, twice the guard's.
func buildableClient(after time.Duration) *awshttp.BuildableClient {
	if after <= 0 {
		after = netlimit.ResponseTimeout
	}
	return awshttp.NewBuildableClient().WithDialerOptions(func(d *net.Dialer) {
		d.Timeout = netlimit.DialTimeout
	}).WithTransportOptions(func(tr *http.Transport) {
		tr.ResponseHeaderTimeout = 2 * after
	})
}

// guarded wraps an SDK HTTP client with the per-request timeout after
// (netlimit.ResponseTimeout when zero).
func guarded(inner aws.HTTPClient, after time.Duration) aws.HTTPClient {
	return &client{inner: inner, guard: netlimit.Guard{After: after, Name: operation}}
}

// client guards each request of the SDK.
type client struct {
	inner aws.HTTPClient
	guard netlimit.Guard
}

func (c *client) Do(req *http.Request) (*http.Response, error) {
	return c.guard.Send(req, c.inner.Do)
}

// operation names the SDK operation a request is for ("S3 ListObjectsV2").
func operation(req *http.Request) string {
	ctx := req.Context()
	svc, op := awsmiddle.GetServiceID(ctx), awsmiddle.GetOperationName(ctx)
	if svc == "" || op == "" {
		return ""
	}
	return svc + " " + op
}

// retryer is the standard retryer, with a call that gets no answer tried at
// most NoAnswerAttempts times.
type retryer struct{ aws.RetryerV2 }

// RetryDelay ends the retries of a call that got no answer twice: the
// retry middleware then returns err as the call's error.
func (r *retryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	var na *netlimit.NoAnswerError
	if attempt >= NoAnswerAttempts && errors.As(err, &na) {
		return 0, err
	}
	return r.RetryerV2.RetryDelay(attempt, err)
}
