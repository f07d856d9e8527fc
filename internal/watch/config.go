// Package watch is refit's watcher (refit watch): on a schedule it reads the
// billing exports and probes endpoints, and tells Slack what the cluster
// cost yesterday, when a budget is crossed or forecast to be, when a day's
// cost is anomalous and when a probe fails or recovers. Every alert goes
// through an outbox in a SQLite state file: written before it is sent,
// marked sent after Slack's 2xx, so that a crash loses none and resends
// none that was marked sent.
package watch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/yamldoc"
)

// DefaultListen is where metrics and health are served unless listen says
// otherwise: loopback only.
const DefaultListen = "127.0.0.1:9464"

// Secret is a value that must never be printed or logged (a webhook URL
// carries its own credential). Reveal gives the value to the code that
// uses it.
type Secret string

// String hides the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// GoString hides the secret from %#v.
func (s Secret) GoString() string { return s.String() }

// LogValue hides the secret from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON hides the secret from JSON.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(s.String())), nil }

// Reveal is the secret's value.
func (s Secret) Reveal() string { return string(s) }

// Money is an amount in the bill's currency, read from YAML exactly.
type Money struct {
	decimal.Decimal
	Set bool
}

// UnmarshalYAML reads a plain number such as 5 or 150.00.
func (m *Money) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want an amount such as 150.00", n.Line)
	}
	d, err := decimal.NewFromString(strings.TrimPrefix(n.Value, "$"))
	if err != nil || d.IsNegative() {
		return fmt.Errorf("line %d: %q is not an amount (want a number such as 150.00)", n.Line, n.Value)
	}
	m.Decimal, m.Set = d, true
	return nil
}

// Config is a watch.yaml.
type Config struct {
	// State is the SQLite state file.
	State string `yaml:"state"`
	// Listen serves /metrics, /healthz and /readyz ("off": none).
	Listen    string         `yaml:"listen"`
	Slack     SlackConfig    `yaml:"slack"`
	Bill      *BillConfig    `yaml:"bill"`
	Budget    BudgetConfig   `yaml:"budget"`
	Anomalies AnomalyConfig  `yaml:"anomalies"`
	Cluster   *ClusterConfig `yaml:"cluster"`
	Probes    []ProbeConfig  `yaml:"probes"`
	Delivery  DeliveryConfig `yaml:"delivery"`

	// File is the config's path (errors name it; relative paths in it are
	// read from its directory).
	File string `yaml:"-"`
}

// SlackConfig is the incoming webhook alerts are posted to.
type SlackConfig struct {
	WebhookURL Secret `yaml:"webhookURL"`
	Channel    string `yaml:"channel"`
}

// BillConfig is where the billing exports are and when to report.
type BillConfig struct {
	// Source is a directory, file, glob or s3://bucket/prefix.
	Source string `yaml:"source"`
	// Tag, when set, adds the day's cost by this cost-allocation tag.
	Tag string `yaml:"tag"`
	// At is the local time (HH:MM in Timezone) the daily report goes out
	// at, at the earliest.
	At       string `yaml:"at"`
	Timezone string `yaml:"timezone"`
	// Every is how often the exports are read (default 1h).
	Every time.Duration `yaml:"every"`
	// Timeout bounds one read of the exports (default 10m).
	Timeout time.Duration `yaml:"timeout"`
	// EndpointURL, Region and Profile configure s3:// sources.
	EndpointURL string `yaml:"endpointURL"`
	Region      string `yaml:"region"`
	Profile     string `yaml:"profile"`
	// Cost is unblended (default), net or amortized.
	Cost string `yaml:"cost"`

	at  time.Duration
	loc *time.Location
}

// BudgetConfig holds the budgets; an unset one is not checked.
type BudgetConfig struct {
	Daily   Money `yaml:"daily"`
	Monthly Money `yaml:"monthly"`
}

// AnomalyConfig turns refit bill's anomaly detector on.
type AnomalyConfig struct {
	Enabled bool `yaml:"enabled"`
}

// ClusterConfig is the cluster whose nodes are watched.
type ClusterConfig struct {
	Kubeconfig string `yaml:"kubeconfig"`
	Context    string `yaml:"context"`
	// Region prices the nodes (default: the nodes' topology.kubernetes.io/region label).
	Region string `yaml:"region"`
	// Burst groups node changes: changes within Window are one alert.
	Window time.Duration `yaml:"window"`
}

// ProbeConfig is one HTTP probe.
type ProbeConfig struct {
	Name    string        `yaml:"name"`
	URL     Secret        `yaml:"url"`
	Every   time.Duration `yaml:"every"`
	Timeout time.Duration `yaml:"timeout"`
	// Failures is how many failures in a row raise an alert (default 3).
	Failures int `yaml:"failures"`

	line int
}

// DeliveryConfig bounds the retries of one send to Slack.
type DeliveryConfig struct {
	// Attempts per send (default 5).
	Attempts int `yaml:"attempts"`
	// MaxDelay caps a wait between attempts, Retry-After included (default 30s).
	MaxDelay time.Duration `yaml:"maxDelay"`
}

