#!/usr/bin/env bash
# `make demo-late` (the quick demo): what Taupage does with an example's user data, step by step, against local
# stand-ins only: validate it, plan it, and dry-run the boot.
set -euo pipefail
cd "$(dirname "$0")/.."
example=${1:-examples/webshop.yaml}
bin=build/taupage
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "taupage check $example"
$bin check "$example"

say "taupage check tests/data/doc-example.yaml  (the original documentation's example: two mistakes)"
$bin check tests/data/doc-example.yaml || echo "(exit $?: invalid, as expected)"

say "taupage plan $example"
$bin plan "$example"

say "taupage boot --dry-run --config $example  (prints what would be done, changes nothing)"
state=$(mktemp -d /tmp/taupage-demo-XXXXXX)
trap 'rm -rf "$state"' EXIT
$bin boot --dry-run --config "$example" --state-dir "$state" --root "$state"

say "the late stage for real: secrets, container, health, notify against a private dockerd and the AWS stand-in"
bash scripts/demo-late.sh
