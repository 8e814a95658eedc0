#!/usr/bin/env bash
# The system stage's log steps for real: `taupage boot --stage system` under a temporary --root
# against the AWS stand-in (IMDS for the instance's attributes, KMS for the account keys, every
# signature checked by botocore). The Scalyr agent's agent.json and the Logentries agent's config
# are read back field by field; the rsyslog rule is loaded by the real rsyslogd (rsyslogd -N1,
# then a private rsyslogd fed the line format Docker's syslog driver sends) and the logrotate
# policy by the real logrotate, both in a private mount namespace with a tmpfs on /var/log (root's,
# 0755, as on Debian), so the host's logs are never touched. Also: plan and --dry-run, a second
# boot that keeps the files, a root without rsyslog, and a key KMS refuses. No key may reach
# stdout, stderr or the report.
# Ends with "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
TAUPAGE=${TAUPAGE_BIN:-$PWD/build/taupage}
WORK=$(mktemp -d /tmp/logging-it.XXXXXX)
STANDIN_PID=
RSYSLOG_PID=
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok    $1"; }
bad() { failed=$((failed + 1)); echo "FAIL  $1"; [ $# -gt 1 ] && echo "      $2"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got $(printf %q "$2"), want $(printf %q "$3")"; fi; }
contains() { if [[ "$2" == *"$3"* ]]; then ok "$1"; else bad "$1" "no $(printf %q "$3") in: $(echo "$2" | tail -5)"; fi; }
lacks() { if [[ "$2" != *"$3"* ]]; then ok "$1"; else bad "$1" "$(printf %q "$3") found"; fi; }
finish() {
  for pid in $RSYSLOG_PID $STANDIN_PID; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
  echo "$passed passed, $failed failed"
  [ $failed -eq 0 ]
}
trap finish EXIT

if [ ! -x "$TAUPAGE" ]; then bad "taupage binary at $TAUPAGE"; exit 1; fi
S=$WORK/standin
mkdir -p "$S"
python3 tests/standin/aws_standin.py --dir "$S" > "$WORK/standin.log" 2>&1 &
STANDIN_PID=$!
for _ in $(seq 100); do [ -f "$S/ready" ] && break; sleep 0.1; done
if [ ! -f "$S/ready" ]; then bad "the AWS stand-in starts" "$(tail -3 "$WORK/standin.log")"; exit 1; fi
ENV_ENDPOINTS=$(sed 's/^export //' "$S/env" | tr '\n' ' ')
encrypt() { python3 tests/standin/aws_standin.py encrypt "$S" "$1" "$2"; }
decrypts() { grep -c '"service": "kms", "action": "Decrypt"' "$S/requests.jsonl" 2>/dev/null || true; }
# boot ROOT FILE [OPTIONS...]: the system stage; sets RC, OUT (stdout and stderr).
boot() {
  local root=$1 file=$2; shift 2
  # shellcheck disable=SC2086
  OUT=$(env -i PATH=/usr/bin:/bin $ENV_ENDPOINTS "$TAUPAGE" boot --config "$file" --stage system --root "$root" \
    --state-dir "$WORK/state" "$@" 2>&1)
  RC=$?
}

SCALYR_KEY='scalyr-Acc0unt-key-plain'
LE_KEY='logentries-Acc0unt-key-plain'
SCALYR_CIPHER=$(encrypt alias/app "$SCALYR_KEY")
LE_CIPHER=$(encrypt alias/app "$LE_KEY")
DENIED_CIPHER=$(encrypt alias/denied "$SCALYR_KEY")

ROOT=$WORK/root
mkdir -p "$ROOT/etc/logrotate.d" "$WORK/state"
echo '# the image has rsyslog' > "$ROOT/etc/rsyslog.conf"
cat > "$WORK/user-data.yaml" <<EOF
#taupage-ami-config
application_id: log-app
application_version: "3.1"
runtime: Docker
source: registry.example.org:5000/team/log-app:3.1
notify_cfn: {stack: log-stack, resource: Group}
scalyr_account_key: "aws:kms:$SCALYR_CIPHER"
scalyr_region: eu
scalyr_application_log_parser: customParser
logentries_account_key: "aws:kms:$LE_CIPHER"
application_logrotate_size: 50m
application_logrotate_interval: daily
application_logrotate_rotate: 7
EOF

# --- plan and dry run: each action, no key, nothing written --------------------------------
plan=$("$TAUPAGE" plan "$WORK/user-data.yaml" 2>&1)
contains "plan: applog routes the tagged lines" "$plan" "system  applog     the container's lines (syslog tag docker/log-app) to /var/log/application.log, only the message"
contains "plan: applog's rotation, from lines 11-13" "$plan" "/var/log/application.log rotated daily or past 50M, 7 kept, compressed one rotation late (logrotate policy /etc/logrotate.d/taupage-application) (lines 11-13)"
contains "plan: the Scalyr agent with the EU server" "$plan" "system  logagents  Scalyr agent: /etc/scalyr-agent-2/agent.json (root 0600) with scalyr_account_key **** (aws:kms:, decrypted with KMS at boot), server https://upload.eu.scalyr.com (scalyr_region eu)"
contains "plan: the Logentries agent" "$plan" "Logentries agent: /etc/le/config (root 0600) with logentries_account_key ****"
lacks "plan: no ciphertext" "$plan" "$SCALYR_CIPHER"
before=$(decrypts)
boot "$ROOT" "$WORK/user-data.yaml" --dry-run
check "dry run: exit 0" "$RC" 0
check "dry run: nothing written, KMS not asked" "$(find "$ROOT/etc" -mindepth 1 | sort | tr '\n' ' ')$(decrypts)" \
  "$ROOT/etc/logrotate.d $ROOT/etc/rsyslog.conf $before"

# --- the system stage ----------------------------------------------------------------------
boot "$ROOT" "$WORK/user-data.yaml"
check "boot: exit 0" "$RC" 0
report=$WORK/state/report-system.json
check "report: applog and logagents created" "$(jq -r '[.steps[] | select(.step == "applog" or .step == "logagents") | .step + " " + .outcome] | join(", ")' "$report")" \
  "applog created, logagents created"
check "KMS decrypted both keys (signatures checked by botocore)" "$(decrypts)" "$((before + 2))"
all_output="$OUT $(cat "$report")"
lacks "no Scalyr key in the output or the report" "$all_output" "$SCALYR_KEY"
lacks "no Logentries key in the output or the report" "$all_output" "$LE_KEY"

agent=$ROOT/etc/scalyr-agent-2/agent.json
check "agent.json: root's alone (0600)" "$(stat -c '%a %u' "$agent")" "600 0"
j() { jq -r "$1" "$agent"; }
check "agent.json: api_key is the decrypted key" "$(j .api_key)" "$SCALYR_KEY"
check "agent.json: scalyr_server by scalyr_region" "$(j .scalyr_server)" "https://upload.eu.scalyr.com"
check "agent.json: the original's settings" "$(j '[.compressionType, .max_line_size, .read_page_size, .max_log_offset_size, .implicit_agent_process_metrics_monitor, .implicit_metric_monitor] | map(tostring) | join(" ")')" \
  "bz2 49900 131072 30000000 false false"
check "agent.json: serverHost" "$(j .server_attributes.serverHost)" "log-app"
check "agent.json: application_id" "$(j .server_attributes.application_id)" "log-app"
check "agent.json: application_version" "$(j .server_attributes.application_version)" "3.1"
check "agent.json: stack" "$(j .server_attributes.stack)" "log-stack"
check "agent.json: source" "$(j .server_attributes.source)" "registry.example.org:5000/team/log-app:3.1"
check "agent.json: image (the source without its tag)" "$(j .server_attributes.image)" "registry.example.org:5000/team/log-app"
check "agent.json: aws_region (from IMDS)" "$(j .server_attributes.aws_region)" "eu-central-1"
check "agent.json: aws_account" "$(j .server_attributes.aws_account)" "123456789012"
check "agent.json: aws_ec2_instance_id" "$(j .server_attributes.aws_ec2_instance_id)" "i-0standin00000001"
check "agent.json: aws_ec2_hostname" "$(j .server_attributes.aws_ec2_hostname)" "ip-10-0-0-12.eu-central-1.compute.internal"
check "agent.json: no other attribute" "$(j '.server_attributes | length')" 10
check "agent.json: the four logs and their parsers" "$(j '[.logs[] | .path + "=" + .attributes.parser + (if .copy_from_start then "" else "!" end)] | join(" ")')" \
  "/var/log/syslog=systemLog /var/log/auth.log=systemLog /var/log/audit.log=systemLog /var/log/application.log=customParser"
check "agent.json: JSON web tokens redacted in the application log only" "$(j '[.logs[] | (.redaction_rules // [] | length)] | map(tostring) | join(" ")')" "0 0 0 1"
check "agent.json: the redaction rule matches a token" \
  "$(python3 -c 'import json,re,sys; r=json.load(open(sys.argv[1]))["logs"][3]["redaction_rules"][0]; print(re.sub(r["match_expression"], r["replacement"], "auth eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4fw end"))' "$agent")" \
  "auth +++JWT_TOKEN_REDACTED+++ end"

le=$ROOT/etc/le/config
check "le config: root's alone (0600)" "$(stat -c '%a %u' "$le")" "600 0"
check "le config: the key and the local list" "$(python3 -c 'import configparser,sys; c=configparser.ConfigParser(); c.read(sys.argv[1]); print(c["Main"]["user-key"], c["Main"]["pull-server-side-config"])' "$le")" \
  "$LE_KEY False"
check "le config: four logs, each to log-app-3.1/<file>" \
  "$(python3 -c 'import configparser,sys; c=configparser.ConfigParser(); c.read(sys.argv[1]); print(" ".join(s + ":" + c[s]["path"] + ">" + c[s]["destination"] for s in c.sections() if s != "Main"))' "$le")" \
  "syslog:/var/log/syslog>log-app-3.1/syslog auth.log:/var/log/auth.log>log-app-3.1/auth.log audit.log:/var/log/audit.log>log-app-3.1/audit.log application.log:/var/log/application.log>log-app-3.1/application.log"

# --- the rsyslog rule in the real rsyslogd -------------------------------------------------
rule=$ROOT/etc/rsyslog.d/24-taupage-application.conf
policy=$ROOT/etc/logrotate.d/taupage-application
check "the rule and the policy: 0644" "$(stat -c %a "$rule" "$policy" | tr '\n' ' ')" "644 644 "
RS=$WORK/rsyslog
mkdir -p "$RS"
cat > "$RS/rsyslog.conf" <<EOF
global(workDirectory="$RS")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$RS/log.sock")
include(file="$rule")
*.* action(type="omfile" file="/var/log/syslog")
EOF
rsyslogd -N1 -f "$RS/rsyslog.conf" > "$WORK/n1.txt" 2>&1
check "rsyslogd -N1 accepts the rule" "$? $(grep -ci error "$WORK/n1.txt")" "0 0"
unshare --mount --propagation private bash -c 'mount -t tmpfs -o mode=0755 tmpfs /var/log && exec rsyslogd -n -iNONE -f "$1"' _ "$RS/rsyslog.conf" \
  > "$WORK/rsyslogd.log" 2>&1 &
RSYSLOG_PID=$!
for _ in $(seq 100); do [ -S "$RS/log.sock" ] && break; sleep 0.1; done
# The line format Docker's syslog driver sends over a unix socket (docker.sh checks it on the wire):
# "<pri>Mmm dd hh:mm:ss docker/<application_id>[<pid>]: <message>".
python3 - "$RS/log.sock" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
stamp = time.strftime("%b %e %H:%M:%S")
for line in ("<30>%s docker/log-app[4242]: 2026-11-29 12:00:00 INFO shop started" % stamp,
             "<30>%s docker/log-app[4242]:   indented continuation" % stamp,
             "<30>%s docker/log-app2[4243]: another application" % stamp,
             "<29>%s sshd[99]: Accepted publickey" % stamp):
    s.sendto(line.encode(), sys.argv[1])
EOF
in_rs() { nsenter -t "$RSYSLOG_PID" -m "$@"; }
for _ in $(seq 50); do in_rs grep -q Accepted /var/log/syslog 2>/dev/null && in_rs test -s /var/log/application.log && break; sleep 0.1; done
check "rsyslog: application.log holds only the messages of docker/log-app" "$(in_rs cat /var/log/application.log 2>&1)" \
  "2026-11-29 12:00:00 INFO shop started
indented continuation"
syslog_lines=$(in_rs cat /var/log/syslog 2>&1)
lacks "rsyslog: the application's lines are not also in syslog" "$syslog_lines" "shop started"
contains "rsyslog: other tags still go to syslog" "$syslog_lines" "docker/log-app2[4243]: another application"
contains "rsyslog: the system's lines still go to syslog" "$syslog_lines" "sshd[99]: Accepted publickey"

# --- the logrotate policy in the real logrotate --------------------------------------------
in_rs logrotate -d -s "$RS/logrotate.state" "$policy" > "$WORK/logrotate-d.txt" 2>&1
check "logrotate -d reads the policy without an error" "$? $(grep -ciE '^error' "$WORK/logrotate-d.txt")" "0 0"
contains "logrotate: daily, 7 rotations" "$(cat "$WORK/logrotate-d.txt")" "after 1 days (7 rotations)"
contains "logrotate: the size limit" "$(cat "$WORK/logrotate-d.txt")" "log files >= 52428800 are rotated earlier"
# A forced rotation in the private /var/log: the file moves to .1, uncompressed one rotation.
in_rs logrotate -f -s "$RS/logrotate.state" "$policy" > "$WORK/logrotate-f.txt" 2>&1
check "logrotate -f: rotated to application.log.1 (compression delayed)" "$(in_rs sh -c 'cd /var/log && ls application.log*' | tr '\n' ' ')" "application.log.1 "

# --- a second boot keeps the files; a root without rsyslog; a key KMS refuses --------------
inode=$(stat -c %i "$agent")
boot "$ROOT" "$WORK/user-data.yaml"
check "second boot: applog and logagents kept" "$RC $(jq -r '[.steps[] | select(.step == "applog" or .step == "logagents") | .outcome] | join(" ")' "$report")" "0 kept kept"
check "second boot: agent.json not rewritten" "$(stat -c %i "$agent")" "$inode"

BARE=$WORK/bare
mkdir -p "$BARE"
boot "$BARE" "$WORK/user-data.yaml" --only applog
check "no rsyslog: exit 0" "$RC" 0
contains "no rsyslog: the lines stay in the journal, said so" "$(jq -r '.steps[0].outcome + ": " + .steps[0].detail' "$report")" \
  "skipped: no rsyslog on this machine ($BARE/etc/rsyslog.conf is missing): the container's lines stay in the journal (journalctl -t docker/log-app)"
check "no rsyslog: nothing written" "$(find "$BARE" -mindepth 1 | wc -l)" 0

sed "s|aws:kms:$SCALYR_CIPHER|aws:kms:$DENIED_CIPHER|" "$WORK/user-data.yaml" > "$WORK/denied.yaml"
before_json=$(cat "$agent")
boot "$ROOT" "$WORK/denied.yaml" --only logagents
check "a key KMS refuses: exit 1" "$RC" 1
contains "a key KMS refuses: named with its line, nothing changed" "$(jq -r .reason "$report")" \
  "Scalyr agent: scalyr_account_key (line 7): Decrypt: AccessDeniedException"
check "a key KMS refuses: agent.json unchanged" "$(cat "$agent")" "$before_json"
