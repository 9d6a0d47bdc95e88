package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// compare checks the docs schema (the CLI on PATH plus what addNewerSchemas
// reads from the provider) against the schema a Terraform CLI that knows
// identities, actions and list resources (1.14+) reports by itself, so the
// two cannot drift apart.
func compare(terraform string) error {
	docs, err := docsSchema()
	if err != nil {
		return err
	}
	reported, err := cliSchemas(terraform)
	if err != nil {
		return err
	}
	return diffProviderSchemas(docs.Schemas["retivo"], reported.Schemas[address])
}

// diffProviderSchemas compares every part of the docs schema with the real
// one and names the first difference in each part.
func diffProviderSchemas(docs, reported *tfjson.ProviderSchema) error {
	parts := []struct {
		name       string
		docs, real any
	}{
		{"provider", docs.ConfigSchema, reported.ConfigSchema},
		{"resource_schemas", docs.ResourceSchemas, reported.ResourceSchemas},
		{"data_source_schemas", docs.DataSourceSchemas, reported.DataSourceSchemas},
		{"functions", docs.Functions, reported.Functions},
		{"resource_identity_schemas", docs.ResourceIdentitySchemas, reported.ResourceIdentitySchemas},
		{"action_schemas", docs.ActionSchemas, reported.ActionSchemas},
		{"list_resource_schemas", docs.ListResourceSchemas, reported.ListResourceSchemas},
	}
	var diffs []string
	for _, p := range parts {
		d, err := firstDifference(p.docs, p.real)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		if d != "" {
			diffs = append(diffs, p.name+d)
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("the docs schema differs from the CLI's:\n  %s", strings.Join(diffs, "\n  "))
	}
	return nil
}

// firstDifference compares two values through their JSON form and returns
// the path of the first difference with both sides, or "" when equal.
func firstDifference(a, b any) (string, error) {
	var ga, gb any
	for _, v := range []struct {
		in  any
		out *any
	}{{a, &ga}, {b, &gb}} {
		data, err := json.Marshal(v.in)
		if err != nil {
			return "", err
		}
		if err := json.Unmarshal(data, v.out); err != nil {
			return "", err
		}
	}
	return diffJSON("", ga, gb), nil
}

func diffJSON(path string, a, b any) string {
	ma, aIsMap := a.(map[string]any)
	mb, bIsMap := b.(map[string]any)
	if aIsMap && bIsMap {
		keys := map[string]bool{}
		for k := range ma {
			keys[k] = true
		}
		for k := range mb {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		slices.Sort(sorted)
		for _, k := range sorted {
			if d := diffJSON(path+"."+k, ma[k], mb[k]); d != "" {
				return d
			}
		}
		return ""
	}
	if reflect.DeepEqual(a, b) {
		return ""
	}
	return fmt.Sprintf("%s: docs %s, CLI %s", path, short(a), short(b))
}

func short(v any) string {
	data, _ := json.Marshal(v)
	if len(data) > 200 {
		return string(data[:200]) + "…"
	}
	return string(data)
}
