# shellcheck shell=bash
# shellcheck disable=SC2034  # the M_* variables are read by the scripts that source this file
# The whole machine as an EC2 instance in QEMU (TCG), sourced by the machine suites
# (tests/integration/machine_*qemu.sh), scripts/demo.sh and scripts/bench/image.sh (bash).
# Everything the guest talks to runs on loopback inside one network namespace
# (tests/support/docker_env.sh): the registry the guest's dockerd pulls from, the AWS stand-in
# (IMDS, EC2 hot-plugging NVMe disks over QMP, KMS, CloudFormation, S3; signatures checked by
# botocore) and QEMU itself, whose user network maps EC2's addresses to them:
#   169.254.169.254:80 IMDS     169.254.169.100:443 EC2   .101 KMS   .102 CloudFormation   .103 S3
#   169.254.169.5:5000 registry
# Forwards from the namespace's loopback into the guest: $M_SSH -> 22, $M_SSH2 -> 2222,
# $M_APP -> 8080, $M_CLOSED -> 9999 (a port no configuration opens). $M_LOGIN is the one
# machine_wait_ssh and machine_ssh use ($M_SSH unless a test sets it, say to $M_SSH2).
# machine_start          what every user of this file does first: the tools checked, the .deb of
#                        $TAUPAGE_BIN (default build/taupage) built into $M_LOGS, machine_setup;
#                        on failure non-zero with the reason in $M_SETUP_ERROR
# machine_setup DEB      image disk (IMAGE_INITRAMFS=dracut: with dracut), registry, stand-in,
#                        test key; sets M_* variables (M_VOLUMES, M_ENV: see there)
# machine_boot NAME [nvme:SERIAL:FILE]...   starts QEMU; console in $M_LOGS/console-NAME.log
#   (machine type pc: its PCI bus takes the hot-plugged NVMe controllers; q35's root bus does not)
# machine_wait_ssh SECONDS, machine_ssh CMD..., machine_poweroff SECONDS, machine_stop

source tests/support/docker_env.sh
M_SSH=10022 M_SSH2=12222 M_APP=18080 M_CLOSED=19999
M_LOGIN=$M_SSH
M_QEMU_PID=""
M_STANDIN_PID=""
m_log() { printf '%s machine: %s\n' "$(date +%T)" "$*" >&2; }

machine_start() {
  local bin=${TAUPAGE_BIN:-$PWD/build/taupage} tool
  M_SETUP_ERROR=""
  mkdir -p "$M_LOGS"
  for tool in mmdebstrap grub-mkimage mkfs.vfat mcopy qemu-system-x86_64; do
    command -v "$tool" > /dev/null || { M_SETUP_ERROR="$tool is missing (make deps installs scripts/packages/image.txt)"; return 1; }
  done
  [ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] || { M_SETUP_ERROR="no OVMF (package ovmf)"; return 1; }
  M_DEB=$(bash scripts/deb.sh "$bin" "$("$bin" version | awk '{print $2}')" "$M_LOGS") || { M_SETUP_ERROR="scripts/deb.sh failed"; return 1; }
  machine_setup "$M_DEB" || { M_SETUP_ERROR="the machine's setup failed (see above)"; return 1; }
}

# machine_example_user_data NAME CIPHER: the user data of a whole instance (the registry's web
# image, a KMS secret, two EBS volumes in RAID 0 with ext4, a tmpfs, notify_cfn to NAME-stack),
# as the dracut suite and the image bench boot it.
machine_example_user_data() {
  cat <<Y
#taupage-ami-config
application_id: $1
application_version: "1.0"
runtime: Docker
source: 169.254.169.5:5000/dk/web:1.0
ports: {8080: 8080}
ssh_ports: [22, 2222]
health_check_path: /
health_check_timeout_seconds: 180
environment: {DB_PASSWORD: "aws:kms:$2"}
volumes:
  ebs: {/dev/sdf: machine-data-a, /dev/sdg: machine-data-b}
  raid: {/dev/md/data: {level: 0, devices: [/dev/xvdf, /dev/xvdg]}}
mounts:
  /data: {partition: /dev/md/data, filesystem: ext4}
  /scratch: {partition: none, filesystem: tmpfs, options: size=64m}
notify_cfn: {stack: ${1%-test}-stack, resource: WebServerGroup}
Y
}

