// Package awstest is a fake AWS for tests: a local HTTP server that speaks
// the wire formats of the APIs internal/source/awslive calls, so that tests
// run the real SDK against recorded-style fixtures. It is imported by tests
// only (awslive's own, and those of the capabilities that read its estates).
package awstest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Fake answers the AWS APIs from recorded-style responses under DIR/REGION
// (or DIR for global ones), in each API's wire format: the query protocol
// (POST form, XML) for EC2, ELB, ELBv2, Elastic Beanstalk, RDS and STS,
// REST JSON for EKS. internal/source/awslive/testdata holds one DIR per
// account: clean, waste, insights.
//
// A response is the file SERVICE.ACTION[.KEY][.page-TOKEN].xml|json, KEY
// naming the resource a per-resource call asks about. A missing file
// answers an empty, valid response: a region without fixtures has nothing.
//
// Set Deny, Throttle and Expired before the first request.
type Fake struct {
	dir string
	// Deny names regions that answer access denied.
	Deny map[string]bool
	// Expired makes every call answer ExpiredToken.
	Expired bool
	// Throttle counts the throttled answers left, by
	// "region/service.Action".
	Throttle map[string]int

	mu    sync.Mutex
	calls map[string]int // "region/service.Action" → requests seen
}

// New starts a fake AWS serving the fixtures under dir; the server closes
// when the test ends.
func New(t testing.TB, dir string) (*Fake, *httptest.Server) {
	f := NewHandler(dir)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

// NewHandler is the fake without its server, for tests that put their own
// routes in front of it.
func NewHandler(dir string) *Fake {
	return &Fake{dir: dir, Deny: map[string]bool{}, Throttle: map[string]int{}, calls: map[string]int{}}
}

// queryServices maps the query protocol's Version to a service name and
// its XML namespace.
var queryServices = map[string][2]string{
	"2016-11-15": {"ec2", "http://ec2.amazonaws.com/doc/2016-11-15/"},
	"2012-06-01": {"elb", "http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/"},
	"2015-12-01": {"elbv2", "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"},
	"2010-12-01": {"elasticbeanstalk", "http://elasticbeanstalk.amazonaws.com/docs/2010-12-01/"},
	"2014-10-31": {"rds", "http://rds.amazonaws.com/doc/2014-10-31/"},
	"2011-06-15": {"sts", "https://sts.amazonaws.com/doc/2011-06-15/"},
}

// scope reads the region and service from the SigV4 credential scope.
var scope = regexp.MustCompile(`Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request`)

// Region reads the region a request was signed for; false for an unsigned
// request.
func Region(r *http.Request) (string, bool) {
	m := scope.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return "", false
	}
	return m[1], true
}

// ServeHTTP answers one signed request.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	region, ok := Region(r)
	if !ok {
		http.Error(w, "unsigned request", http.StatusForbidden)
		return
	}
	if r.Method == http.MethodPost {
		f.query(w, r, region)
		return
	}
	f.rest(w, r, region)
}

