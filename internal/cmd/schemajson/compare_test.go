package main

import (
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
)

func TestDiffProviderSchemas(t *testing.T) {
	schema := func(actionDescription string) *tfjson.ProviderSchema {
		return &tfjson.ProviderSchema{
			ActionSchemas: map[string]*tfjson.ActionSchema{
				"retivo_webhook_endpoint_test": {Block: &tfjson.SchemaBlock{Attributes: map[string]*tfjson.SchemaAttribute{
					"endpoint_id": {AttributeType: cty.String, Required: true, Description: actionDescription},
				}}},
			},
		}
	}
	if err := diffProviderSchemas(schema("the id"), schema("the id")); err != nil {
		t.Errorf("equal schemas differ: %v", err)
	}
	err := diffProviderSchemas(schema("the id"), schema("the endpoint's id"))
	if err == nil || !strings.Contains(err.Error(), "action_schemas.retivo_webhook_endpoint_test.block.attributes.endpoint_id.description") {
		t.Errorf("a changed description: %v", err)
	}
	err = diffProviderSchemas(schema("the id"), &tfjson.ProviderSchema{})
	if err == nil || !strings.Contains(err.Error(), "action_schemas") {
		t.Errorf("a CLI that reports no actions: %v", err)
	}
}
