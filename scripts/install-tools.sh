#!/usr/bin/env bash
# Fetch oras, cosign and docker-registry (CNCF distribution) from Debian's archive, without root,
# into .tools/<suite>/bin. Idempotent: a suite whose binaries are already there is skipped.
# apt-get runs with a private configuration under .tools/.apt/<suite> (package lists, the .debs,
# their unpacked trees: ~500 MB); that staging is removed afterwards, only the three binaries stay.
# Needs apt-get, dpkg and Debian's archive keyring (on Ubuntu: apt-get install debian-archive-keyring).
#   scripts/install-tools.sh [trixie] [sid]      (default: both)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(trixie sid)
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

need_prerequisites() {
  for tool in apt-get dpkg; do
    command -v "$tool" > /dev/null && continue
    echo "install-tools: '$tool' not found: fetching from Debian's archive needs a Debian or Ubuntu machine" >&2
    exit 2
  done
  [ -r "$keyring" ] && return 0
  cat >&2 << EOF
install-tools: $keyring is missing: apt-get cannot check Debian's signatures without it.
install-tools: install it (as root), then run this again:
install-tools:   apt-get install debian-archive-keyring      # Debian and Ubuntu
install-tools: or put oras, cosign and docker-registry into .tools/<suite>/bin yourself.
EOF
  exit 2
}

for suite in "${suites[@]}"; do
  case "$suite" in trixie|sid) ;; *) echo "install-tools: unknown suite '$suite' (trixie|sid)" >&2; exit 2 ;; esac
  dest="$tools/$suite"
  if [ -x "$dest/bin/oras" ] && [ -x "$dest/bin/cosign" ] && [ -x "$dest/bin/docker-registry" ]; then
    echo "install-tools: $suite already in $dest/bin"
    continue
  fi
  need_prerequisites
  apt="$tools/.apt/$suite"
  # A run cut short leaves its staging behind: start from nothing, and remove it on any exit.
  rm -rf "$apt"
  # shellcheck disable=SC2064 # expand $apt now: one suite at a time
  trap "rm -rf '$apt'" EXIT
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc/sources.list.d" "$apt/etc/preferences.d" "$apt/debs"
  echo "deb [signed-by=$keyring] http://deb.debian.org/debian $suite main" > "$apt/etc/sources.list"
  : > "$apt/status"
  opts=(
    -o "Dir::Etc::SourceList=$apt/etc/sources.list"
    -o "Dir::Etc::SourceParts=$apt/etc/sources.list.d"
    -o "Dir::Etc::Preferences=$apt/etc/preferences"
    -o "Dir::Etc::PreferencesParts=$apt/etc/preferences.d"
    -o "Dir::State::Lists=$apt/lists"
    -o "Dir::State::Status=$apt/status"
    -o "Dir::Cache=$apt/cache"
    -o "APT::Sandbox::User=$(id -un)"
    -o "Acquire::Languages=none"
    -o "Acquire::Retries=3"
  )
  apt-get "${opts[@]}" -qq update
  (cd "$apt/debs" && rm -f ./*.deb && apt-get "${opts[@]}" -qq download oras cosign docker-registry)
  staging="$apt/root"
  rm -rf "$staging"
  for deb in "$apt/debs"/*.deb; do dpkg -x "$deb" "$staging"; done
  mkdir -p "$dest/bin.new"
  cp "$staging/usr/bin/oras" "$staging/usr/bin/cosign" "$staging/usr/bin/docker-registry" "$dest/bin.new/"
  rm -rf "$dest/bin" && mv "$dest/bin.new" "$dest/bin"
  (cd "$apt/debs" && ls ./*.deb) | sed "s|^\./|install-tools: $suite: |"
  rm -rf "$apt"
  trap - EXIT
done
rmdir "$tools/.apt" 2> /dev/null || true
