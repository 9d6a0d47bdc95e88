// Command bench is `make bench`: it measures terraform apply, plan (refresh)
// and destroy of N webhook endpoints through this provider against the local
// Retivo server, next to the same commands for N terraform_data resources
// (Terraform's own floor: no provider work at all), and prints one table.
//
// Per command it reports the median wall time, the ratio to the floor, the
// API calls by route (from the server's counters) and the provider process's
// peak memory (VmHWM, read from /proc while it runs).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

const benchKey = "rt_test_bench_0123456789abcdef"

func main() {
	sizes := flag.String("n", "10,100,500", "comma-separated numbers of resources")
	latencies := flag.String("latency", "0ms,20ms", "comma-separated server latencies")
	runs := flag.Int("runs", 3, "runs per figure; the median is reported")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, parseInts(*sizes), parseDurations(*latencies), *runs); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

// measurement is one command's figures.
type measurement struct {
	wall     time.Duration
	calls    map[string]int64
	peakKiB  int64
	floor    time.Duration
	hasFloor bool
}

func run(ctx context.Context, sizes []int, latencies []time.Duration, runs int) error {
	work, err := os.MkdirTemp("", "retivo-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	fmt.Fprintln(os.Stderr, "building the provider…")
	bin := filepath.Join(work, "bin")
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, "terraform-provider-retivo"), ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}

	server := localserver.New(localserver.Options{APIKeys: []string{benchKey}})
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	httpServer := &http.Server{Handler: server, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = httpServer.Serve(listener) }()
	defer httpServer.Close()
	baseURL := "http://" + listener.Addr().String() + server.PathPrefix()

	env, err := terraformEnv(work, bin, baseURL)
	if err != nil {
		return err
	}

	type row struct {
		n       int
		latency time.Duration
		command string
		m       measurement
	}
	var rows []row
	for _, n := range sizes {
		floorDir, err := writeConfig(work, fmt.Sprintf("floor-%d", n), floorConfig(n))
		if err != nil {
			return err
		}
		floor := map[string]time.Duration{}
		for _, command := range []string{"apply", "plan", "destroy"} {
			floor[command] = 0
		}
		fmt.Fprintf(os.Stderr, "N=%d: terraform_data floor…\n", n)
		floorRuns, err := cycle(ctx, floorDir, env, runs, nil, "")
		if err != nil {
			return err
		}
		for command, ms := range floorRuns {
			floor[command] = median(ms, func(m measurement) time.Duration { return m.wall })
		}
		for _, latency := range latencies {
			server.SetLatency(latency)
			dir, err := writeConfig(work, fmt.Sprintf("retivo-%d-%s", n, latency), providerConfig(n))
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "N=%d latency=%s: provider…\n", n, latency)
			results, err := cycle(ctx, dir, env, runs, server, "terraform-provider-retivo")
			if err != nil {
				return err
			}
			for _, command := range []string{"apply", "plan", "destroy"} {
				ms := results[command]
				m := ms[len(ms)/2]
				m.wall = median(ms, func(m measurement) time.Duration { return m.wall })
				m.peakKiB = slices.Max(collect(ms, func(m measurement) int64 { return m.peakKiB }))
				m.floor, m.hasFloor = floor[command], true
				rows = append(rows, row{n, latency, command, m})
			}
		}
	}
	server.SetLatency(0)

	fmt.Printf("\nterraform-provider-retivo benchmark: median of %d runs, parallelism 10, %s\n\n", runs, time.Now().UTC().Format("2006-01-02"))
	fmt.Println("|   N | latency | command | provider | terraform_data floor | ratio | list | create | update | delete | provider peak RSS |")
	fmt.Println("|----:|--------:|---------|---------:|---------------------:|------:|-----:|-------:|-------:|-------:|------------------:|")
	for _, r := range rows {
		fmt.Printf("| %3d | %7s | %-7s | %7.2fs | %19.2fs | %4.2f× | %4d | %6d | %6d | %6d | %13.1f MiB |\n",
			r.n, r.latency, r.command, r.m.wall.Seconds(), r.m.floor.Seconds(), ratio(r.m.wall, r.m.floor),
			r.m.calls[localserver.RouteList], r.m.calls[localserver.RouteCreate], r.m.calls[localserver.RouteUpdate],
			r.m.calls[localserver.RouteDelete], float64(r.m.peakKiB)/1024)
	}
	return nil
}