// ConfigError is a config problem at a line: "file:line: message".
type ConfigError = yamldoc.Error

// ConfigErrors are all the problems of one config.
type ConfigErrors []*ConfigError

func (es ConfigErrors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// LoadConfig reads and validates a config file.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(path, data, os.LookupEnv)
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

var lineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// ParseConfig parses and validates data (read from file); ${NAME} in any
// value is replaced with the environment variable NAME (lookup), which must
// be set. Errors name file:line; no error carries a value read from the
// environment.
func ParseConfig(file string, data []byte, lookup func(string) (string, bool)) (*Config, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ConfigError{File: file, Msg: "empty config"}
		}
		return nil, yamlError(file, err)
	}
	var errs ConfigErrors
	expand(&root, lookup, func(line int, msg string) { errs = append(errs, &ConfigError{File: file, Line: line, Msg: msg}) })
	if len(errs) > 0 {
		return nil, errs
	}
	c := &Config{File: file}
	var doc yaml.Node
	if len(root.Content) == 1 {
		doc = *root.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		return nil, &ConfigError{File: file, Line: root.Line, Msg: "want a mapping (state:, slack:, bill:, ...)"}
	}
	if err := strictDecode(&doc, c); err != nil {
		return nil, yamlError(file, err)
	}
	c.validate(&doc, func(line int, format string, args ...any) {
		errs = append(errs, &ConfigError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	})
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// strictDecode decodes n into v, refusing unknown fields.
func strictDecode(n *yaml.Node, v any) error {
	if err := checkKeys(n, configKeys); err != nil {
		return err
	}
	return n.Decode(v)
}

// keys is the allowed keys of a mapping and the keys of its children.
type keys map[string]keys

// configKeys are the keys of Config's yaml tags.
var configKeys = keysOf(reflect.TypeFor[Config]())

// keysOf is the keys t's YAML takes: a struct's, by its fields' yaml tags
// (nil for a value, or a type that reads itself such as Money); "[]" holds
// those of a list's items.
func keysOf(t reflect.Type) keys {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.Unmarshaler]()):
		return nil
	case t.Kind() == reflect.Slice:
		if item := keysOf(t.Elem()); item != nil {
			return keys{"[]": item}
		}
	case t.Kind() == reflect.Struct:
		k := keys{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			k[name] = keysOf(f.Type)
		}
		return k
	}
	return nil
}

func checkKeys(n *yaml.Node, allowed keys) error {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			sub, ok := allowed[k.Value]
			if !ok {
				return fmt.Errorf("line %d: unknown key %q (want one of %s)", k.Line, k.Value, names(allowed))
			}
			if sub != nil {
				if err := checkKeys(v, sub); err != nil {
					return err
				}
			}
		}
	case yaml.SequenceNode:
		if item, ok := allowed["[]"]; ok {
			for _, c := range n.Content {
				if err := checkKeys(c, item); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func names(k keys) string {
	var s []string
	for n := range k {
		s = append(s, n)
	}
	slices.Sort(s)
	return strings.Join(s, ", ")
}

// yamlError turns yaml.v3's "line N: msg" errors into file:N: msg.
func yamlError(file string, err error) error {
	var te *yaml.TypeError
	var lines []string
	if errors.As(err, &te) {
		lines = te.Errors
	} else {
		lines = []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	var errs ConfigErrors
	for _, l := range lines {
		if m := lineRE.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			errs = append(errs, &ConfigError{File: file, Line: n, Msg: m[2]})
		} else {
			errs = append(errs, &ConfigError{File: file, Msg: l})
		}
	}
	return errs
}

// expand replaces ${NAME} in every scalar value (not keys).
func expand(n *yaml.Node, lookup func(string) (string, bool), fail func(int, string)) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			expand(c, lookup, fail)
		}
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			expand(n.Content[i], lookup, fail)
		}
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "${") {
			return
		}
		n.Value = envRef.ReplaceAllStringFunc(n.Value, func(ref string) string {
			name := ref[2 : len(ref)-1]
			v, ok := lookup(name)
			if !ok || v == "" {
				fail(n.Line, fmt.Sprintf("${%s}: the environment variable %s is not set", name, name))
			}
			return v
		})
		// A value from the environment is a string, whatever it looks like.
		n.Tag = "!!str"
	}
}

// line finds the line of the value at path (mapping keys; an int for a
// sequence index), or the deepest line found.
func line(n *yaml.Node, path ...any) int {
	l := n.Line
	for _, p := range path {
		switch p := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return l
			}
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					n, found = n.Content[i+1], true
					l = n.Line
					break
				}
			}
			if !found {
				return l
			}
		case int:
			if n.Kind != yaml.SequenceNode || p >= len(n.Content) {
				return l
			}
			n = n.Content[p]
			l = n.Line
		}
	}
	return l
}

