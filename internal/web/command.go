package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/refit-dev/refit/internal/billing"
	"github.com/refit-dev/refit/internal/cost"
	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source"
)

// Inputs are what refit serve and refit report --html are given on the
// command line.
type Inputs struct {
	// Cost are the pricing flags.
	Cost cost.Settings
	// Files are the cluster's files (also checked with migrate) and live
	// sources; Files.Example is --example, the bundled story.
	Files source.Inputs
	// Bill are the billing exports (--bill), read as refit bill does.
	Bill []string
	// MigrateTo is --to (with --example, 1.33 by default).
	MigrateTo string
	// Log receives warnings and progress.
	Log io.Writer
}

// errNothing is Open's answer to no input at all.
var errNothing = errors.New("nothing to show: give the cluster's files (PATH...), --bill PATH, --kubeconfig, --aws, or --example")

// Open reads the inputs into Sources and computes every page with Load, as
// the commands do with their default flags. ctx bounds the reads of AWS,
// a cluster and s3:// or Athena bills.
func Open(ctx context.Context, in Inputs) (*Data, error) {
	f := in.Files
	if !f.Example && len(f.Paths) == 0 && len(in.Bill) == 0 && !f.Live.Active() {
		return nil, errNothing
	}
	cat, copt, err := in.Cost.Open()
	if err != nil {
		return nil, err
	}
	s := Sources{Catalog: cat, Cost: copt, MigrateTo: in.MigrateTo, Log: in.Log}
	if f.Example || len(f.Paths) > 0 || f.Live.Active() {
		if s.Estate, s.Cluster, err = f.Load(ctx); err != nil {
			return nil, err
		}
	}
	var bf billing.Flags
	bf.Cost, bf.Engine = "unblended", "local"
	if s.Period, err = bf.Period(); err != nil {
		return nil, err
	}
	switch {
	case f.Example && len(in.Bill) == 0:
		s.Bill = &billing.Config{Example: true}
		var after *estate.Estate
		if after, _, err = (source.Inputs{Paths: []string{"eks-after"}, Example: true, Warn: in.Log}).Load(ctx); err != nil {
			return nil, err
		}
		s.Estimate, s.ExampleCluster = after, len(f.Paths) == 0 && !f.Live.Kube
	case len(in.Bill) > 0:
		cfg, err := bf.Config(in.Bill, in.Log)
		if err != nil {
			return nil, err
		}
		s.Bill = &cfg
	}
	if f.Example && len(f.Paths) == 0 {
		s.MigrateExample = true
		if s.MigrateTo == "" {
			s.MigrateTo = "1.33"
		}
	} else {
		s.MigratePaths = f.Paths
	}
	return Load(ctx, s)
}

// Serve listens on addr and serves h until ctx is done, then shuts the
// server down, giving requests in flight 5 seconds. It says where it
// listens on log.
func Serve(ctx context.Context, addr string, h http.Handler, log io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := NewServer(addr, h)
	ctx, stop := context.WithCancel(ctx) // the shutdown below ends with Serve
	defer stop()
	fmt.Fprintf(log, "refit serve: http://%s/ (Ctrl-C stops)\n", ln.Addr())
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