// cycle runs apply, plan and destroy `runs` times in dir and returns the
// measurements per command. With a server it records API calls per command,
// and with a process name it records that process's peak memory.
func cycle(ctx context.Context, dir string, env []string, runs int, server *localserver.Server, process string) (map[string][]measurement, error) {
	out := map[string][]measurement{}
	commands := map[string][]string{
		"apply":   {"apply", "-auto-approve", "-input=false", "-no-color"},
		"plan":    {"plan", "-input=false", "-no-color", "-detailed-exitcode"},
		"destroy": {"destroy", "-auto-approve", "-input=false", "-no-color"},
	}
	for range runs {
		for _, name := range []string{"apply", "plan", "destroy"} {
			if server != nil {
				server.ResetStats()
			}
			m, err := measure(ctx, dir, env, commands[name], process)
			if err != nil {
				return nil, fmt.Errorf("terraform %s in %s: %w", name, filepath.Base(dir), err)
			}
			if server != nil {
				m.calls = server.Stats()
			}
			out[name] = append(out[name], m)
		}
	}
	return out, nil
}

func measure(ctx context.Context, dir string, env []string, args []string, process string) (measurement, error) {
	cmd := exec.CommandContext(ctx, "terraform", args...)
	cmd.Dir = dir
	cmd.Env = env
	var output strings.Builder
	cmd.Stdout, cmd.Stderr = &output, &output
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	done := make(chan struct{})
	peak := make(chan int64, 1)
	go func() { peak <- watchPeakMemory(cmd.Process.Pid, process, done) }()
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	m := measurement{wall: wall, peakKiB: <-peak}
	var exit *exec.ExitError
	if args[0] == "plan" && errors.As(err, &exit) && exit.ExitCode() == 2 {
		return m, fmt.Errorf("the plan after apply has changes\n%s", output.String())
	}
	if err != nil {
		return m, fmt.Errorf("%w\n%s", err, output.String())
	}
	return m, nil
}

// watchPeakMemory polls /proc for children of parent named like process and
// returns the highest VmHWM seen, in KiB.
func watchPeakMemory(parent int, process string, done <-chan struct{}) int64 {
	if process == "" {
		<-done
		return 0
	}
	var peak int64
	ticker := time.NewTicker(20 * time.Millisecond)
	defer ticker.Stop()
	for {
		for _, pid := range childrenNamed(parent, process) {
			peak = max(peak, readStatusKiB(pid, "VmHWM:"))
		}
		select {
		case <-done:
			return peak
		case <-ticker.C:
		}
	}
}

func childrenNamed(parent int, name string) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Format: pid (comm) state ppid …; comm is cut to 15 characters.
		open, closing := strings.IndexByte(string(stat), '('), strings.LastIndexByte(string(stat), ')')
		if open < 0 || closing < open {
			continue
		}
		comm := string(stat[open+1 : closing])
		fields := strings.Fields(string(stat[closing+1:]))
		if len(fields) < 2 || !strings.HasPrefix(name, comm) {
			continue
		}
		if ppid, _ := strconv.Atoi(fields[1]); ppid == parent {
			out = append(out, pid)
		}
	}
	return out
}

func readStatusKiB(pid int, key string) int64 {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				v, _ := strconv.ParseInt(fields[0], 10, 64)
				return v
			}
		}
	}
	return 0
}

func terraformEnv(work, bin, baseURL string) ([]string, error) {
	return tfcli.DevOverridesEnv(work, bin, "TF_IN_AUTOMATION=1", "RETIVO_API_KEY="+benchKey, "RETIVO_BASE_URL="+baseURL)
}

func writeConfig(work, name, config string) (string, error) {
	dir := filepath.Join(work, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600)
}

func providerConfig(n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    retivo = { source = "retivo/retivo" }
  }
}

resource "retivo_webhook_endpoint" "e" {
  count             = %d
  url               = "https://example.com/hooks/${count.index}"
  subscribed_events = ["order.created", "order.paid"]
}
`, n)
}

func floorConfig(n int) string {
	return fmt.Sprintf(`resource "terraform_data" "e" {
  count = %d
  input = "https://example.com/hooks/${count.index}"
}
`, n)
}

func median(ms []measurement, f func(measurement) time.Duration) time.Duration {
	values := collect(ms, f)
	slices.Sort(values)
	return values[len(values)/2]
}

func collect[T any](ms []measurement, f func(measurement) T) []T {
	out := make([]T, 0, len(ms))
	for _, m := range ms {
		out = append(out, f(m))
	}
	return out
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return a.Seconds() / b.Seconds()
}

func parseInts(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

func parseDurations(s string) []time.Duration {
	var out []time.Duration
	for _, f := range strings.Split(s, ",") {
		if d, err := time.ParseDuration(strings.TrimSpace(f)); err == nil && d >= 0 {
			out = append(out, d)
		}
	}
	return out
}
