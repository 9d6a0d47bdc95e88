// Command bench is `make bench`: it measures terraform apply, plan (refresh)
// and destroy of N webhook endpoints through this provider against the local
// Retivo server, interleaved run by run with the same commands for two
// references, and prints the tables.
//
//   - The framework floor (./floor): a do-nothing terraform-plugin-framework
//     provider with this resource's exact schema, built in the same run. What
//     the provider takes over it is the provider's own cost.
//   - terraform_data: Terraform's own floor, with no plugin at all.
//
// Per command it reports the median wall time with its spread (fastest to
// slowest run), the median of the per-run ratios (each run's figures come
// from the same moment of the machine), the API calls by route (from the
// server's counters) and the provider process's peak memory (VmHWM, read
// from /proc while it runs). It then measures a refresh of 500 managed
// endpoints in a large account against the same in a small one, and the
// retivo_webhook_endpoints data source over accounts of growing size.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
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

// clockTicks is USER_HZ, the unit of CPU times in /proc/<pid>/stat: 100 on
// every Linux architecture Go supports.
const clockTicks = 100

const (
	benchKey     = "rt_test_bench_0123456789abcdef"
	floorAddress = "registry.terraform.io/retivo/floor"
	providerName = "terraform-provider-retivo"
	floorName    = "terraform-provider-floor"
)

