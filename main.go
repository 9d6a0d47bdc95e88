// Command terraform-provider-retivo is the Terraform provider for Retivo's
// outbound webhooks.
package main

import (
	"context"
	"flag"
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

func main() {
	debugMode := flag.Bool("debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if err := sdklog.QuietUnlessAsked(os.Environ(), os.Setenv); err != nil {
		log.Fatal(err.Error())
	}
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/retivo/retivo",
		Debug:   *debugMode,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
