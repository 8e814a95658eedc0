#!/usr/bin/env bash
# The weight of build/taupage by src/ folder and by library, read from the link map the release
# link writes (build/taupage.map), with the change since the last run (build/bench/layers.tsv),
# so that a feature shows its cost. Reads files only: about two seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/bench
if [ ! -f build/taupage.map ]; then
  echo "build/taupage.map is missing: link with 'make build/taupage'" >&2
  exit 1
fi
python3 scripts/bench/link_map.py build/taupage.map build/taupage build/rel build/bench/layers.tsv build/bench/layers.tsv.new
mv build/bench/layers.tsv.new build/bench/layers.tsv