machine_setup() {
  local deb=$1
  M_DEB=$deb
  M_WORK=$(mktemp -d /tmp/machine-qemu.XXXXXX)
  M_LOGS=${M_LOGS:-build/machine-qemu}
  mkdir -p "$M_LOGS"
  m_log "image (root tree cached in ${IMAGE_CACHE:-/var/cache/taupage-image} and $M_LOGS/image)"
  local t0=$SECONDS
  IMAGE_DISK=no IMAGE_CACHE=${IMAGE_CACHE:-/var/cache/taupage-image} bash scripts/image/build.sh "$deb" "$M_LOGS/image" > "$M_LOGS/image.log" 2>&1 ||
    { m_log "the image build failed; the end of $M_LOGS/image.log:"; tail -20 "$M_LOGS/image.log" >&2; return 1; }

  local t1=$SECONDS
  m_log "registry and test images (tests/support/docker_env.sh)"
  dk_env_start || return 1
  dk_build_images || return 1

  m_log "AWS stand-in"
  M_STANDIN=$M_WORK/standin
  mkdir -p "$M_STANDIN" "$M_WORK/volumes"
  # M_VOLUMES (JSON, volumes_standin.py's format) replaces these two volumes.
  local volumes='[{"id": "vol-0c0ffee00000000a1", "name": "machine-data-a", "size": 1},
 {"id": "vol-0c0ffee00000000b2", "name": "machine-data-b", "size": 1}]'
  printf '%s\n' "${M_VOLUMES:-$volumes}" > "$M_STANDIN/volumes.json"
  echo "{\"qmp\": \"$M_WORK/qmp.sock\", \"images\": \"$M_WORK/volumes\", \"size_mb\": 256}" > "$M_STANDIN/plug.json"
  nsenter --net="/run/netns/$DK_NS" python3 tests/standin/volumes_standin.py --dir "$M_STANDIN" --attach-delay 2 \
    --san 169.254.169.100 --san 169.254.169.101 --san 169.254.169.102 --san 169.254.169.103 > "$M_WORK/standin.log" 2>&1 &
  M_STANDIN_PID=$!
  dk_wait_for 30 test -f "$M_STANDIN/ready" || { m_log "the stand-in did not start: $(tail -3 "$M_WORK/standin.log")"; return 1; }
  M_SETUP_OTHER_SECONDS=$((SECONDS - t1))

  # What the test adds to the image: the stand-ins' endpoints and CA through the environment
  # file, a login key for root, the registry as an insecure (plain HTTP) one.
  local o=$M_WORK/overlay
  mkdir -p "$o/etc/default" "$o/etc/taupage" "$o/root/.ssh" "$o/etc/docker"
  ssh-keygen -q -t ed25519 -N '' -f "$M_WORK/id" -C machine-test
  install -m 0600 "$M_WORK/id.pub" "$o/root/.ssh/authorized_keys"
  chmod 0700 "$o/root/.ssh"
  cp "$M_STANDIN/ca.pem" "$o/etc/taupage/test-ca.pem"
  cat > "$o/etc/default/taupage" <<C
# The test's stand-ins (scripts/image/machine.sh); the image's own file has only comments.
AWS_ENDPOINT_URL_EC2=https://169.254.169.100
AWS_ENDPOINT_URL_KMS=https://169.254.169.101
AWS_ENDPOINT_URL_CLOUDFORMATION=https://169.254.169.102
AWS_ENDPOINT_URL_S3=https://169.254.169.103
AWS_CA_BUNDLE=/etc/taupage/test-ca.pem
TAUPAGE_BOOT_OPTIONS="--volume-timeout 30"
C
  # M_ENV: lines a test adds to the environment file (a later line wins, for systemd and the shell).
  [ -z "${M_ENV:-}" ] || printf '%s\n' "$M_ENV" >> "$o/etc/default/taupage"
  echo '{"insecure-registries": ["169.254.169.5:5000"]}' > "$o/etc/docker/daemon.json"
  M_DISK=$M_WORK/disk.raw
  bash scripts/image/disk.sh "$M_LOGS/image/root.tar" "$M_DISK" "$o" >> "$M_LOGS/image.log" 2>&1 ||
    { m_log "the test disk failed: $(tail -3 "$M_LOGS/image.log")"; return 1; }
  M_IMAGE_SECONDS=$((SECONDS - t0 - M_SETUP_OTHER_SECONDS))
  cp /usr/share/OVMF/OVMF_VARS_4M.fd "$M_WORK/vars.fd"
}

m_port() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$M_STANDIN/ports.json" "$1"; }

# machine_user_data: what IMDS serves from now on (standard input).
machine_user_data() { cat > "$M_STANDIN/user-data"; }

