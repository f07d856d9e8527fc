package awslive

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/refit-dev/refit/internal/awsclient"
	"github.com/refit-dev/refit/internal/netlimit"
)

// Options says which account and regions Load reads.
type Options struct {
	// Profile is the shared-config profile; "" uses the SDK's default chain.
	Profile string
	// Regions to read; empty means the configured region, and the single
	// entry "all" means every region enabled for the account.
	Regions []string
	// EndpointURL sends every request to this URL instead of AWS (tests,
	// LocalStack-style emulators).
	EndpointURL string
	// Concurrency bounds the (region, service) reads in flight; 0 means
	// DefaultConcurrency.
	Concurrency int
	// ResponseTimeout is the per-request timeout (0: netlimit's default;
	// tests shorten it).
	ResponseTimeout time.Duration
}

// DefaultConcurrency is the number of (region, service) reads Load runs at
// once when Options.Concurrency is 0.
const DefaultConcurrency = 8

// maxAttempts is how often the SDK tries a call that is throttled or fails
// transiently. The standard retryer's default is 3 with a 20 s backoff cap
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html);
// an inventory of a large account meets throttling often, so try longer.
const maxAttempts = 10

// maxBackoff caps the wait between two attempts; tests shorten it.
var maxBackoff = 20 * time.Second

// ErrCredentials is wrapped by Load's error when the credentials are
// missing, expired or not recognized.
var ErrCredentials = errors.New("AWS credentials missing, expired or invalid")

// Load reads the inventory of the account behind opt.Profile. A region or
// operation that is denied is listed in Inventory.Partial and the rest
// goes on; missing or expired credentials fail the whole load.
func Load(ctx context.Context, opt Options) (*Inventory, error) {
	cfg, regions, err := loadConfig(ctx, opt)
	if err != nil {
		return nil, err
	}
	inv := &Inventory{}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		if isCredentials(err) {
			return nil, fmt.Errorf("%w: %v", ErrCredentials, err)
		}
		var na *netlimit.NoAnswerError
		if errors.As(err, &na) {
			return nil, na // it names the operation
		}
		return nil, fmt.Errorf("sts:GetCallerIdentity: %w", err)
	}
	inv.Account = aws.ToString(id.Account)
	inv.Partition = "aws"
	if a, err := arn.Parse(aws.ToString(id.Arn)); err == nil {
		inv.Partition = a.Partition
	}

	inv.Regions = regions

	conc := opt.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	parts := make([]*regionReader, len(regions))
	err = runBounded(ctx, conc, func(ctx context.Context, cancel context.CancelCauseFunc) []func(context.Context) {
		var jobs []func(context.Context)
		for i, region := range regions {
			rcfg := cfg.Copy()
			rcfg.Region = region
			r := &regionReader{region: region, account: inv.Account, partition: inv.Partition, cfg: rcfg, cancel: cancel}
			parts[i] = r
			jobs = append(jobs, r.readers()...)
		}
		return jobs
	})
	if err != nil {
		return nil, err
	}
	ok := false
	for _, r := range parts {
		r.finish()
		ok = ok || r.succeeded > 0
		inv.add(&r.inv)
	}
	if !ok {
		return nil, fmt.Errorf("nothing could be read: %s", strings.Join(inv.Partial, "; "))
	}
	return inv, nil
}

// runBounded runs the jobs that plan makes, at most conc at a time. A job
// stops the others (those not started yet, and their calls) with cancel,
// whose cause runBounded returns. When the command's deadline ends the
// jobs, the first *netlimit.NoAnswerError a job gave to cancel is returned
// instead: it names an operation and endpoint.
func runBounded(ctx context.Context, conc int, plan func(ctx context.Context, cancel context.CancelCauseFunc) []func(context.Context)) error {
	ctx, cancelCtx := context.WithCancelCause(ctx)
	defer cancelCtx(nil)
	var mu sync.Mutex
	var noAnswer error
	cancel := func(cause error) {
		var na *netlimit.NoAnswerError
		if errors.As(cause, &na) {
			mu.Lock()
			if noAnswer == nil {
				noAnswer = cause
			}
			mu.Unlock()
		}
		cancelCtx(cause)
	}
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for _, job := range plan(ctx, cancel) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			job(ctx)
		}()
	}
	wg.Wait()
	err := context.Cause(ctx)
	var de *netlimit.DeadlineError
	if errors.As(err, &de) && noAnswer != nil {
		return noAnswer
	}
	return err
}

