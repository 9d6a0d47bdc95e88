// Command bench is the Terraform part of `make bench`: terraform, driven
// through terraform-exec against the local Retivo server, with one line per
// command in the Go benchmark format for benchstat. Apply, Plan and Destroy
// of N endpoints run interleaved with the same commands for the framework
// floor (./floor) and terraform_data (no plugin); Refresh plans the managed
// endpoints in a small and a large account, alternating; DataSourcePlan
// reads retivo_webhook_endpoints over accounts of each size. Each line has
// the wall time, the plugins' CPU time and peak RSS (from ./pluginmeter),
// Terraform's own CPU time and the API's list calls.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

const (
	benchKey     = "rt_test_bench_0123456789abcdef"
	floorAddress = "registry.terraform.io/retivo/floor"
)

var (
	sizes      = flag.String("n", "10,100,500", "comma-separated numbers of resources (empty: skip)")
	latency    = flag.Duration("latency", 0, "latency the local server adds to every API call")
	runs       = flag.Int("runs", 7, "interleaved runs per figure")
	account    = flag.Int("account", 20_000, "size of the large account for the refresh of -managed endpoints (0: skip)")
	managed    = flag.Int("managed", 500, "managed endpoints refreshed in the small and the large account")
	dataSource = flag.String("data-source", "10000,20000", "comma-separated account sizes read by retivo_webhook_endpoints (empty: skip)")
)

func main() {
	flag.Parse()
	code, err := tfcli.RunInterruptible(run)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
	}
	os.Exit(code)
}

// bench is one run's world: the local server and the environment in which
// Terraform installs the provider and the floor from this run's builds.
type bench struct {
	work   string
	server *localserver.Server
	env    []string
	// pluginUsage is where every plugin meter records its plugin's usage.
	pluginUsage string
}

func run(ctx context.Context) error {
	work, err := os.MkdirTemp("", "retivo-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	// Each plugin is built into measured/ under the directory dev_overrides
	// install it from, where the plugin meter stands in its place.
	fmt.Fprintln(os.Stderr, "building the provider, the framework floor and the plugin meter…")
	for _, build := range [][]string{
		{"-o", filepath.Join(work, "provider", "measured", "terraform-provider-retivo"), "."},
		{"-ldflags", "-X main.address=" + floorAddress, "-o", filepath.Join(work, "floor", "measured", "terraform-provider-floor"), "./internal/cmd/bench/floor"},
		{"-o", filepath.Join(work, "provider", "terraform-provider-retivo"), "./internal/cmd/bench/pluginmeter"},
		{"-o", filepath.Join(work, "floor", "terraform-provider-floor"), "./internal/cmd/bench/pluginmeter"},
	} {
		cmd := exec.CommandContext(ctx, "go", append([]string{"build"}, build...)...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build %s: %w", build[len(build)-1], err)
		}
	}

	server := localserver.New(localserver.Options{APIKeys: []string{benchKey}, Latency: *latency})
	apiURL, stopServer, err := localserver.ServeLoopback(server)
	if err != nil {
		return err
	}
	defer stopServer()
	env, err := tfcli.DevOverridesEnv(work,
		map[string]string{tfcli.ProviderAddress: filepath.Join(work, "provider"), floorAddress: filepath.Join(work, "floor")},
		"RETIVO_API_KEY="+benchKey, "RETIVO_BASE_URL="+apiURL+server.PathPrefix(),
		"RETIVO_BENCH_PLUGIN_USAGE="+filepath.Join(work, "plugin-usage"))
	if err != nil {
		return err
	}
	b := &bench{work: work, server: server, env: env, pluginUsage: filepath.Join(work, "plugin-usage")}
	version, err := tfcli.Version(ctx, "terraform")
	if err != nil {
		return err
	}
	// Configuration lines: benchstat prints them over its tables and
	// compares only results taken under the same ones.
	fmt.Printf("goos: %s\ngoarch: %s\nterraform: %s\nserver-latency: %s\n", runtime.GOOS, runtime.GOARCH, version, *latency)

	if err := b.compare(ctx, parseInts(*sizes)); err != nil {
		return err
	}
	if *account > 0 {
		if err := b.refresh(ctx); err != nil {
			return err
		}
	}
	return b.dataSource(ctx, parseInts(*dataSource))
}

// newConfig writes config into the directory name and sets up Terraform
// there.
func (b *bench) newConfig(name, config string) (*tfexec.Terraform, error) {
	dir := filepath.Join(b.work, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		return nil, err
	}
	return tfcli.NewTerraform(dir, "terraform", b.env)
}

type command func(context.Context, *tfexec.Terraform) error

// cycle is what compare measures, in this order.
var cycle = []struct {
	name string
	run  command
}{
	{"Apply", func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Apply(ctx) }},
	{"Plan", planWithoutChanges},
	{"Destroy", func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Destroy(ctx) }},
}

