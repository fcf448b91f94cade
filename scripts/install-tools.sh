#!/usr/bin/env bash
# Fetch oras, cosign and docker-registry (CNCF distribution) from Debian's archive, without root,
# into .tools/<suite>/bin. Idempotent: a suite whose binaries are already there is skipped.
#   scripts/install-tools.sh [trixie] [sid]      (default: both)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(trixie sid)
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

for suite in "${suites[@]}"; do
  case "$suite" in trixie|sid) ;; *) echo "install-tools: unknown suite '$suite' (trixie|sid)" >&2; exit 2 ;; esac
  dest="$tools/$suite"
  if [ -x "$dest/bin/oras" ] && [ -x "$dest/bin/cosign" ] && [ -x "$dest/bin/docker-registry" ]; then
    echo "install-tools: $suite already in $dest/bin"
    continue
  fi
  apt="$tools/.apt/$suite"
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
done
