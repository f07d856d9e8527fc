// Command elfstatic fails unless every ELF file it is given is statically
// linked: no program interpreter (PT_INTERP), no dynamic section and no
// shared-library imports. scripts/test.sh runs it on the release build and
// .goreleaser.yaml on every Linux binary it builds. Mach-O and PE files
// (darwin and windows builds, which always use the system's libraries) are
// reported and skipped.
//
//	go run ./scripts/elfstatic BINARY...
package main

import (
	"debug/elf"
	"errors"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: elfstatic BINARY...")
		os.Exit(2)
	}
	failed := false
	for _, path := range os.Args[1:] {
		msg, err := check(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "elfstatic: %s: %v\n", path, err)
			failed = true
			continue
		}
		fmt.Printf("%s: %s\n", path, msg)
	}
	if failed {
		os.Exit(1)
	}
}

// check returns what it found, or an error when path is not a static ELF
// executable.
func check(path string) (string, error) {
	f, err := elf.Open(path)
	if err != nil {
		var fe *elf.FormatError
		if errors.As(err, &fe) {
			return "not an ELF file: skipped", nil
		}
		return "", err
	}
	defer f.Close()
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_INTERP:
			return "", errors.New("dynamically linked: it has a program interpreter (PT_INTERP); build with CGO_ENABLED=0 (scripts/build.sh, make build)")
		case elf.PT_DYNAMIC:
			return "", errors.New("dynamically linked: it has a dynamic section (PT_DYNAMIC); build with CGO_ENABLED=0 (scripts/build.sh, make build)")
		}
	}
	if libs, err := f.ImportedLibraries(); err == nil && len(libs) > 0 {
		return "", fmt.Errorf("imports shared libraries %v; build with CGO_ENABLED=0", libs)
	}
	return "statically linked", nil
}
