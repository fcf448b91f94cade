#!/usr/bin/env bash
# `npm run test:stress`: the end-to-end suite while every core is kept busy, the proof that no test
# depends on how fast the machine is (CI and newcomers run on crowded 2-core machines).
#   npm run test:stress                                  # every e2e file
#   npm run test:stress -- test/e2e/secrets.test.ts      # some of them
# The burners are plain shell busy loops (CPU only: no network, no disk), one per core at
# normal priority, each ended by `timeout` after GHCR_BLOB_STRESS_SECONDS (default 1800) at the
# latest, and killed as soon as the suite ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/node.sh
use_node "${GHCR_BLOB_NODE:-}"
bash scripts/bootstrap.sh
limit="${GHCR_BLOB_STRESS_SECONDS:-1800}"
cores="$(nproc)"
burners=()
stop_burners() { [ ${#burners[@]} -eq 0 ] || kill "${burners[@]}" 2> /dev/null || true; }
trap stop_burners EXIT
for _ in $(seq "$cores"); do
  timeout "$limit" sh -c 'while :; do :; done' &
  burners+=($!)
done
echo "stress: ${#burners[@]} CPU burners on ${cores} cores (ended after ${limit}s at the latest); load: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$SECONDS
status=0
npx vitest run "${@:-test/e2e}" || status=$?
echo "stress: suite took $((SECONDS - start)) s; load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
