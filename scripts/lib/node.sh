# Sourced (not run) by scripts/test.sh, scripts/demo.sh, scripts/bench.sh and .ci/run: puts a Node
# that satisfies package.json's "engines" first on PATH, for this shell and everything it starts
# (npm ci, tsc, eslint, vitest and its workers, tsup, the demo).
#
#   GHCR_BLOB_NODE=24 bash scripts/test.sh     # force one of the pinned versions below
#
# When the `node` on PATH is older than the floor (the sigstore packages need ^22.22.2 || ^24.15),
# an exact pinned Node is fetched from the npm registry, where the node-linux-<arch> packages ship
# the official binary as bin/node. `npm pack` checks the tarball against the registry's integrity;
# we also compare it with the value pinned here, so a republished tarball cannot slip in.
# Only bin/node is kept, in the git-ignored .tools/node/<version>/bin.

NODE_PINNED_22=22.23.3
NODE_PINNED_24=24.21.0

# sha512 integrity of node-<os>-<arch>@<version> as the registry lists it (`npm view … dist.integrity`).
node_pinned_integrity() {
  case "$1" in
  linux-x64@22.23.3) echo 'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==' ;;
  linux-arm64@22.23.3) echo 'sha512-l3DAHZreylo+p9QXDtsOrjG2JXJqVzYXnAGmIQNOUNARcMppTO2cmewVQP+36tjJnSE+dzpMNtgW+c3oiDvXtA==' ;;
  linux-x64@24.21.0) echo 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==' ;;
  linux-arm64@24.21.0) echo 'sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==' ;;
  *) return 1 ;;
  esac
}

# True when `node` on PATH satisfies ^22.22.2 || ^24.15.0 || >=26 (the engines of sigstore@5).
node_meets_floor() {
  command -v node > /dev/null 2>&1 || return 1
  node -e '
    const [a, b, c] = process.versions.node.split(".").map(Number);
    const ok = (a === 22 && (b > 22 || (b === 22 && c >= 2))) || (a === 24 && b >= 15) || a >= 26;
    process.exit(ok ? 0 : 1);
  '
}

# node_fetch VERSION → prints the folder holding bin/node, fetching it first if needed.
node_fetch() {
  local version="$1" root arch os dest work want
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  dest="$root/.tools/node/$version"
  if [ -x "$dest/bin/node" ]; then
    echo "$dest"
    return
  fi
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
  if ! want="$(node_pinned_integrity "$os-$arch@$version")"; then
    echo "node: no pinned Node $version for $os-$arch; install Node ^22.22.2 or ^24.15 yourself and put it on PATH" >&2
    return 1
  fi
  echo "node: fetching Node $version ($os-$arch) from the npm registry into .tools/node/$version" >&2
  work="$(mktemp -d)"
  if ! node_unpack "$work" "$os-$arch" "$version" "$want" "$dest"; then
    rm -rf "$work"
    return 1
  fi
  rm -rf "$work"
  echo "$dest"
}

# node_unpack WORK OS-ARCH VERSION INTEGRITY DEST: pack, check, keep bin/node only.
node_unpack() {
  local work="$1" platform="$2" version="$3" want="$4" dest="$5" got
  got="$(cd "$work" && npm pack --silent --json "node-$platform@$version" | node_json_field integrity)"
  if [ "$got" != "$want" ]; then
    echo "node: node-$platform@$version has integrity '$got', expected the pinned $want" >&2
    return 1
  fi
  tar -xzf "$work/node-$platform-$version.tgz" -C "$work" package/bin/node
  rm -rf "$dest.new" && mkdir -p "$dest.new/bin"
  mv "$work/package/bin/node" "$dest.new/bin/node"
  rm -rf "$dest" && mv "$dest.new" "$dest"
}

# Reads `npm pack --json` on stdin and prints one field of its first entry, without needing node.
node_json_field() {
  sed -n "s/^ *\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}

# use_node [22|24|VERSION]: with an argument, that pinned Node; without, the current `node` when it
# meets the floor, else the pinned 22.
use_node() {
  local want="${1:-}" version dir
  case "$want" in
  '') if node_meets_floor; then return 0; fi; version="$NODE_PINNED_22" ;;
  22) version="$NODE_PINNED_22" ;;
  24) version="$NODE_PINNED_24" ;;
  *) version="$want" ;;
  esac
  if [ "${GHCR_BLOB_NODE_ACTIVE:-}" = "$version" ]; then return 0; fi
  dir="$(node_fetch "$version")" || return 1
  PATH="$dir/bin:$PATH"
  export PATH GHCR_BLOB_NODE_ACTIVE="$version"
  # npm run sets these to the Node that started it (the old one); point them at this one.
  export NODE="$dir/bin/node" npm_node_execpath="$dir/bin/node"
  hash -r
}
