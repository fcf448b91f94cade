#!/usr/bin/env bash
# Shared by `npm test`, `npm run demo` and `npm run bench`: make a fresh clone ready with nothing
# installed by hand: a Node that meets "engines", npm dependencies exactly as locked, the real
# oras/cosign/docker-registry (Debian trixie + sid), a build.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/node.sh
use_node "${GHCR_BLOB_NODE:-}"
# npm-shrinkwrap.json is the lock (it lists every platform's optional packages, so `npm ci` works
# on any machine); node_modules/.package-lock.json is npm's record of the last install.
if [ ! -d node_modules ] || [ npm-shrinkwrap.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/install-tools.sh
npx tsup --silent
