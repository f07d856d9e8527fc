package reader

import (
	"fmt"

	"github.com/refit-dev/refit/internal/billing/charge"
	"github.com/refit-dev/refit/internal/billing/query"
)

// Projection is the set of input columns a query reads. Readers skip the
// rest: a daily series by service reads the charge start, the cost and
// the service of each row, not its 30 other columns. The zero Projection
// reads everything.
type Projection struct {
	partial bool
	fields  [numFields]bool
	tags    bool
	// amortized: the query sums amortized cost, which a FOCUS export
	// without EffectiveCost cannot give.
	amortized bool
}

// ProjectionFor is the projection q needs: the charge start (days, the
// From/To window) and currency always, the cost columns of q.Cost, the
// usage amount when q.Usage, and the columns behind each dimension.
// Classification (ByComponent) needs the service, usage type, line item
// type, description and pricing term (and FOCUS's charge class and
// commitment columns, from which refit derives the line item type).
func ProjectionFor(q query.Query) Projection {
	p := Projection{partial: true}
	p.add(fStart, fCurrency)
	switch q.Cost {
	case query.Net:
		p.add(fUnblended, fNet)
	case query.Amortized:
		p.amortized = true
		p.add(fUnblended, fType, fSPEffective, fSPTotalCommitment, fSPUsedCommitment, fEffective,
			fRIUnusedUpfront, fRIUnusedRecurring, fRIARN, fChargeClass, fCommitType, fCommitCategory, fCommitStatus, fTerm)
	default:
		p.add(fUnblended)
	}
	if q.Usage {
		p.add(fUsage, fUsageFallback)
	}
	for _, d := range q.GroupBy {
		switch d {
		case query.ByDay:
		case query.ByService:
			p.add(fService)
		case query.ByUsageType:
			p.add(fUsageType)
		case query.ByResource:
			p.add(fResource)
		case query.ByAccount:
			p.add(fAccount, fAccountFallback)
		case query.ByRegion:
			p.add(fRegionCode, fRegion, fAZ, fProductMap)
		case query.ByComponent:
			p.add(fService, fUsageType, fType, fDesc, fTerm, fUnblended, fChargeClass, fCommitType, fCommitCategory, fCommitStatus)
		default: // tag:KEY
			p.add(fTagsMap)
			p.tags = true
		}
	}
	return p
}

func (p *Projection) add(fs ...field) {
	for _, f := range fs {
		p.fields[f] = true
	}
}

// needs reports whether the reader must read field f.
func (p Projection) needs(f field) bool { return !p.partial || p.fields[f] }

// needsTags reports whether the reader must read tag columns.
func (p Projection) needsTags() bool { return !p.partial || p.tags }

// refuse says why a file cannot answer the query, from its format and the
// columns it has: amortized cost from a FOCUS export without EffectiveCost
// (summing its BilledCost instead would pass billed for amortized).
func (p Projection) refuse(name string, f charge.Format, has *[numFields]bool) error {
	if p.amortized && f == charge.FormatFOCUS && !has[fEffective] {
		return fmt.Errorf("%s: FOCUS export without an EffectiveCost column: it has no amortized cost (its BilledCost is billed, not amortized); use --cost unblended", name)
	}
	return nil
}
