#!/usr/bin/env bash
# The whole machine: the Debian 12 image of `make image` (Taupage installed from its .deb) booted
# in QEMU (TCG, UEFI) as an EC2 instance against the stand-ins of scripts/image/machine.sh: IMDS
# serves the user data, EC2 hot-plugs the NVMe volumes over QMP, KMS decrypts the secret,
# CloudFormation counts the signals, the guest's dockerd pulls from a registry on loopback.
# Boots of the same disks:
#   first    two EBS volumes by Name in RAID 0 with ext4, tmpfs, ports, ssh_ports, a KMS secret,
#            the container and its health check, notify_cfn: everything checked from outside
#            (ssh, the forwarded ports, the stand-in's records) and from the console; the order of
#            DNS servers Taupage reads from the guest's DHCP and resolver files
#   second   no AttachVolume, the array assembled (same creation time), the data and the container kept
#   failure  a volume that does not exist, ssh_ports: [2222] only: one FAILURE, the console
#            paragraph, the operator logs in on 2222 (22 is closed), disks unchanged
#   invalid  user data with an error: one FAILURE, the console names it, disks unchanged; the
#            firewall is closed all the same, to sshd's port as the failure boot left sshd
#            configured (2222): the login works there, a server on 22 (a port the invalid user
#            data names) and on 9999 answers inside the guest but not from outside
# Every wait is bounded (a clean power-off may take minutes under TCG on a busy machine); the
# time of each boot is printed ("time ..." lines).
# Prints "N passed, N failed" last; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/storage/qemu.sh   # pass, flunk, finish
source scripts/image/machine.sh
trap machine_stop EXIT
M_LOGS=build/machine-qemu

machine_start || { flunk setup "$M_SETUP_ERROR"; finish; }
pass "image-built"
echo "time image ${M_IMAGE_SECONDS}s (cached root tree after the first build)"