// loadConfig loads the SDK configuration (awsclient's time limits, the
// standard retryer without a client-side retry quota, the profile and
// endpoint) and resolves the
// regions to read ("all": every region EC2 lists).
func loadConfig(ctx context.Context, opt Options) (aws.Config, []string, error) {
	cfg, err := awsclient.LoadConfig(ctx, awsclient.Options{Profile: opt.Profile, EndpointURL: opt.EndpointURL,
		MaxAttempts: maxAttempts, MaxBackoff: maxBackoff, NoRetryQuota: true, ResponseTimeout: opt.ResponseTimeout})
	if err != nil {
		return cfg, nil, fmt.Errorf("aws config: %w", err)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return cfg, nil, fmt.Errorf("%w: %v", ErrCredentials, err)
	}
	regions := opt.Regions
	if len(regions) == 0 {
		if cfg.Region == "" {
			return cfg, nil, errors.New("no AWS region: set AWS_REGION, the profile's region, or name the regions")
		}
		regions = []string{cfg.Region}
	}
	if cfg.Region == "" {
		cfg.Region = regions[0]
		if cfg.Region == "all" {
			cfg.Region = "us-east-1"
		}
	}
	if len(regions) == 1 && regions[0] == "all" {
		out, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
		if err != nil {
			if isCredentials(err) {
				return cfg, nil, fmt.Errorf("%w: %v", ErrCredentials, err)
			}
			return cfg, nil, fmt.Errorf("listing regions: %s: %w", opName(err, "ec2:DescribeRegions"), err)
		}
		regions = nil
		for _, r := range out.Regions {
			regions = append(regions, aws.ToString(r.RegionName))
		}
		sort.Strings(regions)
	}
	return cfg, regions, nil
}

// add appends the resources of o.
func (inv *Inventory) add(o *Inventory) {
	inv.Partial = append(inv.Partial, o.Partial...)
	inv.Instances = append(inv.Instances, o.Instances...)
	inv.Volumes = append(inv.Volumes, o.Volumes...)
	inv.Snapshots = append(inv.Snapshots, o.Snapshots...)
	inv.Addresses = append(inv.Addresses, o.Addresses...)
	inv.NATGateways = append(inv.NATGateways, o.NATGateways...)
	inv.LoadBalancers = append(inv.LoadBalancers, o.LoadBalancers...)
	inv.Clusters = append(inv.Clusters, o.Clusters...)
	inv.NodeGroups = append(inv.NodeGroups, o.NodeGroups...)
	inv.FargateProfiles = append(inv.FargateProfiles, o.FargateProfiles...)
	inv.Environments = append(inv.Environments, o.Environments...)
	inv.Databases = append(inv.Databases, o.Databases...)
}

// Error codes AWS answers for a caller that may not do something here. EC2
// says UnauthorizedOperation, most query APIs AccessDenied, JSON APIs
// AccessDeniedException; a region not enabled for the account answers
// AuthFailure (EC2) or UnrecognizedClientException / InvalidClientTokenId.
var deniedCodes = map[string]bool{
	"UnauthorizedOperation": true, "AccessDenied": true, "AccessDeniedException": true,
	"AuthFailure": true, "UnrecognizedClientException": true, "OptInRequired": true,
	"UnauthorizedException": true, "InvalidClientTokenId": true,
}

// Error codes for credentials that are no longer (or never were) good.
var credentialCodes = map[string]bool{
	"ExpiredToken": true, "ExpiredTokenException": true, "RequestExpired": true,
	"InvalidClientTokenId": true, "SignatureDoesNotMatch": true,
	"IncompleteSignature": true, "MissingAuthenticationToken": true,
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// isCredentials reports whether err says the credentials are bad. It is
// checked before isDenied: InvalidClientTokenId means bad credentials when
// the home region answers it, and a disabled region anywhere else.
func isCredentials(err error) bool {
	return credentialCodes[errorCode(err)] || errors.Is(err, ErrCredentials)
}

func isDenied(err error) bool { return deniedCodes[errorCode(err)] }

// opName returns "service:Operation" from the SDK's error, or def.
func opName(err error, def string) string {
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		return iamPrefix(oe.ServiceID) + ":" + oe.OperationName
	}
	return def
}

// iamPrefix maps an SDK service id to its IAM action prefix.
func iamPrefix(serviceID string) string {
	switch serviceID {
	case "EC2":
		return "ec2"
	case "Elastic Load Balancing", "Elastic Load Balancing v2":
		return "elasticloadbalancing"
	case "EKS":
		return "eks"
	case "Elastic Beanstalk":
		return "elasticbeanstalk"
	case "RDS":
		return "rds"
	case "STS":
		return "sts"
	}
	return strings.ToLower(strings.ReplaceAll(serviceID, " ", ""))
}

// regionReader reads one region; its readers run in parallel.
type regionReader struct {
	region, account, partition string
	cfg                        aws.Config
	cancel                     context.CancelCauseFunc

	mu        sync.Mutex
	inv       Inventory
	succeeded int
}

