package pricing

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/progress"
)

// OpenChecked opens the catalog of dir (see Open) and checks that it
// knows each of regions: an unknown one is a --region error.
func OpenChecked(dir string, regions ...string) (*Catalog, error) {
	cat, _, err := Open(dir)
	if err != nil {
		return nil, err
	}
	for _, r := range regions {
		if err := cat.CheckRegion(r); err != nil {
			return nil, fmt.Errorf("--region: %w", err)
		}
	}
	return cat, nil
}

// ReadFlags are the flags of the commands that read the catalog as it is:
// refit prices show, list and coverage.
type ReadFlags struct {
	Dir string
	// Region is show's and list's --region; Regions coverage's.
	Region  string
	Regions []string
	// Service, Family and Instances are list's filters.
	Service, Family string
	Instances       bool
}

// AddFlags registers --prices and a --region of one region.
func (f *ReadFlags) AddFlags(fl *pflag.FlagSet, defaultRegion string) {
	f.addDir(fl)
	fl.StringVar(&f.Region, "region", defaultRegion, "AWS region")
}

// AddCoverageFlags registers --prices and a --region of many regions.
func (f *ReadFlags) AddCoverageFlags(fl *pflag.FlagSet) {
	f.addDir(fl)
	fl.StringSliceVar(&f.Regions, "region", nil, "only these regions (default: every commercial region)")
}

// AddListFlags registers list's filters.
func (f *ReadFlags) AddListFlags(fl *pflag.FlagSet) {
	fl.StringVar(&f.Service, "service", "", "only this service (ebs, eks, fargate, nat_gateway, elb_application, ...)")
	fl.BoolVar(&f.Instances, "instances", false, "list EC2 instance types with their on-demand prices")
	fl.StringVar(&f.Family, "family", "", "with --instances: only this family (t3, m7g, ...)")
}

func (f *ReadFlags) addDir(fl *pflag.FlagSet) {
	fl.StringVar(&f.Dir, "prices", "", "directory of price CSVs to use instead of the embedded catalog")
}

// Open opens the catalog and checks the regions of --region.
func (f *ReadFlags) Open() (*Catalog, error) {
	if f.Region != "" {
		return OpenChecked(f.Dir, f.Region)
	}
	return OpenChecked(f.Dir, f.Regions...)
}

// CheckFlags checks the options of refit prices update --fetch, as their
// flags give them (Attempts is --retries plus one), and sets CacheDir to
// the user's offer cache when it is empty.
func (o *FetchOptions) CheckFlags() error {
	for _, s := range o.Services {
		if !slices.Contains(OfferServices, s) {
			return fmt.Errorf("--services: refit reads no prices from %q; service codes: %s", s, strings.Join(OfferServices, ", "))
		}
	}
	if o.RequestTimeout <= 0 {
		return fmt.Errorf("--request-timeout must be positive")
	}
	if o.Attempts < 1 {
		return fmt.Errorf("--retries must be 0 or more")
	}
	if o.CacheDir == "" {
		if o.CacheDir = UserOfferCache(); o.CacheDir == "" {
			return fmt.Errorf("no user cache directory: give --cache")
		}
	}
	return nil
}

// FetchedUpdate reports refit prices update --fetch: what was fetched and
// what the catalog became.
type FetchedUpdate struct {
	Fetched FetchSummary `json:"fetched"`
	UpdateSummary
}

// UpdateFromFetched builds the catalog in outDir from the offer files
// FetchOffers fetched (see UpdateFromFiles).
func UpdateFromFetched(fetched FetchSummary, outDir string) (FetchedUpdate, error) {
	paths := make([]string, len(fetched.Offers))
	for i, o := range fetched.Offers {
		paths[i] = o.Path
	}
	if len(paths) == 0 {
		return FetchedUpdate{}, fmt.Errorf("no offer files to read")
	}
	sum, err := UpdateFromFiles(paths, outDir)
	return FetchedUpdate{fetched, sum}, err
}

// CheckUpdateFlags checks refit prices update's --from and --fetch: one of
// them, and the flags of --fetch (given says which were) only with it. It
// returns the catalog directory: to, else the user's.
func CheckUpdateFlags(from string, fetch bool, to string, given func(flag string) bool) (string, error) {
	switch {
	case from == "" && !fetch:
		return "", fmt.Errorf("--from or --fetch is required: a directory of AWS Price List offer files, or download them")
	case from != "" && fetch:
		return "", fmt.Errorf("--from and --fetch cannot be used together")
	case !fetch:
		for _, f := range []string{"offers-url", "services", "regions", "cache", "request-timeout", "retries"} {
			if given(f) {
				return "", fmt.Errorf("--%s goes with --fetch", f)
			}
		}
	}
	if to == "" {
		if to = UserDir(); to == "" {
			return "", fmt.Errorf("no user config directory: give --to")
		}
	}
	return to, nil
}

// UpdateFlags are refit prices update's flags.
type UpdateFlags struct {
	From, To string
	Fetch    bool
	FetchOptions
	Retries int
}

// AddFlags registers --from, --fetch, --to and the flags of --fetch.
func (f *UpdateFlags) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&f.From, "from", "", "directory of AWS Price List offer JSON files (searched recursively)")
	fl.BoolVar(&f.Fetch, "fetch", false, "download the offer files from the AWS Price List bulk API (no credentials needed)")
	fl.StringVar(&f.BaseURL, "offers-url", DefaultOffersURL, "with --fetch: the Price List endpoint")
	fl.StringSliceVar(&f.Services, "services", OfferServices, "with --fetch: the service codes to fetch")
	fl.StringSliceVar(&f.Regions, "regions", nil, "with --fetch: only these regions (default: every region each service lists)")
	fl.StringVar(&f.CacheDir, "cache", "", "with --fetch: directory for downloaded offer files (default: "+UserOfferCache()+")")
	fl.DurationVar(&f.RequestTimeout, "request-timeout", 2*time.Minute, "with --fetch: the longest wait for an answer, or for more bytes of a download")
	fl.IntVar(&f.Retries, "retries", 4, "with --fetch: retries of a request that failed with a 5xx, a network error, a timeout or a truncated body")
	fl.StringVar(&f.To, "to", "", "directory to write the catalog CSVs to (default: "+UserDir()+", which refit then uses instead of the embedded catalog)")
}

// Update rebuilds the catalog as the flags of fl (registered by AddFlags)
// say: from the offer files of --from (an UpdateSummary) or fetched (a
// FetchedUpdate, the download's progress on errOut).
func (f *UpdateFlags) Update(ctx context.Context, fl *pflag.FlagSet, errOut io.Writer) (any, error) {
	dir, err := CheckUpdateFlags(f.From, f.Fetch, f.To, fl.Changed)
	if err != nil {
		return nil, err
	}
	if !f.Fetch {
		return UpdateFromOffers(f.From, dir)
	}
	fo := f.FetchOptions
	fo.Attempts = f.Retries + 1
	if err := fo.CheckFlags(); err != nil {
		return nil, err
	}
	bar := progress.NewUnits(errOut, progress.IsTerminal(errOut), 0, 200*time.Millisecond, "files")
	fo.Progress = func(bytes, files int64) { bar.Add(bytes, files) }
	fetched, err := FetchOffers(ctx, fo)
	bar.Finish()
	if err != nil {
		return nil, err
	}
	return UpdateFromFetched(fetched, dir)
}
