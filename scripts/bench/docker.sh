#!/usr/bin/env bash
# `taupage boot --stage late --only container` beside `docker run` with the same options, both
# creating and starting the same local image on the same private daemon, in the same run. The
# source is pinned by digest so that neither asks the registry. Wall time and CPU time (user +
# system of the client process) are means over the rounds; peak memory is the largest maximum
# resident set of the client (GNU time). The daemon does the same work for both.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/support/docker_env.sh
source tests/support/earlier_stages.sh
trap dk_env_stop EXIT
TAUPAGE=$PWD/build/taupage
ROUNDS=${ROUNDS:-10}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time (/usr/bin/time, package time) is needed"; exit 1; }

dk_env_start >/dev/null || exit 1
dk_build_images >/dev/null || exit 1
image=$DK_REGISTRY/dk/web:1.0
"$DK_DOCKER" pull -q "$image" >/dev/null || exit 1
digest=$("$DK_DOCKER" image inspect --format '{{index .RepoDigests 0}}' "$image")
ROOT=$DK_BASE/root
mkdir -p "$ROOT/mounts/data" "$ROOT/meta/credentials" "$DK_BASE/state"
cat > "$DK_BASE/bench.yaml" <<EOF
#taupage-ami-config
application_id: dk-bench
application_version: "1.0"
runtime: Docker
source: $DK_REGISTRY/dk/web:1.0@${digest#*@}
ports:
  18080: 8080
capabilities_add: [NET_BIND_SERVICE]
capabilities_drop: [NET_RAW]
environment:
  GREETING: hello
mounts:
  /data:
    partition: none
    filesystem: tmpfs
EOF

# The late stage runs only after the early and system stages of this boot: once, before the rounds.
earlier_stages "$DK_BASE/earlier.log" "$TAUPAGE" boot --config "$DK_BASE/bench.yaml" --state-dir "$DK_BASE/state" --root "$ROOT" ||
  { echo "the early or system stage failed: $(tail -3 "$DK_BASE/earlier.log")"; exit 1; }
remove() { "$DK_DOCKER" rm -f taupageapp >/dev/null 2>&1; }
# nsenter execs taupage, so GNU time measures taupage itself.
taupage_cmd=(nsenter --net="/run/netns/$DK_NS" "$TAUPAGE" boot --config "$DK_BASE/bench.yaml" --stage late --only container
  --state-dir "$DK_BASE/state" --root "$ROOT")
docker_cmd=("$DK_DOCKER" run -d --name taupageapp --user 999:999 --security-opt no-new-privileges
  -e GREETING=hello -e APPLICATION_ID=dk-bench -e APPLICATION_VERSION=1.0 -e CREDENTIALS_DIR=/meta/credentials
  -p 18080:8080 --cap-add NET_BIND_SERVICE --cap-drop NET_RAW --network bridge
  -v "$ROOT/mounts/data:/data" -v "$ROOT/meta/credentials:/meta/credentials:ro"
  --log-driver json-file --log-opt max-size=10m --log-opt max-file=5 --log-opt tag=docker/dk-bench
  --restart on-failure:10 --label taupage.application-id=dk-bench "$digest")

# measure NAME COMMAND...: ROUNDS fresh create+start runs; prints one row.
measure() {
  local name=$1 wall=0 cpu=0 peak=0 line e u s m i; shift
  for i in $(seq "$ROUNDS"); do
    remove
    line=$($TIME -f '%e %U %S %M' "$@" 2>&1 >/dev/null | tail -1)
    read -r e u s m <<< "$line"
    if [ "$("$DK_DOCKER" inspect --format '{{.State.Running}}' taupageapp 2>/dev/null)" != true ]; then
      echo "   $name: round $i did not leave a running container"; return 1
    fi
    wall=$(awk -v a="$wall" -v b="$e" 'BEGIN { print a + b }')
    cpu=$(awk -v a="$cpu" -v b="$u" -v c="$s" 'BEGIN { print a + b + c }')
    [ "$m" -gt "$peak" ] && peak=$m
  done
  # GNU time counts CPU in 10 ms ticks: below that it says 0.
  printf '%-58s %9.0f ms %9s ms %8s KiB\n' "$name" "$(awk -v t="$wall" -v n="$ROUNDS" 'BEGIN { print t / n * 1000 }')" \
    "$(awk -v t="$cpu" -v n="$ROUNDS" 'BEGIN { v = t / n * 1000; if (v < 10) print "<10"; else printf "%.0f", v }')" "$peak"
}

printf '%-58s %12s %12s %12s\n' "create + start $image ($ROUNDS rounds each)" "mean wall" "mean CPU" "peak RSS"
measure "taupage boot --stage late --only container" "${taupage_cmd[@]}"
measure "docker run -d (Debian docker CLI $("$DK_DOCKER" version --format '{{.Client.Version}}' 2>/dev/null))" "${docker_cmd[@]}"
echo "(CPU time and memory are the client process's; dockerd does the same work for both)"
remove
