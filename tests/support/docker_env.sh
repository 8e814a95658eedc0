# shellcheck shell=bash
# A private Docker engine for the tests and the bench, sourced by them (bash).
#
# dk_env_start starts Debian's dockerd with its own data root, exec root, pid file and socket,
# inside a network namespace of its own (so the host's iptables, ip_forward and docker0 are
# never touched) and a private mount namespace (a tmpfs over /run and /etc/docker, so that
# key.json, /run/docker/plugins and the containerd shim sockets stay out of the host, and the
# overlay mounts vanish with the daemon). Beside it, in the same network namespace, Debian's
# docker-registry listens on 127.0.0.1:5000. dk_env_stop removes every container, stops both,
# deletes the namespace, the cgroups and the folder; it is safe to call twice and after any
# failure (the caller traps EXIT). Everything is named dk-docker-<suffix>.
#
# After dk_env_start:
#   DOCKER_HOST    unix://<base>/docker.sock (exported)
#   DK_BASE        the temporary folder that holds everything
#   DK_NS          the network namespace; dk_ns CMD... runs CMD inside it (health checks
#                  and the registry live there: 127.0.0.1 means the namespace's loopback)
#   DK_REGISTRY    127.0.0.1:5000
#   DK_DOCKER      the docker CLI used as an independent checker (Debian's 20.10)
# dk_auth_registry_start USER PASSWORD adds $DK_AUTH_REGISTRY (127.0.0.1:5001): the same images,
# for that user only.
# dk_build_images imports the test images from busybox-static and pushes them:
#   $DK_REGISTRY/dk/web:1.0, web:1.1   busybox httpd on 8080, 200 on /, 500 on /cgi-bin/fail
#   $DK_REGISTRY/dk/web500:1.0         answers 500 on /health
#   $DK_REGISTRY/dk/exits:1.0          prints two lines and exits with code 3
# and removes them locally again, so that the first pull really pulls.

DK_DOCKER=${DK_DOCKER:-/usr/bin/docker}
DK_REGISTRY=127.0.0.1:5000
DK_DOCKERD_PID=""
DK_REGISTRY_PID=""

dk_log() { echo "dk-env: $*" >&2; }

dk_ns() { nsenter --net="/run/netns/$DK_NS" "$@"; }

# dk_wait_for SECONDS CMD...: runs CMD every 0.1 s until it succeeds; fails after SECONDS.
dk_wait_for() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then return 1; fi
    sleep 0.1
  done
}

