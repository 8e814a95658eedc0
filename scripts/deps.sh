#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/packages/*.txt that are missing (as root,
# non-interactive). Each feature keeps its own list there, so the lists say why a package is needed.
set -euo pipefail
# Several builds may run at once (worktrees, CI); apt allows one installer at a time.
exec 9>/tmp/taupage-deps.lock
flock 9
cd "$(dirname "$0")/.."
list_dir=${1:-scripts/packages}
wanted=$(cat "$list_dir"/*.txt | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
missing=""
for p in $wanted; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then echo "deps: run as root to install:$missing" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
