// Command retivo-local-server runs the Retivo-compatible local server on a
// chosen address, for trying a locally built provider by hand (the demo and
// the benchmark run the server in-process). It also serves a webhook
// receiver at /receiver/ that answers 200, so test deliveries succeed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

func main() {
	if err := run(); err != nil {
		log.Fatalf("retivo-local-server: %v", err)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	keys := flag.String("api-keys", os.Getenv("RETIVO_API_KEY"), "comma-separated API keys to accept, each starting with rt_test_ or rt_live_; endpoints made with a key of one mode are invisible to the other (default $RETIVO_API_KEY)")
	prefix := flag.String("prefix", "/api", "path the API is mounted at")
	maxEndpoints := flag.Int("max-endpoints", 0, "plan limit on endpoints (0 = unlimited)")
	latency := flag.Duration("latency", 0, "latency added to every API request")
	urlFile := flag.String("url-file", "", "write the server's root URL to this file once it listens")
	stateFile := flag.String("state-file", "", "keep the endpoints in this file across restarts (default: in memory only)")
	flag.Parse()

	if *keys == "" {
		return errors.New("no API key: pass -api-keys or set RETIVO_API_KEY")
	}
	apiKeys := strings.Split(*keys, ",")
	for _, k := range apiKeys {
		if !localserver.ValidKeyShape(k) {
			return errors.New("every key in -api-keys must start with rt_test_ or rt_live_ and go on after it")
		}
	}
	server := localserver.New(localserver.Options{
		APIKeys:      apiKeys,
		PathPrefix:   *prefix,
		MaxEndpoints: *maxEndpoints,
		Latency:      *latency,
		Admin:        true,
	})
	if *stateFile != "" {
		if err := server.UseStateFile(*stateFile); err != nil {
			return err
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/receiver/", localserver.NewReceiver())
	mux.Handle("/", server)

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	root := "http://" + listener.Addr().String()
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(root+"\n"), 0o600); err != nil {
			return err
		}
	}
	fmt.Printf("Retivo local server: API at %s%s, receiver at %s/receiver/\n", root, server.PathPrefix(), root)

	httpServer := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = httpServer.Shutdown(shutdown)
	}()
	if err := httpServer.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
