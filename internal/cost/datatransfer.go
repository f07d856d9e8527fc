package cost

import "github.com/refit-dev/refit/internal/estate"

// Data transfer: GB out to the internet and GB between zones (billed on
// both sides), from usage dataTransfer.*; no configuration says them.
const (
	svcDataTransfer    = "data_transfer"
	itemInternetOut    = "internet_out_first_10tb"
	itemInterAZPerSide = "inter_az_each_direction"
)

func (p *pricer) dataTransfer(_ *estate.Estate) {
	u := p.opt.Usage
	if dt := u.DataTransfer; dt.InternetOutGB > 0 || dt.InterAZGB > 0 {
		o := estate.Origin{File: u.Origin}
		if dt.InternetOutGB > 0 {
			if pr, ok := p.service(o, svcDataTransfer, itemInternetOut); ok {
				p.add("data transfer out to the internet", DataTransfer, num(dt.InternetOutGB), "GB", pr, o, "")
			}
		}
		if dt.InterAZGB > 0 {
			if pr, ok := p.service(o, svcDataTransfer, itemInterAZPerSide); ok {
				p.add("data transfer between zones (billed on both sides)", DataTransfer, num(dt.InterAZGB*2), "GB", pr, o, "")
			}
		}
	}
	p.assume("data transfer: %g GB out to the internet and %g GB between zones a month (dataTransfer.*)", u.DataTransfer.InternetOutGB, u.DataTransfer.InterAZGB)
}
