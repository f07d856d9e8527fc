// Package netlimittest holds the test servers and settings of refit's
// time-limit tests: a server that accepts connections and never answers,
// and an AWS SDK environment with static credentials and nothing else to
// read. Only tests import it.
package netlimittest

import (
	"net"
	"sync"
	"testing"

	"github.com/refit-dev/refit/internal/source/awslive/awstest"
)

// BlackHole listens on 127.0.0.1, accepts every connection and never
// answers; it returns its URL and the number of connections so far. The
// listener and connections close when the test ends.
func BlackHole(t testing.TB) (string, func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String(), func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(conns)
	}
}

// FakeAWSEnv gives the AWS SDK static credentials and region us-east-1, and
// nothing else to read (no config files, profiles or instance metadata).
func FakeAWSEnv(t testing.TB) { awstest.Env(t, "us-east-1") }
