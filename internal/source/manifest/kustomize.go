package manifest

import (
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/refit-dev/refit/internal/yamldoc"
)

// kustomizationFile returns the path of dir's kustomization file, or "".
func kustomizationFile(dir string) string {
	for _, name := range konfig.RecognizedKustomizationFileNames() {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// KustomizationFile returns the path of dir's kustomization file
// (kustomization.yaml, kustomization.yml or Kustomization), or "".
func KustomizationFile(dir string) string { return kustomizationFile(dir) }

// IsKustomization reports whether dir holds kustomization.yaml,
// kustomization.yml or Kustomization.
func IsKustomization(dir string) bool { return kustomizationFile(dir) != "" }

// BuildKustomize builds a kustomization directory in-process with the
// kustomize API (krusty, on-disk filesystem, default options: no plugins,
// files restricted to the kustomization root) and returns the built
// documents. Each Document's File is the kustomization file's path and its
// Line 0, since built objects have no line of their own; Parse then names
// them by Origin.Ref. Build errors are returned naming the directory.
func BuildKustomize(dir string) ([]yamldoc.Document, error) {
	file := kustomizationFile(dir)
	if file == "" {
		return nil, fmt.Errorf("%s: no kustomization.yaml, kustomization.yml or Kustomization", dir)
	}
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, fmt.Errorf("%s: kustomize build: %w", file, err)
	}
	out, err := m.AsYaml()
	if err != nil {
		return nil, fmt.Errorf("%s: kustomize build: %w", file, err)
	}
	docs, err := yamldoc.Split(file, out)
	if err != nil {
		return nil, fmt.Errorf("%s: kustomize build output: %w", dir, err)
	}
	for i := range docs {
		docs[i].Line = 0
		clearLines(docs[i].Node, 0)
	}
	return docs, nil
}

// clearLines zeroes the positions of n and its children: they point into
// kustomize's output, which the user never sees, not into their files.
func clearLines(n *yaml.Node, depth int) {
	if n == nil || depth > 1000 {
		return
	}
	n.Line, n.Column = 0, 0
	for _, c := range n.Content {
		clearLines(c, depth+1)
	}
}
