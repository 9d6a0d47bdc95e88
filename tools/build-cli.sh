#!/usr/bin/env bash
# Builds a Terraform or OpenTofu CLI from its source on the Go module proxy and
# prints the binary's path. Works wherever a Go module proxy is reachable, with
# no release download site: the way the CLI matrix gets Terraform 1.14 and
# OpenTofu on machines that only reach the module proxy.
#
#   tools/build-cli.sh terraform 1.14.5   # -> .../terraform-1.14.5/terraform
#   tools/build-cli.sh tofu 1.10.10       # -> .../tofu-1.10.10/tofu
#
# Binaries are cached in $RETIVO_CLI_CACHE (default ~/.cache/retivo-clis) and
# reused when present, so only the first build of a version is slow (10-15
# minutes on 2 cores with a cold module cache). Progress goes to stderr; stdout
# carries only the path.
set -euo pipefail

usage() { echo "usage: $0 terraform|tofu VERSION" >&2; exit 2; }
[ $# -eq 2 ] || usage
cli=$1
version=${2#v}
cache=${RETIVO_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/retivo-clis}

case $cli in
  terraform) module=github.com/hashicorp/terraform; pkg=. ;;
  tofu) module=github.com/opentofu/opentofu; pkg=./cmd/tofu ;;
  *) usage ;;
esac

out=$cache/$cli-$version/$cli
if [ -x "$out" ]; then
  echo "$out"
  exit 0
fi

# The module's go.mod has replace directives, so `go install mod@version` is
# refused; build from a writable copy of the module's source instead.
dir=$(go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "$0: go mod download found no source for $module@v$version" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/build-$cli-$version.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -R "$dir/." "$work/src"
chmod -R u+w "$work/src"
cd "$work/src"

if [ "$cli" = terraform ]; then
  # Terraform's remote-state backends that live in nested Go modules are not
  # part of the module zip. Drop them from the backend registry and go.mod; the
  # CLI then builds with every other backend (local, http, remote, cloud...).
  nested='azure|consul|cos|gcs|kubernetes|oss|pg|s3|oci'
  init=internal/backend/init/init.go
  aliases=$(sed -E -n "s#^[[:space:]]*([A-Za-z0-9_]+) \"github.com/hashicorp/terraform/internal/backend/remote-state/($nested)\"#\1#p" "$init" | paste -sd'|')
  [ -n "$aliases" ] || { echo "$0: no nested backends found in $init; the recipe needs updating" >&2; exit 1; }
  sed -E -i \
    -e "\#\"github.com/hashicorp/terraform/internal/backend/remote-state/($nested)\"#d" \
    -e "/($aliases)\.New\(/d" \
    "$init"
  sed -E -i \
    -e "\#^[[:space:]]*(require[[:space:]]+)?github.com/hashicorp/terraform/internal/(backend/remote-state/($nested)|legacy)[[:space:]]#d" \
    -e "\#^[[:space:]]*(replace[[:space:]]+)?github.com/hashicorp/terraform/internal/(backend/remote-state/($nested)|legacy)[[:space:]]*=>#d" \
    go.mod
fi

echo "building $cli $version from $module (a cold build takes minutes)..." >&2
mkdir -p "$(dirname "$out")"
CGO_ENABLED=0 go build -mod=mod -trimpath -o "$out.tmp" "$pkg"
mv "$out.tmp" "$out"
"$out" version >&2
echo "$out"
