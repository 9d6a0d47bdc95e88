#!/bin/sh
# Fails a pipeline when a check block of the plan failed: terraform plan
# exits 0 for failed checks (they are warnings), so read them from the plan.
# TERRAFORM names the CLI (terraform or tofu); jq reads the plan's JSON.
set -eu
tf=${TERRAFORM:-terraform}
"$tf" plan -input=false -no-color -out=tfplan
"$tf" show -json tfplan > tfplan.json
# "fail": an assertion is false; "error": the check could not be evaluated.
# "unknown" (the endpoint is created or changed by this plan, so the gate
# runs only in the apply) does not fail the pipeline.
failed=$(jq -r '[.checks[]? | select(.status == "fail" or .status == "error") | .address.to_display] | join(", ")' tfplan.json)
if [ -n "$failed" ]; then
  echo "Failed checks: $failed" >&2
  exit 1
fi
echo "Every check passed or runs in the apply."
