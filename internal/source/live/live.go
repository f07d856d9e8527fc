// Package live reads the live sources refit takes beside or instead of
// files: an AWS account (source/awslive) and a Kubernetes cluster
// (source/kubelive).
package live

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/source/awslive"
	"github.com/refit-dev/refit/internal/source/kubelive"
)

// Options select the live sources (the --aws and --kubeconfig flags).
type Options struct {
	// AWS reads the account of Profile in Regions.
	AWS     bool
	Profile string
	Regions []string
	// Kube reads the cluster of Kubeconfig and Context.
	Kube       bool
	Kubeconfig string
	Context    string
	// KubeTimeout bounds the whole cluster read: 0 the reader's default,
	// negative none.
	KubeTimeout time.Duration
}

// Active reports whether any live source is read.
func (o Options) Active() bool { return o.AWS || o.Kube }

// Load reads the live sources into an estate within ctx, writing a
// warning to warn for each partial read. It returns the cluster's own
// estate too (nil without Kube), for allocation.
func Load(ctx context.Context, o Options, warn io.Writer) (*estate.Estate, *estate.Estate, error) {
	var cluster *estate.Estate
	e := &estate.Estate{}
	if o.AWS {
		inv, err := awslive.Load(ctx, awslive.Options{Profile: o.Profile, Regions: o.Regions})
		if err != nil {
			return nil, nil, fmt.Errorf("aws: %w", err)
		}
		for _, p := range inv.Partial {
			fmt.Fprintf(warn, "warning: partial result: %s\n", p)
		}
		if err := e.Merge(inv.Estate()); err != nil {
			return nil, nil, err
		}
	}
	if o.Kube {
		snap, err := kubelive.LoadTimeout(ctx, o.Kubeconfig, o.Context, o.KubeTimeout)
		if err != nil {
			return nil, nil, err
		}
		for _, w := range snap.Warnings {
			fmt.Fprintf(warn, "warning: %s\n", w)
		}
		cluster = snap.Estate()
		if err := e.Merge(cluster.Clone()); err != nil {
			return nil, nil, err
		}
	}
	return e, cluster, nil
}
