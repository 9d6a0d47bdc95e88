// Package bench is the Terraform part of `make bench`: Go benchmarks that
// drive terraform through terraform-exec against the local Retivo server
// (README, Performance). Each operation changes real infrastructure, so they
// run with -benchtime 1x, and make bench runs the test binary once per run:
// the floor (./floor), the provider and terraform_data are interleaved run
// by run. Each result carries the wall time, the plugins' CPU time and peak
// RSS (./pluginmeter), Terraform's own CPU time and the API's list calls.
package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	"golang.org/x/sync/errgroup"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

const (
	benchKey     = "rt_test_bench_0123456789abcdef"
	floorAddress = "registry.terraform.io/retivo/floor"
	module       = "github.com/retivo/terraform-provider-retivo"
)

// The figures' sizes: N resources for Apply, Plan and Destroy; the managed
// endpoints refreshed in an account of only them and in a large one; the
// accounts the data source reads.
var (
	sizes              = []int{10, 100, 500}
	managed, account   = 500, 20_000
	dataSourceAccounts = []int{10_000, 20_000}
)

// world is one run's: the local server and the environment in which
// Terraform installs the provider and the floor from this run's builds. It
// is set up by the first benchmark that needs it, so that `go test` without
// -bench builds nothing.
type world struct {
	work, pluginUsage string // pluginUsage: where the plugin meters write
	server            *localserver.Server
	env               []string
	stop              func()
}

// terraform is the CLI measured: the one on PATH.
const terraform = "terraform"

var (
	setup    sync.Once
	theWorld *world
	setupErr error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if theWorld != nil {
		theWorld.stop()
	}
	os.Exit(code)
}

// benchWorld is the run's world, set up on first use.
func benchWorld(b *testing.B) *world {
	b.Helper()
	setup.Do(func() { theWorld, setupErr = newWorld() })
	if setupErr != nil {
		b.Fatal(setupErr)
	}
	return theWorld
}

func newWorld() (*world, error) {
	work, err := os.MkdirTemp("", "retivo-bench-")
	if err != nil {
		return nil, err
	}
	w := &world{work: work, pluginUsage: filepath.Join(work, "plugin-usage"), stop: func() { os.RemoveAll(work) }}
	// Each plugin is built into measured/ under the directory dev_overrides
	// install it from, where the plugin meter stands in its place.
	for _, build := range [][]string{
		{"-o", filepath.Join(work, "provider", "measured", "terraform-provider-retivo"), module},
		{"-ldflags", "-X main.address=" + floorAddress, "-o", filepath.Join(work, "floor", "measured", "terraform-provider-floor"), module + "/internal/cmd/bench/floor"},
		{"-o", filepath.Join(work, "provider", "terraform-provider-retivo"), module + "/internal/cmd/bench/pluginmeter"},
		{"-o", filepath.Join(work, "floor", "terraform-provider-floor"), module + "/internal/cmd/bench/pluginmeter"},
	} {
		if out, err := exec.Command("go", append([]string{"build"}, build...)...).CombinedOutput(); err != nil {
			w.stop()
			return nil, fmt.Errorf("go build %s: %w\n%s", build[len(build)-1], err, out)
		}
	}
	w.server = localserver.New(localserver.Options{APIKeys: []string{benchKey}})
	apiURL, stopServer, err := localserver.ServeLoopback(w.server)
	if err != nil {
		w.stop()
		return nil, err
	}
	w.stop = func() { stopServer(); os.RemoveAll(work) }
	w.env, err = tfcli.DevOverridesEnv(work,
		map[string]string{tfcli.ProviderAddress: filepath.Join(work, "provider"), floorAddress: filepath.Join(work, "floor")},
		"RETIVO_API_KEY="+benchKey, "RETIVO_BASE_URL="+apiURL+w.server.PathPrefix(), "RETIVO_BENCH_PLUGIN_USAGE="+w.pluginUsage)
	if err != nil {
		w.stop()
		return nil, err
	}
	// A configuration line: benchstat prints it over its tables and compares
	// only results taken under the same one.
	version, err := tfcli.Version(context.Background(), terraform)
	if err != nil {
		w.stop()
		return nil, err
	}
	fmt.Printf("terraform: %s\n", version)
	return w, nil
}

