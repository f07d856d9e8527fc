package prcomment

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name, in string
		kind     Kind
		want     string // in the Markdown, or in the error
		err      bool
	}{
		{"markdown", "## Hello\n\n| a |\n", KindMarkdown, "## Hello", false},
		{"markdown with BOM", "\xef\xbb\xbf# Hi\n", KindMarkdown, "# Hi", false},
		{"findings", `{"findings":[{"rule":"removed-api","severity":"error","file":"k8s/a.yaml","line":3,"apiVersion":"extensions/v1beta1","kind":"Ingress","name":"web","foundAPIVersion":"extensions/v1beta1","removedIn":"1.22","replacement":"networking.k8s.io/v1","message":"removed"}],"summary":{"total":1}}`,
			KindFindings, "| `k8s/a.yaml:3` | Ingress | web | `extensions/v1beta1` | removed in 1.22 | `networking.k8s.io/v1` |", false},
		{"no findings", `{"findings":[],"summary":{"total":0}}`, KindFindings, "No deprecated or removed APIs found.", false},
		{"diff", `{"currency":"USD","beforeMonthlyCost":100,"afterMonthlyCost":150.5,"monthlyChange":50.5,"dailyChange":1.66,"percentChange":50.5,
			"components":[{"name":"compute","kind":"changed","beforeMonthlyCost":100,"afterMonthlyCost":150.5,"monthlyChange":50.5}],
			"items":[{"name":"node group a","component":"compute","kind":"changed","beforeMonthlyCost":100,"afterMonthlyCost":150.5,"monthlyChange":50.5}],
			"estimates":["after: m7i.large in eu-south-2: estimated from eu-west-1"]}`,
			KindDiff, "### refit cost diff: $100.00 -> $150.50 a month (+$50.50, 50.5%)", false},
		{"cost", `{"currency":"USD","region":"us-east-1","totalMonthlyCost":73,"items":[{"resource":"EKS cluster","component":"control plane","quantity":730,"unit":"hours","unitPrice":0.1,"monthlyCost":73,"origin":"c.yaml:1"}]}`,
			KindCost, "$73.00", false},
		{"sarif", `{"version":"2.1.0","runs":[]}`, "", "a SARIF log", true},
		{"other JSON", `{"a":1}`, "", "not a refit report", true},
		{"bad JSON names the line", "{\n\"findings\": [\n,\n]}", "", "report.json:3:", true},
		{"wrong type names the line", "{\"findings\": [],\n\"summary\": {\"total\": \"x\"}}", "", "report.json:2:", true},
		{"empty", " \n", "", "empty", true},
		{"binary", "\xff\xfe\x00", "", "not UTF-8", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md, kind, err := Render("report.json", []byte(tt.in))
			if tt.err {
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "report.json") {
					t.Fatalf("err = %v, want %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if kind != tt.kind || !strings.Contains(md, tt.want) {
				t.Errorf("kind %q, markdown:\n%s\nwant %q", kind, md, tt.want)
			}
		})
	}
}

func TestCompose(t *testing.T) {
	short := Compose("hello\n\n\n", "prod", GitHubLimit)
	if short != Marker("prod")+"\nhello\n" {
		t.Errorf("short = %q", short)
	}
	// A long report, with an open <details> and multi-byte characters.
	var b strings.Builder
	b.WriteString("### refit\n\n<details><summary>Changed resources</summary>\n\n| a | b |\n|---|---|\n")
	for b.Len() < 3*GitHubLimit {
		b.WriteString("| node group → spot | $1,234.56 |\n")
	}
	b.WriteString("</details>\n")
	got := Compose(b.String(), "prod", GitHubLimit)
	if len(got) > GitHubLimit || !utf8.ValidString(got) {
		t.Fatalf("%d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
	}
	if !strings.HasPrefix(got, Marker("prod")+"\n") || !strings.Contains(got, "**Truncated:**") {
		t.Errorf("no marker or note")
	}
	if strings.Count(got, "<details>") != strings.Count(got, "</details>") {
		t.Error("<details> left open")
	}
	if i := strings.Index(got, "\n</details>"); i < 0 || !strings.HasSuffix(got[:i], "|\n") {
		t.Error("cut inside a line")
	}
	// A code fence is closed too.
	got = Compose("```\n"+strings.Repeat("x\n", 40000), "t", GitHubLimit)
	if strings.Count(got, "```")%2 != 0 || len(got) > GitHubLimit {
		t.Errorf("fence: %d fences, %d bytes", strings.Count(got, "```"), len(got))
	}
}

func FuzzRender(f *testing.F) {
	f.Add([]byte(`{"findings":[{"rule":"removed-api","severity":"error","file":"a.yaml","line":1,"removedIn":"1.22","message":"m"}],"summary":{}}`))
	f.Add([]byte(`{"beforeMonthlyCost":1,"afterMonthlyCost":2,"monthlyChange":1,"components":[{"name":"c","kind":"added"}],"estimates":["before: x"]}`))
	f.Add([]byte(`{"current":{"items":[]},"scenarios":[{"name":"a","components":[{"name":"c","monthlyCost":1}],"nodes":[{"count":2}]}],"recommended":"a"}`))
	f.Add([]byte(`{"totalMonthlyCost":1,"items":[{"monthlyCost":"x"}]}`))
	f.Add([]byte("# markdown\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		md, _, err := Render("f", data)
		if err == nil {
			body := Compose(md, "t", 4096)
			if len(body) > 4096 {
				t.Fatalf("body of %d bytes", len(body))
			}
		}
	})
}
