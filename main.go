// Command terraform-provider-retivo is the Terraform provider for Retivo's
// outbound webhooks.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/retivo/terraform-provider-retivo/internal/provider"
)

// Run "make generate" to format the examples and regenerate the docs.
//go:generate terraform fmt -recursive ./examples/
//go:generate go tool -modfile=tools/go.mod tfplugindocs generate --provider-name retivo

// version is set at build time by goreleaser (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/retivo/retivo",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
