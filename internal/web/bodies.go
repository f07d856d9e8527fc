package web

// The body of each page, as markup (see html.go for the escaping rules).

func (v *spendView) html(w *htmlw) {
	d := v.D
	if d.Bill == nil {
		w.missing("No bill: give --bill PATH (a billing export) or --example.")
		return
	}
	w.m("\n<div class=\"cards\">\n",
		`<div class="card"><div class="l">Total billed `, esc(d.Bill.PeriodStart), ` to `, esc(d.Bill.PeriodEnd),
		`</div><div class="v" data-total="bill">$`, money(d.Bill.TotalCost.Decimal), "</div></div>\n")
	if fc := d.Forecast; fc != nil {
		w.m(`<div class="card"><div class="l">Month to date (`, date(fc.PeriodStart), ` to `, date(fc.Last),
			`)</div><div class="v" data-total="month-to-date">$`, money(fc.MonthToDate), "</div></div>\n",
			`<div class="card"><div class="l">Forecast month end (`, esc(fc.DaysRemaining),
			` days left)</div><div class="v" data-total="forecast">$`, money(fc.Projected),
			`</div><div class="l">range $`, money(fc.Low), ` to $`, money(fc.High), "</div></div>\n")
	}
	w.m(`<div class="card"><div class="l">Anomalous days</div><div class="v" data-total="anomalies">`, esc(len(d.Anomalies)), "</div></div>\n</div>\n",
		"<h2>Daily spend by component</h2>\n",
		`<div class="pair"><div class="chartbox">`, string(v.Chart),
		`<p class="note">Red triangles mark anomalous days (hover a bar for the day's numbers).`)
	if fc := d.Forecast; fc != nil && fc.DaysRemaining > 0 {
		w.m(` The shaded band is the forecast for the days left: the mean of the last `, esc(fc.BasisDays),
			` days (dashed), from the cheapest to the dearest of them.`)
	}
	w.m("</p></div>\n",
		`<div class="tablebox"><table aria-label="Daily spend"><thead><tr><th>Date</th><th class="n">Total</th><th>Anomaly</th></tr></thead><tbody>`, "\n")
	for _, r := range v.Days {
		w.m(`<tr`)
		if r.Anomaly != "" {
			w.m(` class="anom"`)
		}
		w.m(`><td>`, esc(r.Date), `</td><td class="n">$`, money(r.Cost), `</td><td>`, esc(r.Anomaly), `</td></tr>`)
	}
	w.m("\n</tbody></table></div></div>\n")
	w.downloads(v.Downloads)
	w.m("\n<h2>By component</h2>\n",
		`<div class="tablebox"><table aria-label="Spend by component"><thead><tr><th>Component</th><th class="n">Cost</th></tr></thead><tbody>`, "\n")
	for _, c := range d.Bill.Components {
		w.m(`<tr><td>`, esc(c.Name), `</td><td class="n">$`, money(c.Cost.Decimal), `</td></tr>`)
	}
	w.m("\n</tbody></table></div>\n")
}

func (v *estimateView) html(w *htmlw) {
	d := v.D
	if d.Vs == nil {
		w.missing("No comparison: it needs a bill (--bill or --example) and inputs to estimate.")
		return
	}
	w.m("\n<p>Billed over ", esc(d.Vs.Days), " days, scaled to a 730-hour month, against refit cost's estimate.</p>\n",
		`<div class="cards"><div class="card"><div class="l">Estimated a month</div><div class="v" data-total="estimated">$`, money(v.Estimated), "</div></div>\n",
		`<div class="card"><div class="l">Billed, scaled to a month</div><div class="v" data-total="billed-monthly">$`, money(v.BilledMonthly), "</div></div></div>\n",
		`<div class="pair"><div class="chartbox">`, string(v.Chart), "</div>\n",
		`<div class="tablebox"><table aria-label="Estimate vs bill"><thead><tr><th>Component</th><th class="n">Estimated</th><th class="n">Billed /month</th><th class="n">Difference</th><th>Hint</th></tr></thead><tbody>`, "\n")
	for _, c := range d.Vs.Comparisons {
		w.m(`<tr><td>`, esc(c.Component), `</td><td class="n">$`, money(c.Estimated), `</td><td class="n">$`, money(c.BilledMonthly),
			`</td><td class="n">`, esc(signed(c.Difference)), `</td><td>`, esc(c.Hint), `</td></tr>`)
	}
	w.m("\n</tbody></table></div></div>\n")
	w.downloads(v.Downloads)
	w.m("\n")
}

