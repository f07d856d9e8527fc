package web

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/source"
	"github.com/refit-dev/refit/internal/source/live"
)

// Flags are the inputs of refit serve and refit report --html as the
// command line gives them: the pricing flags, --overlay and --strict, the
// live sources, --example, --bill and --to.
type Flags struct {
	Cost    cost.Settings
	Source  source.Flags
	Live    live.Flags
	Example bool     // --example
	Bill    []string // --bill
	To      string   // --to
}

// AddFlags registers the inputs' flags.
func (f *Flags) AddFlags(fl *pflag.FlagSet) {
	f.Cost.AddFlags(fl)
	f.Source.AddFlags(fl)
	f.Live.AddFlags(fl)
	fl.BoolVar(&f.Example, "example", false, "show the bundled story: the kops-before cluster planned and checked, a generated month of the EKS account's bill against the eks-after estimate, the manifests checked at 1.33")
	fl.StringSliceVar(&f.Bill, "bill", nil, "billing exports to show (as refit bill reads them: files, directories, globs, s3://)")
	fl.StringVar(&f.To, "to", "", "check the inputs' manifests with refit migrate at this Kubernetes version (default with --example: 1.33)")
}

// Inputs are what the flags of fl (as AddFlags registered them) give, with
// the cluster's files at paths ("-" reads stdin); kubeTimeout bounds the
// read of a cluster; warnings and progress go to log.
func (f *Flags) Inputs(fl *pflag.FlagSet, paths []string, kubeTimeout time.Duration, stdin io.Reader, log io.Writer) Inputs {
	files := f.Source.Inputs(paths, f.Example, stdin, log)
	files.Live = f.Live.Options(fl, kubeTimeout)
	return Inputs{Cost: f.Cost, Files: files, Bill: f.Bill, MigrateTo: f.To, Log: log}
}

// ServeFlags are refit serve's --listen and --token.
type ServeFlags struct {
	Listen, Token string
}

// AddFlags registers --listen and --token.
func (f *ServeFlags) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&f.Listen, "listen", "127.0.0.1:8080", "address to listen on; beyond loopback --token is required")
	fl.StringVar(&f.Token, "token", "", "token every request must carry (default: $"+TokenEnv+")")
}

// Check takes the token from $REFIT_SERVE_TOKEN when --token is not given,
// and refuses to listen beyond loopback without one (CheckListen).
func (f *ServeFlags) Check() error {
	f.Token = tokenOrEnv(f.Token)
	return CheckListen(f.Listen, f.Token)
}

// Serve serves the pages of d on --listen until ctx is done (see Serve),
// each request carrying --token when it is set.
func (f *ServeFlags) Serve(ctx context.Context, d *Data, version string, log io.Writer) error {
	return Serve(ctx, f.Listen, Handler(d, f.Token, version), log)
}

// tokenOrEnv is the token of --token, else $REFIT_SERVE_TOKEN.
func tokenOrEnv(flag string) string {
	if flag != "" {
		return flag
	}
	return os.Getenv(TokenEnv)
}

// ReportFlags are refit report's --html.
type ReportFlags struct{ HTML string }

// AddFlags registers --html.
func (f *ReportFlags) AddFlags(fl *pflag.FlagSet) {
	fl.StringVar(&f.HTML, "html", "", "write the report to this HTML file")
}

// Check refuses a report without --html, before any input is read.
func (f *ReportFlags) Check() error {
	if f.HTML == "" {
		return fmt.Errorf("--html FILE is required")
	}
	return nil
}

// Write writes the pages of d to --html as one file (WriteHTMLFile) and
// says so on log.
func (f *ReportFlags) Write(d *Data, version string, log io.Writer) error {
	if err := WriteHTMLFile(f.HTML, d, version); err != nil {
		return err
	}
	fmt.Fprintf(log, "wrote %s\n", f.HTML)
	return nil
}

// WatchFlags are refit watch's --dashboard and --token: the pages served on
// watch's listener beside /metrics.
type WatchFlags struct {
	Dashboard bool
	Token     string
}

// AddFlags registers --dashboard and --token.
func (f *WatchFlags) AddFlags(fl *pflag.FlagSet) {
	fl.BoolVar(&f.Dashboard, "dashboard", false, "serve refit serve's pages on listen too: Spend of the bill and Cluster of the cluster, refreshed at each read (see docs/dashboard.md)")
	fl.StringVar(&f.Token, "token", "", "with --dashboard: token every page request must carry, required beyond loopback (default: $"+TokenEnv+"; /metrics, /healthz and /readyz stay open)")
}

// Open returns the dashboard refit watch serves on listen (its config's
// listen: address; once is --once), or nil without --dashboard. The token
// is --token, else $REFIT_SERVE_TOKEN; beyond loopback one is required.
func (f *WatchFlags) Open(listen string, once bool, version string) (*Dashboard, error) {
	if !f.Dashboard {
		return nil, nil
	}
	f.Token = tokenOrEnv(f.Token)
	if once || listen == "off" {
		return nil, fmt.Errorf("--dashboard serves the pages on listen while watch runs: not with --once or listen: off")
	}
	if err := CheckListen(listen, f.Token); err != nil {
		return nil, err
	}
	return NewDashboard(f.Token, version), nil
}
