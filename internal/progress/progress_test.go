package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestDisabledBarIsSilent(t *testing.T) {
	var b *Bar = New(&bytes.Buffer{}, false, 100, time.Millisecond)
	b.Add(10, 1) // nil bar: no panic, no output
	b.Finish()
	if b.Line() != "" {
		t.Error("a disabled bar renders nothing")
	}
}

func TestLine(t *testing.T) {
	var out bytes.Buffer
	b := New(&out, true, 4<<20, time.Hour)
	start := b.start
	b.now = func() time.Time { return start.Add(2 * time.Second) }
	b.Add(2<<20, 1000)
	if got, want := b.Line(), "2.0 MiB of 4.0 MiB (50%), 1000 rows, 1.0 MiB/s, 500 rows/s"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	b.Finish()
	if !strings.Contains(out.String(), "\033[K") {
		t.Error("Finish does not clear the line")
	}
	f := NewUnits(&out, true, 0, time.Hour, "files")
	f.now = func() time.Time { return f.start.Add(2 * time.Second) }
	f.Add(4<<20, 2)
	if got, want := f.Line(), "4.0 MiB, 2 files, 2.0 MiB/s, 1 files/s"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	f.Finish()
}
