#!/usr/bin/env bash
# make lint: the tree's style and structure, checked before the tests run.
#   1. every C++ file under src/ and tests/ is formatted as .clang-format says (clang-format 14);
#   2. every shell script passes shellcheck (settings and the reasons for them: .shellcheckrc);
#   3. no src/ folder includes a folder above it (scripts/lint/include_layers.sh).
# Prints what is wrong and how to fix it; exit 1 if anything is.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0

mapfile -t cpp < <(git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h')
if ! clang-format --dry-run --Werror "${cpp[@]}" 2> "${BUILD:-build}/lint-format.log"; then
  grep -E '^[^ ].*: (error|warning):' "${BUILD:-build}/lint-format.log" | cut -d: -f1 | sort -u | sed 's/^/lint: not formatted: /'
  echo "lint: run 'clang-format -i FILE' (or: git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h' | xargs clang-format -i)"
  status=1
else
  echo "lint: ${#cpp[@]} C++ files formatted"
fi

# Shell scripts: *.sh, and the scripts without the suffix that the package and CI run.
mapfile -t shell < <({ git ls-files '*.sh'; git ls-files .ci/run initramfs/initramfs-tools/hooks/taupage \
  initramfs/initramfs-tools/scripts/local-bottom/taupage tests/qemu-guest/init; } | sort -u)
if ! shellcheck -f gcc "${shell[@]}"; then
  echo "lint: shellcheck found the above"
  status=1
else
  echo "lint: ${#shell[@]} shell scripts pass shellcheck"
fi

bash scripts/lint/include_layers.sh || status=1
exit "$status"
