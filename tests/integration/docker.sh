#!/usr/bin/env bash
# The container and health steps against a real Docker daemon and a real registry: Debian's
# dockerd and docker-registry, private to this run (tests/support/docker_env.sh: own data root,
# sockets, network and mount namespaces). Drives the real binary as a user would:
#   taupage boot --config F --stage late --only container,health --state-dir D --root R
# (after the early and system stages of the same config, tests/support/earlier_stages.sh)
# inside the daemon's network namespace (so 127.0.0.1 is where the published ports are), with
# DOCKER_HOST pointing at the private daemon, and reads back what Docker recorded with the docker
# CLI and the API (independent checkers). Ends with "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/support/docker_env.sh
source tests/support/earlier_stages.sh

TAUPAGE=${TAUPAGE_BIN:-$PWD/build/taupage}
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok    $1"; }
bad() { failed=$((failed + 1)); echo "FAIL  $1"; [ $# -gt 1 ] && echo "      $2"; }
# check NAME ACTUAL EXPECTED
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got $(printf %q "$2"), want $(printf %q "$3")"; fi; }
# contains NAME HAYSTACK NEEDLE
contains() { if [[ "$2" == *"$3"* ]]; then ok "$1"; else bad "$1" "no $(printf %q "$3") in: $(echo "$2" | tail -5)"; fi; }

finish() {
  local rc=$?
  dk_env_stop
  [ -n "${HANG_PID:-}" ] && dk_stop_pid "$HANG_PID" 5
  [ -n "${SYSLOG_PID:-}" ] && dk_stop_pid "$SYSLOG_PID" 5
  [ -n "${STANDIN_PID:-}" ] && dk_stop_pid "$STANDIN_PID" 5
  echo "$passed passed, $failed failed"
  if [ $failed -ne 0 ] || [ $rc -ne 0 ]; then exit 1; fi
  exit 0
}
trap finish EXIT
trap 'exit 130' INT TERM

if [ ! -x "$TAUPAGE" ]; then bad "taupage binary at $TAUPAGE"; exit 1; fi
if ! dk_env_start; then bad "private dockerd and registry start"; exit 1; fi
if ! dk_build_images; then bad "test images imported and pushed"; exit 1; fi
ok "private dockerd and registry started, test images pushed"

ROOT=$DK_BASE/root
STATE=$DK_BASE/state
OUT=$DK_BASE/out
mkdir -p "$ROOT/mounts/data" "$STATE" "$OUT"
SECRET_PASSWORD=dk-registry-pw-$RANDOM$RANDOM
mkdir -p "$DK_BASE/docker-config"
printf '{"auths":{"%s":{"auth":"%s"},"%s":{"auth":"%s"}}}' "$DK_REGISTRY" "$(printf 'dk-user:%s' "$SECRET_PASSWORD" | base64 -w0)" \
  "$DK_AUTH_REGISTRY" "$(printf 'dk-user:%s' "$SECRET_PASSWORD" | base64 -w0)" > "$DK_BASE/docker-config/config.json"
mkdir -p "$DK_BASE/docker-config-wrong"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$DK_AUTH_REGISTRY" "$(printf 'dk-user:%s' "not-$SECRET_PASSWORD" | base64 -w0)" \
  > "$DK_BASE/docker-config-wrong/config.json"
n=0
LAST_OUT=""

# write_config NAME <<EOF ... EOF: the user data, with the common head.
write_config() {
  { printf '#taupage-ami-config\napplication_id: dk-app\napplication_version: "1.0"\nruntime: Docker\n'; cat; } > "$DK_BASE/$1.yaml"
}

# boot NAME [VAR=VALUE...]: one late-stage run of the container and health steps, after the early
# and system stages of the same user data (the late stage runs only after they completed in this
# boot); sets RC and LAST_OUT (stdout and stderr together). A watchdog ends a run that hangs.
boot() {
  local name=$1; shift
  n=$((n + 1))
  LAST_OUT=$OUT/$n-$name.log
  local t0=$SECONDS
  earlier_stages "$OUT/$n-$name.earlier.log" timeout 60 "$TAUPAGE" boot --config "$DK_BASE/$name.yaml" --state-dir "$STATE" --root "$ROOT" ||
    echo "      (the early or system stage failed: $(tail -2 "$OUT/$n-$name.earlier.log"))"
  env DOCKER_HOST="$DOCKER_HOST" DOCKER_CONFIG="$DK_BASE/docker-config" "$@" \
    nsenter --net="/run/netns/$DK_NS" timeout 90 "$TAUPAGE" boot --config "$DK_BASE/$name.yaml" --stage late \
    --only "${ONLY:-container,health}" --state-dir "$STATE" --root "$ROOT" > "$LAST_OUT" 2>&1
  RC=$?
  [ -n "${DK_TIMING:-}" ] && echo "      ($name: exit $RC, $((SECONDS - t0)) s)"
  cp "$STATE/report-late.json" "$OUT/$n-$name.report.json" 2>/dev/null
}
out() { cat "$LAST_OUT"; }
report() { jq -r "$1" "$STATE/report-late.json" 2>/dev/null; }
inspect() { "$DK_DOCKER" inspect --format "$1" taupageapp 2>/dev/null; }
container_id() { inspect '{{.Id}}'; }
remove_app() { "$DK_DOCKER" rm -f taupageapp >/dev/null 2>&1; }

# --- 1. pull, create with every option, start, health ---------------------------------------
write_config full <<EOF
source: $DK_REGISTRY/dk/web:1.0
hostname: dk-web-host
ports:
  18080: 8080
  18081: 8081/udp
capabilities_add: [NET_BIND_SERVICE]
capabilities_drop: [MKNOD, NET_RAW]
health_check_path: /
health_check_timeout_seconds: 20
environment:
  GREETING: hello world
  FEATURE_FLAG: true
mounts:
  /data:
    partition: none
    filesystem: tmpfs
EOF
boot full
check "first boot succeeds (pull, create, start, health)" "$RC" 0
contains "the image is pulled from the registry with progress lines" "$(out)" "pulled $DK_REGISTRY/dk/web:1.0: sha256:"
contains "a layer line is shown" "$(out)" "layer "
check "the image is now present" "$("$DK_DOCKER" image inspect --format '{{index .RepoTags 0}}' "$DK_REGISTRY/dk/web:1.0" 2>/dev/null)" "$DK_REGISTRY/dk/web:1.0"
check "report: container created" "$(report '.steps[0].step + " " + .steps[0].outcome')" "container created"
check "report: health passed" "$(report '.steps[1].step + " " + .steps[1].outcome')" "health kept"
contains "report: health saw HTTP 200" "$(report '.steps[1].detail')" "HTTP 200 from http://127.0.0.1:18080/"
contains "the missing syslog socket is a warning, not a failure" "$(out)" "no syslog socket"
FIRST_ID=$(container_id)
check "container runs" "$(inspect '{{.State.Status}}')" running
check "Config.User" "$(inspect '{{.Config.User}}')" "999:999"
check "Config.Hostname" "$(inspect '{{.Config.Hostname}}')" dk-web-host
check "Config.Env" "$(inspect '{{json .Config.Env}}')" \
  '["GREETING=hello world","FEATURE_FLAG=true","APPLICATION_ID=dk-app","APPLICATION_VERSION=1.0","CREDENTIALS_DIR=/meta/credentials","PATH=/bin"]'
check "Config.ExposedPorts tcp and udp" "$(inspect '{{json .Config.ExposedPorts}}')" '{"8080/tcp":{},"8081/udp":{}}'
check "HostConfig.PortBindings" "$(inspect '{{json .HostConfig.PortBindings}}')" \
  '{"8080/tcp":[{"HostIp":"","HostPort":"18080"}],"8081/udp":[{"HostIp":"","HostPort":"18081"}]}'
check "HostConfig.CapAdd" "$(inspect '{{json .HostConfig.CapAdd}}')" '["NET_BIND_SERVICE"]'
check "HostConfig.CapDrop" "$(inspect '{{json .HostConfig.CapDrop}}')" '["MKNOD","NET_RAW"]'
check "HostConfig.Privileged" "$(inspect '{{.HostConfig.Privileged}}')" false
check "HostConfig.SecurityOpt" "$(inspect '{{json .HostConfig.SecurityOpt}}')" '["no-new-privileges"]'
check "HostConfig.NetworkMode" "$(inspect '{{.HostConfig.NetworkMode}}')" bridge
check "HostConfig.Binds" "$(inspect '{{json .HostConfig.Binds}}')" \
  "[\"$ROOT/mounts/data:/data\",\"$ROOT/meta:/meta:ro\"]"
check "HostConfig.RestartPolicy" "$(inspect '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}')" "on-failure:10"
check "HostConfig.LogConfig (json-file fallback, capped, tagged)" "$(inspect '{{json .HostConfig.LogConfig}}')" \
  '{"Type":"json-file","Config":{"max-file":"5","max-size":"10m","tag":"docker/dk-app"}}'
check "Config.Labels fingerprint" "$(inspect '{{index .Config.Labels "taupage.fingerprint"}}' | cut -c1-3)" "v1:"
check "the process runs as 999:999 with no_new_privs" \
  "$("$DK_DOCKER" exec taupageapp sh -c 'echo $(id -u):$(id -g); grep NoNewPrivs /proc/self/status' | tr -s ' \t\n' ' ')" "999:999 NoNewPrivs: 1 "
check "the mount is bound into the container" "$("$DK_DOCKER" exec taupageapp sh -c 'ls -d /data /meta/credentials')" "$(printf '/data\n/meta/credentials')"
check "the application answers on the published port" "$(dk_ns curl -s -m 5 http://127.0.0.1:18080/)" "hello from dk/web 1.0"

# --- 2. second boot: kept; stopped: started ----------------------------------------------------
boot full
check "unchanged second boot succeeds" "$RC" 0
check "unchanged second boot keeps the container (same id)" "$(container_id)" "$FIRST_ID"
check "report: container kept" "$(report '.steps[0].outcome')" kept
"$DK_DOCKER" stop -t 0 taupageapp >/dev/null
boot full
check "a stopped unchanged container is started" "$(report '.steps[0].outcome') $(inspect '{{.State.Status}}')" "changed running"
check "... and keeps its id" "$(container_id)" "$FIRST_ID"

# --- 3. recreated on a changed env, port, image -----------------------------------------------
sed -i 's/GREETING: hello world/GREETING: hello again/' "$DK_BASE/full.yaml"
boot full
check "changed env: boot succeeds" "$RC" 0
ENV_ID=$(container_id)
if [ "$ENV_ID" != "$FIRST_ID" ] && [ -n "$ENV_ID" ]; then ok "changed env: a new container"; else bad "changed env: a new container" "id $ENV_ID"; fi
contains "changed env: the report says what changed" "$(report '.steps[0].detail')" "changed: Env"
check "changed env: the new value is in the container" "$("$DK_DOCKER" exec taupageapp sh -c 'echo $GREETING')" "hello again"
check "changed env: exactly one container is left" "$("$DK_DOCKER" ps -aq | wc -l)" 1

sed -i 's/18080: 8080/18090: 8080/; s/health_check_timeout_seconds: 20/health_check_port: 18090\nhealth_check_timeout_seconds: 20/' "$DK_BASE/full.yaml"
boot full
check "changed port: boot succeeds" "$RC" 0
PORT_ID=$(container_id)
if [ "$PORT_ID" != "$ENV_ID" ]; then ok "changed port: a new container"; else bad "changed port: a new container"; fi
contains "changed port: the report names the port bindings" "$(report '.steps[0].detail')" "HostConfig.PortBindings"
check "changed port: the new port answers" "$(dk_ns curl -s -m 5 http://127.0.0.1:18090/)" "hello from dk/web 1.0"

sed -i "s#dk/web:1.0#dk/web:1.1#" "$DK_BASE/full.yaml"
boot full
check "changed image: boot succeeds" "$RC" 0
if [ "$(container_id)" != "$PORT_ID" ]; then ok "changed image: a new container"; else bad "changed image: a new container"; fi
contains "changed image: the report names the image" "$(report '.steps[0].detail')" "Image"
check "changed image: the new image answers" "$(dk_ns curl -s -m 5 http://127.0.0.1:18090/)" "hello from dk/web 1.1"

# --- 4. health: failing on 500, failing fast when the application exits ----------------------
remove_app
write_config web500 <<EOF
source: $DK_REGISTRY/dk/web500:1.0
ports:
  18082: 8080
health_check_path: /cgi-bin/health
health_check_timeout_seconds: 5
EOF
boot web500
check "health failing on 500: exit 1" "$RC" 1
check "health failing on 500: the report says health failed" "$(report '.failed_step')" health
contains "health failing on 500: the last status is kept" "$(report '.reason')" "last: HTTP 500"

remove_app
write_config exits <<EOF
source: $DK_REGISTRY/dk/exits:1.0
ports:
  18083: 8080
health_check_path: /
health_check_timeout_seconds: 300
EOF
boot exits
check "application exits: exit 1" "$RC" 1
contains "application exits: the exit code is named" "$(report '.reason')" "code 3"
contains "application exits: the last log lines are shown" "$(out)" "dk-exits: fatal: no configuration found"
contains "application exits: the report holds the log's end" "$(report '.reason')" "no configuration found"
# Failing fast: the run ended long before the 300 s timeout (the watchdog allows 90 s).
if [ "$RC" = 1 ] && ! grep -q "within 300 s" "$LAST_OUT"; then ok "application exits: fails without waiting for the timeout"; else bad "application exits: fails without waiting for the timeout"; fi

# --- 5. privileged, root, host networking ----------------------------------------------------
remove_app
write_config privileged <<EOF
source: $DK_REGISTRY/dk/web:1.0
privileged: true
EOF
boot privileged
# This machine's root lacks CAP_SYS_RESOURCE, so a privileged container cannot start here; what
# Docker recorded is what counts.
check "privileged: HostConfig.Privileged" "$(inspect '{{.HostConfig.Privileged}}')" true
# (Docker itself adds label=disable to a privileged container's SecurityOpt.)
if inspect '{{json .HostConfig.SecurityOpt}}' | grep -q no-new-privileges; then bad "privileged: no no-new-privileges"; else ok "privileged: no no-new-privileges"; fi
check "privileged: still 999:999" "$(inspect '{{.Config.User}}')" "999:999"
if [ "$RC" = 0 ] || grep -q "left created, for inspection" "$LAST_OUT"; then ok "privileged: started, or a start error that says so"; else bad "privileged: started, or a start error that says so" "$(tail -3 "$LAST_OUT")"; fi

remove_app
write_config hostnet <<EOF
source: $DK_REGISTRY/dk/web:1.0
root: true
networking: host
ports:
  8080: 8080
health_check_path: /
health_check_timeout_seconds: 20
EOF
boot hostnet
check "root + host networking: boot succeeds" "$RC" 0
check "root: no User" "$(inspect '{{.Config.User}}')" ""
check "root: no no-new-privileges" "$(inspect '{{json .HostConfig.SecurityOpt}}')" '[]'
check "host networking: NetworkMode" "$(inspect '{{.HostConfig.NetworkMode}}')" host
if inspect '{{json .HostConfig.PortBindings}}' | grep -q HostPort; then bad "host networking: nothing published"; else ok "host networking: nothing published"; fi
check "host networking: the application answers on the host's port" "$(dk_ns curl -s -m 5 http://127.0.0.1:8080/)" "hello from dk/web 1.0"

remove_app
write_config nonet <<EOF
source: $DK_REGISTRY/dk/web:1.0
networking: none
EOF
boot nonet
check "no networking: boot succeeds" "$RC" 0
check "no networking: NetworkMode" "$(inspect '{{.HostConfig.NetworkMode}}')" none
check "no networking: the container has no address" "$(inspect '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}')" ""

# --- 6. syslog: a socket under the root is used, with the application id in the tag ----------
remove_app
mkdir -p "$ROOT/dev"
nsenter --net="/run/netns/$DK_NS" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as f:
    while True: f.write(s.recv(65536) + b"\n")' "$ROOT/dev/log" "$DK_BASE/syslog.txt" &
SYSLOG_PID=$!
dk_wait_for 10 test -S "$ROOT/dev/log"
write_config syslog <<EOF
source: $DK_REGISTRY/dk/exits:1.0
EOF
boot syslog
check "syslog: boot succeeds" "$RC" 0
check "syslog: LogConfig" "$(inspect '{{json .HostConfig.LogConfig}}')" \
  "{\"Type\":\"syslog\",\"Config\":{\"syslog-address\":\"unixgram://$ROOT/dev/log\",\"tag\":\"docker/dk-app\"}}"
dk_wait_for 10 grep -q "dk-exits: fatal" "$DK_BASE/syslog.txt"
contains "syslog: the application's lines arrive tagged docker/dk-app" "$(cat "$DK_BASE/syslog.txt" 2>/dev/null)" "docker/dk-app"
# The line as the application log's rsyslog rule expects it (tests/integration/logging.sh feeds
# this format to a real rsyslogd): "<pri>Mmm dd hh:mm:ss docker/dk-app[<pid>]: <message>".
if grep -qE '^<[0-9]+>[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} docker/dk-app\[[0-9]+\]: dk-exits: fatal' "$DK_BASE/syslog.txt"; then
  ok "syslog: RFC 3164 with the tag and dockerd's pid, as the rsyslog rule matches it"
else
  bad "syslog: RFC 3164 with the tag and dockerd's pid, as the rsyslog rule matches it" "$(head -c 300 "$DK_BASE/syslog.txt" 2>/dev/null)"
fi
dk_stop_pid "$SYSLOG_PID" 5; SYSLOG_PID=""; rm -f "$ROOT/dev/log"

# --- 7. clear errors within a deadline: unknown tag, registry down, daemon down or hung -------
remove_app
write_config unknown <<EOF
source: $DK_REGISTRY/dk/web:9.9
EOF
boot unknown
check "unknown tag: exit 1" "$RC" 1
contains "unknown tag: Docker's message" "$(report '.reason')" "manifest unknown"
check "unknown tag: no container was made" "$("$DK_DOCKER" ps -aq | wc -l)" 0

boot full   # web:1.1 runs again, and stays on this machine
dk_registry_stop
boot full
check "registry down, image present: boot succeeds" "$RC" 0
contains "registry down, image present: a loud warning" "$(out)" "WARNING: starting from the image $DK_REGISTRY/dk/web:1.1 already on this machine"
contains "registry down, image present: the report says so" "$(report '.steps[0].detail')" "WARNING: pull failed, using the local image"
check "registry down, image present: the container is kept" "$(report '.steps[0].outcome')" kept
write_config absent <<EOF
source: $DK_REGISTRY/dk/web500:2.0
EOF
boot absent
check "registry down, image absent: exit 1" "$RC" 1
contains "registry down, image absent: the registry is named" "$(report '.reason')" "$DK_REGISTRY"
contains "registry down, image absent: retried a bounded number of times" "$(out)" "(attempt 3 of 3)"
dk_registry_start

boot full DOCKER_HOST="unix://$DK_BASE/dk-no-daemon.sock"
check "daemon down: exit 1" "$RC" 1
contains "daemon down: a clear error" "$(out)" "the Docker daemon at unix://$DK_BASE/dk-no-daemon.sock does not answer"

/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
conns = []
while True: conns.append(s.accept()[0])' "$DK_BASE/dk-hung.sock" &
HANG_PID=$!
dk_wait_for 10 test -S "$DK_BASE/dk-hung.sock"
boot full DOCKER_HOST="unix://$DK_BASE/dk-hung.sock"
check "daemon hangs: exit 1 (not the watchdog's 124)" "$RC" 1
contains "daemon hangs: a clear error" "$(out)" "does not answer"
dk_stop_pid "$HANG_PID" 5; HANG_PID=""

boot full DOCKER_HOST="ssh://dk@example.org"
check "DOCKER_HOST with an unsupported scheme: exit 1" "$RC" 1
contains "DOCKER_HOST with an unsupported scheme: named" "$(out)" "not supported"

# --- 7b. a registry that wants credentials: X-Registry-Auth from DOCKER_CONFIG -----------------
remove_app
if dk_auth_registry_start dk-user "$SECRET_PASSWORD"; then
  write_config private <<EOF
source: $DK_AUTH_REGISTRY/dk/web:1.0
EOF
  boot private DOCKER_CONFIG="$DK_BASE/no-docker-config"
  check "private registry, no credentials: exit 1" "$RC" 1
  contains "private registry, no credentials: the registry's refusal is named" "$(report '.reason')" "no basic auth credentials"
  boot private DOCKER_CONFIG="$DK_BASE/docker-config-wrong"
  check "private registry, wrong password: exit 1" "$RC" 1
  contains "private registry, wrong password: the registry's refusal is named" "$(report '.reason')" "unauthorized"
  boot private
  check "private registry, the credentials of DOCKER_CONFIG: pulled and started" "$RC" 0
  contains "private registry: pulled from it" "$(out)" "pulled $DK_AUTH_REGISTRY/dk/web:1.0: sha256:"
else
  bad "the registry with authentication starts"
fi

# --- 8. a KMS secret: decrypted by the secrets step (AWS stand-in), then only in the container --
remove_app
S=$DK_BASE/aws
mkdir -p "$S"
nsenter --net="/run/netns/$DK_NS" /usr/bin/python3 tests/standin/aws_standin.py --dir "$S" > "$DK_BASE/logs/aws-standin.log" 2>&1 &
STANDIN_PID=$!
KMS_PLAIN=dk-kms-Pl41n-$RANDOM$RANDOM
if dk_wait_for 30 test -f "$S/ready" &&
   CIPHER=$(nsenter --net="/run/netns/$DK_NS" /usr/bin/python3 tests/standin/aws_standin.py encrypt "$S" alias/app "$KMS_PLAIN") &&
   [ -n "$CIPHER" ]; then
  ok "AWS stand-in started and a secret encrypted with its KMS"
  AWS_ENV=$(sed "s/^export //; s/'//g" "$S/env" | tr '\n' ' ')
  write_config secret <<EOF
source: $DK_REGISTRY/dk/web:1.0
ports:
  18080: 8080
health_check_path: /
environment:
  DB_PASSWORD: aws:kms:$CIPHER
  PLAIN_SETTING: visible
EOF
  # shellcheck disable=SC2086
  ONLY=secrets,container,health boot secret $AWS_ENV
  check "secret: secrets, container and health succeed" "$RC" 0
  check "secret: the secrets step decrypted it" "$(report '.steps[0].step + " " + .steps[0].outcome')" "secrets created"
  check "secret: the application sees the plaintext" "$("$DK_DOCKER" exec taupageapp sh -c 'echo $DB_PASSWORD')" "$KMS_PLAIN"
  SECRET_ID=$(container_id)
  # shellcheck disable=SC2086
  ONLY=secrets,container,health boot secret $AWS_ENV
  check "secret: unchanged second boot keeps the container (the keyed hash is stable)" "$(report '.steps[1].outcome') $(container_id)" "kept $SECRET_ID"
  if inspect '{{json .Config.Labels}}' | grep -q -- "$KMS_PLAIN"; then bad "secret: not in the labels"; else ok "secret: not in the labels"; fi
  "$TAUPAGE" plan "$DK_BASE/secret.yaml" > "$OUT/plan.log" 2>&1
  contains "secret: the plan masks it" "$(cat "$OUT/plan.log")" "DB_PASSWORD = aws:kms:****"
else
  bad "AWS stand-in started and a secret encrypted with its KMS" "$(tail -5 "$DK_BASE/logs/aws-standin.log")"
fi

# --- 8b. the original's options: the container inspected for each, /meta, dockercfg, shutdown --
remove_app
mkdir -p "$ROOT/var/log" "$ROOT/etc/ssl/certs"
echo dk-host-log-line > "$ROOT/var/log/dk-host.log"
echo dk-host-cert > "$ROOT/etc/ssl/certs/dk-cert.pem"
DOCKERCFG_AUTH=$(printf 'dk-user:%s' "$SECRET_PASSWORD" | base64 -w0)
write_config opts <<EOF
source: $DK_AUTH_REGISTRY/dk/web:1.0
ports:
  18080: 8080
read_only: true
shm_size: 96m
mount_var_log: true
mount_custom_log: true
mount_certs: true
docker_daemon_access: true
dockercfg:
  http://$DK_AUTH_REGISTRY:
    auth: $DOCKERCFG_AUTH
    email: dk@example.org
hystrix:
  timeout: 5000
EOF
# The wrong password in DOCKER_CONFIG: the user data's dockercfg must win for its registry (the
# image is removed first, so that the pull must log in).
"$DK_DOCKER" rmi -f "$DK_AUTH_REGISTRY/dk/web:1.0" >/dev/null 2>&1
ONLY=meta,container boot opts DOCKER_CONFIG="$DK_BASE/docker-config-wrong"
check "options: meta and container succeed" "$RC" 0
contains "options: the registry login came from dockercfg" "$(out)" "credentials from dockercfg in the user data"
contains "options: pulled from the registry that wants credentials" "$(out)" "pulled $DK_AUTH_REGISTRY/dk/web:1.0: sha256:"
check "read_only: HostConfig.ReadonlyRootfs" "$(inspect '{{.HostConfig.ReadonlyRootfs}}')" true
contains "read_only: the container cannot write its root" "$("$DK_DOCKER" exec taupageapp sh -c 'echo x > /probe' 2>&1)" "Read-only file system"
check "shm_size: HostConfig.ShmSize" "$(inspect '{{.HostConfig.ShmSize}}')" $((96 * 1024 * 1024))
check "shm_size: /dev/shm in the container" "$("$DK_DOCKER" exec taupageapp /bin/busybox df -k /dev/shm | awk 'NR==2 {print $2}')" $((96 * 1024))
check "options: HostConfig.Binds" "$(inspect '{{json .HostConfig.Binds}}')" \
  "[\"$ROOT/meta:/meta:ro\",\"$ROOT/var/log:/var/log-host:ro\",\"$ROOT/var/log-custom:/var/log:rw\",\"$ROOT/etc/ssl/certs:/etc/ssl/certs:ro\",\"$DK_BASE/docker.sock:/var/run/docker.sock\"]"
check "mount_var_log: the host's log is read at /var/log-host" "$("$DK_DOCKER" exec taupageapp cat /var/log-host/dk-host.log)" dk-host-log-line
contains "mount_var_log: read-only" "$("$DK_DOCKER" exec taupageapp sh -c 'echo x > /var/log-host/probe' 2>&1)" "Read-only file system"
"$DK_DOCKER" exec taupageapp sh -c 'echo dk-custom-line > /var/log/app.log'
check "mount_custom_log: the application's /var/log lands in /var/log-custom, owned by 999" \
  "$(cat "$ROOT/var/log-custom/app.log" 2>&1) $(stat -c %u:%g "$ROOT/var/log-custom")" "dk-custom-line 999:999"
check "mount_certs: the host's certificates" "$("$DK_DOCKER" exec taupageapp cat /etc/ssl/certs/dk-cert.pem)" dk-host-cert
SOCK_GID=$(stat -c %g "$DK_BASE/docker.sock")
check "docker_daemon_access: the socket's group is added for user 999" "$(inspect '{{json .HostConfig.GroupAdd}}')" "[\"$SOCK_GID\"]"
check "docker_daemon_access: a socket user 999 can write, and no docker CLI or host library" \
  "$("$DK_DOCKER" exec taupageapp sh -c 'test -S /var/run/docker.sock && test -w /var/run/docker.sock && echo usable; ls /usr/bin/docker /usr/lib 2>/dev/null | wc -l')" \
  "$(printf 'usable\n0')"
check "meta: /meta/taupage.yaml is the user data as received" "$("$DK_DOCKER" exec taupageapp cat /meta/taupage.yaml | md5sum)" "$(md5sum < "$DK_BASE/opts.yaml")"
check "meta: root:999 0640 in a root:999 0750 folder on the host" \
  "$(stat -c '%u:%g %a' "$ROOT/meta/taupage.yaml") $(stat -c '%u:%g %a' "$ROOT/meta")" "0:999 640 0:999 750"
contains "meta: read-only in the container" "$("$DK_DOCKER" exec taupageapp sh -c 'echo x > /meta/probe' 2>&1)" "Read-only file system"
check "report: meta created" "$(report '.steps[0].step + " " + .steps[0].outcome')" "meta created"
META_INODE=$(stat -c %i "$ROOT/meta/taupage.yaml")
ONLY=meta,container boot opts DOCKER_CONFIG="$DK_BASE/docker-config-wrong"
check "options: unchanged second boot keeps meta and the container" "$(report '.steps[0].outcome') $(report '.steps[1].outcome')" "kept kept"
check "meta: an unchanged file is not rewritten" "$(stat -c %i "$ROOT/meta/taupage.yaml")" "$META_INODE"
"$TAUPAGE" plan "$DK_BASE/opts.yaml" > "$OUT/plan-opts.log" 2>&1
contains "plan: the meta step" "$(cat "$OUT/plan-opts.log")" "the user data as received"
contains "plan: the container's options" "$(cat "$OUT/plan-opts.log")" "root filesystem read-only, /dev/shm 100663296 bytes"
if grep -q -- "$DOCKERCFG_AUTH" "$OUT"/* "$STATE"/* 2>/dev/null; then bad "dockercfg: its auth is in no output, plan or report"; else ok "dockercfg: its auth is in no output, plan or report"; fi
BEFORE_DRY=$(md5sum < "$ROOT/meta/taupage.yaml")
echo "changed: 1" >> "$DK_BASE/opts.yaml"
env DOCKER_HOST="$DOCKER_HOST" nsenter --net="/run/netns/$DK_NS" "$TAUPAGE" boot --config "$DK_BASE/opts.yaml" --stage late --dry-run \
  --state-dir "$STATE" --root "$ROOT" > "$OUT/dry-opts.log" 2>&1
check "--dry-run: /meta/taupage.yaml untouched" "$(md5sum < "$ROOT/meta/taupage.yaml")" "$BEFORE_DRY"
contains "--dry-run: says what meta would do" "$(cat "$OUT/dry-opts.log")" "meta       would: the user data as received"

# shutdown: the boot runs in its own PID namespace, whose PID 1 stands in for systemd and
# records the power-off request (SIGRTMIN+4); the host's own PID 1 is never signalled.
dk_import job:1.0 "$DK_BASE/rootfs" "" -c 'ENV PATH=/bin' \
  -c 'CMD ["/bin/sh","-c","trap \"exit 4\" TERM; echo dk-job: working; sleep 2 & wait; echo dk-job: done"]' || bad "job image imported"
mkdir -p "$ROOT/run/systemd/system"
# boot_pid1 NAME: like boot, for meta, container and shutdown; power-off requests go to $PID1_LOG.
boot_pid1() {
  local name=$1
  n=$((n + 1))
  LAST_OUT=$OUT/$n-$name.log
  PID1_LOG=$DK_BASE/$name-pid1.log
  rm -f "$PID1_LOG"
  nsenter --net="/run/netns/$DK_NS" unshare --pid --fork --kill-child bash -c '
    log=$1; shift
    trap "echo poweroff-requested >> \"$log\"" RTMIN+4
    "$@" & child=$!
    while kill -0 "$child" 2>/dev/null; do wait "$child"; done' pid1 "$PID1_LOG" \
    env DOCKER_HOST="$DOCKER_HOST" DOCKER_CONFIG="$DK_BASE/docker-config" timeout 90 "$TAUPAGE" boot --config "$DK_BASE/$name.yaml" \
    --stage late --only meta,container,shutdown --state-dir "$STATE" --root "$ROOT" > "$LAST_OUT" 2>&1
  cp "$STATE/report-late.json" "$OUT/$n-$name.report.json" 2>/dev/null
}
remove_app
write_config job <<EOF
source: $DK_REGISTRY/dk/job:1.0
shutdown: on-exit
EOF
boot_pid1 job
check "shutdown on-exit: the stage succeeds" "$(report '.ok')" true
contains "shutdown on-exit: it waited for the job" "$(out)" "waiting for container taupageapp to stop"
check "shutdown on-exit: the job ran to its end" "$(inspect '{{.State.Status}} {{.State.ExitCode}}')" "exited 0"
check "shutdown on-exit: power-off requested from PID 1, once" "$(cat "$PID1_LOG" 2>/dev/null)" poweroff-requested
contains "shutdown on-exit: the report says so" "$(report '.steps[2].step + " " + .steps[2].outcome + " " + .steps[2].detail')" \
  "shutdown changed taupageapp exited with code 0; power-off requested"

# on-success: the job is stopped (SIGTERM: code 4, and no restart after a stop) while it runs.
remove_app
write_config job-success <<EOF
source: $DK_REGISTRY/dk/job:1.0
shutdown: on-success
EOF
( dk_wait_for 30 sh -c "[ \"\$(\"$DK_DOCKER\" inspect --format '{{.State.Status}}' taupageapp 2>/dev/null)\" = running ]" &&
  "$DK_DOCKER" stop -t 5 taupageapp >/dev/null ) &
STOPPER=$!
boot_pid1 job-success
wait "$STOPPER"
check "shutdown on-success, the job stopped with code 4: the stage succeeds" "$(report '.ok')" true
check "shutdown on-success, code 4: no power-off" "$(cat "$PID1_LOG" 2>/dev/null)" ""
contains "shutdown on-success, code 4: the report says the machine stays up" "$(report '.steps[2].detail')" \
  "taupageapp exited with code 4; shutdown: on-success, so the machine stays up"

# --- 9. no secret anywhere ---------------------------------------------------------------------
for secret in "$SECRET_PASSWORD" "$KMS_PLAIN"; do
  if grep -rl -- "$secret" "$OUT" "$STATE" >/dev/null 2>&1; then
    bad "no secret in any output, plan or report" "$(grep -rl -- "$secret" "$OUT" "$STATE")"
  else
    ok "no secret (${secret:0:10}...) in any output, plan or report ($n runs)"
  fi
done
