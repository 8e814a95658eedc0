# shellcheck shell=sh
# Sourced by the guest scripts of the QEMU tests (guest.sh, guest-volumes.sh): results as marker
# lines the host reads (TP-OK <check> / TP-FAIL <check>: <why>, TP-TIME for the figures) and user
# data written from a fragment.
mkdir -p /cfg /out

ok() { echo "TP-OK $1"; echo "TP-TIME $(cut -d' ' -f1 /proc/uptime) $1"; }
fail() { echo "TP-FAIL $1: $2"; echo "TP-TIME $(cut -d' ' -f1 /proc/uptime) $1"; }
fails() { ! "$@"; }
# check NAME COMMAND...: the command's exit status is the verdict.
check() {
  name=$1; shift
  if "$@" > /tmp/check.out 2>&1; then ok "$name"; else fail "$name" "$(tail -n 3 /tmp/check.out | tr '\n' ' ')"; fi
}
# cfg NAME < yaml: a complete user data with the given volumes/mounts part.
cfg() {
  { echo '#taupage-ami-config'; echo 'application_id: storage-test'; echo "application_version: '1'"
    echo 'runtime: Docker'; echo 'source: busybox:1'; cat; } > "/cfg/$1.yaml"
}
# tp NAME: taupage's early stage, only the steps in $TP_ONLY, with /cfg/NAME.yaml on the
# read-only root /sysroot/NAME; its log in /out/NAME.log and on the console.
tp() {
  mkdir -p "/run/taupage/$1"
  taupage boot --config "/cfg/$1.yaml" --stage early --only "$TP_ONLY" --root "/sysroot/$1" \
    --state-dir "/run/taupage/$1" > "/out/$1.log" 2>&1
  rc=$?
  sed "s/^/[$1] /" "/out/$1.log"
  return $rc
}
has() { grep -q -- "$2" "/out/$1.log"; }
