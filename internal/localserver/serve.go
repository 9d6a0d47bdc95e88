package localserver

import (
	"context"
	"net"
	"net/http"
	"time"
)

// ServeLoopback serves h on a free port of 127.0.0.1, for the programs that
// run the local server in-process (the demo, the install test, the bench). It returns
// the base address, such as http://127.0.0.1:34567, and a function that
// stops the server within 2 seconds.
func ServeLoopback(h http.Handler) (url string, stop func(), err error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(listener) }()
	stop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	return "http://" + listener.Addr().String(), stop, nil
}