func (w *world) newConfig(b *testing.B, name, config string) *tfexec.Terraform {
	b.Helper()
	tf, err := tfcli.NewTerraform(filepath.Join(w.work, name), terraform, w.env, map[string]string{"main.tf": config})
	if err != nil {
		b.Fatal(err)
	}
	return tf
}

// BenchmarkCycle runs apply, plan (no changes) and destroy of N endpoints
// for the floor, the provider and terraform_data, a full cycle of each.
func BenchmarkCycle(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for _, subject := range []struct{ name, config string }{
				{"floor", config(floorAddress, endpoints(n, "hooks"))},
				{"provider", config(tfcli.ProviderAddress, endpoints(n, "hooks"))},
				{"terraform_data", fmt.Sprintf("resource \"terraform_data\" \"e\" {\n  count = %d\n  input = \"https://example.com/hooks/${count.index}\"\n}\n", n)},
			} {
				b.Run("subject="+subject.name, func(b *testing.B) {
					w := benchWorld(b)
					tf := w.newConfig(b, fmt.Sprintf("%s-%d", subject.name, n), subject.config)
					w.measure(b, "command=Apply", func(ctx context.Context) error { return tf.Apply(ctx) })
					w.measure(b, "command=Plan", func(ctx context.Context) error { return tfcli.PlanNoChanges(ctx, tf, nil) })
					w.measure(b, "command=Destroy", func(ctx context.Context) error { return tf.Destroy(ctx) })
				})
			}
		})
	}
}

