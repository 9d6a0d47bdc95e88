// Command pluginmeter stands in for a provider plugin in `make bench`: it
// runs the real plugin (the file of the same name in measured/ next to it)
// with the same arguments, environment and standard streams, so that the
// handshake passes through, and when it exits appends its CPU time (user and
// system, ns) and peak RSS (bytes) as a line to $RETIVO_BENCH_PLUGIN_USAGE.
// Only a parent reads these exactly, from the wait4 that reaps its child.
package main

import (
	"errors"
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
	// A Ctrl-C reaches the plugin too (same process group), which decides
	// what it does; the meter waits. (Caught, not ignored: the plugin
	// starts with the default disposition.)
	signal.Notify(make(chan os.Signal, 1), os.Interrupt)
	if err := plugin.Run(); plugin.ProcessState == nil {
		log.Fatal(err)
	}
	state := plugin.ProcessState
	rusage, ok := state.SysUsage().(*syscall.Rusage)
	if !ok {
		log.Fatal("no rusage for the plugin")
	}
	usage, err := os.OpenFile(os.Getenv("RETIVO_BENCH_PLUGIN_USAGE"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	// One write with O_APPEND: lines of plugins that exit together do not
	// interleave.
	_, err = fmt.Fprintf(usage, "%d %d\n", (state.UserTime() + state.SystemTime()).Nanoseconds(), rusage.Maxrss*1024) // KiB on Linux
	if err = errors.Join(err, usage.Close()); err != nil {
		log.Fatal(err)
	}
	os.Exit(state.ExitCode())
}
