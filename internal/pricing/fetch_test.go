package pricing

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// offerServer serves testdata/fetch (AWS's bulk API layout) with faults
// injected per path, and counts the requests per path.
type offerServer struct {
	*httptest.Server
	mu     sync.Mutex
	hits   map[string]int
	faults map[string][]string // path -> fault of the 1st, 2nd, ... request
}

func newOfferServer(t *testing.T) *offerServer {
	t.Helper()
	s := &offerServer{hits: map[string]int{}, faults: map[string][]string{}}
	files := http.FileServer(http.Dir("testdata/fetch"))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		n := s.hits[r.URL.Path]
		fault := ""
		if f := s.faults[r.URL.Path]; n <= len(f) {
			fault = f[n-1]
		}
		s.mu.Unlock()
		data, err := os.ReadFile(filepath.Join("testdata/fetch", filepath.FromSlash(r.URL.Path)))
		switch fault {
		case "":
			files.ServeHTTP(w, r)
		case "503":
			http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		case "404":
			http.NotFound(w, r)
		case "slow": // no answer within the request timeout
			select {
			case <-r.Context().Done():
				return
			case <-time.After(slowAnswer):
			}
			files.ServeHTTP(w, r)
		case "truncated": // announces the whole length, sends half
			if err != nil {
				t.Error(err)
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.Write(data[:len(data)/2])
		case "chunked-truncated": // no length, half a JSON document
			w.(http.Flusher).Flush()
			w.Write(data[:len(data)/2])
		case "gzip", "gzip-cut": // compressed; gzip-cut loses its end but announces the length it sends
			if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				t.Error("offer asked for without gzip")
			}
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			zw.Write(data)
			zw.Close()
			body := z.Bytes()
			if fault == "gzip-cut" {
				body = body[:len(body)-10]
			}
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.Write(body)
		case "stall": // half the body, then silence
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.Write(data[:len(data)/2])
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(3 * slowAnswer):
			}
		default:
			t.Errorf("unknown fault %q", fault)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *offerServer) hitsOf(p string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[p]
}

const (
	elbIndex = "/offers/v1.0/aws/AWSELB/current/region_index.json"
	elbUSE2  = "/offers/v1.0/aws/AWSELB/20990201000000/us-east-2/index.json"
	elbEUW1  = "/offers/v1.0/aws/AWSELB/20990201000000/eu-west-1/index.json"
	eksUSW2  = "/offers/v1.0/aws/AmazonEKS/20990201000000/us-west-2/index.json"
)

// requestTimeout is the fetch tests' per-request limit and slowAnswer how
// long a "slow" server waits: far apart, so that a busy machine (CI runs the
// tests on two shared cores) never turns an ordinary answer into a timeout.
const (
	requestTimeout = 750 * time.Millisecond
	slowAnswer     = 2500 * time.Millisecond
)

func fetchOpts(s *offerServer, cache string) FetchOptions {
	return FetchOptions{BaseURL: s.URL, CacheDir: cache, RequestTimeout: requestTimeout,
		Attempts: 3, Backoff: time.Millisecond}
}

