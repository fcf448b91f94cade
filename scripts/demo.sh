#!/usr/bin/env bash
# `npm run demo`: on a local registry and a local Sigstore stack, push → sign → pull → verify.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/node.sh
use_node "${GHCR_BLOB_NODE:-}"
bash scripts/bootstrap.sh
exec node --import tsx scripts/demo.ts "$@"