dk_alive() { # pid: running and not a zombie (kill -0 succeeds on zombies)
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# dk_stop_pid PID SECONDS: SIGTERM, wait, then SIGKILL.
dk_stop_pid() {
  local pid=$1 seconds=$2
  dk_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null
  local deadline=$((SECONDS + seconds))
  while dk_alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  if dk_alive "$pid"; then dk_log "pid $pid ignored SIGTERM for ${seconds}s; killing it"; kill -KILL "$pid" 2>/dev/null; sleep 0.2; fi
  wait "$pid" 2>/dev/null || true
}

dk_env_start() {
  DK_BASE=$(mktemp -d /tmp/dk-docker.XXXXXX) || return 1
  DK_NS=$(basename "$DK_BASE")
  DK_NS=dk-docker-${DK_NS#dk-docker.}
  DK_CGROUP=$DK_NS
  mkdir -p "$DK_BASE"/{data,exec,logs,registry,root} || return 1
  echo '{}' > "$DK_BASE/daemon.json"
  cat > "$DK_BASE/registry.yml" <<EOF
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $DK_BASE/registry}
  delete: {enabled: true}
http:
  addr: $DK_REGISTRY
EOF
  ip netns add "$DK_NS" || return 1
  ip -n "$DK_NS" link set lo up || return 1
  # dockerd runs in the namespace with a private view of /run and /etc/docker; $DK_BASE is
  # under /tmp, which stays shared, so the socket is reachable from the host's side.
  nsenter --net="/run/netns/$DK_NS" unshare --mount --propagation private -- sh -c '
    mount -t tmpfs -o mode=0755 dk-docker-run /run &&
    mount -t tmpfs -o mode=0755 dk-docker-etc /etc/docker &&
    exec /usr/sbin/dockerd --config-file "$0/daemon.json" --data-root "$0/data" --exec-root "$0/exec" \
      --pidfile "$0/dockerd.pid" -H "unix://$0/docker.sock" --cgroup-parent "/$1" \
      --log-level warn' "$DK_BASE" "$DK_CGROUP" > "$DK_BASE/logs/dockerd.log" 2>&1 &
  DK_DOCKERD_PID=$!
  export DOCKER_HOST="unix://$DK_BASE/docker.sock"
  if ! dk_wait_for 30 curl -sf -m 1 --unix-socket "$DK_BASE/docker.sock" http://dk/_ping; then
    dk_log "dockerd did not answer /_ping within 30 s; its log:"; tail -20 "$DK_BASE/logs/dockerd.log" >&2
    return 1
  fi
  dk_registry_start
}

dk_registry_start() {
  # nsenter itself (not the dk_ns function, which would fork a subshell) so that $! is the registry.
  nsenter --net="/run/netns/$DK_NS" /usr/bin/docker-registry serve "$DK_BASE/registry.yml" >> "$DK_BASE/logs/registry.log" 2>&1 &
  DK_REGISTRY_PID=$!
  if ! dk_wait_for 15 dk_ns curl -sf -m 1 "http://$DK_REGISTRY/v2/"; then
    dk_log "the registry did not answer within 15 s; its log:"; tail -20 "$DK_BASE/logs/registry.log" >&2
    return 1
  fi
}

# dk_auth_registry_start USER PASSWORD: a second registry on $DK_AUTH_REGISTRY serving the same
# storage (so the same images) to USER with PASSWORD only (htpasswd, bcrypt from the C library).
DK_AUTH_REGISTRY=127.0.0.1:5001
DK_AUTH_REGISTRY_PID=""
dk_auth_registry_start() {
  USER_NAME=$1 PASSWORD=$2 python3 -W ignore -c 'import crypt, os
print(os.environ["USER_NAME"] + ":" + crypt.crypt(os.environ["PASSWORD"], crypt.mksalt(crypt.METHOD_BLOWFISH)))' > "$DK_BASE/htpasswd" || return 1
  cat > "$DK_BASE/registry-auth.yml" <<EOF
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $DK_BASE/registry}
auth:
  htpasswd: {realm: dk-registry, path: $DK_BASE/htpasswd}
http:
  addr: $DK_AUTH_REGISTRY
EOF
  nsenter --net="/run/netns/$DK_NS" /usr/bin/docker-registry serve "$DK_BASE/registry-auth.yml" >> "$DK_BASE/logs/registry-auth.log" 2>&1 &
  DK_AUTH_REGISTRY_PID=$!
  # Once it listens, its answer to /v2/ without credentials is 401.
  if ! dk_wait_for 15 sh -c "nsenter --net=/run/netns/$DK_NS curl -s -o /dev/null -w '%{http_code}' -m 1 http://$DK_AUTH_REGISTRY/v2/ | grep -q 401"; then
    dk_log "the registry with authentication did not answer within 15 s; its log:"; tail -20 "$DK_BASE/logs/registry-auth.log" >&2
    return 1
  fi
}

dk_registry_stop() {
  dk_stop_pid "$DK_REGISTRY_PID" 10
  DK_REGISTRY_PID=""
}

