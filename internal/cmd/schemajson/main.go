// Command schemajson writes the provider's schema in the format of
// `terraform providers schema -json`, for tfplugindocs --providers-schema.
//
// The Terraform CLI on our machines (1.11) does not report resource
// identities (1.12+), actions or list resources (1.14+), so the Registry docs
// for them could not be generated from its output alone. This command takes
// what Terraform reports and adds those schemas, read from the provider
// server itself through the protocol. With -compare-with it checks that
// result against what a Terraform 1.14+ CLI reports by itself (the CLI
// matrix does this), so the two cannot drift apart.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"

	"github.com/retivo/terraform-provider-retivo/internal/provider"
	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

const address = tfcli.ProviderAddress

func main() {
	out := flag.String("o", "", "file to write the schema JSON to")
	compareWith := flag.String("compare-with", "", "instead of writing, compare the schema with what this "+
		"Terraform CLI (1.14 or later) reports itself, and fail on any difference")
	flag.Parse()
	var err error
	switch {
	case *compareWith != "":
		err = compare(*compareWith)
	case *out != "":
		err = write(*out)
	default:
		fmt.Fprintln(os.Stderr, "usage: schemajson -o FILE | -compare-with TERRAFORM")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "schemajson: %v\n", err)
		os.Exit(1)
	}
}

// write writes the docs schema: what the terraform on PATH reports, with
// the newer schemas added.
func write(out string) error {
	schemas, err := docsSchema()
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(schemas, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o600)
}

func docsSchema() (*tfjson.ProviderSchemas, error) {
	schemas, err := cliSchemas("terraform")
	if err != nil {
		return nil, err
	}
	ours := schemas.Schemas[address]
	if err := addNewerSchemas(context.Background(), ours); err != nil {
		return nil, err
	}
	// tfplugindocs looks the provider up by its short name.
	schemas.Schemas = map[string]*tfjson.ProviderSchema{"retivo": ours}
	return schemas, nil
}

