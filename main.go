// Command terraform-provider-retivo is the Terraform provider for Retivo's
// outbound webhooks.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/debug"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/retivo/terraform-provider-retivo/internal/provider"
)

// Run "make generate" to format the examples and regenerate the docs. The
// schema comes from internal/cmd/schemajson, which adds what the local
// Terraform CLI (1.11) cannot report: resource identity, actions and list
// resources.
//go:generate terraform fmt -recursive ./examples/
//go:generate go run ./internal/cmd/schemajson -o .providers-schema.json
//go:generate go tool -modfile=tools/go.mod tfplugindocs generate --provider-name retivo --providers-schema .providers-schema.json

// version is set at build time by goreleaser (-ldflags "-X main.version=...").
var version = "dev"

// quietUnlessLogging turns the SDK's own logging off when no TF_LOG*
// variable is set. The SDK defaults to TRACE and encodes every entry as JSON
// for Terraform, which discards them unless the user asked for logs: a third
// of the provider's CPU time in a large plan. Any TF_LOG* variable (TF_LOG,
// TF_LOG_PROVIDER, TF_LOG_SDK, ...) keeps the usual behaviour.
func quietUnlessLogging() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") {
			return
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
		_ = os.Setenv(name, "off")
	}
}

// tuneGarbageCollector trades memory the provider does not otherwise use for
// less GC work: its live heap is small (under 30 MiB in a plan of 500
// endpoints) and mostly short-lived request garbage, so collecting half as
// often saves CPU, while a 64 MiB soft limit keeps the peak well under
// 100 MiB. GOGC and GOMEMLIMIT still override both.
func tuneGarbageCollector() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(64 << 20)
	}
}

// options are the command-line flags. Terraform starts the provider with
// none; -debug and -version are for people.
type options struct {
	debug   bool
	version bool
}

func parseFlags(args []string) (options, error) {
	var opts options
	flags := flag.NewFlagSet("terraform-provider-retivo", flag.ContinueOnError)
	flags.BoolVar(&opts.debug, "debug", false, "run the provider with support for debuggers like delve")
	flags.BoolVar(&opts.version, "version", false, "print the provider's version and exit")
	return opts, flags.Parse(args)
}

// versionLine is what -version prints: the name and the version goreleaser
// built in, as in the release's archive names.
func versionLine() string {
	return "terraform-provider-retivo " + version
}

func main() {
	opts, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		os.Exit(2)
	}
	if opts.version {
		fmt.Println(versionLine())
		return
	}
	quietUnlessLogging()
	tuneGarbageCollector()

	err = providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/retivo/retivo",
		Debug:   opts.debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
