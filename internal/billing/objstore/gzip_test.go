package objstore

import (
	"bytes"
	"io"
	"math/rand"
	"testing"
)

// Many chunks, read in odd sizes: every byte arrives once, in order, and the
// buffers keep circulating (a buffer returned shrunk would stall the reader).
func TestGzipAheadManyChunks(t *testing.T) {
	data := make([]byte, 9*gzipAheadChunk+12345)
	rand.New(rand.NewSource(1)).Read(data)
	ra := newGzipAhead(bytes.NewReader(data))
	defer ra.Close()
	var got bytes.Buffer
	buf := make([]byte, 70000)
	for {
		n, err := ra.Read(buf[:1+len(got.Bytes())%len(buf)])
		got.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("read %d bytes, want %d identical", got.Len(), len(data))
	}
}

// Close stops the goroutine even when the consumer stops early.
func TestGzipAheadCloseEarly(t *testing.T) {
	ra := newGzipAhead(bytes.NewReader(make([]byte, 20*gzipAheadChunk)))
	buf := make([]byte, 100)
	if _, err := ra.Read(buf); err != nil {
		t.Fatal(err)
	}
	ra.Close()
}
