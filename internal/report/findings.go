package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/refit-dev/refit/internal/kubeapi"
)

// FindingsView is the JSON and YAML contract of `refit migrate` findings.
type FindingsView struct {
	Findings []kubeapi.Finding `json:"findings"`
	Summary  FindingsSummary   `json:"summary"`
}

// FindingsSummary counts findings.
type FindingsSummary struct {
	Total int `json:"total"`
	// Removed counts APIs (own or referenced) not served at the target.
	Removed int `json:"removed"`
	// Deprecated counts APIs deprecated, still served, at the target.
	Deprecated int `json:"deprecated"`
	// Other counts everything else (duplicate keys, readiness, ...).
	Other    int            `json:"other"`
	Fixable  int            `json:"fixable"`
	Errors   int            `json:"errors"`
	Warnings int            `json:"warnings"`
	Info     int            `json:"info"`
	ByRule   map[string]int `json:"byRule"`
}

// NewFindingsView builds the JSON view of findings.
func NewFindingsView(fs []kubeapi.Finding) FindingsView {
	v := FindingsView{Findings: fs, Summary: Summarize(fs)}
	if v.Findings == nil {
		v.Findings = []kubeapi.Finding{}
	}
	return v
}

// Summarize counts findings by kind, severity and rule.
func Summarize(fs []kubeapi.Finding) FindingsSummary {
	return summarizeSeq(Findings(fs))
}

func category(f kubeapi.Finding) string {
	switch f.Rule {
	case kubeapi.RuleRemovedAPI, kubeapi.RuleRemovedAPIReference:
		return "removed"
	case kubeapi.RuleDeprecatedAPI:
		return "deprecated"
	case kubeapi.RuleNoReplacement:
		if f.Severity == kubeapi.Error {
			return "removed"
		}
		return "deprecated"
	}
	return "other"
}

// ParseFindingsFormat checks a -o value for commands that print findings:
// the formats of ParseFormat and sarif.
func ParseFindingsFormat(s string) (Format, error) {
	if strings.EqualFold(s, string(SARIF)) {
		return SARIF, nil
	}
	f, err := ParseFormat(s)
	if err != nil {
		return "", fmt.Errorf("unknown output format %q (want one of table, wide, json, yaml, markdown, sarif)", s)
	}
	return f, nil
}

// WriteFindings renders findings in a format. SARIF output carries no
// tool version; use WriteSARIF to set one.
func WriteFindings(w io.Writer, fs []kubeapi.Finding, f Format) error {
	return WriteFindingSeq(w, Findings(fs), f, "")
}

const none = "<none>"

func orNone(s string) string {
	if s == "" {
		return none
	}
	return s
}

func objectName(f kubeapi.Finding) string {
	if f.Namespace != "" && f.Name != "" {
		return f.Namespace + "/" + f.Name
	}
	return orNone(f.Name)
}

func foundVersion(f kubeapi.Finding) string {
	if f.FoundAPIVersion != "" {
		return f.FoundAPIVersion
	}
	return orNone(f.APIVersion)
}

