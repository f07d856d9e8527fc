package kubemanifests

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/yamldoc"
)

// Helm 3 keeps each revision of a release in a Secret of this type, in
// the release's namespace, labelled owner=helm, name=<release>,
// version=<revision>, status=<status>; its data key "release" holds the
// release as JSON, gzipped and base64-encoded (helm/helm
// pkg/storage/driver/secrets.go and util.go, encodeRelease).
const (
	helmReleaseType = "helm.sh/release.v1"
	helmDataKey     = "release"
	helmNamePrefix  = "sh.helm.release.v1."
)

// maxReleaseBytes bounds a decompressed release: a Secret holds at most
// 1 MiB (https://kubernetes.io/docs/concepts/configuration/secret/#restriction-data-size),
// and a chart's JSON compresses well, but not a thousandfold.
const maxReleaseBytes = 64 << 20

// release is the latest revision seen of one Helm release.
type release struct {
	namespace, name string
	revision        int
	status          string
	data            string // the Secret's data.release, as the API serves it
}

// noteRelease keeps a release Secret when it is the newest revision seen of
// its release. Called before the Secret is redacted.
func (l *loader) noteRelease(ns, secretName string, meta, obj map[string]any) {
	labels, _ := meta["labels"].(map[string]any)
	name, _ := labels["name"].(string)
	ver, _ := labels["version"].(string)
	status, _ := labels["status"].(string)
	if name == "" || ver == "" {
		// sh.helm.release.v1.<release>.v<revision>
		rest, ok := strings.CutPrefix(secretName, helmNamePrefix)
		i := strings.LastIndex(rest, ".v")
		if !ok || i <= 0 {
			return
		}
		name, ver = rest[:i], rest[i+2:]
	}
	rev, err := strconv.Atoi(ver)
	if err != nil {
		return
	}
	data, _ := obj["data"].(map[string]any)
	payload, _ := data[helmDataKey].(string)
	key := ns + "/" + name
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur := l.releases[key]; cur == nil || rev > cur.revision {
		l.releases[key] = &release{namespace: ns, name: name, revision: rev, status: status, data: payload}
	}
}

// helm checks the manifest of the latest revision of each release, unless
// that revision is uninstalled (helm uninstall --keep-history).
func (l *loader) helm() error {
	keys := make([]string, 0, len(l.releases))
	for k := range l.releases {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r := l.releases[k]
		delete(l.releases, k)
		if r.status == "uninstalled" || r.status == "uninstalling" {
			continue
		}
		origin := "helm:" + r.namespace + "/" + r.name
		manifest, err := DecodeRelease(r.data)
		if err != nil {
			l.out.Warnings = append(l.out.Warnings, fmt.Sprintf("%s: revision %d: %v: not checked", origin, r.revision, err))
			continue
		}
		docs, err := ReleaseDocuments(origin, manifest)
		if err != nil {
			l.out.Warnings = append(l.out.Warnings, fmt.Sprintf("%v: not checked", err))
			continue
		}
		l.out.Releases++
		if len(docs) == 0 {
			continue
		}
		b := Batch{Resource: "helm"}
		for _, d := range docs {
			b.Objects = append(b.Objects, Object{Document: d})
		}
		l.out.Objects += len(b.Objects)
		if err := l.fn(b); err != nil {
			return err
		}
	}
	return nil
}

// DecodeRelease returns the manifest of a Helm 3 release Secret's
// data.release value as the API server serves it (base64 of Helm's own
// base64 of the gzipped release JSON). Releases stored before Helm
// compressed them are plain JSON under the base64.
func DecodeRelease(data string) (string, error) {
	if data == "" {
		return "", errors.New("no data.release")
	}
	outer, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return "", fmt.Errorf("data.release: %v", err)
	}
	raw, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(outer)))
	if err != nil {
		return "", fmt.Errorf("release: not base64: %v", err)
	}
	if len(raw) >= 3 && raw[0] == 0x1f && raw[1] == 0x8b && raw[2] == 0x08 {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return "", fmt.Errorf("release: gzip: %v", err)
		}
		raw, err = io.ReadAll(io.LimitReader(zr, maxReleaseBytes+1))
		if err != nil {
			return "", fmt.Errorf("release: gzip: %v", err)
		}
		if len(raw) > maxReleaseBytes {
			return "", fmt.Errorf("release: more than %d MiB uncompressed", maxReleaseBytes>>20)
		}
	}
	var rel struct {
		Manifest *string `json:"manifest"`
	}
	if err := json.Unmarshal(raw, &rel); err != nil {
		return "", fmt.Errorf("release: not JSON: %v", err)
	}
	if rel.Manifest == nil {
		return "", errors.New("release: no manifest")
	}
	return *rel.Manifest, nil
}

// ReleaseDocuments splits a release manifest into documents named origin,
// lines as in `helm get manifest`. Secrets lose data and stringData.
func ReleaseDocuments(origin, manifest string) ([]yamldoc.Document, error) {
	docs, err := yamldoc.Split(origin, []byte(manifest))
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if d.Kind == "Secret" && (d.APIVersion == "v1" || d.APIVersion == "") {
			dropKeys(d.Node, "data", "stringData")
		}
	}
	return docs, nil
}

// dropKeys removes keys from a mapping node.
func dropKeys(n *yaml.Node, keys ...string) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	out := n.Content[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		drop := false
		for _, k := range keys {
			if n.Content[i].Value == k {
				drop = true
			}
		}
		if !drop {
			out = append(out, n.Content[i], n.Content[i+1])
		}
	}
	n.Content = out
}