// httpURL says whether s is an http(s) URL with a host.
func httpURL(s Secret) bool {
	u, err := url.Parse(s.Reveal())
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// validate checks the values, fills in defaults and resolves relative
// paths against the config's directory.
func (c *Config) validate(doc *yaml.Node, fail func(line int, format string, args ...any)) {
	dir := filepath.Dir(c.File)
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) || strings.HasPrefix(p, "s3://") {
			return p
		}
		return filepath.Join(dir, p)
	}
	if c.State == "" {
		fail(line(doc), "state: missing (the SQLite file watch keeps its alerts in, e.g. /var/lib/refit/watch.db)")
	}
	c.State = rel(c.State)
	switch c.Listen {
	case "":
		c.Listen = DefaultListen
	case "off":
	default:
		if _, _, err := net.SplitHostPort(c.Listen); err != nil {
			fail(line(doc, "listen"), "listen %q: want host:port such as 127.0.0.1:9464, or off", c.Listen)
		}
	}
	if c.Slack.WebhookURL == "" {
		fail(line(doc, "slack"), "slack.webhookURL: missing (e.g. webhookURL: ${SLACK_WEBHOOK_URL})")
	} else if !httpURL(c.Slack.WebhookURL) {
		// Never echo the value: it is a credential.
		fail(line(doc, "slack", "webhookURL"), "slack.webhookURL: not an http(s) URL")
	}
	if b := c.Bill; b != nil {
		if b.Source == "" {
			fail(line(doc, "bill"), "bill.source: missing (a directory of exports or s3://bucket/prefix)")
		}
		b.Source = rel(b.Source)
		if b.Timezone == "" {
			b.Timezone = "UTC"
		}
		loc, err := time.LoadLocation(b.Timezone)
		if err != nil {
			fail(line(doc, "bill", "timezone"), "bill.timezone %q: not a time zone (want UTC or e.g. Europe/Paris)", b.Timezone)
		}
		b.loc = loc
		if b.At == "" {
			b.At = "08:00"
		}
		t, err := time.Parse("15:04", b.At)
		if err != nil {
			fail(line(doc, "bill", "at"), "bill.at %q: want HH:MM", b.At)
		}
		b.at = time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
		if b.Every == 0 {
			b.Every = time.Hour
		}
		if b.Every < time.Minute {
			fail(line(doc, "bill", "every"), "bill.every %s: want at least 1m", b.Every)
		}
		if b.Timeout == 0 {
			b.Timeout = 10 * time.Minute
		}
		switch b.Cost {
		case "":
			b.Cost = "unblended"
		case "unblended", "net", "amortized":
		default:
			fail(line(doc, "bill", "cost"), "bill.cost %q: want unblended, net or amortized", b.Cost)
		}
	} else if c.Budget.Daily.Set || c.Budget.Monthly.Set || c.Anomalies.Enabled {
		fail(line(doc, "budget"), "budget and anomalies need bill.source (the billing exports)")
	}
	if cl := c.Cluster; cl != nil {
		cl.Kubeconfig = rel(cl.Kubeconfig)
		if cl.Window == 0 {
			cl.Window = 5 * time.Minute
		}
	}
	seen := map[string]bool{}
	for i := range c.Probes {
		p := &c.Probes[i]
		p.line = line(doc, "probes", i)
		switch {
		case p.Name == "":
			fail(p.line, "probes[%d].name: missing", i)
		case seen[p.Name]:
			fail(line(doc, "probes", i, "name"), "probes[%d].name %q: used twice", i, p.Name)
		}
		seen[p.Name] = true
		if !httpURL(p.URL) {
			fail(line(doc, "probes", i, "url"), "probes[%d].url: want an http(s) URL", i)
		}
		if p.Every == 0 {
			p.Every = time.Minute
		}
		if p.Every < time.Second {
			fail(line(doc, "probes", i, "every"), "probes[%d].every %s: want at least 1s", i, p.Every)
		}
		if p.Timeout == 0 {
			p.Timeout = 5 * time.Second
		}
		if p.Timeout <= 0 || p.Timeout > p.Every {
			fail(line(doc, "probes", i, "timeout"), "probes[%d].timeout %s: want more than 0 and at most every (%s)", i, p.Timeout, p.Every)
		}
		if p.Failures == 0 {
			p.Failures = 3
		}
		if p.Failures < 1 || p.Failures > 1000 {
			fail(line(doc, "probes", i, "failures"), "probes[%d].failures %d: want 1 to 1000", i, p.Failures)
		}
	}
	if c.Delivery.Attempts == 0 {
		c.Delivery.Attempts = 5
	}
	if c.Delivery.Attempts < 1 || c.Delivery.Attempts > 20 {
		fail(line(doc, "delivery", "attempts"), "delivery.attempts %d: want 1 to 20", c.Delivery.Attempts)
	}
	if c.Delivery.MaxDelay == 0 {
		c.Delivery.MaxDelay = 30 * time.Second
	}
	if c.Delivery.MaxDelay < 0 || c.Delivery.MaxDelay > 10*time.Minute {
		fail(line(doc, "delivery", "maxDelay"), "delivery.maxDelay %s: want up to 10m", c.Delivery.MaxDelay)
	}
}
