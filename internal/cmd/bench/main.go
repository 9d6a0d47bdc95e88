// Command bench is the Terraform part of `make bench`: terraform, driven
// through terraform-exec against the local Retivo server, one line per
// command in the Go benchmark format for benchstat (README, Performance):
// Apply, Plan and Destroy interleaved with the framework floor (./floor) and
// terraform_data; Refresh; DataSourcePlan; SharedAccountApply. Each line has
// the wall time, the plugins' CPU time and peak RSS (./pluginmeter),
// Terraform's own CPU time and the API's list calls.
package main

import (
	"context"
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
	"golang.org/x/sync/errgroup"

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
	shared     = flag.Int("shared", 4, "concurrent applies of 25 endpoints each, in an account limited to 10 requests a second and without a limit (0: skip)")
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
	work, pluginUsage string // pluginUsage: where the plugin meters write
	server            *localserver.Server
	env               []string
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
	b := &bench{work: work, server: server, pluginUsage: filepath.Join(work, "plugin-usage")}
	b.env, err = tfcli.DevOverridesEnv(work,
		map[string]string{tfcli.ProviderAddress: filepath.Join(work, "provider"), floorAddress: filepath.Join(work, "floor")},
		"RETIVO_API_KEY="+benchKey, "RETIVO_BASE_URL="+apiURL+server.PathPrefix(), "RETIVO_BENCH_PLUGIN_USAGE="+b.pluginUsage)
	if err != nil {
		return err
	}
	version, err := tfcli.Version(ctx, "terraform")
	if err != nil {
		return err
	}
	// Configuration lines: benchstat prints them over its tables and
	// compares only results taken under the same ones.
	fmt.Printf("goos: %s\ngoarch: %s\nterraform: %s\nserver-latency: %s\n", runtime.GOOS, runtime.GOARCH, version, *latency)
	for _, part := range []func(context.Context) error{b.compare, b.refresh, b.dataSource, b.sharedAccount} {
		if err := part(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (b *bench) newConfig(name, config string) (*tfexec.Terraform, error) {
	return tfcli.NewTerraform(filepath.Join(b.work, name), "terraform", b.env, map[string]string{"main.tf": config})
}

// compare runs apply, plan (no changes) and destroy of n endpoints for the
// floor, the provider and terraform_data, a full cycle of each per run.
func (b *bench) compare(ctx context.Context) error {
	cycle := []struct {
		name string
		run  func(context.Context, *tfexec.Terraform) error
	}{
		{"Apply", func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Apply(ctx) }},
		{"Plan", func(ctx context.Context, tf *tfexec.Terraform) error { return tfcli.PlanNoChanges(ctx, tf) }},
		{"Destroy", func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Destroy(ctx) }},
	}
	subjects := []string{"floor", "provider", "terraform_data"}
	for _, n := range parseInts(*sizes) {
		configs := map[string]*tfexec.Terraform{}
		for subject, config := range map[string]string{
			"floor":          config(floorAddress, endpoints(n, "hooks")),
			"provider":       config(tfcli.ProviderAddress, endpoints(n, "hooks")),
			"terraform_data": fmt.Sprintf("resource \"terraform_data\" \"e\" {\n  count = %d\n  input = \"https://example.com/hooks/${count.index}\"\n}\n", n),
		} {
			var err error
			if configs[subject], err = b.newConfig(fmt.Sprintf("%s-%d", subject, n), config); err != nil {
				return err
			}
		}
		for run := range *runs {
			fmt.Fprintf(os.Stderr, "N=%d: run %d of %d…\n", n, run+1, *runs)
			for _, subject := range subjects {
				for _, c := range cycle {
					name := fmt.Sprintf("%s/n=%d/subject=%s", c.name, n, subject)
					if _, err := b.measure(name, func() error { return c.run(ctx, configs[subject]) }); err != nil {
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
	if *account <= 0 {
		return nil
	}
	tf, err := b.newConfig("refresh", config(tfcli.ProviderAddress, endpoints(*managed, "hooks")))
	if err != nil {
		return err
	}
	if err := tf.Apply(ctx); err != nil {
		return fmt.Errorf("apply of %d endpoints: %w", *managed, err)
	}
	for run := range *runs {
		fmt.Fprintf(os.Stderr, "refresh of %d in an account of %d: run %d of %d…\n", *managed, *account, run+1, *runs)
		for _, size := range []int{*managed, *account} {
			name := fmt.Sprintf("Refresh/managed=%d/account=%d", *managed, size)
			if err := b.withOthers(size-*managed, name, func() error { return tfcli.PlanNoChanges(ctx, tf) }); err != nil {
				return err
			}
		}
	}
	return tf.Destroy(ctx)
}

// dataSource plans a configuration that reads retivo_webhook_endpoints in
// accounts of each size, the sizes interleaved run by run, and checks that
// the plan saw every endpoint.
func (b *bench) dataSource(ctx context.Context) error {
	tf, err := b.newConfig("data-source", config(tfcli.ProviderAddress, `data "retivo_webhook_endpoints" "all" {}

output "count" {
  value = length(data.retivo_webhook_endpoints.all.endpoints)
}
`))
	if err != nil {
		return err
	}
	var output strings.Builder
	tf.SetStdout(&output)
	for run := range *runs {
		for _, n := range parseInts(*dataSource) {
			fmt.Fprintf(os.Stderr, "retivo_webhook_endpoints over %d endpoints: run %d of %d…\n", n, run+1, *runs)
			output.Reset()
			err := b.withOthers(n, fmt.Sprintf("DataSourcePlan/endpoints=%d", n), func() error {
				_, err := tf.Plan(ctx) // a change: the output's value
				return err
			})
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

// sharedAccount is issue 22's shared account: -shared CI pipelines (a
// directory and provider process each, default settings) apply 25 endpoints
// each at once, without a limit, then under the account's (429 and
// Retry-After: 1 beyond a token bucket of 10 requests a second). The limited
// line adds the requests answered, the 429s and the floor: the answered
// requests at the allowed rate plus the same run's applies without a limit.
func (b *bench) sharedAccount(ctx context.Context) error {
	if *shared <= 0 {
		return nil
	}
	const perWorkspace, perSecond = 25, 10
	tfs := make([]*tfexec.Terraform, *shared)
	for i := range tfs {
		var err error
		if tfs[i], err = b.newConfig(fmt.Sprint("shared-", i), config(tfcli.ProviderAddress, endpoints(perWorkspace, fmt.Sprint("workspace-", i)))); err != nil {
			return err
		}
	}
	all := func(command func(*tfexec.Terraform) error) error {
		var g errgroup.Group
		for _, tf := range tfs {
			g.Go(func() error { return command(tf) })
		}
		return g.Wait()
	}
	apply := func() error { return all(func(tf *tfexec.Terraform) error { return tf.Apply(ctx) }) }
	destroy := func(tf *tfexec.Terraform) error { return tf.Destroy(ctx) }
	name := fmt.Sprintf("SharedAccountApply/workspaces=%d/endpoints=%d/limit=", *shared, perWorkspace)
	for run := range *runs {
		fmt.Fprintf(os.Stderr, "%d concurrent applies in a shared account: run %d of %d…\n", *shared, run+1, *runs)
		unlimited, err := b.measure(name+"none", apply)
		if err == nil {
			err = all(destroy)
		}
		if err != nil {
			return err
		}
		b.server.AddFault(localserver.Fault{PerSecond: perSecond, Status: 429, RetryAfter: "1"})
		_, err = b.measure(name+strconv.Itoa(perSecond), apply, func(wall time.Duration) string {
			tooMany := int64(b.server.Injected())
			answered := b.server.TotalRequests() - tooMany
			floor := time.Duration(answered)*time.Second/perSecond + unlimited
			return fmt.Sprintf(" %d answered/op %d 429s/op %.3f 429s-per-answered %d floor-ns/op %.3f x-floor",
				answered, tooMany, float64(tooMany)/float64(answered), floor.Nanoseconds(), wall.Seconds()/floor.Seconds())
		})
		b.server.ClearFaults()
		if err == nil {
			err = all(destroy)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// withOthers measures run with n more endpoints, unmanaged, in the account.
func (b *bench) withOthers(n int, name string, run func() error) error {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = b.server.InsertEndpoint(localserver.Endpoint{URL: fmt.Sprintf("https://example.com/others/%d", i),
			SubscribedEvents: []string{"order.created", "order.paid"}, Active: true}).ID
	}
	defer func() {
		for _, id := range ids {
			b.server.RemoveEndpoint(id)
		}
	}()
	_, err := b.measure(name, run)
	return err
}

// measure runs run, prints its figures, and what each of more adds for the
// wall time, as the benchmark line name, and returns the wall time.
// Terraform's CPU time is that of the processes the bench waited for while
// run ran (terraform, and through it the meters and plugins) less the
// plugins' own; the meters' few milliseconds stay in it.
func (b *bench) measure(name string, run func() error, more ...func(wall time.Duration) string) (time.Duration, error) {
	b.server.ResetStats()
	if err := os.WriteFile(b.pluginUsage, nil, 0o600); err != nil {
		return 0, err
	}
	cpuBefore := childrenCPU()
	start := time.Now()
	if err := run(); err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	wall := time.Since(start)
	terraformCPU := childrenCPU() - cpuBefore
	line := fmt.Sprintf("Benchmark%s 1 %d ns/op", name, wall.Nanoseconds())
	if pluginCPU, peakRSS, plugins, err := readPluginUsage(b.pluginUsage); err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	} else if plugins > 0 {
		terraformCPU -= pluginCPU
		line += fmt.Sprintf(" %d plugin-CPU-ns/op %d plugin-peak-RSS-B", pluginCPU.Nanoseconds(), peakRSS)
	}
	line += fmt.Sprintf(" %d terraform-CPU-ns/op %d list-calls/op", terraformCPU.Nanoseconds(), b.server.Stats()[localserver.RouteList])
	for _, m := range more {
		line += m(wall)
	}
	fmt.Println(line)
	return wall, nil
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

// config is a configuration of the provider at address, under the local
// name retivo, so that the floor gets the real provider's blocks, and body.
func config(address, body string) string {
	return fmt.Sprintf("terraform {\n  required_providers {\n    retivo = { source = %q }\n  }\n}\n\n",
		strings.TrimPrefix(address, "registry.terraform.io/")) + body
}

// endpoints is n endpoints at https://example.com/path/N.
func endpoints(n int, path string) string {
	return fmt.Sprintf(`resource "retivo_webhook_endpoint" "e" {
  count             = %d
  url               = "https://example.com/%s/${count.index}"
  subscribed_events = ["order.created", "order.paid"]
}
`, n, path)
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
