package pricing

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Downloading the Price List bulk offer files, as AWS documents in
// https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-the-aws-price-list-bulk-api-fetching-price-list-files-manually.html:
// for each service, GET /offers/v1.0/aws/<ServiceCode>/current/region_index.json
// and, for each region it lists, GET the regions[region].currentVersionUrl
// offer file. No credentials are needed.

// DefaultOffersURL is the Price List bulk API endpoint.
const DefaultOffersURL = "https://pricing.us-east-1.amazonaws.com"

// OfferServices are the service codes of the offers UpdateFromFiles reads
// prices from; FetchOffers fetches these by default.
var OfferServices = []string{"AmazonEC2", "AWSELB", "AmazonEKS", "AmazonECS", "AmazonVPC", "AmazonRDS"}

// FetchOptions configures FetchOffers. Zero values take the defaults.
type FetchOptions struct {
	// BaseURL is the Price List endpoint (DefaultOffersURL).
	BaseURL string
	// Services are the service codes to fetch (OfferServices).
	Services []string
	// Regions narrows the regions fetched (all that each index lists).
	Regions []string
	// CacheDir holds downloaded offers, keyed by host and version URL; a
	// file downloaded and verified before is not fetched again.
	CacheDir string
	// RequestTimeout bounds each request's wait for a response and each
	// stall (no bytes) while reading a body (2 minutes). A download that
	// keeps receiving bytes is not cut, however big the file.
	RequestTimeout time.Duration
	// DialTimeout bounds connecting (30 seconds); used when Client is nil.
	DialTimeout time.Duration
	// Attempts bounds the tries of each request (5): a request is tried
	// again after a 5xx or 429 answer, a network error, a timeout or a
	// truncated body. The waits double from Backoff (1 second), up to a
	// minute.
	Attempts int
	Backoff  time.Duration
	// Client makes the requests (a client with DialTimeout).
	Client *http.Client
	// Progress, if set, is told of bytes received (negative when a failed
	// attempt's bytes are discarded) and of files ready.
	Progress func(bytes, files int64)
}

// FetchSummary reports what FetchOffers did.
type FetchSummary struct {
	Offers []FetchedOffer `json:"offers"`
	// NotOffered lists service/region pairs asked for (with Regions) that a
	// service's region index does not list.
	NotOffered []string `json:"notOffered,omitempty"`
}

// FetchedOffer is one offer file in the cache.
type FetchedOffer struct {
	Service string `json:"service"`
	Region  string `json:"region"`
	// URL is the offer's path on the endpoint (currentVersionUrl).
	URL   string `json:"url"`
	Path  string `json:"path"`
	Bytes int64  `json:"bytes"`
	// Cached is true when a verified earlier download was used.
	Cached bool `json:"cached"`
}

var (
	serviceCodeRE = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	regionCodeRE  = regexp.MustCompile(`^[a-z0-9-]+$`)
	offerPathRE   = regexp.MustCompile(`^/offers/[A-Za-z0-9._/-]+\.json$`)
)