// status is the STATUS column: what happens to the object at the target.
func status(f kubeapi.Finding) string {
	switch f.Rule {
	case kubeapi.RuleRemovedAPI, kubeapi.RuleRemovedAPIReference:
		return "removed in " + f.RemovedIn.String()
	case kubeapi.RuleDeprecatedAPI:
		return "deprecated in " + f.DeprecatedIn.String()
	case kubeapi.RuleNoReplacement:
		if f.Severity == kubeapi.Error {
			return "removed in " + f.RemovedIn.String() + ", no replacement"
		}
		return "deprecated in " + f.DeprecatedIn.String() + ", no replacement"
	case kubeapi.RuleNotServed:
		return "not served at source"
	case kubeapi.RuleRemovedField:
		return "field moved"
	case kubeapi.RuleDuplicateKey:
		return "duplicate key"
	case kubeapi.RuleNotKubernetes:
		return "skipped"
	}
	return f.Rule
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func summaryLine(s FindingsSummary) string {
	line := fmt.Sprintf("%s: %d removed, %d deprecated, %d other", plural(s.Total, "finding", "findings"), s.Removed, s.Deprecated, s.Other)
	if s.Fixable > 0 {
		line += fmt.Sprintf("; %d fixable with `refit migrate fix`", s.Fixable)
	}
	return line + "."
}

func findingsMarkdown(w io.Writer, fs FindingSeq) error {
	s := summarizeSeq(fs)
	fmt.Fprintf(w, "### refit migrate: %d removed, %d deprecated, %d other\n\n", s.Removed, s.Deprecated, s.Other)
	if fs.Len() == 0 {
		_, err := fmt.Fprintln(w, "No deprecated or removed APIs found.")
		return err
	}
	fmt.Fprintln(w, "| Location | Kind | Name | API version | Status | Replacement | Details |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for i := range fs.Len() {
		f := fs.At(i)
		repl := "–"
		if f.Replacement != "" {
			repl = "`" + f.Replacement + "`"
		}
		fmt.Fprintf(w, "| `%s` | %s | %s | `%s` | %s | %s | %s |\n", f.Location(), mdEscape(orNone(f.Kind)), mdEscape(objectName(f)),
			foundVersion(f), status(f), repl, mdEscape(f.Message))
	}
	if s.Fixable > 0 {
		fmt.Fprintf(w, "\n%d of them fixable with `refit migrate fix`.\n", s.Fixable)
	}
	return nil
}

// SARIF 2.1.0, the subset refit writes. Field names follow the OASIS
// standard, https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
// (§3.13 sarifLog, §3.14 run, §3.19 toolComponent, §3.49
// reportingDescriptor, §3.27 result, §3.28 location, §3.29
// physicalLocation, §3.30 region).
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	refitURI     = "https://github.com/refit-dev/refit"
	guideURI     = "https://kubernetes.io/docs/reference/using-api/deprecation-guide/"
)

// SARIFLog is a SARIF 2.1.0 log.
type SARIFLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []SARIFRun `json:"runs"`
}

// SARIFRun is one run of one tool.
type SARIFRun struct {
	Tool    SARIFTool     `json:"tool"`
	Results []SARIFResult `json:"results"`
}

// SARIFTool names the tool.
type SARIFTool struct {
	Driver SARIFDriver `json:"driver"`
}

// SARIFDriver is the tool component and its rules.
type SARIFDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []SARIFRule `json:"rules"`
}

// SARIFRule describes a rule (a reportingDescriptor).
type SARIFRule struct {
	ID               string       `json:"id"`
	ShortDescription SARIFMessage `json:"shortDescription"`
	HelpURI          string       `json:"helpUri"`
}

// SARIFMessage is a text message.
type SARIFMessage struct {
	Text string `json:"text"`
}

// SARIFResult is one finding.
type SARIFResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   SARIFMessage    `json:"message"`
	Locations []SARIFLocation `json:"locations,omitempty"`
	// PartialFingerprints identify the finding across runs (§3.27.17), so
	// that code scanning does not reopen it on every push.
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
}

// FingerprintKey names refit's partial fingerprint. It hashes what the
// finding is about (rule, file, object, field, API version), not its line,
// so it survives edits elsewhere in the file.
const FingerprintKey = "refitFinding/v1"

// fingerprint hashes a finding's identity; n counts earlier findings with
// the same identity, so that identical ones stay distinct.
func fingerprint(f kubeapi.Finding, seen map[string]int) string {
	h := sha256.New()
	for _, s := range []string{f.Rule, filepath.ToSlash(f.File), f.APIVersion, f.Kind, f.Namespace, f.Name, f.Field, f.FoundAPIVersion} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	id := hex.EncodeToString(h.Sum(nil))[:32]
	seen[id]++
	return fmt.Sprintf("%s:%d", id, seen[id])
}

// SARIFLocation is where a result is.
type SARIFLocation struct {
	PhysicalLocation SARIFPhysicalLocation `json:"physicalLocation"`
}

// SARIFPhysicalLocation is a file and region.
type SARIFPhysicalLocation struct {
	ArtifactLocation SARIFArtifactLocation `json:"artifactLocation"`
	Region           *SARIFRegion          `json:"region,omitempty"`
}

// SARIFArtifactLocation is a file, as a relative URI.
type SARIFArtifactLocation struct {
	URI string `json:"uri"`
}

