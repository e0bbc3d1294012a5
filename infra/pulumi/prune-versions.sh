#!/usr/bin/env bash
# Deletes the published versions of the selected stack's functions that nothing uses any more.
#
# With SnapStart (sluice:snapStart) or provisioned concurrency, `pulumi up` publishes a new version of the function
# on every code or configuration change and moves alias `live` to it; Pulumi never deletes the old ones, and each is
# a full copy of the zip in Lambda's code storage (75 GB per account and region). Run this after `pulumi up`. It keeps,
# per function, every version an alias points at (`live`, and any alias you made) and the newest
# `keepVersions` others (stack output, from sluice:keepVersions, default 3) to roll back to; it deletes the rest.
# `$LATEST` is never touched. Needs the Pulumi CLI and AWS CLI v2, same credentials.
#
#   ./prune-versions.sh            delete
#   ./prune-versions.sh --dry-run  only print what would be deleted
set -euo pipefail
cd "$(dirname "$0")"

dry_run=false
case "${1:-}" in
  "") ;;
  --dry-run) dry_run=true ;;
  *) echo "usage: $0 [--dry-run]" >&2; exit 2 ;;
esac

region="$(pulumi config get aws:region)"
keep="$(pulumi stack output keepVersions 2>/dev/null || true)"
keep="${keep:-3}"
if ! [[ "$keep" =~ ^[0-9]+$ ]]; then
  echo "stack output keepVersions is not a number: '$keep'" >&2
  exit 1
fi
functions="$(pulumi stack output publishedFunctions --json 2>/dev/null | tr -d '[]",' || true)"
if [ -z "${functions// /}" ]; then
  echo "no function of this stack publishes versions (or 'pulumi up' has not run): nothing to prune"
  exit 0
fi

for fn in $functions; do
  aliased=" $(aws lambda list-aliases --region "$region" --function-name "$fn" \
    --query 'Aliases[].FunctionVersion' --output text | tr '\t' ' ') "
  # Numbered versions, newest first (the CLI follows the pagination).
  versions="$(aws lambda list-versions-by-function --region "$region" --function-name "$fn" \
    --query "Versions[?Version!='\$LATEST'].Version" --output text | tr '\t' '\n' | sort -rn)"
  kept=0
  for v in $versions; do
    if [[ "$aliased" == *" $v "* ]]; then
      echo "$fn:$v keep (alias)"
    elif [ "$kept" -lt "$keep" ]; then
      kept=$((kept + 1))
      echo "$fn:$v keep (newest $keep)"
    elif $dry_run; then
      echo "$fn:$v would delete"
    else
      aws lambda delete-function --region "$region" --function-name "$fn" --qualifier "$v"
      echo "$fn:$v deleted"
    fi
  done
done
