#!/usr/bin/env bash
# Raises every queue of the selected stack to SQS's 1 MiB maximum message size.
#
# SQS accepts 1 MiB since August 2025, but the Pulumi AWS provider (6.x) still rejects more than 256 KiB, so
# `pulumi up` creates the queues at 256 KiB and this script lifts them. The program tells Pulumi to ignore later
# changes of this attribute, so `pulumi up` never lowers it again. Run it after the first `pulumi up` of a stack
# (and after any `pulumi up` that replaced a queue). Needs the Pulumi CLI and AWS CLI v2, same credentials.
set -euo pipefail
cd "$(dirname "$0")"

region="$(pulumi config get aws:region)"
urls="$(pulumi stack output queueUrls --json | tr -d '[]",')"
if [ -z "${urls// /}" ]; then
  echo "no queues in this stack's outputs: run 'pulumi up' first" >&2
  exit 1
fi
for url in $urls; do
  aws sqs set-queue-attributes --region "$region" --queue-url "$url" --attributes MaximumMessageSize=1048576
  size="$(aws sqs get-queue-attributes --region "$region" --queue-url "$url" \
    --attribute-names MaximumMessageSize --query Attributes.MaximumMessageSize --output text)"
  echo "$url MaximumMessageSize=$size"
done
