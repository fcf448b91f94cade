#!/usr/bin/env bash
# `npm run bench`: ghcr-blob against raw oras/cosign (scripts/bench.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/node.sh
use_node "${GHCR_BLOB_NODE:-}"
bash scripts/bootstrap.sh
exec node --import tsx scripts/bench.ts "$@"