func (v *planView) html(w *htmlw) {
	d := v.D
	if d.Plan == nil {
		w.missing("No plan: give the cluster's files or --example.")
		return
	}
	rec := d.Plan.Recommended
	w.m("\n", `<div class="cards"><div class="card"><div class="l">Today a month</div><div class="v" data-total="current">$`, money(v.Current), "</div></div>\n",
		`<div class="card"><div class="l">Recommended: `, esc(rec), `</div><div class="v" data-total="recommended">$`, money(v.RecommendedCost),
		`</div><div class="l">saves $`, money(v.RecommendedSaving), " a month</div></div></div>\n",
		"<h2>Scenarios by component (monthly)</h2>\n",
		`<div class="pair"><div class="chartbox">`, string(v.Chart), `<p class="note">The red triangle marks the recommended scenario.</p></div>`, "\n",
		`<div class="tablebox"><table aria-label="Scenarios"><thead><tr><th>Scenario</th><th class="n">Monthly</th><th class="n">Saving</th><th>Eligible</th></tr></thead><tbody>`, "\n",
		`<tr><td>current</td><td class="n">$`, money(v.Current), `</td><td class="n"></td><td></td></tr>`, "\n")
	for _, s := range v.View.Scenarios {
		w.m(`<tr`)
		if s.Name == rec {
			w.m(` class="rec"`)
		}
		w.m(`><td title="`, esc(s.Title), `">`, esc(s.Name))
		if s.Name == rec {
			w.m(` ★`)
		}
		w.m(`</td><td class="n" data-scenario="`, esc(s.Name), `">$`, money(s.TotalMonthlyCost.Decimal), `</td><td class="n">`, esc(signed(s.SavingMonthly.Decimal)), `</td><td>`)
		if s.Eligible {
			w.m("yes")
		} else {
			w.m("no")
			if s.WhyNot != "" {
				w.m(": ", esc(s.WhyNot))
			}
			if s.NotPriced != "" {
				w.m(" (not priced: ", esc(s.NotPriced), ")")
			}
		}
		w.m(`</td></tr>`)
	}
	w.m("\n</tbody></table></div></div>\n")
	w.downloads(v.Downloads)
	w.m("\n<h2>Risks</h2>\n")
	for _, s := range v.View.Scenarios {
		if len(s.Risks) == 0 {
			continue
		}
		w.m(`<h3>`, esc(s.Name))
		if s.Name == rec {
			w.m(" (recommended)")
		}
		w.m(`</h3><ul class="risks">`)
		for _, r := range s.Risks {
			w.m(`<li>`, esc(r), `</li>`)
		}
		w.m(`</ul>`)
	}
	w.m("\n")
	if d.Eksctl != "" {
		w.m(`<h2>eksctl config of `, esc(rec), `</h2><pre>`, esc(d.Eksctl), `</pre>`)
	}
	w.m("\n")
	if len(v.View.Assumptions) > 0 {
		w.m(`<h2>Assumptions</h2><ul>`)
		for _, a := range v.View.Assumptions {
			w.m(`<li>`, esc(a), `</li>`)
		}
		w.m(`</ul>`)
	}
	w.m("\n")
}

func (v *migrationView) html(w *htmlw) {
	d := v.D
	if d.MigrateTo == "" {
		w.missing("No migration check: give --to VERSION with the manifests, or --example.")
		return
	}
	s := v.Summary
	w.m("\n", `<div class="cards"><div class="card"><div class="l">Findings at `, esc(d.MigrateTo), `</div><div class="v" data-total="findings">`, esc(s.Total), "</div></div>\n",
		`<div class="card"><div class="l">Errors (removed APIs, ...)</div><div class="v sev-error" data-total="errors">`, esc(s.Errors), "</div></div>\n",
		`<div class="card"><div class="l">Warnings</div><div class="v sev-warning" data-total="warnings">`, esc(s.Warnings), "</div></div>\n",
		`<div class="card"><div class="l">Fixable by refit migrate fix</div><div class="v">`, esc(s.Fixable), "</div></div></div>\n",
		"<h2>Findings by file and severity</h2>\n",
		`<div class="pair"><div class="chartbox">`, string(v.Chart), "</div>\n",
		`<div class="tablebox"><table aria-label="Findings"><thead><tr><th>Severity</th><th>Where</th><th>Object</th><th>API</th><th>Message</th></tr></thead><tbody>`, "\n")
	for _, f := range d.Findings {
		w.m(`<tr><td class="sev-`, esc(f.Severity), `">`, esc(f.Severity), `</td><td>`, esc(f.Location()), `</td><td>`, esc(f.Kind), ` `, esc(f.Name),
			`</td><td>`, esc(f.FoundAPIVersion))
		if f.Replacement != "" {
			w.m(` → `, esc(f.Replacement))
		}
		w.m(`</td><td>`, esc(f.Message), `</td></tr>`)
	}
	w.m("\n</tbody></table></div></div>\n")
	w.downloads(v.Downloads)
	w.m("\n")
	if d.FixDiff != "" {
		w.m(`<h2>The fix (<code>refit migrate fix --diff</code>)</h2><pre class="diff" aria-label="Fix diff">`, esc(d.FixDiff), `</pre>`)
	}
	w.m("\n")
}

func (v *wasteView) html(w *htmlw) {
	d := v.D
	if d.Waste == nil {
		w.missing("No waste check: give the cluster's files or --example.")
		return
	}
	w.m("\n", `<div class="cards"><div class="card"><div class="l">Total saving a month (`, esc(d.WasteRegion), `)</div><div class="v" data-total="waste">$`, money(v.Total), "</div></div>\n",
		`<div class="card"><div class="l">Findings</div><div class="v">`, esc(len(d.Waste.Findings)), "</div></div></div>\n",
		`<div class="pair"><div class="chartbox">`, string(v.Chart), "</div>\n",
		`<div class="tablebox"><table aria-label="Waste findings"><thead><tr><th>Rule</th><th>Resource</th><th class="n">Saving /month</th><th>Confidence</th><th>Fix</th></tr></thead><tbody>`, "\n")
	for _, f := range d.Waste.Findings {
		w.m(`<tr><td>`, esc(f.Rule), `</td><td>`, esc(f.Resource), `</td><td class="n">$`, money(f.MonthlySaving), `</td><td>`, esc(f.Confidence),
			`</td><td><code>`, esc(f.Fix), `</code></td></tr>`)
	}
	w.m("\n</tbody></table></div></div>\n")
	w.downloads(v.Downloads)
	w.m("\n")
}