// planWithoutChanges is a plan (a refresh) after apply, which must find
// nothing to change.
func planWithoutChanges(ctx context.Context, tf *tfexec.Terraform) error {
	changes, err := tf.Plan(ctx)
	if err == nil && changes {
		err = errors.New("the plan after apply has changes")
	}
	return err
}

// compare runs the cycle on n endpoints for the floor, the provider and
// terraform_data, a full cycle of each per run.
func (b *bench) compare(ctx context.Context, sizes []int) error {
	subjects := []string{"floor", "provider", "terraform_data"}
	for _, n := range sizes {
		configs := map[string]*tfexec.Terraform{}
		for subject, config := range map[string]string{
			"floor":          endpointsConfig(n, floorAddress),
			"provider":       endpointsConfig(n, tfcli.ProviderAddress),
			"terraform_data": fmt.Sprintf("resource \"terraform_data\" \"e\" {\n  count = %d\n  input = \"https://example.com/hooks/${count.index}\"\n}\n", n),
		} {
			tf, err := b.newConfig(fmt.Sprintf("%s-%d", subject, n), config)
			if err != nil {
				return err
			}
			configs[subject] = tf
		}
		for run := range *runs {
			fmt.Fprintf(os.Stderr, "N=%d: run %d of %d…\n", n, run+1, *runs)
			for _, subject := range subjects {
				for _, c := range cycle {
					if err := b.measure(ctx, fmt.Sprintf("%s/n=%d/subject=%s", c.name, n, subject), configs[subject], c.run); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// refresh applies -managed endpoints once, then plans (refreshes) them in an
// account holding only them and in one filled up to -account endpoints,
// alternating, and destroys them.
func (b *bench) refresh(ctx context.Context) error {
	tf, err := b.newConfig("refresh", endpointsConfig(*managed, tfcli.ProviderAddress))
	if err != nil {
		return err
	}
	if err := tf.Apply(ctx); err != nil {
		return fmt.Errorf("apply of %d endpoints: %w", *managed, err)
	}
	for run := range *runs {
		fmt.Fprintf(os.Stderr, "refresh of %d in an account of %d: run %d of %d…\n", *managed, *account, run+1, *runs)
		for _, size := range []int{*managed, *account} {
			err := b.withOthers(size-*managed, func() error {
				return b.measure(ctx, fmt.Sprintf("Refresh/managed=%d/account=%d", *managed, size), tf, planWithoutChanges)
			})
			if err != nil {
				return err
			}
		}
	}
	return tf.Destroy(ctx)
}

// dataSource plans a configuration that reads retivo_webhook_endpoints in
// accounts of each size, the sizes interleaved run by run, and checks that
// the plan saw every endpoint.
func (b *bench) dataSource(ctx context.Context, sizes []int) error {
	tf, err := b.newConfig("data-source", dataSourceConfig)
	if err != nil {
		return err
	}
	var output strings.Builder
	tf.SetStdout(&output)
	plan := func(ctx context.Context, tf *tfexec.Terraform) error {
		_, err := tf.Plan(ctx) // a change: the output's value
		return err
	}
	for run := range *runs {
		for _, n := range sizes {
			fmt.Fprintf(os.Stderr, "retivo_webhook_endpoints over %d endpoints: run %d of %d…\n", n, run+1, *runs)
			output.Reset()
			err := b.withOthers(n, func() error { return b.measure(ctx, fmt.Sprintf("DataSourcePlan/endpoints=%d", n), tf, plan) })
			if err != nil {
				return err
			}
			if want := fmt.Sprintf("count = %d", n); !strings.Contains(output.String(), want) {
				return fmt.Errorf("the plan of retivo_webhook_endpoints over %d endpoints does not show %q:\n%s", n, want, &output)
			}
		}
	}
	return nil
}

// withOthers runs f with n more endpoints in the account, which nobody
// manages.
func (b *bench) withOthers(n int, f func() error) error {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = b.server.InsertEndpoint(localserver.Endpoint{
			URL:              fmt.Sprintf("https://example.com/others/%d", i),
			SubscribedEvents: []string{"order.created", "order.paid"},
			Active:           true,
		}).ID
	}
	defer func() {
		for _, id := range ids {
			b.server.RemoveEndpoint(id)
		}
	}()
	return f()
}

// measure runs run and prints its figures as the benchmark line name.
// Terraform's CPU time is that of the processes the bench waited for while
// run ran (terraform, and through it the meters and plugins) less the
// plugins' own; the meters' few milliseconds stay in it.
func (b *bench) measure(ctx context.Context, name string, tf *tfexec.Terraform, run command) error {
	b.server.ResetStats()
	if err := os.WriteFile(b.pluginUsage, nil, 0o600); err != nil {
		return err
	}
	cpuBefore := childrenCPU()
	start := time.Now()
	if err := run(ctx, tf); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	wall := time.Since(start)
	terraformCPU := childrenCPU() - cpuBefore
	line := fmt.Sprintf("Benchmark%s 1 %d ns/op", name, wall.Nanoseconds())
	if pluginCPU, peakRSS, plugins, err := readPluginUsage(b.pluginUsage); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	} else if plugins > 0 {
		terraformCPU -= pluginCPU
		line += fmt.Sprintf(" %d plugin-CPU-ns/op %d plugin-peak-RSS-B", pluginCPU.Nanoseconds(), peakRSS)
	}
	fmt.Printf("%s %d terraform-CPU-ns/op %d list-calls/op\n", line, terraformCPU.Nanoseconds(), b.server.Stats()[localserver.RouteList])
	return nil
}

// childrenCPU is the CPU time (user and system) of the child processes this
// one has waited for, with that of the descendants each of them waited for.
func childrenCPU() time.Duration {
	var usage syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &usage) // fails only for a bad pointer or who
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// readPluginUsage sums the CPU time and takes the highest peak RSS of the
// plugin processes the meters recorded (Terraform starts a plugin more than
// once in a command; terraform_data has none).
func readPluginUsage(path string) (cpu time.Duration, peakRSS int64, plugins int, err error) {
	data, err := os.ReadFile(path)
	for line := range strings.Lines(string(data)) {
		var processCPU, processPeakRSS int64
		if _, err := fmt.Sscan(line, &processCPU, &processPeakRSS); err != nil {
			return 0, 0, 0, fmt.Errorf("the plugin meter's line %q: %w", line, err)
		}
		cpu += time.Duration(processCPU)
		peakRSS = max(peakRSS, processPeakRSS)
		plugins++
	}
	return cpu, peakRSS, plugins, err
}

// endpointsConfig is n endpoints of the provider at address, under the
// local name retivo, so that the floor gets the same resource blocks.
func endpointsConfig(n int, address string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    retivo = { source = %q }
  }
}

resource "retivo_webhook_endpoint" "e" {
  count             = %d
  url               = "https://example.com/hooks/${count.index}"
  subscribed_events = ["order.created", "order.paid"]
}
`, strings.TrimPrefix(address, "registry.terraform.io/"), n)
}

const dataSourceConfig = `terraform {
  required_providers {
    retivo = { source = "retivo/retivo" }
  }
}

data "retivo_webhook_endpoints" "all" {}

output "count" {
  value = length(data.retivo_webhook_endpoints.all.endpoints)
}
`

func parseInts(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}