dk_build_images() {
  local rootfs=$DK_BASE/rootfs a
  rm -rf "$rootfs"; mkdir -p "$rootfs"/{bin,etc,www/cgi-bin,tmp}
  cp /bin/busybox "$rootfs/bin/busybox"
  for a in sh httpd ls cat echo sleep id env printf; do ln -s busybox "$rootfs/bin/$a"; done
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/:/bin/sh\napp:x:999:999:app:/tmp:/bin/sh\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\napp:x:999:\n' > "$rootfs/etc/group"
  printf '#!/bin/sh\nprintf "HTTP/1.0 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\nunhealthy\\n"\n' > "$rootfs/www/cgi-bin/fail"
  chmod 755 "$rootfs/www/cgi-bin/fail"
  # busybox httpd as PID 1 ignores SIGTERM, so every stop would wait Docker's 10 s: a shell
  # that exits on TERM runs it instead, as a well-behaved application would.
  local httpd='CMD ["/bin/sh","-c","trap \"exit 0\" TERM; httpd -f -v -p 8080 -h /www & wait"]'
  dk_import web:1.0 "$rootfs" "hello from dk/web 1.0" -c "$httpd" -c 'EXPOSE 8080' -c 'ENV PATH=/bin' || return 1
  dk_import web:1.1 "$rootfs" "hello from dk/web 1.1" -c "$httpd" -c 'EXPOSE 8080' -c 'ENV PATH=/bin' || return 1
  cp "$rootfs/www/cgi-bin/fail" "$rootfs/www/cgi-bin/health"
  dk_import web500:1.0 "$rootfs" "" -c "$httpd" -c 'ENV PATH=/bin' || return 1
  dk_import exits:1.0 "$rootfs" "" -c 'ENV PATH=/bin' \
    -c 'CMD ["/bin/sh","-c","echo dk-exits: starting as $(id -u); echo dk-exits: fatal: no configuration found >&2; exit 3"]' || return 1
  "$DK_DOCKER" image prune -f >/dev/null
}

# dk_import NAME:TAG ROOTFS INDEX_TEXT CHANGES...: imports, pushes, then removes the local copy.
dk_import() {
  local ref=$DK_REGISTRY/dk/$1 rootfs=$2 text=$3; shift 3
  if [ -n "$text" ]; then echo "$text" > "$rootfs/www/index.html"; else rm -f "$rootfs/www/index.html"; fi
  tar -C "$rootfs" -c . | "$DK_DOCKER" import "$@" - "$ref" >/dev/null || { dk_log "import $ref failed"; return 1; }
  "$DK_DOCKER" push "$ref" >/dev/null || { dk_log "push $ref failed"; return 1; }
  "$DK_DOCKER" rmi "$ref" >/dev/null || return 1
}

dk_remove_all_containers() {
  [ -S "$DK_BASE/docker.sock" ] || return 0
  local ids
  ids=$(curl -sf -m 5 --unix-socket "$DK_BASE/docker.sock" 'http://dk/containers/json?all=1' | jq -r '.[].Id' 2>/dev/null)
  for id in $ids; do
    curl -sf -m 20 -X DELETE --unix-socket "$DK_BASE/docker.sock" "http://dk/containers/$id?force=1&v=1" >/dev/null || dk_log "could not remove container $id"
  done
}

dk_env_stop() {
  [ -n "${DK_BASE:-}" ] && [ -d "$DK_BASE" ] || return 0
  dk_remove_all_containers
  dk_registry_stop
  dk_stop_pid "$DK_AUTH_REGISTRY_PID" 10
  DK_AUTH_REGISTRY_PID=""
  dk_stop_pid "$DK_DOCKERD_PID" 20
  DK_DOCKERD_PID=""
  # After a killed dockerd the containers keep running under their shims: remove them with
  # runc, then stop whatever we started that is still in our network namespace (the shims).
  if [ -d "$DK_BASE/exec/runtime-runc/moby" ]; then
    local c
    for c in $(runc --root "$DK_BASE/exec/runtime-runc/moby" list -q 2>/dev/null); do
      runc --root "$DK_BASE/exec/runtime-runc/moby" delete --force "$c" 2>/dev/null
    done
  fi
  if [ -e "/run/netns/$DK_NS" ]; then
    local pid
    for pid in $(ip netns pids "$DK_NS" 2>/dev/null); do dk_stop_pid "$pid" 5; done
    ip netns del "$DK_NS" 2>/dev/null || dk_log "could not delete netns $DK_NS"
  fi
  local cg
  for cg in /sys/fs/cgroup/*/"$DK_CGROUP"; do
    [ -d "$cg" ] || continue
    find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || dk_log "cgroup $cg is still in use"
  done
  rm -rf "$DK_BASE" 2>/dev/null || dk_log "could not remove $DK_BASE"
  DK_BASE=""
}
