#!/usr/bin/env bash
# Fetches the pinned upstream sources named in third_party/versions.lock from Debian's source
# archive (by package name, through a private deb-src list that leaves the machine's apt setup
# alone), checks each upstream tarball against its SHA-256 and unpacks it under
# build/third_party/src/ (TAUPAGE_TP_OUT/src/: build/arm64/third_party for make ARCH=arm64).
# With the tarballs already in the cache no network is needed.
set -euo pipefail
cd "$(dirname "$0")/.."

lock=third_party/versions.lock
out=${TAUPAGE_TP_OUT:-build/third_party}
cache=${TAUPAGE_SOURCE_CACHE:-$out/dl}
mkdir -p "$cache" "$out/src"

# The machine's own Debian mirror, read from its apt sources (never written into the project).
debian_mirror() {
  local uri=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1=="deb" && $0 !~ /security/ {for (i=2;i<=NF;i++) if ($i ~ /^(https?|file):/) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || { echo "third-party: cannot find a Debian mirror in /etc/apt" >&2; exit 1; }
  echo "$uri"
}

apt_private=""
apt_src() {
  local suite=$1; shift
  if [ -z "$apt_private" ]; then
    apt_private=$(mktemp -d)
    mkdir -p "$apt_private/lists/partial"
    echo "deb-src $(debian_mirror) $suite main" > "$apt_private/sources.list"
    apt-get -qq -o Dir::Etc::sourcelist="$apt_private/sources.list" -o Dir::Etc::sourceparts=/dev/null \
      -o Dir::State::Lists="$apt_private/lists" update
  fi
  apt-get -qq -o Dir::Etc::sourcelist="$apt_private/sources.list" -o Dir::Etc::sourceparts=/dev/null \
    -o Dir::State::Lists="$apt_private/lists" "$@"
}
trap '[ -n "$apt_private" ] && rm -rf "$apt_private"' EXIT

grep -v '^#' "$lock" | while read -r name package suite _ tarball sum; do
  [ -n "$name" ] || continue
  if [ ! -f "$cache/$tarball" ]; then
    echo "third-party: fetching Debian source package $package ($suite)"
    tmp=$(mktemp -d)
    (cd "$tmp" && apt_src "$suite" source --download-only "$package" >/dev/null 2>&1) || {
      echo "third-party: apt-get source $package failed" >&2; exit 1; }
    if [ ! -f "$tmp/$tarball" ]; then
      echo "third-party: Debian's $package no longer ships $tarball; it has: $(cd "$tmp" && ls ./*.orig.tar.* 2>/dev/null | tr '\n' ' ')" >&2
      echo "third-party: a new upstream version: review it, then update $lock (version, tarball, sha256)" >&2
      exit 1
    fi
    mv "$tmp/$tarball" "$cache/$tarball"
    rm -rf "$tmp"
  fi
  got=$(sha256sum "$cache/$tarball" | cut -d' ' -f1)
  if [ "$got" != "$sum" ]; then
    echo "third-party: $tarball has SHA-256 $got, the lock says $sum: refusing it" >&2
    exit 1
  fi
  dest="$out/src/$name"
  if [ ! -f "$dest/.unpacked-$sum" ]; then
    rm -rf "$dest" && mkdir -p "$dest"
    tar -xf "$cache/$tarball" -C "$dest" --strip-components=1
    touch "$dest/.unpacked-$sum"
  fi
done