func main() {
	sizes := flag.String("n", "10,100,500", "comma-separated numbers of resources (empty: skip)")
	latency := flag.Duration("latency", 0, "latency the local server adds to every API call")
	runs := flag.Int("runs", 7, "interleaved runs per figure; the median is reported")
	account := flag.Int("account", 20_000, "size of the large account for the refresh of -managed endpoints (0: skip)")
	managed := flag.Int("managed", 500, "managed endpoints refreshed in the small and the large account")
	dataSource := flag.String("data-source", "5000,10000,20000", "comma-separated account sizes read by retivo_webhook_endpoints (empty: skip)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	b, err := newBench(ctx, *latency)
	if err == nil {
		defer b.close()
		err = b.run(parseInts(*sizes), *runs, *account, *managed, parseInts(*dataSource))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

// bench is one benchmark run's world: the builds, the local server and the
// Terraform environment that installs both providers from the builds.
type bench struct {
	ctx     context.Context
	work    string
	server  *localserver.Server
	env     []string
	latency time.Duration
	close   func()
}

func newBench(ctx context.Context, latency time.Duration) (*bench, error) {
	work, err := os.MkdirTemp("", "retivo-bench-")
	if err != nil {
		return nil, err
	}
	b := &bench{ctx: ctx, work: work, latency: latency, close: func() { _ = os.RemoveAll(work) }}
	fmt.Fprintln(os.Stderr, "building the provider and the framework floor…")
	bin, floorBin := filepath.Join(work, "bin"), filepath.Join(work, "floor")
	for _, build := range [][]string{
		{"-o", filepath.Join(bin, providerName), "."},
		{"-o", filepath.Join(floorBin, floorName), "./internal/cmd/bench/floor"},
	} {
		cmd := exec.CommandContext(ctx, "go", append([]string{"build"}, build...)...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			b.close()
			return nil, fmt.Errorf("go build %s: %w", build[len(build)-1], err)
		}
	}

	b.server = localserver.New(localserver.Options{APIKeys: []string{benchKey}, Latency: latency})
	apiURL, stopServer, err := localserver.ServeLoopback(b.server)
	if err != nil {
		b.close()
		return nil, err
	}
	b.close = func() { stopServer(); _ = os.RemoveAll(work) }
	baseURL := apiURL + b.server.PathPrefix()
	b.env, err = tfcli.DevOverridesEnv(work, map[string]string{tfcli.ProviderAddress: bin, floorAddress: floorBin},
		"TF_IN_AUTOMATION=1", "RETIVO_API_KEY="+benchKey, "RETIVO_BASE_URL="+baseURL)
	if err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

// measurement is one command's figures.
type measurement struct {
	wall time.Duration
	cpu  time.Duration // the plugin process's CPU time (user and system)
	// totalCPU is terraform's CPU time with that of the plugin processes it
	// waited for (wait4 counts a child's waited-for descendants).
	totalCPU time.Duration
	calls    map[string]int64
	peakKiB  int64
	output   string
}

// subject is one thing measured: a configuration directory and the plugin
// process whose memory counts (none for terraform_data).
type subject struct {
	name, dir, process string
}

var commands = map[string][]string{
	"apply":   {"apply", "-auto-approve", "-input=false", "-no-color"},
	"plan":    {"plan", "-input=false", "-no-color", "-detailed-exitcode"},
	"destroy": {"destroy", "-auto-approve", "-input=false", "-no-color"},
}

var commandOrder = []string{"apply", "plan", "destroy"}

func (b *bench) run(sizes []int, runs, account, managed int, dataSourceSizes []int) error {
	start := time.Now()
	var sections []string
	if len(sizes) > 0 {
		table, err := b.compare(sizes, runs)
		if err != nil {
			return err
		}
		sections = append(sections, table)
	}
	if account > 0 && managed > 0 {
		table, err := b.largeAccount(runs, managed, account)
		if err != nil {
			return err
		}
		sections = append(sections, table)
	}
	if len(dataSourceSizes) > 0 {
		table, err := b.dataSource(runs, dataSourceSizes)
		if err != nil {
			return err
		}
		sections = append(sections, table)
	}
	fmt.Printf("\nterraform-provider-retivo benchmark, %s: %d interleaved runs per figure, parallelism 10, "+
		"server latency %s, %s in all\n", time.Now().UTC().Format("2006-01-02"), runs, b.latency, time.Since(start).Round(time.Second))
	for _, s := range sections {
		fmt.Println()
		fmt.Print(s)
	}
	return nil
}

// compare runs apply, plan and destroy of n resources for the provider, the
// framework floor and terraform_data, one full cycle of each per run.
func (b *bench) compare(sizes []int, runs int) (string, error) {
	var out strings.Builder
	fmt.Fprintln(&out, "|   N | command | provider (spread) | framework floor (spread) | terraform_data (spread) | ÷ floor (spread) | ÷ terraform_data | provider CPU | floor CPU | list | create | update | delete | provider peak RSS |")
	fmt.Fprintln(&out, "|----:|---------|------------------:|-------------------------:|------------------------:|-----------------:|-----------------:|-------------:|----------:|-----:|-------:|-------:|-------:|------------------:|")
	for _, n := range sizes {
		var subjects []subject
		for _, s := range []struct{ name, config, process string }{
			{"provider", providerConfig(n, tfcli.ProviderAddress), providerName},
			{"floor", providerConfig(n, floorAddress), floorName},
			{"terraform_data", terraformDataConfig(n), ""},
		} {
			dir, err := writeConfig(b.work, fmt.Sprintf("%s-%d", s.name, n), s.config)
			if err != nil {
				return "", err
			}
			subjects = append(subjects, subject{s.name, dir, s.process})
		}
		results := map[string]map[string][]measurement{} // subject → command → runs
		for i := range runs {
			fmt.Fprintf(os.Stderr, "N=%d: run %d of %d…\n", n, i+1, runs)
			for _, s := range subjects {
				if results[s.name] == nil {
					results[s.name] = map[string][]measurement{}
				}
				for _, command := range commandOrder {
					m, err := b.measure(s, commands[command])
					if err != nil {
						return "", fmt.Errorf("terraform %s of %s at N=%d: %w", command, s.name, n, err)
					}
					results[s.name][command] = append(results[s.name][command], m)
				}
			}
		}
		for _, command := range commandOrder {
			ours, floor, data := results["provider"][command], results["floor"][command], results["terraform_data"][command]
			calls := ours[len(ours)/2].calls
			fmt.Fprintf(&out, "| %3d | %-7s | %s | %s | %s | %s | %s | %11.2fs | %8.2fs | %4d | %6d | %6d | %6d | %13.1f MiB |\n",
				n, command, timeSpread(ours), timeSpread(floor), timeSpread(data),
				ratioSpread(ours, floor), ratioSpread(ours, data), medianCPU(ours), medianCPU(floor),
				calls[localserver.RouteList], calls[localserver.RouteCreate], calls[localserver.RouteUpdate],
				calls[localserver.RouteDelete], peakMiB(ours))
		}
	}
	return out.String(), nil
}

// largeAccount applies managed endpoints once, then plans (refreshes) them
// in an account holding only them and in one filled up to account
// endpoints, alternating, and destroys them.
func (b *bench) largeAccount(runs, managed, account int) (string, error) {
	dir, err := writeConfig(b.work, fmt.Sprintf("account-%d", managed), providerConfig(managed, tfcli.ProviderAddress))
	if err != nil {
		return "", err
	}
	s := subject{"provider", dir, providerName}
	if _, err := b.measure(s, commands["apply"]); err != nil {
		return "", fmt.Errorf("terraform apply of %d endpoints: %w", managed, err)
	}
	var small, large []measurement
	for i := range runs {
		fmt.Fprintf(os.Stderr, "refresh of %d in an account of %d: run %d of %d…\n", managed, account, i+1, runs)
		m, err := b.measure(s, commands["plan"])
		if err != nil {
			return "", fmt.Errorf("terraform plan in an account of %d: %w", managed, err)
		}
		small = append(small, m)
		others := b.fill(account - managed)
		m, err = b.measure(s, commands["plan"])
		b.remove(others)
		if err != nil {
			return "", fmt.Errorf("terraform plan in an account of %d: %w", account, err)
		}
		large = append(large, m)
	}
	if _, err := b.measure(s, commands["destroy"]); err != nil {
		return "", fmt.Errorf("terraform destroy of %d endpoints: %w", managed, err)
	}
	var out strings.Builder
	fmt.Fprintf(&out, "Refresh (terraform plan) of %d managed endpoints:\n\n", managed)
	fmt.Fprintln(&out, "| account | plan (spread) | ÷ account of managed only (spread) | provider CPU | list | provider peak RSS |")
	fmt.Fprintln(&out, "|--------:|--------------:|-----------------------------------:|-------------:|-----:|------------------:|")
	for _, row := range []struct {
		size int
		ms   []measurement
	}{{managed, small}, {account, large}} {
		fmt.Fprintf(&out, "| %7d | %s | %s | %11.2fs | %4d | %13.1f MiB |\n", row.size, timeSpread(row.ms), ratioSpread(row.ms, small),
			medianCPU(row.ms), row.ms[len(row.ms)/2].calls[localserver.RouteList], peakMiB(row.ms))
	}
	return out.String(), nil
}

// dataSource plans a configuration that reads retivo_webhook_endpoints in
// accounts of each size, the sizes interleaved run by run, and checks that
// the plan saw every endpoint.
func (b *bench) dataSource(runs int, sizes []int) (string, error) {
	dir, err := writeConfig(b.work, "data-source", dataSourceConfig())
	if err != nil {
		return "", err
	}
	s := subject{"provider", dir, providerName}
	plan := []string{"plan", "-input=false", "-no-color"}
	results := map[int][]measurement{}
	for i := range runs {
		for _, n := range sizes {
			fmt.Fprintf(os.Stderr, "retivo_webhook_endpoints over %d endpoints: run %d of %d…\n", n, i+1, runs)
			ids := b.fill(n)
			m, err := b.measure(s, plan)
			b.remove(ids)
			if err != nil {
				return "", fmt.Errorf("terraform plan of retivo_webhook_endpoints over %d endpoints: %w", n, err)
			}
			if want := fmt.Sprintf("count = %d", n); !strings.Contains(m.output, want) {
				return "", fmt.Errorf("the plan of retivo_webhook_endpoints over %d endpoints does not show %q:\n%s", n, want, m.output)
			}
			results[n] = append(results[n], m)
		}
	}
	var out strings.Builder
	fmt.Fprintln(&out, "Data source retivo_webhook_endpoints, terraform plan end to end:")
	fmt.Fprintln(&out)
	fmt.Fprintln(&out, "| endpoints | plan (spread) | ÷ previous size (spread) | provider CPU | Terraform CPU | list | provider peak RSS |")
	fmt.Fprintln(&out, "|----------:|--------------:|-------------------------:|-------------:|--------------:|-----:|------------------:|")
	for i, n := range sizes {
		previous := "                       –"
		if i > 0 {
			previous = ratioSpread(results[n], results[sizes[i-1]])
		}
		fmt.Fprintf(&out, "| %9d | %s | %24s | %11.2fs | %12.2fs | %4d | %13.1f MiB |\n", n, timeSpread(results[n]), previous,
			medianCPU(results[n]), medianTerraformCPU(results[n]), results[n][len(results[n])/2].calls[localserver.RouteList], peakMiB(results[n]))
	}
	return out.String(), nil
}

// fill adds n endpoints nobody manages and returns their ids.
func (b *bench) fill(n int) []string {
	ids := make([]string, 0, n)
	for i := range n {
		e := b.server.InsertEndpoint(localserver.Endpoint{
			URL:              fmt.Sprintf("https://example.com/others/%d", i),
			SubscribedEvents: []string{"order.created", "order.paid"},
			Active:           true,
		})
		ids = append(ids, e.ID)
	}
	return ids
}

func (b *bench) remove(ids []string) {
	for _, id := range ids {
		b.server.RemoveEndpoint(id)
	}
}

// measure runs terraform with args in s.dir and records its wall time, the
// API calls it caused and the peak memory of s's plugin process.
func (b *bench) measure(s subject, args []string) (measurement, error) {
	b.server.ResetStats()
	cmd := exec.CommandContext(b.ctx, "terraform", args...)
	cmd.Dir = s.dir
	cmd.Env = b.env
	var output strings.Builder
	cmd.Stdout, cmd.Stderr = &output, &output
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	done := make(chan struct{})
	watched := make(chan pluginUsage, 1)
	go func() { watched <- watchPlugin(cmd.Process.Pid, s.process, done) }()
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	usage := <-watched
	m := measurement{wall: wall, peakKiB: usage.peakKiB, calls: b.server.Stats(), output: output.String()}
	m.cpu = time.Duration(usage.cpuTicks) * time.Second / clockTicks
	if cmd.ProcessState != nil {
		m.totalCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	var exit *exec.ExitError
	if slices.Contains(args, "-detailed-exitcode") && errors.As(err, &exit) && exit.ExitCode() == 2 {
		return m, fmt.Errorf("the plan after apply has changes\n%s", output.String())
	}
	if err != nil {
		return m, fmt.Errorf("%w\n%s", err, output.String())
	}
	return m, nil
}

// pluginUsage is what watchPlugin saw of a plugin process.
type pluginUsage struct {
	peakKiB  int64 // the highest VmHWM
	cpuTicks int64 // CPU time (user and system, in clock ticks) when last seen
}

// watchPlugin polls /proc for children of parent named like process until
// done, and returns their highest VmHWM and last CPU time.
func watchPlugin(parent int, process string, done <-chan struct{}) pluginUsage {
	var usage pluginUsage
	if process == "" {
		<-done
		return usage
	}
	ticker := time.NewTicker(20 * time.Millisecond)
	defer ticker.Stop()
	for {
		for _, pid := range childrenNamed(parent, process) {
			usage.peakKiB = max(usage.peakKiB, readStatusKiB(pid, "VmHWM:"))
			if ticks := readCPUTicks(pid); ticks > 0 {
				usage.cpuTicks = ticks
			}
		}
		select {
		case <-done:
			return usage
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

func readCPUTicks(pid int) int64 {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0
	}
	closing := strings.LastIndexByte(string(stat), ')')
	if closing < 0 {
		return 0
	}
	// After the comm: state is field 3; utime and stime are fields 14 and 15.
	fields := strings.Fields(string(stat[closing+1:]))
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return utime + stime
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

func writeConfig(work, name, config string) (string, error) {
	dir := filepath.Join(work, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600)
}

// providerConfig is n endpoints of the provider at address, under the local
// name retivo, so the framework floor gets the same resource blocks.
func providerConfig(n int, address string) string {
	source := strings.TrimPrefix(address, "registry.terraform.io/")
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
`, source, n)
}

func terraformDataConfig(n int) string {
	return fmt.Sprintf(`resource "terraform_data" "e" {
  count = %d
  input = "https://example.com/hooks/${count.index}"
}
`, n)
}

func dataSourceConfig() string {
	return `terraform {
  required_providers {
    retivo = { source = "retivo/retivo" }
  }
}

data "retivo_webhook_endpoints" "all" {}

output "count" {
  value = length(data.retivo_webhook_endpoints.all.endpoints)
}
`
}

// timeSpread is the median wall time and the fastest and slowest runs.
func timeSpread(ms []measurement) string {
	walls := collect(ms, func(m measurement) float64 { return m.wall.Seconds() })
	return spread(walls, "s")
}

// ratioSpread is the median of the per-run ratios of a to b (run i of a
// against run i of b, measured one after the other) and their range.
func ratioSpread(a, b []measurement) string {
	ratios := make([]float64, 0, len(a))
	for i := range min(len(a), len(b)) {
		if b[i].wall > 0 {
			ratios = append(ratios, a[i].wall.Seconds()/b[i].wall.Seconds())
		}
	}
	return spread(ratios, "×")
}

func spread(values []float64, unit string) string {
	if len(values) == 0 {
		return "–"
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	return fmt.Sprintf("%.2f%s (%.2f–%.2f)", sorted[len(sorted)/2], unit, sorted[0], sorted[len(sorted)-1])
}

// medianTerraformCPU is the median CPU time of terraform itself, without its
// plugin processes, in seconds.
func medianTerraformCPU(ms []measurement) float64 {
	cpus := collect(ms, func(m measurement) float64 { return (m.totalCPU - m.cpu).Seconds() })
	slices.Sort(cpus)
	return cpus[len(cpus)/2]
}

// medianCPU is the median CPU time of the plugin process, in seconds.
func medianCPU(ms []measurement) float64 {
	cpus := collect(ms, func(m measurement) float64 { return m.cpu.Seconds() })
	slices.Sort(cpus)
	return cpus[len(cpus)/2]
}

func peakMiB(ms []measurement) float64 {
	return float64(slices.Max(collect(ms, func(m measurement) int64 { return m.peakKiB }))) / 1024
}

func collect[T any](ms []measurement, f func(measurement) T) []T {
	out := make([]T, 0, len(ms))
	for _, m := range ms {
		out = append(out, f(m))
	}
	return out
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
