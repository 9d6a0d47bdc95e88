#!/bin/sh
# Fails a pipeline when a check block of the plan failed: terraform plan
# exits 0 for failed checks (they are warnings), so read them from the plan.
# TERRAFORM names the CLI (terraform or tofu); jq reads the plan's JSON.
# The plan file holds the state, signing secrets included: it is removed on
# exit, and its JSON is never written to a file a CI job could archive.
set -eu
tf=${TERRAFORM:-terraform}
trap 'rm -f tfplan' EXIT
"$tf" plan -input=false -no-color -out=tfplan
plan_json=$("$tf" show -json tfplan)
# "fail": an assertion is false; "error": the check could not be evaluated.
# "unknown" (the endpoint is created or changed by this plan, so the gate
# runs only in the apply) does not fail the pipeline.
failed=$(printf '%s' "$plan_json" | jq -r '[.checks[]? | select(.status == "fail" or .status == "error") | .address.to_display] | join(", ")')
if [ -n "$failed" ]; then
  echo "Failed checks: $failed" >&2
  exit 1
fi
echo "Every check passed or runs in the apply."