machine_boot() {
  local name=$1; shift
  local args=() n=0 serial file fwd=""
  for disk in "$@"; do
    IFS=: read -r _ serial file <<< "$disk"
    n=$((n + 1))
    args+=(-drive "file=$file,if=none,id=v$n,format=raw,cache=unsafe" -device "nvme,drive=v$n,serial=$serial,id=$serial")
  done
  fwd="guestfwd=tcp:169.254.169.254:80-cmd:busybox nc 127.0.0.1 $(m_port imds)"
  fwd+=",guestfwd=tcp:169.254.169.100:443-cmd:busybox nc 127.0.0.1 $(m_port ec2)"
  fwd+=",guestfwd=tcp:169.254.169.101:443-cmd:busybox nc 127.0.0.1 $(m_port kms)"
  fwd+=",guestfwd=tcp:169.254.169.102:443-cmd:busybox nc 127.0.0.1 $(m_port cloudformation)"
  fwd+=",guestfwd=tcp:169.254.169.103:443-cmd:busybox nc 127.0.0.1 $(m_port s3)"
  fwd+=",guestfwd=tcp:169.254.169.5:5000-cmd:busybox nc 127.0.0.1 5000"
  fwd+=",hostfwd=tcp:127.0.0.1:$M_SSH-:22,hostfwd=tcp:127.0.0.1:$M_SSH2-:2222"
  fwd+=",hostfwd=tcp:127.0.0.1:$M_APP-:8080,hostfwd=tcp:127.0.0.1:$M_CLOSED-:9999"
  M_CONSOLE=$M_LOGS/console-$name.log
  rm -f "$M_WORK/qemu.pid" "$M_WORK/qmp.sock"
  M_BOOT_START=$SECONDS
  # thread=single: both vCPUs emulated by one host thread. With one thread per vCPU (MTTCG) the
  # guest twice locked up for good, both vCPUs spinning at the same instruction in nf_conntrack
  # (hash_conntrack_raw) right after the firewall step enabled connection tracking, with RCU
  # stalls and soft lockups, and sshd never came (machine_qemu, 2 of about 6 runs). One thread
  # made machine_qemu about two minutes slower (11 min 14 s for its 45 checks) and ended it.
  nsenter --net="/run/netns/$DK_NS" qemu-system-x86_64 -accel tcg,thread=single -M pc -smp 2 -m 2048 -nodefaults -no-user-config \
    -display none -serial "file:$M_CONSOLE" -monitor none -pidfile "$M_WORK/qemu.pid" \
    -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
    -drive "if=pflash,format=raw,file=$M_WORK/vars.fd" \
    -drive "file=$M_DISK,if=none,id=root,format=raw,cache=unsafe" -device virtio-blk-pci,drive=root \
    -netdev "user,id=n0,net=169.254.169.0/24,restrict=on,$fwd" -device virtio-net-pci,netdev=n0,romfile= \
    -qmp "unix:$M_WORK/qmp.sock,server=on,wait=off" ${args[@]+"${args[@]}"} < /dev/null > "$M_WORK/qemu-$name.log" 2>&1 &
  M_QEMU_PID=$!
}

m_banner() { # PORT: the SSH-2.0 banner (QEMU accepts a forwarded connect even with no listener)
  dk_ns timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1; head -c 7 <&3" 2>/dev/null | grep -q SSH-2.0
}

machine_wait_ssh() {
  local deadline=$((SECONDS + $1))
  while [ $SECONDS -lt $deadline ]; do
    if ! dk_alive "$M_QEMU_PID"; then m_log "QEMU exited; $(tail -3 "$M_WORK"/qemu-*.log)"; return 1; fi
    m_banner "$M_LOGIN" && return 0
    sleep 2
  done
  return 1
}

machine_ssh() {
  dk_ns ssh -q -i "$M_WORK/id" -p "$M_LOGIN" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o BatchMode=yes -o ConnectTimeout=20 root@127.0.0.1 "$@"
}

# machine_wait_signal STATUS COUNT SECONDS: until signals.jsonl holds COUNT signals of STATUS.
machine_signals() {
  local n
  n=$(grep -c "\"status\": \"$1\"" "$M_STANDIN/signals.jsonl" 2>/dev/null)
  echo "${n:-0}"
}
machine_wait_signal() {
  local deadline=$((SECONDS + $3))
  while [ $SECONDS -lt $deadline ]; do
    [ "$(machine_signals "$1")" -ge "$2" ] && return 0
    dk_alive "$M_QEMU_PID" || return 1
    sleep 2
  done
  return 1
}

# machine_wait_console PATTERN SECONDS: until the console shows the (grep -E) pattern.
machine_wait_console() {
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    grep -qaE "$1" "$M_CONSOLE" 2>/dev/null && return 0
    dk_alive "$M_QEMU_PID" || return 1
    sleep 2
  done
  return 1
}

