// Command retivo-local-server runs the Retivo-compatible local server, and a
// webhook receiver at /receiver/ that answers 200, for trying a locally
// built provider by hand. Its admin routes under /_admin/ take a token
// (-admin-token, $RETIVO_LOCAL_SERVER_ADMIN_TOKEN or a random one), printed
// at start, and JSON bodies.
package main

import (
	"cmp"
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
	"slices"
	"strings"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

func main() {
	code, err := tfcli.RunInterruptible(run)
	if err != nil {
		log.Printf("retivo-local-server: %v", err)
	}
	os.Exit(code)
}

func run(ctx context.Context) error {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	keys := flag.String("api-keys", os.Getenv("RETIVO_API_KEY"), "comma-separated API keys to accept, each starting with rt_test_ or rt_live_; endpoints made with a key of one mode are invisible to the other (default $RETIVO_API_KEY)")
	prefix := flag.String("prefix", "/api", "path the API is mounted at")
	maxEndpoints := flag.Int("max-endpoints", 0, "plan limit on endpoints (0 = unlimited)")
	stateFile := flag.String("state-file", "", "keep the endpoints in this file across restarts (default: in memory only)")
	// No default from the environment here: flag prints defaults in its
	// usage text, and this one is a secret.
	adminToken := flag.String("admin-token", "", "token the /_admin/ routes require, at least 16 characters (default $"+adminTokenEnv+", else a random one, printed at start)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: %s [flags]\n\nFlags:\n", os.Args[0])
		flag.PrintDefaults()
		fmt.Fprintf(flag.CommandLine.Output(), adminUsage, localserver.AdminTokenHeader, localserver.RouteCreate)
	}
	flag.Parse()

	apiKeys := strings.Split(*keys, ",")
	if *keys == "" {
		return errors.New("no API key: pass -api-keys or set RETIVO_API_KEY")
	} else if slices.ContainsFunc(apiKeys, func(k string) bool { return !localserver.ValidKeyShape(k) }) {
		return errors.New("every key in -api-keys must start with rt_test_ or rt_live_ and go on after it")
	}
	token, err := chooseAdminToken(*adminToken, os.Getenv(adminTokenEnv))
	if err != nil {
		return err
	}
	server := localserver.New(localserver.Options{APIKeys: apiKeys, PathPrefix: *prefix, MaxEndpoints: *maxEndpoints, Admin: true,
		AdminToken: token})
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
		fmt.Fprintf(os.Stderr, "WARNING: -addr %q is not a loopback address, so other machines may reach this server's API "+
			"(the configured keys, the endpoints and their signing secrets), its admin routes (guarded by the admin token, "+
			"which travels unencrypted) and its webhook receiver (open to anyone). "+
			"Use -addr 127.0.0.1:PORT unless you mean to expose all this.\n", *addr)
	}
	root := "http://" + listener.Addr().String()
	header := localserver.AdminTokenHeader + ": " + token
	fmt.Printf("Retivo local server: API at %s%s, receiver at %s/receiver/\n", root, server.PathPrefix(), root)
	fmt.Printf("Admin routes need the header %q, for example:\n  curl -H '%s' %s/_admin/stats\n", header, header, root)
	fmt.Printf("  curl -H '%s' -H 'Content-Type: application/json' -d '{\"route\": \"%s\", \"status\": 503, \"times\": 1}' %s/_admin/faults\n",
		header, localserver.RouteCreate, root)

	// MaxHeaderBytes also bounds the headers of each delivery the receiver keeps.
	httpServer := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10}
	context.AfterFunc(ctx, func() { // Ctrl-C
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = httpServer.Shutdown(shutdown)
	})
	if err := httpServer.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

const (
	adminTokenEnv       = "RETIVO_LOCAL_SERVER_ADMIN_TOKEN"
	minAdminTokenLength = 16 // shorter tokens could be guessed
	// adminTokenCharacters need no quoting in a header or a shell, so the
	// printed curl examples work as they are.
	adminTokenCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
)

// chooseAdminToken returns the token from the flag, else the one from the
// environment, else a random one.
func chooseAdminToken(fromFlag, fromEnv string) (string, error) {
	token := cmp.Or(fromFlag, fromEnv)
	if token == "" {
		return rand.Text(), nil
	}
	if len(token) < minAdminTokenLength || strings.Trim(token, adminTokenCharacters) != "" { // a character outside the set
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
	ip, ipErr := netip.ParseAddr(host)
	return err == nil && (strings.EqualFold(host, "localhost") || ipErr == nil && ip.IsLoopback())
}

const adminUsage = `
Admin routes (each needs the header %[1]s: <token>; POST and PUT bodies
are JSON, sent with Content-Type: application/json):
  GET    /_admin/stats            request counters, endpoints, held requests
  DELETE /_admin/stats            zero the counters
  POST   /_admin/faults           add a fault, e.g. {"route": "%[2]s", "hold": true}
  DELETE /_admin/faults           remove every fault (held requests stay held)
  POST   /_admin/faults/release   let held requests go on: {"count": N} or {"all": true}
  PUT    /_admin/latency          latency of every API request: {"latency": "20ms"}
`