// BenchmarkRefresh applies the managed endpoints once, then plans
// (refreshes) them in an account holding only them and in one filled up to
// the large account's size, and destroys them.
func BenchmarkRefresh(b *testing.B) {
	b.Run(fmt.Sprintf("managed=%d", managed), func(b *testing.B) {
		w := benchWorld(b)
		tf := w.newConfig(b, "refresh", config(tfcli.ProviderAddress, endpoints(managed, "hooks")))
		if err := tf.Apply(b.Context()); err != nil {
			b.Fatalf("apply of %d endpoints: %v", managed, err)
		}
		for _, size := range []int{managed, account} {
			w.withOthers(size-managed, func() {
				w.measure(b, fmt.Sprintf("account=%d", size), func(ctx context.Context) error { return tfcli.PlanNoChanges(ctx, tf, nil) })
			})
		}
		if err := tf.Destroy(b.Context()); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkDataSourcePlan plans a configuration that reads
// retivo_webhook_endpoints in accounts of each size, and checks that the
// plan saw every endpoint.
func BenchmarkDataSourcePlan(b *testing.B) {
	for _, n := range dataSourceAccounts {
		b.Run(fmt.Sprintf("endpoints=%d", n), func(b *testing.B) {
			w := benchWorld(b)
			tf := w.newConfig(b, "data-source", config(tfcli.ProviderAddress, `data "retivo_webhook_endpoints" "all" {}

output "count" {
  value = length(data.retivo_webhook_endpoints.all.endpoints)
}
`))
			var output strings.Builder
			tf.SetStdout(&output)
			w.withOthers(n, func() {
				w.measure(b, "", func(ctx context.Context) error {
					_, err := tf.Plan(ctx) // a change: the output's value
					return err
				})
			})
			if want := fmt.Sprintf("count = %d", n); !strings.Contains(output.String(), want) {
				b.Fatalf("the plan of retivo_webhook_endpoints over %d endpoints does not show %q:\n%s", n, want, &output)
			}
		})
	}
}

// BenchmarkSharedAccountApply is issue 22's shared account: four CI
// pipelines (a directory and provider process each, default settings) apply
// 25 endpoints each at once, without a limit, then under the account's (429
// and Retry-After: 1 beyond a token bucket of 10 requests a second). The
// limited result adds the requests answered, the 429s and the floor: the
// answered requests at the allowed rate plus the same run's applies without
// a limit.
func BenchmarkSharedAccountApply(b *testing.B) {
	const workspaces, perWorkspace, perSecond = 4, 25, 10
	b.Run(fmt.Sprintf("workspaces=%d/endpoints=%d", workspaces, perWorkspace), func(b *testing.B) {
		w := benchWorld(b)
		tfs := make([]*tfexec.Terraform, workspaces)
		for i := range tfs {
			tfs[i] = w.newConfig(b, fmt.Sprint("shared-", i), config(tfcli.ProviderAddress, endpoints(perWorkspace, fmt.Sprint("workspace-", i))))
		}
		all := func(ctx context.Context, command func(context.Context, *tfexec.Terraform) error) error {
			g, ctx := errgroup.WithContext(ctx)
			for _, tf := range tfs {
				g.Go(func() error { return command(ctx, tf) })
			}
			return g.Wait()
		}
		apply := func(ctx context.Context) error {
			return all(ctx, func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Apply(ctx) })
		}
		destroy := func() {
			if err := all(b.Context(), func(ctx context.Context, tf *tfexec.Terraform) error { return tf.Destroy(ctx) }); err != nil {
				b.Fatal(err)
			}
		}
		unlimited := w.measure(b, "limit=none", apply)
		destroy()
		w.server.AddFault(localserver.Fault{PerSecond: perSecond, Status: 429, RetryAfter: "1"})
		defer w.server.ClearFaults()
		w.measure(b, fmt.Sprint("limit=", perSecond), apply, func(b *testing.B, wall time.Duration) {
			tooMany := float64(w.server.Injected())
			answered := float64(w.server.TotalRequests()) - tooMany
			floor := time.Duration(answered/perSecond*float64(time.Second)) + unlimited
			b.ReportMetric(answered, "answered/op")
			b.ReportMetric(tooMany, "429s/op")
			b.ReportMetric(tooMany/answered, "429s-per-answered")
			b.ReportMetric(float64(floor.Nanoseconds()), "floor-ns/op")
			b.ReportMetric(wall.Seconds()/floor.Seconds(), "x-floor")
		})
		destroy()
	})
}

// withOthers runs run with n more endpoints, unmanaged, in the account.
func (w *world) withOthers(n int, run func()) {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = w.server.InsertEndpoint(localserver.Endpoint{URL: fmt.Sprintf("https://example.com/others/%d", i),
			SubscribedEvents: []string{"order.created", "order.paid"}, Active: true}).ID
	}
	defer func() {
		for _, id := range ids {
			w.server.RemoveEndpoint(id)
		}
	}()
	run()
}

// measure runs command once as the sub-benchmark name ("" for b itself),
// reports its figures and what each of more adds, and returns its wall
// time. Terraform's CPU time is that of the processes the benchmark waited
// for while command ran (terraform, and through it the meters and plugins)
// less the plugins' own; the meters' few milliseconds stay in it.
func (w *world) measure(b *testing.B, name string, command func(context.Context) error, more ...func(*testing.B, time.Duration)) (wall time.Duration) {
	b.Helper()
	run := func(b *testing.B) {
		if b.N != 1 {
			b.Fatalf("b.N = %d: run with -benchtime 1x, as make bench does (each operation changes the infrastructure)", b.N)
		}
		w.server.ResetStats()
		if err := os.WriteFile(w.pluginUsage, nil, 0o600); err != nil {
			b.Fatal(err)
		}
		cpuBefore := childrenCPU()
		start := time.Now()
		if err := command(b.Context()); err != nil {
			b.Fatal(err)
		}
		wall = time.Since(start)
		terraformCPU := childrenCPU() - cpuBefore
		b.ReportMetric(float64(wall.Nanoseconds()), "ns/op")
		pluginCPU, peakRSS, plugins, err := readPluginUsage(w.pluginUsage)
		if err != nil {
			b.Fatal(err)
		} else if plugins > 0 {
			terraformCPU -= pluginCPU
			b.ReportMetric(float64(pluginCPU.Nanoseconds()), "plugin-CPU-ns/op")
			b.ReportMetric(float64(peakRSS), "plugin-peak-RSS-B")
		}
		b.ReportMetric(float64(terraformCPU.Nanoseconds()), "terraform-CPU-ns/op")
		b.ReportMetric(float64(w.server.Stats()[localserver.RouteList]), "list-calls/op")
		for _, m := range more {
			m(b, wall)
		}
	}
	if name == "" {
		run(b)
	} else if !b.Run(name, run) {
		b.FailNow() // the next command would measure a broken state
	}
	return wall
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
