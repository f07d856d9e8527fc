package awslive

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
	"time"
)

// fakeAWS answers the AWS APIs from recorded-style responses under
// testdata/ACCOUNT/REGION (or testdata/ACCOUNT for global ones), in each
// API's wire format: the query protocol (POST form, XML) for EC2, ELB,
// ELBv2, Elastic Beanstalk, RDS and STS, REST JSON for EKS.
//
// A response is the file SERVICE.ACTION[.KEY][.page-TOKEN].xml|json, KEY
// naming the resource a per-resource call asks about. A missing file
// answers an empty, valid response: a region without fixtures has nothing.
type fakeAWS struct {
	t       *testing.T
	dir     string
	deny    map[string]bool // regions answering access denied
	expired bool            // every call answers ExpiredToken

	mu       sync.Mutex
	throttle map[string]int // "region/service.Action" → throttled answers left
	calls    map[string]int // "region/service.Action" → requests seen
}

func newFakeAWS(t *testing.T, account string) (*fakeAWS, *httptest.Server) {
	f := &fakeAWS{t: t, dir: filepath.Join("testdata", account), deny: map[string]bool{}, throttle: map[string]int{}, calls: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
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

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := scope.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		http.Error(w, "unsigned request", http.StatusForbidden)
		return
	}
	region := m[1]
	if r.Method == http.MethodPost {
		f.query(w, r, region)
		return
	}
	f.rest(w, r, region)
}

func (f *fakeAWS) query(w http.ResponseWriter, r *http.Request, region string) {
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
	if code := f.fault(region, name, action); code != "" {
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
	body, ok := f.fixture(region, name, action, key, token, "xml")
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
func (f *fakeAWS) rest(w http.ResponseWriter, r *http.Request, region string) {
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
	if code := f.fault(region, "eks", action); code != "" {
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
	body, ok := f.fixture(region, "eks", action, key, r.URL.Query().Get("nextToken"), "json")
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

// fault returns the error code to answer instead of a response, if any.
func (f *fakeAWS) fault(region, service, action string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := region + "/" + service + "." + action
	f.calls[id]++
	switch {
	case f.expired && service == "eks":
		return "ExpiredTokenException"
	case f.expired:
		return "ExpiredToken"
	case f.deny[region] && service == "ec2":
		return "UnauthorizedOperation"
	case f.deny[region] && service == "eks":
		return "AccessDeniedException"
	case f.deny[region] && service != "sts":
		return "AccessDenied"
	}
	if f.throttle[id] > 0 {
		f.throttle[id]--
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

func (f *fakeAWS) fixture(region, service, action, key, token, ext string) (string, bool) {
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

func (f *fakeAWS) callCount(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[id]
}

// testEnv points the SDK at static test credentials and nothing else from
// the machine.
func testEnv(t *testing.T, region string) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", region)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", "")
	old := maxBackoff
	maxBackoff = time.Millisecond
	t.Cleanup(func() { maxBackoff = old })
}
