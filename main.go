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

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/retivo/terraform-provider-retivo/internal/provider"
	"github.com/retivo/terraform-provider-retivo/internal/sdklog"
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
	if err := sdklog.QuietUnlessAsked(os.Environ(), os.Setenv); err != nil {
		log.Fatal(err.Error())
	}
	err = providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/retivo/retivo",
		Debug:   opts.debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
