package objstore

import (
	"io"
	"sync"
)

// gzipAhead runs the reads of src (a gzip decompressor) in its own
// goroutine, a few chunks ahead of the consumer, so that decompression and
// CSV parsing use two cores. Close stops the goroutine.
type gzipAhead struct {
	chunks chan []byte
	free   chan []byte
	stop   chan struct{}
	once   sync.Once
	done   sync.WaitGroup
	cur    []byte // what is left of the chunk being read
	whole  []byte // that chunk's buffer, returned to free when done
	err    error
	errc   chan error
}

const (
	gzipAheadChunk = 1 << 20
	gzipAheadDepth = 4
)

// ReadAhead reads src (a gzip decompressor) a few chunks ahead of the
// caller on its own goroutine; Close stops it.
func ReadAhead(src io.Reader) io.ReadCloser { return newGzipAhead(src) }

func newGzipAhead(src io.Reader) *gzipAhead {
	ra := &gzipAhead{
		chunks: make(chan []byte, gzipAheadDepth),
		free:   make(chan []byte, gzipAheadDepth+2),
		stop:   make(chan struct{}),
		errc:   make(chan error, 1),
	}
	for range gzipAheadDepth + 2 {
		ra.free <- make([]byte, gzipAheadChunk)
	}
	ra.done.Add(1)
	go func() {
		defer ra.done.Done()
		defer close(ra.chunks)
		for {
			var buf []byte
			select {
			case buf = <-ra.free:
			case <-ra.stop:
				return
			}
			// Fill the chunk; the source's own errors (a truncated gzip
			// stream's io.ErrUnexpectedEOF) pass through unchanged.
			buf = buf[:cap(buf)]
			n := 0
			var err error
			for n < len(buf) && err == nil {
				var m int
				m, err = src.Read(buf[n:])
				n += m
			}
			if n > 0 {
				select {
				case ra.chunks <- buf[:n]:
				case <-ra.stop:
					return
				}
			}
			if err != nil {
				ra.errc <- err
				return
			}
		}
	}()
	return ra
}

func (ra *gzipAhead) Read(p []byte) (int, error) {
	for len(ra.cur) == 0 {
		ra.release()
		if ra.err != nil {
			return 0, ra.err
		}
		chunk, ok := <-ra.chunks
		if !ok {
			ra.err = <-ra.errc
			return 0, ra.err
		}
		ra.cur, ra.whole = chunk, chunk
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	if len(ra.cur) == 0 {
		ra.release()
	}
	return n, nil
}

// release returns the current chunk's whole buffer to the free list.
func (ra *gzipAhead) release() {
	if ra.whole != nil {
		ra.free <- ra.whole[:cap(ra.whole)]
		ra.whole, ra.cur = nil, nil
	}
}

// Close stops the reading goroutine and waits for it.
func (ra *gzipAhead) Close() error {
	ra.once.Do(func() { close(ra.stop) })
	ra.done.Wait()
	return nil
}
