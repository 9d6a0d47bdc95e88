#!/usr/bin/env bash
# Prints the provider's schema as `terraform providers schema -json` reports
# it, for tfplugindocs --providers-schema (make generate, make docs-check).
#
#   tools/providers-schema.sh TERRAFORM > .providers-schema.json
#
# TERRAFORM must be 1.14 or later: older CLIs leave out resource identities,
# actions and list resources, whose docs then cannot be generated. Builds the
# provider from this checkout; needs no network and no `terraform init`, since
# dev_overrides serve the build directly.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 TERRAFORM" >&2; exit 2; }
terraform=$1

work=$(mktemp -d "${TMPDIR:-/tmp}/providers-schema.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$(dirname "$0")/.." && go build -o "$work/bin/terraform-provider-retivo" .)

# tfplugindocs looks the schema up as "retivo" or as
# registry.terraform.io/hashicorp/retivo (the address its own schema step
# uses), never as the provider's real registry.terraform.io/retivo/retivo. The
# configuration therefore names hashicorp/retivo, which dev_overrides map to
# the build: the binary does not check the address it is started under.
cat >"$work/main.tf" <<'EOF'
terraform {
  required_providers {
    retivo = { source = "hashicorp/retivo" }
  }
}
EOF
cat >"$work/terraform.rc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/hashicorp/retivo" = "$work/bin"
  }
}
EOF

cd "$work"
TF_CLI_CONFIG_FILE="$work/terraform.rc" CHECKPOINT_DISABLE=1 "$terraform" providers schema -json
