#!/usr/bin/env bash
# `make bench`: runs every benchmark under scripts/bench/ (each prints its own table, Taupage
# beside the tool a user would otherwise run, measured in the same run). Figures are printed,
# never asserted.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for bench in scripts/bench/*.sh; do
  [ -f "$bench" ] || continue
  echo "== $(basename "$bench" .sh)"
  bash "$bench" || { echo "   (benchmark $(basename "$bench") failed)"; status=1; }
  echo
done
exit $status
