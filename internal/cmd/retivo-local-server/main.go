// Command retivo-local-server runs the Retivo-compatible local server on a
// chosen address, for trying a locally built provider by hand (the demo and
// the benchmark run the server in-process). It also serves a webhook
// receiver at /receiver/ that answers 200, so test deliveries succeed.
//
// The admin routes under /_admin/ (counters, faults, held requests, latency)
// take a token: the -admin-token flag or $RETIVO_LOCAL_SERVER_ADMIN_TOKEN,
// or else a random one made at start. The server prints it with a curl
// example; every admin request sends it in the Retivo-Admin-Token header,
// and POST and PUT bodies are JSON sent with Content-Type: application/json.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/netip"
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
	// No default from the environment here: flag prints defaults in its
	// usage text, and this one is a secret.
	adminToken := flag.String("admin-token", "", "token the /_admin/ routes require, at least 16 characters (default $"+adminTokenEnv+", else a random one, printed at start)")
	flag.Usage = usage
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
	token, err := chooseAdminToken(*adminToken, os.Getenv(adminTokenEnv))
	if err != nil {
		return err
	}
	server := localserver.New(localserver.Options{
		APIKeys:      apiKeys,
		PathPrefix:   *prefix,
		MaxEndpoints: *maxEndpoints,
		Latency:      *latency,
		Admin:        true,
		AdminToken:   token,
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
	if !isLoopbackAddr(*addr) {
		fmt.Fprintf(os.Stderr, "WARNING: -addr %q is not a loopback address, so other machines may reach this server:\n"+
			"  - its API, which accepts the configured keys and shows and changes the endpoints and their signing secrets,\n"+
			"  - its admin routes (/_admin/: faults, held requests, latency), guarded by the admin token, which travels unencrypted,\n"+
			"  - its webhook receiver (/receiver/), which anyone can post to.\n"+
			"Use -addr 127.0.0.1:PORT unless you mean to expose all this.\n", *addr)
	}
	root := "http://" + listener.Addr().String()
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(root+"\n"), 0o600); err != nil {
			return err
		}
	}
	fmt.Printf("Retivo local server: API at %s%s, receiver at %s/receiver/\n", root, server.PathPrefix(), root)
	fmt.Printf("Admin routes need the header \"%s: %s\", for example:\n", localserver.AdminTokenHeader, token)
	fmt.Printf("  curl -H '%s: %s' %s/_admin/stats\n", localserver.AdminTokenHeader, token, root)
	fmt.Printf("  curl -H '%s: %s' -H 'Content-Type: application/json' -d '{\"route\": \"%s\", \"status\": 503, \"times\": 1}' %s/_admin/faults\n",
		localserver.AdminTokenHeader, token, localserver.RouteCreate, root)

	// MaxHeaderBytes also bounds the headers of each delivery the receiver
	// keeps.
	httpServer := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10}
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

const adminTokenEnv = "RETIVO_LOCAL_SERVER_ADMIN_TOKEN"

// minAdminTokenLength keeps out tokens short enough to guess.
const minAdminTokenLength = 16

const adminTokenCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"

// chooseAdminToken returns the token from the flag, else the one from the
// environment, else a random one.
func chooseAdminToken(fromFlag, fromEnv string) (string, error) {
	token := fromFlag
	if token == "" {
		token = fromEnv
	}
	if token == "" {
		return rand.Text(), nil
	}
	// Only characters that need no quoting in a header or a shell, so the
	// printed curl example works as it is.
	unsafe := strings.ContainsFunc(token, func(r rune) bool { return !strings.ContainsRune(adminTokenCharacters, r) })
	if len(token) < minAdminTokenLength || unsafe {
		return "", fmt.Errorf("the admin token (-admin-token or $%s) must be at least %d characters of A-Z, a-z, 0-9, '-', '_', '.' and '~'", adminTokenEnv, minAdminTokenLength)
	}
	return token, nil
}

// isLoopbackAddr reports whether a listen address reaches only this
// machine: its host is a loopback IP or "localhost". An empty host (":8080")
// listens on every interface, and a host name other than localhost may
// resolve to anything, so neither is loopback.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

func usage() {
	out := flag.CommandLine.Output()
	fmt.Fprintf(out, "Usage: %s [flags]\n\nFlags:\n", os.Args[0])
	flag.PrintDefaults()
	fmt.Fprintf(out, `
Admin routes (each needs the header %[1]s: <token>; POST and PUT bodies
are JSON, sent with Content-Type: application/json):
  GET    /_admin/stats            request counters, endpoints, held requests
  DELETE /_admin/stats            zero the counters
  POST   /_admin/faults           add a fault, e.g. {"route": "%[2]s", "hold": true}
  DELETE /_admin/faults           remove every fault (held requests stay held)
  POST   /_admin/faults/release   let held requests go on: {"count": N} or {"all": true}
  PUT    /_admin/latency          latency of every API request: {"latency": "20ms"}
`, localserver.AdminTokenHeader, localserver.RouteCreate)
}
