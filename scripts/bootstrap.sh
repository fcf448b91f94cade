#!/usr/bin/env bash
# Shared by `npm test` and `npm run demo`: make a fresh clone ready with nothing installed by
# hand: npm dependencies, the real oras/cosign/docker-registry (Debian trixie + sid), a build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install` rather than `npm ci`: npm 11 writes only this platform's optional packages
  # (rollup's) into the lock and `npm ci` then calls the lock out of sync. The lock still pins
  # every version; it is left unchanged.
  npm install --no-audit --no-fund
fi
bash scripts/install-tools.sh
npx tsup --silent
