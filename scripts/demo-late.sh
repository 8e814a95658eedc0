#!/usr/bin/env bash
# The late stage for real, on local stand-ins only: a private Docker daemon and registry (in a
# network namespace of their own, tests/support/docker_env.sh) and the AWS stand-in (IMDS, KMS,
# CloudFormation) beside them. `taupage boot --stage late` decrypts a KMS secret, pulls and
# starts the container, waits for its health check and signals SUCCESS; then the report, the
# container and the signal are shown, and everything is removed again.
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/support/docker_env.sh
source tests/support/earlier_stages.sh
bin=$PWD/build/taupage
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
STANDIN_PID=""
cleanup() { [ -n "$STANDIN_PID" ] && dk_stop_pid "$STANDIN_PID" 5; dk_env_stop; }
trap cleanup EXIT

say "a private dockerd and registry (network namespace of their own), test images from busybox"
dk_env_start || exit 1
dk_build_images || exit 1
echo "DOCKER_HOST=$DOCKER_HOST, registry $DK_REGISTRY"

say "the AWS stand-in (IMDS, KMS, CloudFormation), in the same namespace"
S=$DK_BASE/aws
mkdir -p "$S" "$DK_BASE/root/meta" "$DK_BASE/state"
nsenter --net="/run/netns/$DK_NS" /usr/bin/python3 tests/standin/aws_standin.py --dir "$S" > "$DK_BASE/logs/aws-standin.log" 2>&1 &
STANDIN_PID=$!
dk_wait_for 30 test -f "$S/ready" || { tail "$DK_BASE/logs/aws-standin.log"; exit 1; }
cipher=$(nsenter --net="/run/netns/$DK_NS" /usr/bin/python3 tests/standin/aws_standin.py encrypt "$S" alias/app "demo-db-password") || exit 1

cat > "$DK_BASE/demo.yaml" <<EOF
#taupage-ami-config
application_id: demo-shop
application_version: "1.0"
runtime: Docker
source: $DK_REGISTRY/dk/web:1.0
ports:
  8080: 8080
health_check_path: /
health_check_timeout_seconds: 30
environment:
  SHOP_MODE: demo
  DB_PASSWORD: aws:kms:$cipher
notify_cfn:
  stack: demo-stack
  resource: WebServerGroup
EOF
say "user data"
cat "$DK_BASE/demo.yaml"

say "taupage boot --stage early, then --stage system (throwaway namespaces, a temporary root)"
# The late stage runs only after the early and system stages of this boot completed.
earlier_stages "$DK_BASE/logs/earlier.log" "$bin" boot --config "$DK_BASE/demo.yaml" --state-dir "$DK_BASE/state" --root "$DK_BASE/root" &&
  grep -h 'stage done' "$DK_BASE/logs/earlier.log" || { tail "$DK_BASE/logs/earlier.log"; exit 1; }

say "taupage boot --stage late"
# shellcheck disable=SC2046
env $(sed "s/^export //; s/'//g" "$S/env") DOCKER_HOST="$DOCKER_HOST" \
  nsenter --net="/run/netns/$DK_NS" "$bin" boot --config "$DK_BASE/demo.yaml" --stage late \
  --state-dir "$DK_BASE/state" --root "$DK_BASE/root"
echo "(exit $?)"

say "the report"
cat "$DK_BASE/state/report-late.json"
say "the container, as Docker sees it"
"$DK_DOCKER" ps --format 'table {{.Names}}\t{{.Image}}\t{{.Status}}\t{{.Ports}}'
printf 'GET http://127.0.0.1:8080/ -> %s\n' "$(nsenter --net="/run/netns/$DK_NS" curl -s -m 5 http://127.0.0.1:8080/)"
say "the CloudFormation signal the stand-in received"
cat "$S/signals.jsonl" 2>/dev/null || echo "(none)"