secret="machine-secret-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
cipher=$(dk_ns python3 tests/standin/aws_standin.py encrypt "$M_STANDIN" alias/app "$secret") || { flunk encrypt; finish; }
user_data() { # EXTRA_EBS RESOURCE [SSH_PORTS]
  cat <<Y
#taupage-ami-config
application_id: machine-test
application_version: "1.0"
runtime: Docker
source: 169.254.169.5:5000/dk/web:1.0
ports:
  8080: 8080
ssh_ports: ${3:-[22, 2222]}
health_check_path: /
health_check_timeout_seconds: 180
environment:
  SHOP_MODE: machine
  DB_PASSWORD: aws:kms:$cipher
volumes:
  ebs:
    /dev/sdf: machine-data-a
    /dev/sdg: machine-data-b$1
  raid:
    /dev/md/data:
      level: 0
      devices: [/dev/xvdf, /dev/xvdg]
mounts:
  /data:
    partition: /dev/md/data
    filesystem: ext4
  /scratch:
    partition: none
    filesystem: tmpfs
    options: size=64m
notify_cfn:
  stack: machine-stack
  resource: $2
Y
}
# check NAME PYTHON: runs the Python with `r` (the reports by stage), `boot_id`, `inspect`
# (docker inspect of the container, or None) and `w` (the work folder); exit 0 is a pass.
check() {
  local name=$1 code=$2
  if python3 - "$M_WORK/guest" > "$M_WORK/check.out" 2>&1 <<P
import json, os, sys
g = sys.argv[1]
def load(n):
    try:
        return json.load(open(os.path.join(g, n)))
    except Exception:
        return None
r = {s: load("report-%s.json" % s) for s in ("early", "system", "late")}
boot_id = open(os.path.join(g, "boot_id")).read().strip() if os.path.exists(os.path.join(g, "boot_id")) else ""
inspect = (load("inspect.json") or [None])[0]
def outcome(stage, step):
    return {s["step"]: s["outcome"] for s in (r[stage] or {}).get("steps", [])}.get(step)
def detail(stage, step):
    return {s["step"]: s["detail"] for s in (r[stage] or {}).get("steps", [])}.get(step, "")
$code
P
  then pass "$phase/$name"; else flunk "$phase/$name" "$(tail -3 "$M_WORK/check.out" | tr '\n' ' ')"; fi
}
# fetch: what the checks read from the guest, over ssh.
fetch() {
  rm -rf "$M_WORK/guest"; mkdir -p "$M_WORK/guest"
  local f
  for f in report-early.json report-system.json report-late.json early-ran-in; do
    machine_ssh cat "/run/taupage/$f" > "$M_WORK/guest/$f" 2>/dev/null || rm -f "$M_WORK/guest/$f"
  done
  machine_ssh cat /proc/sys/kernel/random/boot_id > "$M_WORK/guest/boot_id"
  machine_ssh docker inspect taupageapp > "$M_WORK/guest/inspect.json" 2>/dev/null || rm -f "$M_WORK/guest/inspect.json"
}
# wait_late SECONDS: until taupage-late.service has finished (active or failed).
wait_late() {
  local deadline=$((SECONDS + $1)) state
  while [ $SECONDS -lt $deadline ]; do
    state=$(machine_ssh systemctl is-active taupage-late.service 2>/dev/null)
    case "$state" in active|failed|inactive) [ "$state" != inactive ] || [ -n "$(machine_ssh systemctl show -p ExecMainExitTimestampMonotonic --value taupage-late.service | tr -d 0)" ] && return 0 ;; esac
    sleep 3
  done
  return 1
}
boot_or_fail() { # NAME DISKS...: boots and waits for sshd, or counts a failure and stops the suite
  local name=$1; shift
  machine_boot "$name" "$@"
  if machine_wait_ssh 300; then
    echo "time $name: sshd answers ${M_SSH_SECONDS:=$((SECONDS - M_BOOT_START))}s after QEMU started"
    pass "$name/sshd-answers"
  else
    flunk "$name/sshd-answers" "no SSH banner within 300 s; the end of $M_CONSOLE:"
    tail -n 30 "$M_CONSOLE" | sed 's/^/   | /'
    finish
  fi
  unset M_SSH_SECONDS
}
images_hash() { sha256sum "$M_WORK"/volumes/*.img | cut -c1-64 | tr '\n' ' '; }
md_ctime() { mdadm --examine "$M_WORK/volumes/vol-0c0ffee00000000a1.img" 2>/dev/null | sed -n 's/^ *Creation Time : //p'; }
events() { grep -c "\"event\": \"$1\"" "$M_STANDIN/volume-events.jsonl" 2>/dev/null || true; }

# ---- first boot
phase=first
user_data "" WebServerGroup | machine_user_data
boot_or_fail first
if machine_wait_signal SUCCESS 1 600; then
  echo "time first: CloudFormation SUCCESS $((SECONDS - M_BOOT_START))s after QEMU started"
  pass "first/success-signalled"
else
  flunk "first/success-signalled" "no SUCCESS within 600 s; the end of the console:"; tail -n 30 "$M_CONSOLE" | sed 's/^/   | /'
fi
wait_late 120 || flunk "first/late-finished" "taupage-late.service did not finish"
fetch
check early-ran-in-initramfs "sys.exit(open(os.path.join(g, 'early-ran-in')).read().strip() != 'initramfs')"
check early-attached-assembled-formatted-mounted "
e = r['early']; ok = e and e['ok'] and all(outcome('early', s) in ('created', 'changed') for s in ('firewall', 'volumes', 'raid', 'mounts'))
print(e); sys.exit(0 if ok else 1)"
check three-reports-one-boot-id "
ids = [(r[s] or {}).get('boot_id') for s in r]; print(ids, boot_id); sys.exit(0 if boot_id and ids == [boot_id] * 3 and all(r[s]['ok'] for s in r) else 1)"
# The early stage's last line comes before systemd's first: the firewall was in place before any
# unit (sshd, dockerd) started.
early_line=$(grep -an 'early stage done' "$M_CONSOLE" | head -1 | cut -d: -f1)
systemd_line=$(grep -anE 'systemd\[1\]|Welcome to .*Debian' "$M_CONSOLE" | head -1 | cut -d: -f1)
if [ -n "$early_line" ] && [ -n "$systemd_line" ] && [ "$early_line" -lt "$systemd_line" ]; then
  pass "first/console-early-before-systemd"
else
  flunk "first/console-early-before-systemd" "early done at console line ${early_line:-none}, systemd at ${systemd_line:-none}"
fi
if m_banner "$M_SSH2"; then pass "first/sshd-on-2222"; else flunk "first/sshd-on-2222" "no banner on the second ssh port"; fi
check container-999-secret-mount-port-apparmor "
c = inspect['Config']; h = inspect['HostConfig']
env = dict(e.split('=', 1) for e in c['Env'])
mounts = {m['Destination']: m['Source'] for m in inspect['Mounts']}
ok = (c['User'] == '999:999' and env.get('DB_PASSWORD') == '$secret' and env.get('SHOP_MODE') == 'machine'
      and mounts.get('/data') == '/mounts/data' and '8080/tcp' in h['PortBindings'] and inspect['State']['Running']
      and inspect['AppArmorProfile'] == 'docker-default')
print(c['User'], sorted(env), mounts, h['PortBindings']); sys.exit(0 if ok else 1)"
guest_state=$(machine_ssh 'cat /proc/mdstat; awk "\$2 ~ /^\/mounts\// {print \$2, \$3}" /proc/mounts; stat -c "owner %u:%g" /mounts/data' 2>&1)
echo "$guest_state" > "$M_WORK/guest-state"
if grep -q 'active raid0' <<< "$guest_state" && grep -qx '/mounts/data ext4' <<< "$guest_state" &&
   grep -qx '/mounts/scratch tmpfs' <<< "$guest_state" && grep -q 'owner 999:999' <<< "$guest_state"; then
  pass "first/raid0-ext4-tmpfs-owned-999"
else
  flunk "first/raid0-ext4-tmpfs-owned-999" "$(tr '\n' ' ' <<< "$guest_state")"
fi
answer=$(dk_ns curl -s -m 20 "http://127.0.0.1:$M_APP/")
if [ "$answer" = "hello from dk/web 1.0" ]; then pass "first/application-answers"; else flunk "first/application-answers" "got '$answer'"; fi
# A port no configuration opens: a server in the guest answers on loopback, not from outside.
machine_ssh 'mkdir -p /tmp/closed && echo closed-port-open > /tmp/closed/index.html && busybox httpd -p 9999 -h /tmp/closed' > /dev/null 2>&1
inside=$(machine_ssh 'busybox wget -q -O- http://127.0.0.1:9999/' 2>&1)
dk_ns curl -s -m 8 "http://127.0.0.1:$M_CLOSED/" > "$M_WORK/closed.out" 2>&1
closed_rc=$?
if [ "$inside" = closed-port-open ] && [ "$closed_rc" = 28 ]; then
  pass "first/unconfigured-port-dropped"
else
  flunk "first/unconfigured-port-dropped" "inside: '$inside'; from outside curl exit $closed_rc (28 = timed out, the packets dropped)"
fi
if [ "$(machine_signals SUCCESS)" = 1 ] && [ "$(machine_signals FAILURE)" = 0 ]; then
  pass "first/exactly-one-success"
else
  flunk "first/exactly-one-success" "$(cat "$M_STANDIN/signals.jsonl")"
fi
# The image's hardening, as an operator would check it.
hardening=$(machine_ssh 'echo suid:$(find / -xdev -type f -perm /6000 | wc -l)
echo passwords:$(awk -F: "\$2 !~ /^[!*]/" /etc/shadow | wc -l)
echo sysctl:$(sysctl -n net.ipv4.conf.all.accept_redirects net.ipv4.conf.all.send_redirects net.ipv4.conf.all.accept_source_route net.ipv4.conf.all.rp_filter net.ipv4.tcp_syncookies | tr "\n" ,)
echo sshd:$(sshd -T | grep -E "^(passwordauthentication|kbdinteractiveauthentication|permitrootlogin) " | sort | tr "\n" ,)
echo uid999:$(id -un 999):$(getent group 999 | cut -d: -f1)
echo absent:$(for p in python3 gcc cc cloud-init mdadm nft apt-get; do command -v $p; done | tr "\n" ,)
echo sources:$(ls /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | wc -l)' 2>&1)
echo "$hardening" > "$M_LOGS/hardening.txt"
expect_line() { if grep -qxF "$2" <<< "$hardening"; then pass "first/hardening-$1"; else flunk "first/hardening-$1" "$(grep "^${2%%:*}:" <<< "$hardening")"; fi; }
expect_line no-suid "suid:0"
expect_line no-passwords "passwords:0"
expect_line sysctls "sysctl:0,0,0,1,1,"
expect_line sshd-keys-only "sshd:kbdinteractiveauthentication no,passwordauthentication no,permitrootlogin without-password,"
expect_line uid-gid-999 "uid999:application:application"
expect_line no-compiler-python-cloud-init "absent:/usr/bin/apt-get,"
expect_line no-apt-sources "sources:0"
# DNS as Taupage orders it on this machine, from the files initramfs-tools, systemd-networkd and
# systemd-resolved really wrote. QEMU's restricted user network sends no DNS server in its DHCP
# answer (/run/net-ens3.conf, kept in /run from the initramfs, says IPV4DNS0='0.0.0.0'; the
# lease has no DNS=; resolved knows none), so the DHCP files add nothing and the order is the
# root's stub, then the VPC resolver last; the DHCP answer first is unit-tested with these files'
# formats. Nothing answers here (the restricted network drops DNS): the order is what is checked,
# from the debug line; .invalid ends at the stub's NXDOMAIN.
dns=$(machine_ssh 'grep -h "^IPV4DNS0=" /run/net-*.conf; TAUPAGE_DEBUG=1 AWS_ENDPOINT_URL_KMS=https://kms.machine.invalid AWS_REGION=eu-west-1 \
  AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b AWS_MAX_ATTEMPTS=1 timeout 60 taupage decrypt aws:kms:AQID 2>&1 | grep "dns: "' 2>&1)
echo "$dns" > "$M_LOGS/dns-first.txt"
if [ "$dns" = "IPV4DNS0='0.0.0.0'
dns: nameservers in order: 127.0.0.53 (/etc/resolv.conf), 169.254.169.253 (the VPC resolver)" ]; then
  pass "first/dns-order-from-the-guests-files"
else
  flunk "first/dns-order-from-the-guests-files" "$(tr '\n' ' ' <<< "$dns")"
fi
# Figures: from kernel start (the guest's boot time) to each stage's end, and Taupage's CPU.
machine_figures first | sed 's/^/time first: /'
container_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Id"])' "$M_WORK/guest/inspect.json" 2>/dev/null)
marker=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
machine_ssh "echo $marker > /mounts/data/marker && sync" || flunk "first/write-marker"
machine_poweroff 300 && pass "first/powers-off" || flunk "first/powers-off"
ctime_first=$(md_ctime)
attach_first=$(events AttachVolume)
mapfile -t plugged < <(machine_plugged)
[ "${#plugged[@]}" = 2 ] || flunk "first/two-volumes-plugged" "${plugged[*]}"

# ---- second boot of the same disks
phase=second
boot_or_fail second "${plugged[@]}"
wait_late 600 || flunk "second/late-finished" "taupage-late.service did not finish in 600 s"
echo "time second: late stage finished by $((SECONDS - M_BOOT_START))s after QEMU started"
fetch
# The tmpfs is new on every boot (so the mounts step says created), the ext4 on the array is not
# formatted again; the container, stopped at shutdown, is started again (changed, same id).
check all-stages-ok-nothing-formatted "
ok = all(r[s] and r[s]['ok'] for s in r) and outcome('early', 'volumes') == 'kept' and outcome('early', 'raid') == 'kept' \
    and outcome('early', 'mounts') in ('kept', 'created') and 'format' not in detail('early', 'mounts') \
    and outcome('late', 'container') in ('kept', 'changed')
print([(s, r[s] and [(x['step'], x['outcome'], x['detail']) for x in r[s]['steps']]) for s in r]); sys.exit(0 if ok else 1)"
check container-kept-same-id "sys.exit(0 if inspect and inspect['Id'] == '$container_id' and inspect['State']['Running'] else 1)"
got=$(machine_ssh cat /mounts/data/marker 2>&1)
[ "$got" = "$marker" ] && pass "second/data-intact" || flunk "second/data-intact" "got '$got'"
[ "$(events AttachVolume)" = "$attach_first" ] && pass "second/no-AttachVolume" || flunk "second/no-AttachVolume" "$(events AttachVolume) AttachVolume events, $attach_first after the first boot"
[ "$(machine_signals SUCCESS)" = 1 ] && pass "second/no-second-signal-accepted" || flunk "second/no-second-signal-accepted" "$(cat "$M_STANDIN/signals.jsonl")"
machine_poweroff 300 || flunk "second/powers-off"
ctime_second=$(md_ctime)
if [ -n "$ctime_first" ] && [ "$ctime_first" = "$ctime_second" ]; then pass "second/array-assembled-same-creation-time"
else flunk "second/array-assembled-same-creation-time" "'$ctime_first' then '$ctime_second'"; fi

# ---- failure boots: a missing volume, then invalid user data
# From here on the operator logs in on 2222: the failure boot's ssh_ports, which its system stage
# gave sshd, and the port the invalid boot's firewall reads back from sshd's configuration.
M_LOGIN=$M_SSH2
for phase in failure invalid; do
  before=$(images_hash)
  if [ "$phase" = failure ]; then
    user_data $'\n    /dev/sdh: machine-missing' FailGroup '[2222]' | machine_user_data
    cause='early stage FAILED at step volumes.*machine-missing'
  else
    user_data "" InvalidGroup | sed 's/^  8080: 8080$/  8080: 8080\/upd/' | machine_user_data
    cause='unknown protocol "upd"'
  fi
  boot_or_fail "$phase" "${plugged[@]}"
  if machine_wait_signal FAILURE "$([ $phase = failure ] && echo 1 || echo 2)" 300; then
    echo "time $phase: CloudFormation FAILURE $((SECONDS - M_BOOT_START))s after QEMU started"
  fi
  resource=$([ $phase = failure ] && echo FailGroup || echo InvalidGroup)
  n=$(grep -c "\"resource\": \"$resource\", .*\"status\": \"FAILURE\"" "$M_STANDIN/signals.jsonl")
  [ "$n" = 1 ] && pass "$phase/one-failure-signalled" || flunk "$phase/one-failure-signalled" "$n FAILURE signals for $resource"
  if grep -qaE "$cause" "$M_CONSOLE"; then pass "$phase/console-names-cause"; else flunk "$phase/console-names-cause" "no /$cause/ on the console"; fi
  if [ $phase = failure ]; then
    grep -qa 'THE EARLY STAGE FAILED' "$M_CONSOLE" && pass "$phase/console-paragraph" || flunk "$phase/console-paragraph"
  fi
  # boot_or_fail waited for sshd's banner on 2222; 22 is neither in the firewall nor in sshd.
  if machine_ssh true && ! m_banner "$M_SSH"; then pass "$phase/login-on-2222-only"
  else flunk "$phase/login-on-2222-only" "ssh on 2222 or no banner on 22 failed"; fi
  if [ $phase = invalid ]; then
    fetch
    check firewall-closed-to-sshds-port "
d = detail('early', 'firewall'); print(outcome('early', 'firewall'), d)
sys.exit(0 if outcome('early', 'firewall') == 'created' and \"only sshd's port 2222 open\" in d else 1)"
    if grep -qaE "only sshd's port 2222 open \(from /root/etc/ssh/sshd_config, .*sshd_config.d/taupage.conf\)" "$M_CONSOLE"; then
      pass "$phase/console-names-sshds-port"
    else
      flunk "$phase/console-names-sshds-port" "$(grep -a 'firewall' "$M_CONSOLE" | head -3 | tr '\n' ' ')"
    fi
    # Servers on 22 (in the invalid user data's ssh_ports; sshd is not there) and on 9999: they
    # answer inside the guest, and from outside the packets are dropped (curl times out: 28).
    machine_ssh 'mkdir -p /tmp/closed && echo closed-port-open > /tmp/closed/index.html && busybox httpd -p 22 -h /tmp/closed && busybox httpd -p 9999 -h /tmp/closed' > /dev/null 2>&1
    inside=$(machine_ssh 'busybox wget -q -O- http://127.0.0.1:22/; busybox wget -q -O- http://127.0.0.1:9999/' 2>&1 | tr '\n' ' ')
    dk_ns curl -s -m 8 "http://127.0.0.1:$M_SSH/" > /dev/null 2>&1; rc22=$?
    dk_ns curl -s -m 8 "http://127.0.0.1:$M_CLOSED/" > /dev/null 2>&1; rc9999=$?
    if [ "$inside" = "closed-port-open closed-port-open " ] && [ "$rc22" = 28 ] && [ "$rc9999" = 28 ]; then
      pass "$phase/other-ports-dropped"
    else
      flunk "$phase/other-ports-dropped" "inside: '$inside'; from outside curl exit $rc22 on 22, $rc9999 on 9999 (28 = timed out, the packets dropped)"
    fi
  fi
  wait_late 120 > /dev/null
  state=$(machine_ssh 'systemctl is-active taupage-late.service; docker ps -q --filter name=taupageapp | wc -l' 2>&1 | tr '\n' ' ')
  [ "$state" = "failed 0 " ] && pass "$phase/late-stage-did-not-run" || flunk "$phase/late-stage-did-not-run" "$state"
  machine_poweroff 300 || flunk "$phase/powers-off"
  [ "$(images_hash)" = "$before" ] && pass "$phase/disks-unchanged" || flunk "$phase/disks-unchanged"
done
finish
