// Package prcomment posts refit's results on pull requests (GitHub) and
// merge requests (GitLab): one comment per tag, found again by a hidden
// marker and updated in place on each push.
package prcomment

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/refit-dev/refit/internal/report"
)

// Comment size limits, in characters. refit counts bytes, which are never
// fewer than characters (or UTF-16 units), so a body within the limit in
// bytes is within it however the forge counts.
const (
	GitHubLimit = 65536
	GitLabLimit = 1000000
)

// maxInput bounds the report read from a file.
const maxInput = 64 << 20

// Kind is what a report file holds.
type Kind string

// Report kinds.
const (
	KindDiff     Kind = "cost diff"
	KindPlan     Kind = "plan"
	KindFindings Kind = "migrate check"
	KindCost     Kind = "cost"
	KindMarkdown Kind = "markdown"
)

// ReadReport reads a report from r (named name in errors) and renders it
// as Markdown: refit's -o json of cost diff, plan, migrate check or cost,
// or a Markdown file, passed through as it is.
func ReadReport(name string, r io.Reader) (string, Kind, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxInput {
		return "", "", fmt.Errorf("%s: larger than %d MiB, too large for a comment", name, maxInput>>20)
	}
	return Render(name, data)
}

// Render renders a report's bytes as Markdown (see ReadReport).
func Render(name string, data []byte) (string, Kind, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return "", "", fmt.Errorf("%s: empty, nothing to comment", name)
	}
	if !utf8.Valid(data) {
		return "", "", fmt.Errorf("%s: not UTF-8 text", name)
	}
	if trimmed[0] != '{' {
		return string(data), KindMarkdown, nil
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &probe); err != nil {
		return "", "", jsonError(name, trimmed, err)
	}
	has := func(keys ...string) bool {
		for _, k := range keys {
			if _, ok := probe[k]; !ok {
				return false
			}
		}
		return true
	}
	var b strings.Builder
	var kind Kind
	var err error
	switch {
	case has("beforeMonthlyCost", "afterMonthlyCost", "monthlyChange"):
		kind = KindDiff
		var v report.DiffView
		if err = decode(name, trimmed, &v); err != nil {
			return "", "", err
		}
		d, before, after := v.Diff()
		err = report.WriteDiff(&b, d, before, after, report.Markdown)
	case has("scenarios", "recommended", "current"):
		kind = KindPlan
		var v report.PlanView
		if err = decode(name, trimmed, &v); err != nil {
			return "", "", err
		}
		err = report.WritePlan(&b, v.Result(), report.Markdown, false)
	case has("findings", "summary"):
		kind = KindFindings
		var v report.FindingsView
		if err = decode(name, trimmed, &v); err != nil {
			return "", "", err
		}
		err = report.WriteFindings(&b, v.Findings, report.Markdown)
	case has("totalMonthlyCost", "items"):
		kind = KindCost
		var v report.CostView
		if err = decode(name, trimmed, &v); err != nil {
			return "", "", err
		}
		err = report.WriteCost(&b, v.Breakdown(), report.Markdown)
	case has("runs", "version"):
		return "", "", fmt.Errorf("%s: a SARIF log; upload it to code scanning, or comment refit's -o json instead", name)
	default:
		return "", "", fmt.Errorf("%s: JSON but not a refit report (want -o json of cost diff, plan, migrate check or cost)", name)
	}
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", name, err)
	}
	return b.String(), kind, nil
}

func decode(name string, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return jsonError(name, data, err)
	}
	return nil
}

// jsonError names the file and line of a JSON error.
func jsonError(name string, data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off >= 0 && off <= int64(len(data)) {
		line := 1 + bytes.Count(data[:off], []byte("\n"))
		return fmt.Errorf("%s:%d: not a refit JSON report: %v", name, line, err)
	}
	return fmt.Errorf("%s: not a refit JSON report: %v", name, err)
}

// tagRE is compiled on first use: its bounded repeat makes a large program,
// which every command would otherwise build at start.
var tagRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,99}$`) })

// CheckTag checks a --tag value: letters, digits and ._/:@+- , at most 100.
func CheckTag(tag string) error {
	if !tagRE().MatchString(tag) {
		return fmt.Errorf("--tag %q: want letters, digits and . _ / : @ + - (at most 100, starting with a letter or digit)", tag)
	}
	return nil
}

// Marker is the hidden HTML comment that identifies refit's comment for a
// tag; it renders as nothing.
func Marker(tag string) string { return "<!-- refit-comment tag=" + tag + " -->" }

// HasMarker says a comment body is refit's comment for tag.
func HasMarker(body, tag string) bool { return strings.Contains(body, Marker(tag)) }

// Compose puts the marker in front of the Markdown and keeps the whole
// within limit bytes, cutting at a line and saying so.
func Compose(markdown, tag string, limit int) string {
	head := Marker(tag) + "\n"
	markdown = strings.TrimRight(markdown, "\n") + "\n"
	if len(head)+len(markdown) <= limit {
		return head + markdown
	}
	note := fmt.Sprintf("\n\n---\n:warning: **Truncated:** the report has %d characters, more than a comment holds (%d). The job's log has all of it.\n",
		utf8.RuneCountInString(markdown), limit)
	closers := "\n```\n</details>\n" // the most that closing open blocks adds
	room := limit - len(head) - len(note) - len(closers)
	if room < 0 {
		room = 0
	}
	cut := markdown[:room]
	for len(cut) > 0 && !utf8.ValidString(cut) {
		cut = cut[:len(cut)-1]
	}
	if i := strings.LastIndexByte(cut, '\n'); i >= 0 {
		cut = cut[:i+1]
	}
	// Close a code fence or <details> the cut left open.
	var tail string
	if strings.Count(cut, "```")%2 == 1 {
		tail += "\n```\n"
	}
	if strings.Count(cut, "<details>") > strings.Count(cut, "</details>") {
		tail += "\n</details>\n"
	}
	return head + cut + tail + note
}
