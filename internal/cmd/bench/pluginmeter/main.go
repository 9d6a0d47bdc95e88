// Command pluginmeter measures a provider plugin process for `make bench`,
// which installs it under the plugin's name where dev_overrides point, so
// that Terraform starts it as the plugin. It runs the real plugin (the file
// of the same name in measured/ next to it) with the same arguments,
// environment and standard streams, so the plugin handshake passes through,
// and when the plugin exits appends its CPU time (user and system, ns) and
// peak RSS (bytes) as a line to the file $RETIVO_BENCH_PLUGIN_USAGE. Only a
// parent can read these, exactly, from the wait4 that reaps its child.
package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
)

func main() {
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	dir, name := filepath.Split(self)
	plugin := exec.Command(filepath.Join(dir, "measured", name), os.Args[1:]...)
	plugin.Stdin, plugin.Stdout, plugin.Stderr = os.Stdin, os.Stdout, os.Stderr
	// A Ctrl-C reaches the plugin too (same process group): the plugin
	// decides what it does, and the meter waits for it. (Caught, not
	// ignored: the plugin starts with the default disposition.)
	signal.Notify(make(chan os.Signal, 1), os.Interrupt)
	if err := plugin.Run(); plugin.ProcessState == nil {
		log.Fatal(err)
	}
	state := plugin.ProcessState
	cpu := state.UserTime() + state.SystemTime()
	peakRSS := state.SysUsage().(*syscall.Rusage).Maxrss * 1024 // KiB on Linux
	usage, err := os.OpenFile(os.Getenv("RETIVO_BENCH_PLUGIN_USAGE"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	// One write with O_APPEND: lines of plugins that exit together do not
	// interleave.
	if _, err := fmt.Fprintf(usage, "%d %d\n", cpu.Nanoseconds(), peakRSS); err != nil {
		log.Fatal(err)
	}
	if err := usage.Close(); err != nil {
		log.Fatal(err)
	}
	os.Exit(state.ExitCode())
}