// SARIFRegion is a line and column (1-based).
type SARIFRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// ruleDocs describes refit migrate's own rules; other rules (readiness)
// get their id as description.
var ruleDocs = map[string]struct{ short, help string }{
	kubeapi.RuleRemovedAPI:          {"The object's API version is not served by the target Kubernetes release.", guideURI},
	kubeapi.RuleDeprecatedAPI:       {"An API version is deprecated at the target Kubernetes release.", guideURI},
	kubeapi.RuleRemovedAPIReference: {"An API version named inside the object is not served by the target release.", guideURI},
	kubeapi.RuleNoReplacement:       {"The API is removed or deprecated and no API replaces it.", guideURI},
	kubeapi.RuleNotServed:           {"The source cluster's Kubernetes release does not serve the object's API version.", guideURI},
	kubeapi.RuleRemovedField:        {"A field of an older API version that the served version moved.", guideURI},
	kubeapi.RuleDuplicateKey:        {"A YAML mapping has the same key more than once; most parsers keep only the last.", "https://yaml.org/spec/1.2.2/#3211-nodes"},
	kubeapi.RuleNotKubernetes:       {"A document without apiVersion or kind was skipped.", refitURI},
	"unconvertible":                 {"refit migrate fix cannot rewrite this object.", refitURI},
}

func sarifLevel(s kubeapi.Severity) string {
	switch s {
	case kubeapi.Error:
		return "error"
	case kubeapi.Warning:
		return "warning"
	}
	return "note"
}

// NewSARIF builds a SARIF 2.1.0 log of findings. Rules are those the
// findings use, sorted by id.
func NewSARIF(fs []kubeapi.Finding, toolVersion string) SARIFLog {
	rules, index := sarifRules(Findings(fs))
	results := make([]SARIFResult, 0, len(fs))
	seen := map[string]int{}
	for _, f := range fs {
		results = append(results, sarifResult(f, index, seen))
	}
	return SARIFLog{
		Schema: sarifSchema, Version: sarifVersion,
		Runs: []SARIFRun{{
			Tool:    SARIFTool{Driver: SARIFDriver{Name: "refit", Version: toolVersion, InformationURI: refitURI, Rules: rules}},
			Results: results,
		}},
	}
}

// sarifRules describes the rules fs uses, sorted by id, and numbers them
// (index: a rule's place in rules).
func sarifRules(fs FindingSeq) (rules []SARIFRule, index map[string]int) {
	ids := map[string]bool{}
	for i := range fs.Len() {
		ids[fs.At(i).Rule] = true
	}
	var sorted []string
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Strings(sorted)
	index = map[string]int{}
	rules = make([]SARIFRule, 0, len(sorted))
	for i, id := range sorted {
		index[id] = i
		rules = append(rules, sarifRule(id))
	}
	return rules, index
}

// sarifRule describes rule id.
func sarifRule(id string) SARIFRule {
	doc, ok := ruleDocs[id]
	if !ok {
		doc.short, doc.help = id, refitURI
	}
	return SARIFRule{ID: id, ShortDescription: SARIFMessage{Text: doc.short}, HelpURI: doc.help}
}

// sarifResult is the result of f; index numbers the rules, and seen
// counts the fingerprints given so far.
func sarifResult(f kubeapi.Finding, index map[string]int, seen map[string]int) SARIFResult {
	r := SARIFResult{RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity), Message: SARIFMessage{Text: sarifText(f)},
		PartialFingerprints: map[string]string{FingerprintKey: fingerprint(f, seen)}}
	if f.File != "" {
		loc := SARIFLocation{PhysicalLocation: SARIFPhysicalLocation{ArtifactLocation: SARIFArtifactLocation{URI: fileURI(f.File)}}}
		if f.Line > 0 {
			loc.PhysicalLocation.Region = &SARIFRegion{StartLine: f.Line, StartColumn: max(f.Column, 0)}
		}
		r.Locations = []SARIFLocation{loc}
	}
	return r
}

// sarifText is the message with the object it is about and the notes.
func sarifText(f kubeapi.Finding) string {
	var b strings.Builder
	if f.Kind != "" && f.Name != "" {
		fmt.Fprintf(&b, "%s %s: ", f.Kind, objectName(f))
	}
	b.WriteString(f.Message)
	if f.Notes != "" {
		b.WriteString(". " + strings.TrimSuffix(f.Notes, "."))
	}
	if f.Fixable {
		b.WriteString(" (refit migrate fix rewrites it)")
	}
	return b.String()
}

// fileURI turns a path into a relative URI reference (forward slashes,
// escaped).
func fileURI(path string) string {
	return (&url.URL{Path: filepath.ToSlash(path)}).EscapedPath()
}

// WriteSARIF writes findings as a SARIF 2.1.0 log, for code scanning.
func WriteSARIF(w io.Writer, fs []kubeapi.Finding, toolVersion string) error {
	return WriteFindingSeq(w, Findings(fs), SARIF, toolVersion)
}
