package manifest

import (
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// kustomizationLabels is the part of a kustomization that adds labels to
// selectors.
type kustomizationLabels struct {
	Resources    []string          `yaml:"resources"`
	Bases        []string          `yaml:"bases"`
	CommonLabels map[string]string `yaml:"commonLabels"`
	Labels       []struct {
		Pairs            map[string]string `yaml:"pairs"`
		IncludeSelectors bool              `yaml:"includeSelectors"`
	} `yaml:"labels"`
}

// SelectorLabelFiles returns the resource files that kustomize build of
// the kustomization in dir gives selector labels: those of a kustomization
// (dir's or one of its bases) with commonLabels, or labels with
// includeSelectors, that lists them directly or through its bases. kustomize
// adds these labels to the spec.selector and pod template labels of
// Deployments, StatefulSets and the like, creating them when missing. The
// map goes from a file's real path (symbolic links resolved) to the
// kustomization file that labels it. Kustomizations that cannot be read,
// and remote resources, are left out: this only explains, it never fails.
func SelectorLabelFiles(dir string) map[string]string {
	out := map[string]string{}
	seen := map[string]bool{}
	var walk func(dir, from string, depth int)
	walk = func(dir, from string, depth int) {
		file := kustomizationFile(dir)
		if file == "" || depth > 50 {
			return
		}
		key := RealPath(dir) + "\x00" + from
		if seen[key] {
			return
		}
		seen[key] = true
		data, err := os.ReadFile(file)
		if err != nil {
			return
		}
		var k kustomizationLabels
		if yaml.Unmarshal(data, &k) != nil {
			return
		}
		if from == "" && k.labelsSelectors() {
			from = file
		}
		for _, r := range append(append([]string{}, k.Resources...), k.Bases...) {
			if r == "" || strings.Contains(r, "://") || strings.HasPrefix(r, "git@") {
				continue
			}
			p := filepath.Join(dir, r)
			info, err := os.Stat(p)
			switch {
			case err != nil:
			case info.IsDir():
				walk(p, from, depth+1)
			case from != "":
				if rp := RealPath(p); out[rp] == "" {
					out[rp] = from
				}
			}
		}
	}
	walk(dir, "", 0)
	return out
}

func (k kustomizationLabels) labelsSelectors() bool {
	if len(k.CommonLabels) > 0 {
		return true
	}
	for _, l := range k.Labels {
		if l.IncludeSelectors && len(l.Pairs) > 0 {
			return true
		}
	}
	return false
}

// RealPath is p made absolute with symbolic links resolved (as far as
// they resolve): what identifies a file or directory however it is named.
func RealPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return p
}
