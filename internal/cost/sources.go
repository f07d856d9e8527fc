package cost

import "github.com/refit-dev/refit/internal/estate"

// fromSources carries what the sources said about how they read the input:
// their assumptions, their notes, and the inputs they could not read.
func (p *pricer) fromSources(e *estate.Estate) {
	for _, a := range e.Assumptions {
		p.assume("%s", a)
	}
	for _, n := range e.Notes {
		p.note("%s", n)
	}
	if e.Partial() {
		p.b.Partial = true
		p.b.Unread = append(p.b.Unread, e.Unread...)
	}
}
