// Package progress draws a one-line progress report (bytes and rows read,
// and their rates) on a terminal, and nothing when the output is not a
// terminal, so that pipes and CI logs stay clean.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Bar counts bytes and rows from any goroutine and redraws a line on a
// terminal at most every Interval.
type Bar struct {
	out      io.Writer
	total    int64
	start    time.Time
	bytes    atomic.Int64
	rows     atomic.Int64
	stop     chan struct{}
	done     sync.WaitGroup
	interval time.Duration
	now      func() time.Time
	unit     string // what rows count ("rows", "files")
}

// IsTerminal reports whether w is a file that is a character device (a
// terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// New returns a bar drawing to out every interval, or nil (which ignores
// every call) when enabled is false. total is the byte count expected (0
// when unknown).
func New(out io.Writer, enabled bool, total int64, interval time.Duration) *Bar {
	return NewUnits(out, enabled, total, interval, "rows")
}

// NewUnits is New for a bar that counts unit ("files") instead of rows.
func NewUnits(out io.Writer, enabled bool, total int64, interval time.Duration, unit string) *Bar {
	if !enabled {
		return nil
	}
	b := &Bar{out: out, total: total, start: time.Now(), stop: make(chan struct{}), interval: interval, now: time.Now, unit: unit}
	b.done.Add(1)
	go func() {
		defer b.done.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fmt.Fprint(b.out, "\r"+b.Line()+"   ")
			case <-b.stop:
				return
			}
		}
	}()
	return b
}

// Add counts bytes and rows read.
func (b *Bar) Add(bytes, rows int64) {
	if b == nil {
		return
	}
	b.bytes.Add(bytes)
	b.rows.Add(rows)
}

// Line renders the current state: "12.5 MiB of 40.0 MiB (31%), 210,000 rows, 8.1 MiB/s, 136,000 rows/s".
func (b *Bar) Line() string {
	if b == nil {
		return ""
	}
	secs := b.now().Sub(b.start).Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	by, rows := b.bytes.Load(), b.rows.Load()
	s := mib(by)
	if b.total > 0 {
		s += fmt.Sprintf(" of %s (%d%%)", mib(b.total), by*100/b.total)
	}
	return fmt.Sprintf("%s, %d %s, %s/s, %.0f %s/s", s, rows, b.unit, mib(int64(float64(by)/secs)), float64(rows)/secs, b.unit)
}

// Finish stops drawing and clears the line.
func (b *Bar) Finish() {
	if b == nil {
		return
	}
	close(b.stop)
	b.done.Wait()
	fmt.Fprint(b.out, "\r\033[K")
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