// readers returns one function per service.
func (r *regionReader) readers() []func(context.Context) {
	return []func(context.Context){r.readEC2, r.readELB, r.readELBv2, r.readEKS, r.readBeanstalk, r.readRDS}
}

// check records the outcome of one operation and reports whether it
// succeeded. Bad credentials stop the whole load; anything else is noted
// in Partial and the region goes on.
func (r *regionReader) check(ctx context.Context, err error, op string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil {
		r.succeeded++
		return true
	}
	if ctx.Err() != nil {
		var na *netlimit.NoAnswerError
		if errors.As(err, &na) {
			r.cancel(na) // names what the deadline cut short
		}
		return false
	}
	op = opName(err, op)
	switch {
	case isCredentials(err) && errorCode(err) != "InvalidClientTokenId":
		// The credentials worked for sts:GetCallerIdentity; in another
		// region InvalidClientTokenId means the region is not enabled.
		r.cancel(fmt.Errorf("%w: %s: %s: %v", ErrCredentials, r.region, op, err))
	case isDenied(err):
		r.inv.Partial = append(r.inv.Partial, fmt.Sprintf("%s: access denied for %s", r.region, op))
	default:
		r.inv.Partial = append(r.inv.Partial, fmt.Sprintf("%s: %s failed: %v", r.region, op, err))
	}
	return false
}

// arn builds an ARN in the reader's partition, region and account.
func (r *regionReader) arn(service, resource string) string {
	return arn.ARN{Partition: r.partition, Service: service, Region: r.region, AccountID: r.account, Resource: resource}.String()
}

// finish sorts what was read and links snapshots to their volumes.
func (r *regionReader) finish() {
	inv := &r.inv
	vols := map[string]bool{}
	for _, v := range inv.Volumes {
		vols[v.ID] = true
	}
	for i := range inv.Snapshots {
		inv.Snapshots[i].SourceVolumeExists = vols[inv.Snapshots[i].VolumeID]
	}
	nat := map[string]string{}
	for _, n := range inv.NATGateways {
		for _, a := range n.AllocationIDs {
			nat[a] = n.ID
		}
	}
	for i := range inv.Addresses {
		inv.Addresses[i].NATGateway = nat[inv.Addresses[i].AllocationID]
	}
	sort.Strings(inv.Partial)
	sort.Slice(inv.Instances, func(i, j int) bool { return inv.Instances[i].ID < inv.Instances[j].ID })
	sort.Slice(inv.Volumes, func(i, j int) bool { return inv.Volumes[i].ID < inv.Volumes[j].ID })
	sort.Slice(inv.Snapshots, func(i, j int) bool { return inv.Snapshots[i].ID < inv.Snapshots[j].ID })
	sort.Slice(inv.Addresses, func(i, j int) bool { return inv.Addresses[i].AllocationID < inv.Addresses[j].AllocationID })
	sort.Slice(inv.NATGateways, func(i, j int) bool { return inv.NATGateways[i].ID < inv.NATGateways[j].ID })
	sort.Slice(inv.LoadBalancers, func(i, j int) bool { return inv.LoadBalancers[i].ARN < inv.LoadBalancers[j].ARN })
	sort.Slice(inv.Clusters, func(i, j int) bool { return inv.Clusters[i].Name < inv.Clusters[j].Name })
	sort.Slice(inv.NodeGroups, func(i, j int) bool { return inv.NodeGroups[i].ARN < inv.NodeGroups[j].ARN })
	sort.Slice(inv.FargateProfiles, func(i, j int) bool { return inv.FargateProfiles[i].ARN < inv.FargateProfiles[j].ARN })
	sort.Slice(inv.Environments, func(i, j int) bool { return inv.Environments[i].Name < inv.Environments[j].Name })
	sort.Slice(inv.Databases, func(i, j int) bool { return inv.Databases[i].ID < inv.Databases[j].ID })
}

// clients, one per service, for the region.
func (r *regionReader) ec2() *ec2.Client { return ec2.NewFromConfig(r.cfg) }
func (r *regionReader) elb() *elasticloadbalancing.Client {
	return elasticloadbalancing.NewFromConfig(r.cfg)
}
func (r *regionReader) elbv2() *elasticloadbalancingv2.Client {
	return elasticloadbalancingv2.NewFromConfig(r.cfg)
}
func (r *regionReader) eks() *eks.Client { return eks.NewFromConfig(r.cfg) }
func (r *regionReader) beanstalk() *elasticbeanstalk.Client {
	return elasticbeanstalk.NewFromConfig(r.cfg)
}
func (r *regionReader) rds() *rds.Client { return rds.NewFromConfig(r.cfg) }