// cliSchemas serves the provider in-process and asks a Terraform CLI for
// its schema.
func cliSchemas(terraform string) (*tfjson.ProviderSchemas, error) {
	tfcli.QuietProviderLogs()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reattach, closed, err := tfcli.Serve(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { cancel(); <-closed }()

	schemas, err := terraformSchemas(terraform, reattach)
	if err != nil {
		return nil, err
	}
	if _, ok := schemas.Schemas[address]; !ok {
		return nil, fmt.Errorf("%s reported no schema for %s", terraform, address)
	}
	return schemas, nil
}

// terraformSchemas runs terraform providers schema -json against the
// in-process provider.
func terraformSchemas(terraformPath, reattach string) (*tfjson.ProviderSchemas, error) {
	dir, err := os.MkdirTemp("", "retivo-schema-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	config := "terraform {\n  required_providers {\n    retivo = { source = \"retivo/retivo\" }\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		return nil, err
	}
	env, err := tfcli.ReattachEnv(dir, reattach, "TF_IN_AUTOMATION=1")
	if err != nil {
		return nil, err
	}
	terraform := func(args ...string) ([]byte, error) {
		cmd := exec.Command(terraformPath, args...)
		cmd.Dir, cmd.Env = dir, env
		var stderr []byte
		out, err := cmd.Output()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			stderr = exit.Stderr
		}
		if err != nil {
			return nil, fmt.Errorf("terraform %s: %v\n%s%s", args[0], err, out, stderr)
		}
		return out, nil
	}
	if _, err := terraform("init", "-input=false", "-no-color"); err != nil {
		return nil, err
	}
	data, err := terraform("providers", "schema", "-json")
	if err != nil {
		return nil, err
	}
	var schemas tfjson.ProviderSchemas
	return &schemas, json.Unmarshal(data, &schemas)
}

// addNewerSchemas adds the identity, action and list resource schemas.
func addNewerSchemas(ctx context.Context, ours *tfjson.ProviderSchema) error {
	server, err := providerserver.NewProtocol6WithError(provider.New("docs")())()
	if err != nil {
		return err
	}
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return err
	}
	identities, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return err
	}
	ours.ActionSchemas = map[string]*tfjson.ActionSchema{}
	for name, s := range resp.ActionSchemas {
		block, err := convertBlock(s.Schema.Block)
		if err != nil {
			return fmt.Errorf("action %s: %w", name, err)
		}
		ours.ActionSchemas[name] = &tfjson.ActionSchema{Block: block}
	}
	ours.ListResourceSchemas = map[string]*tfjson.Schema{}
	for name, s := range resp.ListResourceSchemas {
		block, err := convertBlock(s.Block)
		if err != nil {
			return fmt.Errorf("list resource %s: %w", name, err)
		}
		ours.ListResourceSchemas[name] = &tfjson.Schema{Version: uint64(s.Version), Block: block}
	}
	ours.ResourceIdentitySchemas = map[string]*tfjson.IdentitySchema{}
	for name, s := range identities.IdentitySchemas {
		attrs := map[string]*tfjson.IdentityAttribute{}
		for _, a := range s.IdentityAttributes {
			typ, err := ctyType(a.Type)
			if err != nil {
				return fmt.Errorf("identity of %s: %w", name, err)
			}
			attrs[a.Name] = &tfjson.IdentityAttribute{IdentityType: typ, Description: a.Description,
				RequiredForImport: a.RequiredForImport, OptionalForImport: a.OptionalForImport}
		}
		ours.ResourceIdentitySchemas[name] = &tfjson.IdentitySchema{Version: uint64(s.Version), Attributes: attrs}
	}
	return nil
}

func convertBlock(b *tfprotov6.SchemaBlock) (*tfjson.SchemaBlock, error) {
	out := &tfjson.SchemaBlock{
		Description: b.Description, DescriptionKind: descriptionKind(b.DescriptionKind),
		Attributes: map[string]*tfjson.SchemaAttribute{}, NestedBlocks: map[string]*tfjson.SchemaBlockType{},
	}
	for _, a := range b.Attributes {
		if a.NestedType != nil {
			return nil, fmt.Errorf("attribute %s: nested attribute types are not converted", a.Name)
		}
		typ, err := ctyType(a.Type)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
		}
		out.Attributes[a.Name] = &tfjson.SchemaAttribute{
			AttributeType: typ, Description: a.Description, DescriptionKind: descriptionKind(a.DescriptionKind),
			Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive,
			Deprecated: a.Deprecated,
		}
	}
	if len(b.BlockTypes) > 0 {
		return nil, errors.New("nested blocks are not converted")
	}
	return out, nil
}

func descriptionKind(k tfprotov6.StringKind) tfjson.SchemaDescriptionKind {
	if k == tfprotov6.StringKindMarkdown {
		return tfjson.SchemaDescriptionKindMarkdown
	}
	return tfjson.SchemaDescriptionKindPlain
}

// ctyType converts a Terraform type from the protocol's form to cty's.
func ctyType(t tftypes.Type) (cty.Type, error) {
	switch {
	case t.Is(tftypes.String):
		return cty.String, nil
	case t.Is(tftypes.Bool):
		return cty.Bool, nil
	case t.Is(tftypes.Number):
		return cty.Number, nil
	case t.Is(tftypes.DynamicPseudoType):
		return cty.DynamicPseudoType, nil
	}
	switch typ := t.(type) {
	case tftypes.List:
		elem, err := ctyType(typ.ElementType)
		return cty.List(elem), err
	case tftypes.Set:
		elem, err := ctyType(typ.ElementType)
		return cty.Set(elem), err
	case tftypes.Map:
		elem, err := ctyType(typ.ElementType)
		return cty.Map(elem), err
	case tftypes.Object:
		attrs := map[string]cty.Type{}
		for name, at := range typ.AttributeTypes {
			converted, err := ctyType(at)
			if err != nil {
				return cty.NilType, err
			}
			attrs[name] = converted
		}
		return cty.Object(attrs), nil
	}
	return cty.NilType, fmt.Errorf("type %s is not converted", t)
}
