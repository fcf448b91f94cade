#!/usr/bin/env bash
# `npm test`: bootstrap, typecheck, format and lint checks, then every test (unit + end-to-end against the real tools).
# Ends with one plain line "Tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
npx tsc --noEmit
# Formatting and lint are part of the tests: a clean CI checkout fails on either.
npx biome ci .
npx eslint .
results="$(mktemp -d)/vitest.json"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' "$results" || true
exit "$status"
