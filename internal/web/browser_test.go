package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromium finds Debian's chromium (scripts/chromium.sh install), or the
// binary named by $REFIT_CHROMIUM.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("REFIT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (./scripts/chromium.sh install)")
	return ""
}

// shown reads a page's headline figures and counts its chart's bars.
const shown = `(() => {
  const out = {bars: document.querySelectorAll("svg.chart rect.bar").length, totals: {}};
  for (const e of document.querySelectorAll("[data-total]")) out.totals[e.dataset.total] = e.textContent.replace("$", "");
  return out;
})()`

type shownPage struct {
	Bars   int               `json:"bars"`
	Totals map[string]string `json:"totals"`
}

// TestBrowser loads every page of the dashboard, then the one-file report
// from a file:// URL with the network off, in headless Chromium: the charts
// are drawn and the figures shown are the JSON API's. Screenshots go to
// $REFIT_SCREENSHOTS (default: a temporary directory); they are artifacts,
// not goldens.
func TestBrowser(t *testing.T) {
	bin := chromium(t)
	d := example(t)
	h := Handler(d, "", "test")
	want := wantTotals(t, h)
	srv := httptest.NewServer(h)
	defer srv.Close()

	shots := os.Getenv("REFIT_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	// A new profile; removed here rather than by t.TempDir, whose cleanup
	// fails when the browser is still writing it as it exits.
	profile, err := os.MkdirTemp("", "refit-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profile)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(profile), chromedp.WindowSize(1000, 900),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer func() {
		bcancel()
		acancel() // waits for the browser to exit
	}()

	check := func(where string, slug string, got shownPage) {
		t.Helper()
		if got.Bars == 0 {
			t.Errorf("%s: the chart is empty", where)
		}
		for k, v := range want[slug] {
			if got.Totals[k] != v {
				t.Errorf("%s: %s shows %q, the JSON API says %q", where, k, got.Totals[k], v)
			}
		}
	}
	for _, slug := range Pages() {
		var got shownPage
		var png []byte
		err := chromedp.Run(bctx,
			chromedp.Navigate(srv.URL+"/"+slug),
			chromedp.WaitVisible("svg.chart", chromedp.ByQuery),
			chromedp.Evaluate(shown, &got),
			chromedp.CaptureScreenshot(&png),
		)
		if err != nil {
			t.Fatalf("/%s: %v", slug, err)
		}
		check("/"+slug, slug, got)
		if err := os.WriteFile(filepath.Join(shots, slug+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The report, from a file, offline.
	file := filepath.Join(t.TempDir(), "report.html")
	if err := WriteHTMLFile(file, d, "test"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(bctx,
		network.Enable(),
		network.EmulateNetworkConditions(true, 0, -1, -1),
		chromedp.Navigate("file://"+file),
		chromedp.WaitVisible("svg.chart", chromedp.ByQuery),
	); err != nil {
		t.Fatalf("report: %v", err)
	}
	for _, slug := range Pages() {
		var got shownPage
		err := chromedp.Run(bctx, chromedp.Evaluate(fmt.Sprintf(`(() => { const s = document.getElementById(%q);
  const out = {bars: s.querySelectorAll("svg.chart rect.bar").length, totals: {}};
  for (const e of s.querySelectorAll("[data-total]")) out.totals[e.dataset.total] = e.textContent.replace("$", "");
  return out; })()`, slug), &got))
		if err != nil {
			t.Fatalf("report #%s: %v", slug, err)
		}
		check("report #"+slug, slug, got)
	}
	t.Logf("screenshots in %s", shots)
}