func TestFetchOffers(t *testing.T) {
	s := newOfferServer(t)
	cache := t.TempDir()
	o := fetchOpts(s, cache)
	o.Services = []string{"AWSELB", "AmazonEKS"}
	var bytesSeen, files int64
	o.Progress = func(b, f int64) { bytesSeen += b; files += f }
	sum, err := FetchOffers(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, off := range sum.Offers {
		got = append(got, off.Service+"/"+off.Region)
		if off.Cached {
			t.Errorf("%s/%s cached on the first fetch", off.Service, off.Region)
		}
		data, err := os.ReadFile(off.Path)
		if err != nil || int64(len(data)) != off.Bytes {
			t.Errorf("%s: %d bytes, %v; want %d", off.Path, len(data), err, off.Bytes)
		}
	}
	if strings.Join(got, " ") != "AWSELB/eu-west-1 AWSELB/us-east-2 AmazonEKS/us-west-2" {
		t.Errorf("fetched %v", got)
	}
	if files != 3 || bytesSeen == 0 {
		t.Errorf("progress: %d files, %d bytes", files, bytesSeen)
	}

	// Again: every offer comes from the cache; only the indexes are asked for.
	sum, err = FetchOffers(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, off := range sum.Offers {
		if !off.Cached {
			t.Errorf("%s/%s fetched again", off.Service, off.Region)
		}
	}
	for _, p := range []string{elbUSE2, elbEUW1, eksUSW2} {
		if n := s.hitsOf(p); n != 1 {
			t.Errorf("%s requested %d times, want 1", p, n)
		}
	}
	if n := s.hitsOf(elbIndex); n != 2 {
		t.Errorf("region index requested %d times, want 2", n)
	}

	// A cached file that no longer matches its marker is fetched again.
	if err := os.WriteFile(sum.Offers[1].Path, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	o.Regions = []string{"us-east-2"}
	o.Services = []string{"AWSELB"}
	if sum, err = FetchOffers(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if len(sum.Offers) != 1 || sum.Offers[0].Cached || s.hitsOf(elbUSE2) != 2 {
		t.Errorf("damaged cache entry not fetched again: %+v, %d requests", sum.Offers, s.hitsOf(elbUSE2))
	}
}

func TestFetchOffersRetries(t *testing.T) {
	tests := []struct {
		name    string
		faults  []string
		wantErr string // "" when the fetch recovers
		hits    int
	}{
		{"5xx then ok", []string{"503", "503"}, "", 3},
		{"gzip", []string{"gzip"}, "", 1},
		{"cut gzip stream", []string{"gzip-cut"}, "", 2},
		{"truncated body", []string{"truncated"}, "", 2},
		{"truncated chunked body", []string{"chunked-truncated"}, "", 2},
		{"slow server", []string{"slow"}, "", 2},
		{"stalled body", []string{"stall"}, "", 2},
		{"5xx every time", []string{"503", "503", "503"}, "AWSELB us-east-2: GET " + "URL" + elbUSE2 + ": 503 Service Unavailable (3 attempts)", 3},
		{"timeouts every time", []string{"slow", "slow", "slow"}, "(3 attempts)", 3},
		{"404 is not retried", []string{"404"}, "404 Not Found", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newOfferServer(t)
			s.faults[elbUSE2] = tt.faults
			cache := t.TempDir()
			o := fetchOpts(s, cache)
			o.Services, o.Regions = []string{"AWSELB"}, []string{"us-east-2"}
			var bytesSeen int64
			o.Progress = func(b, _ int64) { bytesSeen += b }
			sum, err := FetchOffers(context.Background(), o)
			want := strings.ReplaceAll(tt.wantErr, "URL", s.URL)
			if n := s.hitsOf(elbUSE2); n != tt.hits {
				t.Errorf("%d requests, want %d", n, tt.hits)
			}
			if want != "" {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("err = %v, want %q", err, want)
				}
				// Which timer fires first (no headers, or no body bytes)
				// depends on the machine's load; either says it timed out.
				if tt.name == "timeouts every time" && !strings.Contains(err.Error(), "timed out") && !strings.Contains(err.Error(), "timeout") {
					t.Errorf("err = %v, want a timeout", err)
				}
				if leftovers, _ := filepath.Glob(filepath.Join(cache, "*", "offers", "v1.0", "aws", "AWSELB", "*", "us-east-2", "*")); len(leftovers) != 0 {
					t.Errorf("files left in the cache: %v", leftovers)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(sum.Offers[0].Path)
			served, _ := os.ReadFile("testdata/fetch" + elbUSE2)
			if !bytes.Equal(data, served) {
				t.Error("cached offer differs from the served one")
			}
			if tt.faults[0] != "gzip" && bytesSeen != int64(len(served)) {
				t.Errorf("progress counted %d bytes, want %d (failed attempts discounted)", bytesSeen, len(served))
			}
		})
	}
}

func TestFetchOffersBadInput(t *testing.T) {
	s := newOfferServer(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/offers/v1.0/aws/AWSELB/current/region_index.json", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"formatVersion":"v1.0","regions":{"us-east-2":{"regionCode":"us-east-2","currentVersionUrl":"https://example.com/offers/v1.0/aws/AWSELB/1/us-east-2/index.json"}}}`))
	})
	mux.HandleFunc("/offers/v1.0/aws/AmazonEKS/current/region_index.json", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"formatVersion":"v1.0","regions":{"us-east-2":{"regionCode":"us-east-2","currentVersionUrl":"/offers/../../etc/passwd.json"}}}`))
	})
	mux.HandleFunc("/offers/v1.0/aws/AmazonECS/current/region_index.json", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<html>`))
	})
	evil := httptest.NewServer(mux)
	defer evil.Close()
	tests := []struct {
		name     string
		base     string
		services []string
		regions  []string
		wantErr  string
	}{
		{"unknown region", s.URL, []string{"AWSELB"}, []string{"us-east-3"}, `region "us-east-3" is in no region index of AWSELB; did you mean "us-east-2"`},
		{"bad region", s.URL, []string{"AWSELB"}, []string{"../x"}, `bad region code "../x"`},
		{"bad service", s.URL, []string{"AWS/ELB"}, nil, `bad service code "AWS/ELB"`},
		{"no such service", s.URL, []string{"AmazonNope"}, nil, "AmazonNope region index: GET " + s.URL + "/offers/v1.0/aws/AmazonNope/current/region_index.json: 404 Not Found"},
		{"offer on another host", evil.URL, []string{"AWSELB"}, nil, "AWSELB us-east-2: currentVersionUrl \"https://example.com/"},
		{"offer outside /offers", evil.URL, []string{"AmazonEKS"}, nil, "unexpected currentVersionUrl"},
		{"index not JSON", evil.URL, []string{"AmazonECS"}, nil, "not a region index"},
		{"bad base URL", "ftp://x", nil, nil, `offers URL "ftp://x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := FetchOptions{BaseURL: tt.base, CacheDir: t.TempDir(), Services: tt.services, Regions: tt.regions,
				RequestTimeout: time.Second, Attempts: 1}
			_, err := FetchOffers(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestFetchAndUpdate fetches one service and region into a catalog that an
// earlier update wrote: the fetched prices replace theirs, and every other
// price keeps its value.
func TestFetchAndUpdate(t *testing.T) {
	s := newOfferServer(t)
	out := filepath.Join(t.TempDir(), "prices")
	if _, err := UpdateFromOffers("testdata/offers", out); err != nil {
		t.Fatal(err)
	}
	o := fetchOpts(s, t.TempDir())
	o.Services, o.Regions = []string{"AWSELB"}, []string{"us-east-2"}
	fs, err := FetchOffers(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := UpdateFromFiles([]string{fs.Offers[0].Path}, out)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows[FileServices] != 4 {
		t.Errorf("rows %v, want 4 service rows", sum.Rows)
	}
	c, err := Load(os.DirFS(out))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ service, item, region, want string }{
		{"elb_classic", "load_balancer_hour", "us-east-2", "0.0275"},     // fetched
		{"elb_application", "lcu_hour", "us-east-2", "0.0079"},           // fetched
		{"elb_application", "load_balancer_hour", "eu-west-1", "0.0252"}, // the earlier update's
		{"eks", "cluster_extended_support_total", "us-west-2", "0.6"},    // the earlier update's
	} {
		p, err := c.Service(tt.service, tt.item, tt.region)
		if err != nil || p.USD.String() != tt.want {
			t.Errorf("%s %s %s = %v, %v; want %s", tt.service, tt.item, tt.region, p.USD, err, tt.want)
		}
	}
	if p, err := c.OnDemand("us-east-2", "m5.large"); err != nil || p.USD.String() != "0.096" {
		t.Errorf("EC2 price of the earlier update lost: %v %v", p.USD, err)
	}
	if _, err := c.OnDemand("us-east-2", "c5.large"); err == nil {
		t.Error("embedded us-east-2 EC2 row came back although the earlier update replaced the region")
	}
}

// FuzzParseRegionIndex: a region index parses or is an error, never a
// panic, and every region it gives has a URL.
func FuzzParseRegionIndex(f *testing.F) {
	data, err := os.ReadFile("testdata/fetch" + elbIndex)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"regions":{"x":{}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := parseRegionIndex(data)
		for r, u := range idx {
			if err != nil || r == "" || u == "" {
				t.Fatalf("%q -> %q with err %v", r, u, err)
			}
		}
	})
}

// FuzzParsePrice: a price parses within its limit or is an error.
func FuzzParsePrice(f *testing.F) {
	for _, s := range []string{"0.0225", "1e400", "-0.5", "abc", "NaN", "1e-99", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parsePrice(s, "elb_classic", "usd_per_hour")
		if err == nil && (d.IsNegative() || d.GreaterThan(limitFor("elb_classic", "usd_per_hour").max)) {
			t.Fatalf("%q accepted as %s", s, d)
		}
	})
}