// FetchOffers downloads the current offer files of the services and
// regions asked for into the cache and returns them, sorted by service and
// region. Offer files are streamed to disk, never held in memory.
func FetchOffers(ctx context.Context, o FetchOptions) (FetchSummary, error) {
	var sum FetchSummary
	f, err := newFetcher(o)
	if err != nil {
		return sum, err
	}
	services := o.Services
	if len(services) == 0 {
		services = OfferServices
	}
	for _, s := range services {
		if !serviceCodeRE.MatchString(s) {
			return sum, fmt.Errorf("bad service code %q", s)
		}
	}
	for _, r := range o.Regions {
		if !regionCodeRE.MatchString(r) {
			return sum, fmt.Errorf("bad region code %q", r)
		}
	}
	type job struct{ service, region, url string }
	var jobs []job
	found := map[string]bool{}
	var listed []string
	for _, svc := range services {
		idx, err := f.regionIndex(ctx, svc)
		if err != nil {
			return sum, err
		}
		regions := make([]string, 0, len(idx))
		for r := range idx {
			regions = append(regions, r)
		}
		sort.Strings(regions)
		listed = append(listed, regions...)
		if len(o.Regions) > 0 {
			regions = regions[:0]
			for _, r := range o.Regions {
				if _, ok := idx[r]; ok {
					regions = append(regions, r)
					found[r] = true
				} else {
					sum.NotOffered = append(sum.NotOffered, svc+"/"+r)
				}
			}
		}
		for _, r := range regions {
			jobs = append(jobs, job{svc, r, idx[r]})
		}
	}
	for _, r := range o.Regions {
		if !found[r] {
			msg := fmt.Sprintf("region %q is in no region index of %s", r, strings.Join(services, ", "))
			if s := Closest(r, dedupe(listed), 3); len(s) > 0 {
				msg += "; did you mean " + strings.Join(quoteAll(s), ", ") + "?"
			}
			return sum, errors.New(msg)
		}
	}
	for _, j := range jobs {
		off, err := f.offer(ctx, j.service, j.region, j.url)
		if err != nil {
			return sum, err
		}
		sum.Offers = append(sum.Offers, off)
	}
	return sum, nil
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

type fetcher struct {
	base     *url.URL
	cache    string // CacheDir/<host>
	client   *http.Client
	timeout  time.Duration
	attempts int
	backoff  time.Duration
	progress func(bytes, files int64)
}

func newFetcher(o FetchOptions) (*fetcher, error) {
	raw := o.BaseURL
	if raw == "" {
		raw = DefaultOffersURL
	}
	base, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("offers URL %q: want http(s)://host[:port]", raw)
	}
	if o.CacheDir == "" {
		return nil, errors.New("no cache directory for offer files")
	}
	f := &fetcher{
		base:     base,
		cache:    filepath.Join(o.CacheDir, strings.NewReplacer(":", "_", "@", "_").Replace(base.Host)),
		client:   o.Client,
		timeout:  o.RequestTimeout,
		attempts: o.Attempts,
		backoff:  o.Backoff,
		progress: o.Progress,
	}
	if f.timeout <= 0 {
		f.timeout = 2 * time.Minute
	}
	if f.attempts <= 0 {
		f.attempts = 5
	}
	if f.backoff <= 0 {
		f.backoff = time.Second
	}
	if f.progress == nil {
		f.progress = func(int64, int64) {}
	}
	if f.client == nil {
		dial := o.DialTimeout
		if dial <= 0 {
			dial = 30 * time.Second
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.DialContext = (&net.Dialer{Timeout: dial, KeepAlive: 30 * time.Second}).DialContext
		tr.TLSHandshakeTimeout = dial
		tr.ResponseHeaderTimeout = f.timeout
		f.client = &http.Client{Transport: tr}
	}
	return f, nil
}

// urlFor resolves an endpoint path; the result never leaves the endpoint.
func (f *fetcher) urlFor(p string) (*url.URL, error) {
	ref, err := url.Parse(p)
	if err != nil {
		return nil, err
	}
	u := f.base.ResolveReference(ref)
	if u.Scheme != f.base.Scheme || u.Host != f.base.Host {
		return nil, fmt.Errorf("%q is not on %s", p, f.base.Redacted())
	}
	return u, nil
}

// regionIndex returns region -> currentVersionUrl for a service.
func (f *fetcher) regionIndex(ctx context.Context, service string) (map[string]string, error) {
	p := "/offers/v1.0/aws/" + service + "/current/region_index.json"
	u, err := f.urlFor(f.base.Path + p)
	if err != nil {
		return nil, err
	}
	var data []byte
	err = f.get(ctx, u, false, func(r io.Reader, resp *http.Response) error {
		var buf bytes.Buffer
		n, err := io.Copy(&buf, io.LimitReader(r, 64<<20))
		if err != nil {
			return retryable(err)
		}
		if resp.ContentLength >= 0 && n != resp.ContentLength {
			return retryable(fmt.Errorf("truncated: %d of %d bytes", n, resp.ContentLength))
		}
		data = buf.Bytes()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s region index: %w", service, err)
	}
	idx, err := parseRegionIndex(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u.Redacted(), err)
	}
	return idx, nil
}

// parseRegionIndex reads a region_index.json: region -> currentVersionUrl.
func parseRegionIndex(data []byte) (map[string]string, error) {
	var idx struct {
		Regions map[string]struct {
			RegionCode        string `json:"regionCode"`
			CurrentVersionURL string `json:"currentVersionUrl"`
		} `json:"regions"`
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, fmt.Errorf("not a region index: %w", err)
	}
	if idx.Regions == nil {
		return nil, errors.New("not a region index (no regions)")
	}
	out := map[string]string{}
	for r, v := range idx.Regions {
		if !regionCodeRE.MatchString(r) || v.CurrentVersionURL == "" {
			return nil, fmt.Errorf("region %q has no usable currentVersionUrl", r)
		}
		out[r] = v.CurrentVersionURL
	}
	return out, nil
}

// okMarker is written beside a verified download.
type okMarker struct {
	URL    string `json:"url"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// offer returns one offer file from the cache, downloading it first unless
// a verified copy is there.
func (f *fetcher) offer(ctx context.Context, service, region, versionURL string) (FetchedOffer, error) {
	off := FetchedOffer{Service: service, Region: region, URL: versionURL}
	// AWS gives a path on the endpoint ("/offers/v1.0/aws/..."), found
	// under the endpoint's own path, if any; a full URL must be on the
	// endpoint.
	ref, err := url.Parse(versionURL)
	if err != nil || ref.RawQuery != "" || (ref.IsAbs() && (ref.Scheme != f.base.Scheme || ref.Host != f.base.Host)) {
		return off, fmt.Errorf("%s %s: currentVersionUrl %q is not a path on %s", service, region, versionURL, f.base.Redacted())
	}
	clean := path.Clean(ref.Path)
	if ref.IsAbs() {
		clean = path.Clean("/" + strings.TrimPrefix(clean, f.base.Path))
	}
	if !offerPathRE.MatchString(clean) || strings.Contains(clean, "..") {
		return off, fmt.Errorf("%s %s: unexpected currentVersionUrl %q", service, region, versionURL)
	}
	u, err := f.urlFor(f.base.Path + clean)
	if err != nil {
		return off, fmt.Errorf("%s %s: currentVersionUrl: %w", service, region, err)
	}
	dest := filepath.Join(f.cache, filepath.FromSlash(strings.TrimPrefix(clean, "/")))
	off.Path = dest
	if n, ok := verified(dest, u.Redacted()); ok {
		off.Bytes, off.Cached = n, true
		f.progress(0, 1)
		return off, nil
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return off, err
	}
	err = f.get(ctx, u, true, func(r io.Reader, resp *http.Response) error {
		gz := strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip")
		n, err := f.save(r, resp.ContentLength, gz, dest, u.Redacted())
		off.Bytes = n
		return err
	})
	if err != nil {
		return off, fmt.Errorf("%s %s: %w", service, region, err)
	}
	f.progress(0, 1)
	return off, nil
}

// verified reports whether dest is a complete earlier download of url.
func verified(dest, url string) (int64, bool) {
	data, err := os.ReadFile(dest + ".ok")
	if err != nil {
		return 0, false
	}
	var m okMarker
	if json.Unmarshal(data, &m) != nil || m.URL != url {
		return 0, false
	}
	info, err := os.Stat(dest)
	if err != nil || !info.Mode().IsRegular() || info.Size() != m.Bytes {
		return 0, false
	}
	return m.Bytes, true
}

// save streams a body (gzip-compressed when gzipped) into dest.part,
// checks that it is complete, renames it to dest and writes the dest.ok
// marker. length is the body's announced length (-1 if none).
func (f *fetcher) save(r io.Reader, length int64, gzipped bool, dest, url string) (int64, error) {
	os.Remove(dest + ".ok")
	part := dest + ".part"
	file, err := os.Create(part)
	if err != nil {
		return 0, err
	}
	defer os.Remove(part) // a no-op after the rename
	h := sha256.New()
	cr := &countingReader{r: r, progress: f.progress}
	var src io.Reader = cr
	var n int64
	if gzipped {
		var zr *gzip.Reader
		if zr, err = gzip.NewReader(cr); err == nil {
			src = &readErrs{r: zr}
		} else {
			err = &readError{err}
		}
	}
	if err == nil {
		n, err = io.Copy(io.MultiWriter(file, h), src)
	}
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	fail := func(err error) (int64, error) {
		f.progress(-cr.n, 0)
		return n, err
	}
	var re *readError
	switch {
	case err != nil && (cr.err != nil || errors.As(err, &re)):
		return fail(retryable(err)) // the body broke off, or does not decompress
	case err != nil:
		return fail(err) // the disk
	case length >= 0 && cr.n != length:
		return fail(retryable(fmt.Errorf("truncated: %d of %d bytes", cr.n, length)))
	}
	// A gzip stream checks its own length and CRC; a plain body with no
	// length is checked whole.
	if err := checkComplete(part, length < 0 && !gzipped); err != nil {
		return fail(retryable(err))
	}
	if err := os.Rename(part, dest); err != nil {
		return fail(err)
	}
	m, _ := json.Marshal(okMarker{URL: url, Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))})
	if err := os.WriteFile(dest+".ok", m, 0o644); err != nil {
		return n, err
	}
	return n, nil
}

// readError marks an error reading (or decompressing) a body.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

type readErrs struct{ r io.Reader }

func (r *readErrs) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = &readError{err}
	}
	return n, err
}

// checkComplete checks that a downloaded file holds one whole JSON value:
// fully when its length was not announced, else by its last byte.
func checkComplete(p string, full bool) error {
	file, err := os.Open(p)
	if err != nil {
		return err
	}
	defer file.Close()
	if full {
		dec := json.NewDecoder(bufio.NewReaderSize(file, 64<<10))
		if err := skipValue(dec); err != nil {
			return fmt.Errorf("incomplete JSON: %w", err)
		}
		if _, err := dec.Token(); err != io.EOF {
			return errors.New("trailing data after the JSON value")
		}
		return nil
	}
	info, err := file.Stat()
	if err != nil {
		return err
	}
	tail := make([]byte, min(info.Size(), 256))
	if _, err := file.ReadAt(tail, info.Size()-int64(len(tail))); err != nil {
		return err
	}
	if t := bytes.TrimSpace(tail); len(t) == 0 || t[len(t)-1] != '}' {
		return errors.New("incomplete JSON: the file does not end with '}'")
	}
	return nil
}

type countingReader struct {
	r        io.Reader
	n        int64
	err      error // a read error other than EOF
	progress func(bytes, files int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if n > 0 {
		c.progress(int64(n), 0)
	}
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// retryableError marks an error worth another attempt.
type retryableError struct{ err error }

func (e *retryableError) Error() string { return e.err.Error() }
func (e *retryableError) Unwrap() error { return e.err }

func retryable(err error) error { return &retryableError{err} }

var errStalled = errors.New("timed out")

// get requests u and hands the body to consume, retrying with exponential
// backoff while the failure is retryable.
func (f *fetcher) get(ctx context.Context, u *url.URL, gzipOK bool, consume func(io.Reader, *http.Response) error) error {
	var err error
	wait := f.backoff
	attempt := 1
	for ; attempt <= f.attempts; attempt++ {
		if attempt > 1 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return ctx.Err()
			}
			wait = min(wait*2, time.Minute)
		}
		err = f.once(ctx, u, gzipOK, consume)
		var re *retryableError
		if err == nil || !errors.As(err, &re) || ctx.Err() != nil {
			break
		}
	}
	if err != nil && attempt > 1 {
		err = fmt.Errorf("%w (%d attempts)", err, min(attempt, f.attempts))
	}
	return err
}

// once makes one request. The timeout covers the wait for the response and
// every stall while reading its body.
func (f *fetcher) once(parent context.Context, u *url.URL, gzipOK bool, consume func(io.Reader, *http.Response) error) error {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	timer := time.AfterFunc(f.timeout, func() { cancel(errStalled) })
	defer timer.Stop()
	where := "GET " + u.Redacted()
	stalled := func(err error) error {
		if errors.Is(context.Cause(ctx), errStalled) {
			return retryable(fmt.Errorf("%s: no data for %s: %w", where, f.timeout, errStalled))
		}
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "refit (price catalog update)")
	// Asked for explicitly, a gzip body is not decompressed by the
	// transport, so its Content-Length can be checked (save decompresses).
	// Region indexes are small: they are asked for plain.
	if gzipOK {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := f.client.Do(req)
	if err != nil {
		if parent.Err() != nil {
			return parent.Err()
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the URL, which may carry secrets
		}
		return stalled(retryable(fmt.Errorf("%s: %w", where, err)))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		err := fmt.Errorf("%s: %s", where, resp.Status)
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			return retryable(err)
		}
		return err
	}
	body := &stallReader{r: resp.Body, timer: timer, timeout: f.timeout}
	if err := consume(body, resp); err != nil {
		if parent.Err() != nil {
			return parent.Err()
		}
		return stalled(fmt.Errorf("%s: %w", where, err))
	}
	return nil
}

// stallReader restarts the request's timer whenever bytes arrive.
type stallReader struct {
	r       io.Reader
	timer   *time.Timer
	timeout time.Duration
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.timer.Reset(s.timeout)
	}
	return n, err
}