func (f *Fake) query(w http.ResponseWriter, r *http.Request, region string) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	action := r.PostForm.Get("Action")
	svc, ok := queryServices[r.PostForm.Get("Version")]
	if !ok || action == "" {
		http.Error(w, "unknown API version "+r.PostForm.Get("Version"), http.StatusBadRequest)
		return
	}
	name, ns := svc[0], svc[1]
	if code := f.Fault(region, name, action); code != "" {
		status := http.StatusBadRequest
		switch code {
		case "UnauthorizedOperation", "AccessDenied", "ExpiredToken":
			status = http.StatusForbidden
		case "RequestLimitExceeded":
			status = http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		if name == "ec2" {
			// EC2's error shape: Response/Errors/Error.
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>%s</Code><Message>fake %s</Message></Error></Errors><RequestID>req-1</RequestID></Response>`, code, code)
			return
		}
		fmt.Fprintf(w, `<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code><Message>fake %s</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`, ns, code, code)
		return
	}
	key := ""
	switch action {
	case "DescribeTargetHealth":
		key = path.Base(path.Dir(r.PostForm.Get("TargetGroupArn"))) // targetgroup/NAME/ID
	case "DescribeListeners":
		key = path.Base(path.Dir(r.PostForm.Get("LoadBalancerArn"))) // loadbalancer/app/NAME/ID
	case "DescribeInstanceHealth":
		key = r.PostForm.Get("LoadBalancerName")
	}
	token := r.PostForm.Get("NextToken") + r.PostForm.Get("Marker")
	body, ok := f.Fixture(region, name, action, key, token, "xml")
	if !ok {
		if name == "ec2" {
			body = fmt.Sprintf(`<%sResponse xmlns="%s"><requestId>req-1</requestId></%sResponse>`, action, ns, action)
		} else {
			body = fmt.Sprintf(`<%sResponse xmlns="%s"><%sResult></%sResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></%sResponse>`, action, ns, action, action, action)
		}
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	fmt.Fprint(w, body)
}

// rest serves EKS: GET /clusters, /clusters/NAME,
// /clusters/NAME/node-groups[/NG], /clusters/NAME/fargate-profiles[/FP].
func (f *Fake) rest(w http.ResponseWriter, r *http.Request, region string) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	for i, p := range parts {
		parts[i], _ = url.PathUnescape(p)
	}
	var action, key string
	switch {
	case len(parts) == 1 && parts[0] == "clusters":
		action = "ListClusters"
	case len(parts) == 2 && parts[0] == "clusters":
		action, key = "DescribeCluster", parts[1]
	case len(parts) == 3 && parts[2] == "node-groups":
		action, key = "ListNodegroups", parts[1]
	case len(parts) == 4 && parts[2] == "node-groups":
		action, key = "DescribeNodegroup", parts[1]+"."+parts[3]
	case len(parts) == 3 && parts[2] == "fargate-profiles":
		action, key = "ListFargateProfiles", parts[1]
	case len(parts) == 4 && parts[2] == "fargate-profiles":
		action, key = "DescribeFargateProfile", parts[1]+"."+parts[3]
	default:
		http.Error(w, "no route "+r.URL.Path, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if code := f.Fault(region, "eks", action); code != "" {
		status := http.StatusBadRequest
		switch code {
		case "AccessDeniedException", "ExpiredTokenException":
			status = http.StatusForbidden
		case "ThrottlingException":
			status = http.StatusTooManyRequests
		}
		// REST JSON errors name their type in X-Amzn-Errortype.
		w.Header().Set("X-Amzn-Errortype", code)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"message":"fake %s"}`, code)
		return
	}
	body, ok := f.Fixture(region, "eks", action, key, r.URL.Query().Get("nextToken"), "json")
	if !ok {
		body = "{}"
		if strings.HasPrefix(action, "Describe") {
			w.Header().Set("X-Amzn-Errortype", "ResourceNotFoundException")
			w.WriteHeader(http.StatusNotFound)
			body = `{"message":"not found"}`
		}
	}
	fmt.Fprint(w, body)
}

// Fault counts a call and returns the error code to answer instead of a
// response, if any: ExpiredToken, access denied or a throttling code.
func (f *Fake) Fault(region, service, action string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := region + "/" + service + "." + action
	f.calls[id]++
	switch {
	case f.Expired && service == "eks":
		return "ExpiredTokenException"
	case f.Expired:
		return "ExpiredToken"
	case f.Deny[region] && service == "ec2":
		return "UnauthorizedOperation"
	case f.Deny[region] && service == "eks":
		return "AccessDeniedException"
	case f.Deny[region] && service != "sts":
		return "AccessDenied"
	}
	if f.Throttle[id] > 0 {
		f.Throttle[id]--
		switch service {
		case "ec2":
			return "RequestLimitExceeded"
		case "eks":
			return "ThrottlingException"
		default:
			return "Throttling"
		}
	}
	return ""
}

// Fixture reads the response file for a call: the region's, else the
// global one; false when there is none.
func (f *Fake) Fixture(region, service, action, key, token, ext string) (string, bool) {
	name := service + "." + action
	if key != "" {
		name += "." + key
	}
	if token != "" {
		name += ".page-" + token
	}
	name += "." + ext
	for _, p := range []string{filepath.Join(f.dir, region, name), filepath.Join(f.dir, name)} {
		if b, err := os.ReadFile(p); err == nil {
			return string(b), true
		}
	}
	return "", false
}

// Calls counts the requests seen for "region/service.Action".
func (f *Fake) Calls(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[id]
}

// Env points the SDK at static test credentials, region and nothing else
// from the machine.
func Env(t testing.TB, region string) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", region)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", "")
}