# machine_poweroff SECONDS: asks the guest to power off over ssh, and asks again every 60 s while
# sshd still answers (a shutdown stops sshd early, so an answer means the request was lost);
# returns non-zero when the guest is still up at the deadline (then killed), with the console's
# last lines in the log, so that a slow or hung shutdown is explained.
machine_poweroff() {
  local deadline=$((SECONDS + $1)) next_ask=$SECONDS first=""
  while dk_alive "$M_QEMU_PID" && [ $SECONDS -lt $deadline ]; do
    if [ $SECONDS -ge $next_ask ]; then
      next_ask=$((SECONDS + 5))
      if machine_ssh 'systemctl --no-block poweroff && echo requested' 2>&1 | grep -q requested; then
        [ -n "$first" ] && m_log "poweroff: sshd still answered $((SECONDS - first)) s after the request; asked again; console: $(m_console_tail)"
        first=${first:-$SECONDS}
        next_ask=$((SECONDS + 60))
      fi
    fi
    sleep 1
  done
  if dk_alive "$M_QEMU_PID"; then m_log "the guest did not power off within $1 s; stopping QEMU; console: $(m_console_tail)"; machine_kill; return 1; fi
  wait "$M_QEMU_PID" 2>/dev/null
  M_QEMU_PID=""
}

m_console_tail() { printf '\n'; tail -c 3000 "$M_CONSOLE" 2>/dev/null | tr -d '\r' | tail -12 | sed 's/^/  | /'; }

machine_kill() {
  [ -n "$M_QEMU_PID" ] && dk_stop_pid "$M_QEMU_PID" 10
  M_QEMU_PID=""
}

machine_stop() {
  machine_kill
  [ -n "$M_STANDIN_PID" ] && dk_stop_pid "$M_STANDIN_PID" 5
  M_STANDIN_PID=""
  dk_env_stop
  [ -n "${M_WORK:-}" ] && rm -rf "$M_WORK"
}

# machine_plugged: the NVMe disks EC2 attached, as machine_boot arguments (for the next boot).
machine_plugged() {
  python3 -c 'import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["event"] == "plugged": print("nvme:%s:%s" % (e["serial"], e["image"]))' "$M_STANDIN/volume-events.jsonl" 2>/dev/null | sort -u
}

# machine_figures NAME: from kernel start (the guest's btime) to each stage's end and to
# SUCCESS, the units' CPU time, sshd and dockerd; kept in $M_LOGS/figures-NAME.txt.
machine_figures() {
  local raw=$M_LOGS/figures-$1.raw
  machine_ssh 'echo btime $(awk "/^btime/ {print \$2}" /proc/stat); for s in early system late; do echo report $s $(cat /run/taupage/report-$s.json); done
systemctl show -p CPUUsageNSec --value taupage-system.service taupage-late.service | tr "\n" " "; echo
systemctl show -p ActiveEnterTimestampMonotonic --value docker.service ssh.service taupage-late.service | tr "\n" " "; echo
echo early-times $(tail -1 /run/taupage/early-times 2>/dev/null)' > "$raw" 2>&1
  python3 - "$raw" "$M_STANDIN/signals.jsonl" <<'P' | tee "$M_LOGS/figures-$1.txt"
import json, sys, datetime
lines = open(sys.argv[1]).read().splitlines()
btime = int(lines[0].split()[1])
for l in lines[1:4]:
    _, stage, doc = l.split(" ", 2)
    rep = json.loads(doc)
    start = datetime.datetime.fromisoformat(rep["started"].replace("Z", "+00:00")).timestamp()
    print("%-7s stage ended %6.1f s after kernel start (the stage itself: %5.1f s)" % (stage, start + rep["seconds"] - btime, rep["seconds"]))
cpu = [int(x) for x in lines[4].split() if x.isdigit()]
mono = [int(x) for x in lines[5].split()]
print("sshd active %.1f s, dockerd active %.1f s, late stage unit done %.1f s after kernel start" % (mono[1] / 1e6, mono[0] / 1e6, mono[2] / 1e6))
def seconds(t):  # the shell's "times": 0m1.23s
    m, _, sec = t.rstrip("s").partition("m")
    return int(m) * 60 + float(sec)
early = lines[6].split()[1:]
early_cpu = sum(seconds(t) for t in early) if len(early) == 2 else float("nan")
print("Taupage's CPU time: early stage %.2f s (with the mkfs it ran), system and late units %.2f s" % (early_cpu, sum(cpu) / 1e9))
P
}
