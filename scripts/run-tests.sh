#!/usr/bin/env bash
# Runs every test suite that `make test` built, in order, and sums them up in one closing line
# ("N passed, N failed"). Suites:
#   build/dbg/unit_tests, build/san/unit_tests  GoogleTest, plain and under ASan + UBSan
#   build/arm64/dbg/unit_tests                   GoogleTest built for arm64, under qemu-aarch64
#   build/dbg/integration_tests                  GoogleTest, driving build/taupage and real systems
#   tests/integration/*.sh                       scripts that end with their own "N passed, N failed"
# A suite that crashes or exits non-zero without a count is one failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export TAUPAGE_BIN=$PWD/build/taupage
export TAUPAGE_SOURCE_DIR=$PWD
export TAUPAGE_SHARED_DIR=${TAUPAGE_SHARED_DIR:-$(cd .. && pwd)/shared}
logs=build/test-logs
mkdir -p "$logs"
total_passed=0
total_failed=0
failed_suites=()

count_gtest() { # log -> "passed failed"
  local passed failed
  passed=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$1" | tail -1 | grep -oE '[0-9]+' | head -1)
  failed=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$1" | tail -1 | grep -oE '[0-9]+' | head -1)
  echo "${passed:-0} ${failed:-0}"
}

run_suite() { # name kind command...
  local name=$1 kind=$2; shift 2
  local log="$logs/$name.log" start=$SECONDS
  echo "== $name"
  "$@" > "$log" 2>&1
  local rc=$?
  local passed failed
  if [ "$kind" = gtest ]; then
    read -r passed failed < <(count_gtest "$log")
  else
    read -r passed failed < <(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 | grep -oE '[0-9]+' | head -2 | tr '\n' ' ')
  fi
  passed=${passed:-0}; failed=${failed:-0}
  if [ $rc -ne 0 ] && [ "$failed" = 0 ]; then failed=1; fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  if [ $rc -ne 0 ] || [ "$failed" != 0 ]; then
    failed_suites+=("$name")
    echo "   FAILED ($passed passed, $failed failed, exit $rc, $((SECONDS - start))s); the end of $log:"
    grep -E '^\[  FAILED  \]|Failure|error|FAIL' "$log" | head -40 | sed 's/^/   | /'
    tail -n 30 "$log" | sed 's/^/   | /'
  else
    echo "   ok ($passed passed, $((SECONDS - start))s)"
  fi
}

run_suite unit gtest build/dbg/unit_tests
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite unit-asan-ubsan gtest build/san/unit_tests
# arm64 under QEMU's user-mode emulation, with the cross toolchain's glibc and libstdc++ (-L).
if [ -x build/arm64/dbg/unit_tests ]; then
  run_suite unit-arm64 gtest qemu-aarch64 -L /usr/aarch64-linux-gnu build/arm64/dbg/unit_tests
else
  run_suite unit-arm64 gtest sh -c 'echo "build/arm64/dbg/unit_tests is missing: make test builds it (make ARCH=arm64 build/arm64/dbg/unit_tests)"; exit 1'
fi
if [ -x build/dbg/integration_tests ]; then
  run_suite integration gtest build/dbg/integration_tests
fi
for script in tests/integration/*.sh; do
  [ -f "$script" ] || continue
  run_suite "$(basename "$script" .sh)" script bash "$script"
done

echo
if [ ${#failed_suites[@]} -gt 0 ]; then echo "failed suites: ${failed_suites[*]}"; fi
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" = 0 ]
