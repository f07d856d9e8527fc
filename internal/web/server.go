package web

import (
	"bytes"
	"context"
	"crypto/subtle"

	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/refit-dev/refit/internal/billing"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
)

// TokenEnv is the environment variable read when --token is not given.
const TokenEnv = "REFIT_SERVE_TOKEN"

// CheckListen refuses to listen beyond the loopback interface without a
// token: the pages show an account's spend.
func CheckListen(addr, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q: %w (want HOST:PORT, for example 127.0.0.1:8080)", addr, err)
	}
	if token == "" && !Loopback(host) {
		return fmt.Errorf("--listen %s is not a loopback address: give --token (or %s) so that only those who hold it see the pages", addr, TokenEnv)
	}
	return nil
}

// Loopback says whether host names only this machine.
func Loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Handler serves the pages and their data, read-only. With a token, every
// request must carry it (Authorization: Bearer, ?token= or the cookie set
// after a ?token= request); others get 401.
func Handler(d *Data, token, version string) http.Handler {
	return handler(func() *Data { return d }, token, version)
}

// handler serves the pages of the Data get returns at each request.
func handler(get func() *Data, token, version string) http.Handler {
	mux := http.NewServeMux()
	r := func() renderer {
		return renderer{d: get(), version: version, href: func(dl download) (string, error) { return "/api/" + dl.Name, nil }}
	}
	for _, p := range pages {
		mux.HandleFunc("/"+p.Slug, func(w http.ResponseWriter, req *http.Request) { servePage(w, r(), p.Slug) })
	}
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, req *http.Request) { servePage(w, r(), pages[0].Slug) })
	mux.HandleFunc("/api/{name}", func(w http.ResponseWriter, req *http.Request) {
		for _, dl := range get().downloads() {
			if dl.Name != req.PathValue("name") {
				continue
			}
			var b bytes.Buffer
			if err := dl.write(&b); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			ct := dl.Type
			if !strings.Contains(ct, "charset") {
				ct += "; charset=utf-8"
			}
			w.Header().Set("Content-Type", ct)
			w.Write(b.Bytes())
			return
		}
		http.NotFound(w, req)
	})
	return secure(mux, token)
}

// Dashboard serves the pages of data that is replaced while it serves
// (refit watch --dashboard: each read of the bill or the cluster).
type Dashboard struct {
	mu sync.Mutex
	d  atomic.Pointer[Data]
	h  http.Handler
}

// NewDashboard serves no data yet: each page says what it lacks.
func NewDashboard(token, version string) *Dashboard {
	x := &Dashboard{}
	x.d.Store(&Data{})
	x.h = handler(x.d.Load, token, version)
	return x
}

// ServeHTTP serves the latest data.
func (x *Dashboard) ServeHTTP(w http.ResponseWriter, req *http.Request) { x.h.ServeHTTP(w, req) }

// Refresh recomputes the pages of what refit watch read: with bill, the
// bill's pages, from the bill watch opened (the aggregations its checks
// already ran are not read again); with cluster, the Cluster page, from the
// estimate b watch priced it with.
func (x *Dashboard) Refresh(ctx context.Context, bill *billing.Bill, p billing.Period, cluster *estate.Estate, b *cost.Breakdown) error {
	d := &Data{}
	if bill != nil {
		var err error
		if d, err = Load(ctx, Sources{Opened: bill, Period: p}); err != nil {
			return err
		}
	}
	if cluster != nil && b != nil {
		c, err := LoadCluster(cluster, b)
		if err != nil {
			return err
		}
		d.Cluster = c
	}
	x.merge(d)
	return nil
}

// merge replaces the parts of the data that d has: the bill's pages (when
// d.Bill is set) and the Cluster page (when d.Cluster is set).
func (x *Dashboard) merge(d *Data) {
	x.mu.Lock()
	defer x.mu.Unlock()
	n := *x.d.Load()
	if d.Bill != nil {
		n.Bill, n.Daily, n.Forecast, n.Anomalies, n.Vs = d.Bill, d.Daily, d.Forecast, d.Anomalies, d.Vs
	}
	if d.Cluster != nil {
		n.Cluster = d.Cluster
	}
	x.d.Store(&n)
}

func servePage(w http.ResponseWriter, r renderer, slug string) {
	var b bytes.Buffer
	if err := r.page(&b, slug); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b.Bytes())
}

const tokenCookie = "refit_token"

// secure sets the security headers, allows GET and HEAD only and checks
// the token.
func secure(next http.Handler, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "read-only: GET and HEAD only", http.StatusMethodNotAllowed)
			return
		}
		if token != "" {
			got, fromQuery := presented(req)
			if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
				h.Set("WWW-Authenticate", `Bearer realm="refit"`)
				http.Error(w, "401 unauthorized: give the token (Authorization: Bearer TOKEN, or ?token=TOKEN)", http.StatusUnauthorized)
				return
			}
			if fromQuery { // the links of the page carry no token: the cookie does
				http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			}
		}
		next.ServeHTTP(w, req)
	})
}

func presented(req *http.Request) (string, bool) {
	if a := req.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
		return strings.TrimPrefix(a, "Bearer "), false
	}
	if t := req.URL.Query().Get("token"); t != "" {
		return t, true
	}
	if c, err := req.Cookie(tokenCookie); err == nil {
		return c.Value, false
	}
	return "", false
}

// NewServer is the dashboard's HTTP server on addr, with timeouts.
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second, MaxHeaderBytes: 64 << 10}
}
