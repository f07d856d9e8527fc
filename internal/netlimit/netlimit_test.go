package netlimit

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// stall answers /headers never, /body with headers and a few bytes then
// nothing, /ok at once.
func stall(t *testing.T) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			io.WriteString(w, "ok")
			return
		case "/body":
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, "part")
			w.(http.Flusher).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv
}

func TestGuard(t *testing.T) {
	srv := stall(t)
	get := func(ctx context.Context, path string, after time.Duration) (string, error) {
		client := &http.Client{Transport: WrapTransport(after)(http.DefaultTransport)}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path+"?secret=x", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	tests := []struct {
		name, path string
		deadline   bool   // under a 300ms --timeout, the per-request timer a minute
		want       string // the error, "" for none
	}{
		{"answered", "/ok", false, ""},
		{"no headers", "/headers", false, "GET /headers on " + srv.URL + ": no answer within 200ms"},
		{"body stalls", "/body", false, "GET /body on " + srv.URL + ": no answer within 200ms"},
		{"deadline first", "/headers", true, "GET /headers on " + srv.URL + ": no answer within 300ms (--timeout)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, after := context.Background(), 200*time.Millisecond
			if tt.deadline {
				var cancel context.CancelFunc
				ctx, cancel = WithDeadline(ctx, 300*time.Millisecond)
				defer cancel()
				after = time.Minute
			}
			start := time.Now()
			_, err := get(ctx, tt.path, after)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %s", took)
			}
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var na *NoAnswerError
			if !errors.As(err, &na) || na.Error() != tt.want {
				t.Fatalf("error %v; want a NoAnswerError %q", err, tt.want)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("errors.Is(%v, DeadlineExceeded) is false", err)
			}
		})
	}
}

func TestWithDeadline(t *testing.T) {
	ctx, cancel := WithDeadline(context.Background(), 0)
	defer cancel()
	if _, ok := ctx.Deadline(); ok {
		t.Error("0 set a deadline")
	}
	ctx, cancel = WithDeadline(context.Background(), time.Millisecond)
	defer cancel()
	<-ctx.Done()
	var de *DeadlineError
	if !errors.As(context.Cause(ctx), &de) || de.After != time.Millisecond || ctx.Err() != context.DeadlineExceeded {
		t.Errorf("cause %v, err %v", context.Cause(ctx), ctx.Err())
	}
}
