package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestReleaseConfig keeps the release configuration, the Makefile and
// scripts/build.sh building the same static binary: CGO_ENABLED=0 (a cgo
// build keeps kustomize's plugin loader and about three times the code),
// -trimpath, -s -w, the version stamped, every platform, checksums, and the
// static check on each Linux binary. scripts/test.sh builds with
// scripts/build.sh and checks that binary is static (scripts/elfstatic).
func TestReleaseConfig(t *testing.T) {
	const versionVar = "-X github.com/refit-dev/refit/internal/cli.version="
	raw, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Version int `yaml:"version"`
		Builds  []struct {
			ID      string   `yaml:"id"`
			Main    string   `yaml:"main"`
			Env     []string `yaml:"env"`
			Flags   []string `yaml:"flags"`
			Ldflags []string `yaml:"ldflags"`
			Goos    []string `yaml:"goos"`
			Goarch  []string `yaml:"goarch"`
			Hooks   struct {
				Post []string `yaml:"post"`
			} `yaml:"hooks"`
		} `yaml:"builds"`
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
		} `yaml:"checksum"`
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	if cfg.Version != 2 {
		t.Errorf(".goreleaser.yaml: version %d, want 2", cfg.Version)
	}
	var mains []string
	for _, b := range cfg.Builds {
		mains = append(mains, b.Main)
		if !slices.Contains(b.Env, "CGO_ENABLED=0") {
			t.Errorf("build %s: env %v lacks CGO_ENABLED=0", b.ID, b.Env)
		}
		if !slices.Contains(b.Flags, "-trimpath") {
			t.Errorf("build %s: flags %v lack -trimpath", b.ID, b.Flags)
		}
		ld := strings.Join(b.Ldflags, " ")
		if !strings.Contains(ld, "-s -w") || !strings.Contains(ld, versionVar) {
			t.Errorf("build %s: ldflags %q lack -s -w or %s", b.ID, ld, versionVar)
		}
		for _, os := range []string{"linux", "darwin", "windows"} {
			if !slices.Contains(b.Goos, os) {
				t.Errorf("build %s: goos %v lacks %s", b.ID, b.Goos, os)
			}
		}
		for _, arch := range []string{"amd64", "arm64"} {
			if !slices.Contains(b.Goarch, arch) {
				t.Errorf("build %s: goarch %v lacks %s", b.ID, b.Goarch, arch)
			}
		}
		if !slices.ContainsFunc(b.Hooks.Post, func(h string) bool { return strings.Contains(h, "./scripts/elfstatic") }) {
			t.Errorf("build %s: no post hook runs scripts/elfstatic", b.ID)
		}
	}
	if !slices.Contains(mains, "./cmd/refit") {
		t.Errorf(".goreleaser.yaml builds %v, not ./cmd/refit", mains)
	}
	if cfg.Checksum.NameTemplate == "" {
		t.Error(".goreleaser.yaml: no checksum file")
	}

	script, err := os.ReadFile("../../scripts/build.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CGO_ENABLED=0 exec go build -trimpath", `-ldflags "-s -w -X $cli.version=`} {
		if !strings.Contains(string(script), want) {
			t.Errorf("scripts/build.sh lacks %q", want)
		}
	}
	makefile, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(makefile), "build:\n\t./scripts/build.sh") {
		t.Error("Makefile: the build target does not run scripts/build.sh")
	}
}
