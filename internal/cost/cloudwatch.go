package cost

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/refit-dev/refit/internal/estate"
)

// CloudWatch metric alarms: alarm metric-months, at the standard or the
// high-resolution price. AWS's free tier (10 alarm metrics) is not
// deducted. CloudWatch has no component of its own: its lines are "other",
// as billing classifies CloudWatch bill lines.
const (
	svcCloudWatch     = "cloudwatch"
	itemAlarmStandard = "alarm_standard_resolution"
	itemAlarmHighRes  = "alarm_high_resolution"
)

func (p *pricer) alarms(e *estate.Estate) {
	for _, a := range e.Alarms {
		item, what := itemAlarmStandard, "CloudWatch alarm "+a.Name
		if a.HighResolution {
			item, what = itemAlarmHighRes, "CloudWatch high-resolution alarm "+a.Name
		}
		n := max(a.Metrics, 1)
		if n > 1 {
			what += fmt.Sprintf(" (%d metrics)", n)
		}
		if pr, ok := p.service(a.Origin, svcCloudWatch, item); ok {
			p.add(what, Other, decimal.NewFromInt(int64(n)), "alarm-metric-months", pr, a.Origin, "")
		}
	}
	if len(e.Alarms) > 0 {
		p.assume("CloudWatch alarms: the free tier's 10 alarm metrics a month are not deducted")
	}
}
