#!/usr/bin/env bash
# `npm test`: bootstrap, typecheck, format and lint checks, then every test (unit + end-to-end against the real tools).
# Ends with one plain line "Tests: N passed, N failed, N skipped".
#   GHCR_BLOB_NODE=24 npm test     # on the pinned Node 24 instead of the PATH's (or the pinned 22)
set -euo pipefail
cd "$(dirname "$0")/.."
# `npm test` was started by whatever Node is on PATH; from here on it is one that meets "engines".
. scripts/lib/node.sh
use_node "${GHCR_BLOB_NODE:-}"
echo "test: Node $(node --version)"
bash scripts/bootstrap.sh
npx tsc --noEmit
# Formatting and lint are part of the tests: a clean CI checkout fails on either.
npx biome ci .
npx eslint .
report="$(mktemp -d)"
trap 'rm -rf "$report"' EXIT
results="$report/vitest.json"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' "$results" || true
exit "$status"
