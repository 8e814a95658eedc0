#!/usr/bin/env bash
# Drives the real build/taupage (decrypt, signal, metadata, boot --stage late --only
# secrets,notify) against the AWS stand-in (tests/standin/aws_standin.py) over real TLS, with
# only the documented environment variables; every request's SigV4 signature is checked by
# botocore there. Covers the fault cases (throttling, 5xx, reset, no answer, truncated and
# mis-sized bodies, invalid JSON, a server clock 10 minutes off), a tampered request, and that
# no secret reaches stdout, stderr or the report.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/support/earlier_stages.sh
TAUPAGE=${TAUPAGE_BIN:-$PWD/build/taupage}
WORK=$(mktemp -d /tmp/aws-it.XXXXXX)
STANDIN_PID=
cleanup() {
  [ -n "$STANDIN_PID" ] && kill "$STANDIN_PID" 2>/dev/null && wait "$STANDIN_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; shift; for line in "$@"; do echo "     $line"; done; }
check() { # name condition-command...
  local name=$1; shift
  if "$@"; then ok "$name"; else bad "$name" "stdout: $(head -c 600 "$WORK/out" 2>/dev/null)" "stderr: $(head -c 1200 "$WORK/err" 2>/dev/null)"; fi
}

S=$WORK/standin
mkdir -p "$S/s3/bucket-a"
echo '[{"id":"vol-0aaa0000000000001","name":"data-1"},{"id":"vol-0aaa0000000000002","name":"data-2"},{"id":"vol-0aaa0000000000003","name":"data-1","az":"eu-central-1b"}]' > "$S/volumes.json"
python3 tests/standin/aws_standin.py --dir "$S" --attach-delay 1 > "$WORK/standin.log" 2>&1 &
STANDIN_PID=$!
for _ in $(seq 100); do [ -f "$S/ready" ] && break; sleep 0.1; done
if [ ! -f "$S/ready" ]; then
  cat "$WORK/standin.log"
  echo "0 passed, 1 failed"
  exit 1
fi

# Only the documented variables: endpoints, the CA bundle, and (for some cases) the keys.
ENV_ENDPOINTS=$(sed 's/^export //' "$S/env" | tr '\n' ' ')
ENV_KEYS=$(sed 's/^export //; s/'"'"'//g' "$S/env-credentials" | tr '\n' ' ')
tp() { env -i PATH=/usr/bin:/bin $ENV_ENDPOINTS "$@" >"$WORK/out" 2>"$WORK/err"; }
run() { tp "$TAUPAGE" "$@"; }
fault() { printf '%s\n' "${@:2}" > "$S/faults/$1"; }
count() { grep -c "\"service\": \"$1\", \"action\": \"$2\"" "$S/requests.jsonl" 2>/dev/null || true; }
encrypt() { python3 tests/standin/aws_standin.py encrypt "$S" "$1" "$2"; }
has() { grep -q -- "$2" "$WORK/$1"; }
# earlier CONFIG STATE: the early and system stages of CONFIG in STATE, as a boot runs them before
# the late stage (which refuses to run without them).
earlier() {
  mkdir -p "$2" "$WORK/root"
  earlier_stages "$WORK/earlier.log" env -i PATH=/usr/bin:/bin "$TAUPAGE" boot --config "$1" --state-dir "$2" --root "$WORK/root" ||
    echo "     (the early or system stage failed: $(tail -2 "$WORK/earlier.log"))"
}
hasnt() { ! grep -q -- "$2" "$WORK/$1"; }

PLAIN='s3cr3t-Pl41ntext-value'
CIPHER=$(encrypt alias/app "$PLAIN")
DENIED=$(encrypt alias/denied "other-secret-value")

# --- metadata ------------------------------------------------------------------------------
run metadata; rc=$?
check "metadata prints the identity document and role" \
  bash -c "[ $rc = 0 ] && python3 -c 'import json,sys; d=json.load(open(\"$WORK/out\")); assert d[\"identity\"][\"instanceId\"]==\"i-0standin00000001\" and d[\"role\"]==\"taupage-standin-role\"'"

# --- decrypt -------------------------------------------------------------------------------
run decrypt "aws:kms:$CIPHER"; rc=$?
check "decrypt with the instance role" bash -c "[ $rc = 0 ] && [ \"\$(cat $WORK/out)\" = '$PLAIN' ]"
env -i PATH=/usr/bin:/bin $ENV_ENDPOINTS $ENV_KEYS "$TAUPAGE" decrypt "$CIPHER" >"$WORK/out" 2>"$WORK/err"; rc=$?
check "decrypt with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" bash -c "[ $rc = 0 ] && [ \"\$(cat $WORK/out)\" = '$PLAIN' ]"
run decrypt "aws:kms:$DENIED"; rc=$?
check "decrypt names AccessDeniedException" bash -c "[ $rc = 1 ] && grep -q 'Decrypt: AccessDeniedException' $WORK/err && ! grep -q other-secret $WORK/err $WORK/out"
run decrypt "aws:kms:$(printf 'garbage-ciphertext-xxxx' | base64)"; rc=$?
check "decrypt names InvalidCiphertextException" bash -c "[ $rc = 1 ] && grep -q InvalidCiphertextException $WORK/err"
run decrypt; rc=$?
check "decrypt without a value is a usage error" bash -c "[ $rc = 2 ]"

# A tampered request: the right key id with the wrong secret is refused by the signature check.
env -i PATH=/usr/bin:/bin $ENV_ENDPOINTS AWS_ACCESS_KEY_ID=AKIDSTANDINENV000001 AWS_SECRET_ACCESS_KEY=not-the-secret "$TAUPAGE" decrypt "$CIPHER" >"$WORK/out" 2>"$WORK/err"; rc=$?
check "a wrongly signed request is refused (InvalidSignatureException)" bash -c "[ $rc = 1 ] && grep -q 'InvalidSignatureException: The request signature we calculated does not match' $WORK/err"
python3 - "$S" > "$WORK/out" 2>"$WORK/err" <<'EOF'
import sys, json, ssl, urllib.request, os
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
d = sys.argv[1]
env = dict(l.replace("export ", "").strip().replace("'", "").split("=", 1) for f in ("env", "env-credentials") for l in open(os.path.join(d, f)))
url = env["AWS_ENDPOINT_URL_KMS"] + "/"
body = b'{"CiphertextBlob":"AAAA"}'
req = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.Decrypt"})
SigV4Auth(Credentials(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]), "kms", "eu-central-1").add_auth(req)
ctx = ssl.create_default_context(cafile=env["AWS_CA_BUNDLE"])
def send(data):
    r = urllib.request.Request(url, data=data, method="POST", headers=dict(req.headers.items()))
    try:
        return urllib.request.urlopen(r, context=ctx).status, ""
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read()).get("__type")
print(send(body), send(b'{"CiphertextBlob":"BBBB"}'))
EOF
check "the stand-in refuses a signed request whose body was changed" grep -qF "(400, 'InvalidCiphertextException') (400, 'InvalidSignatureException')" "$WORK/out"

# --- faults and retries --------------------------------------------------------------------
before=$(count kms Decrypt)
fault kms throttle throttle
run decrypt "$CIPHER"; rc=$?
check "KMS throttling twice: the third attempt succeeds" bash -c "[ $rc = 0 ] && [ \$(grep -c '\"service\": \"kms\"' $S/requests.jsonl) -ge 3 ] && [ \"\$(cat $WORK/out)\" = '$PLAIN' ]"
fault kms throttle throttle
tp env AWS_MAX_ATTEMPTS=2 "$TAUPAGE" decrypt "$CIPHER"; rc=$?
check "AWS_MAX_ATTEMPTS=2: gives up after 2 throttled attempts, naming ThrottlingException" \
  bash -c "[ $rc = 1 ] && grep -q 'ThrottlingException: Rate exceeded (HTTP 400) (after 2 attempts)' $WORK/err"
for f in 500 503 reset truncate badlength; do
  fault kms "$f"
  run decrypt "$CIPHER"; rc=$?
  check "KMS fault '$f' once: retried and decrypted" bash -c "[ $rc = 0 ] && [ \"\$(cat $WORK/out)\" = '$PLAIN' ]"
done
fault kms 500 500 500
run decrypt "$CIPHER"; rc=$?
check "KMS 500 three times: a clear error after 3 attempts" bash -c "[ $rc = 1 ] && grep -q 'KMSInternalException.*after 3 attempts' $WORK/err"
fault kms badbody
run decrypt "$CIPHER"; rc=$?
check "KMS invalid JSON: a clear error, no plaintext" bash -c "[ $rc = 1 ] && grep -q 'not a JSON object' $WORK/err"
fault kms skew
run decrypt "$CIPHER"; rc=$?
check "KMS clock 10 minutes ahead: re-signed with the server's Date and decrypted" \
  bash -c "[ $rc = 0 ] && [ \"\$(cat $WORK/out)\" = '$PLAIN' ] && grep -q 'local clock is -600s off' $WORK/err"
fault kms unskew
run decrypt "$CIPHER" # consumes the unskew line
fault imds hang
start=$SECONDS
run metadata; rc=$?
check "IMDS not answering once: the short attempt timeout and a retry" bash -c "[ $rc = 0 ] && [ $((SECONDS - start)) -lt 20 ]"
fault imds 503 throttle
run metadata; rc=$?
check "IMDS 503 and 429: retried" bash -c "[ $rc = 0 ]"
python3 - "$S" > "$WORK/out" 2>&1 <<'EOF'
import json, sys, urllib.request, os
env = dict(l.replace("export ", "").strip().split("=", 1) for l in open(os.path.join(sys.argv[1], "env")))
try:
    urllib.request.urlopen(env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] + "/latest/meta-data/instance-id")
    print("no 401")
except urllib.error.HTTPError as e:
    print("status", e.code)
EOF
check "the IMDS stand-in answers 401 without a token" grep -q "status 401" "$WORK/out"

# --- signal --------------------------------------------------------------------------------
run signal SUCCESS --stack stack-a --resource Res; rc=$?
check "signal SUCCESS with CFN_V1" bash -c "[ $rc = 0 ] && grep -q '\"stack\": \"stack-a\", \"resource\": \"Res\", \"unique_id\": \"i-0standin00000001\", \"status\": \"SUCCESS\", \"auth\": \"CFN_V1\"' $S/signals.jsonl"
printf '#taupage-ami-config\napplication_id: app\napplication_version: "1"\nruntime: Docker\nsource: registry.example.org/team/app:1\nnotify_cfn:\n  stack: stack-b\n  resource: Res\n' > "$WORK/signal.yaml"
fault cloudformation throttle
run signal FAILURE --config "$WORK/signal.yaml"; rc=$?
check "signal FAILURE --config, after one throttled attempt" bash -c "[ $rc = 0 ] && grep -q '\"stack\": \"stack-b\".*\"FAILURE\"' $S/signals.jsonl"
touch "$S/refuse-cfn-v1"
run signal SUCCESS --stack stack-h --resource Res; rc=$?
rm -f "$S/refuse-cfn-v1"
check "signal with CFN_V1 refused: signed with SigV4 instead, and accepted" \
  bash -c "[ $rc = 0 ] && grep -q '\"stack\": \"stack-h\".*\"auth\": \"SigV4\"' $S/signals.jsonl && grep -q 'refused the instance identity' $WORK/err"
run signal MAYBE --stack s --resource r; rc=$?
check "signal with an unknown status is a usage error" bash -c "[ $rc = 2 ]"

# --- boot --stage late --only secrets,notify -----------------------------------------------
cat > "$WORK/boot.yaml" <<EOF
#taupage-ami-config
application_id: app
application_version: "1"
runtime: Docker
source: registry.example.org/team/app:1
environment:
  DB_PASSWORD: "aws:kms:$CIPHER"
  PLAIN_SETTING: visible
notify_cfn:
  stack: stack-c
  resource: Res
EOF
sed "s/stack-c/stack-z/" "$WORK/boot.yaml" > "$WORK/no-early.yaml"
mkdir -p "$WORK/state0"
run boot --config "$WORK/no-early.yaml" --stage late --only notify --state-dir "$WORK/state0"; rc=$?
check "the late stage refuses without an early report of this boot, says where to look, sends FAILURE" \
  bash -c "[ $rc = 1 ] && grep -q 'the early stage left no report of this boot' $WORK/err && grep -q 'taupage-early.service' $WORK/err && grep -q '\"stack\": \"stack-z\".*\"FAILURE\"' $S/signals.jsonl && ! grep -q '\"stack\": \"stack-z\".*\"SUCCESS\"' $S/signals.jsonl"

earlier "$WORK/boot.yaml" "$WORK/state1"
run boot --config "$WORK/boot.yaml" --stage late --only secrets,notify --state-dir "$WORK/state1"; rc=$?
check "boot late secrets,notify: decrypted and SUCCESS sent" \
  bash -c "[ $rc = 0 ] && grep -q 'DB_PASSWORD' $WORK/err && grep -q '\"stack\": \"stack-c\".*\"SUCCESS\"' $S/signals.jsonl"
check "no plaintext in stdout, stderr or the report" bash -c "! grep -rq '$PLAIN' $WORK/out $WORK/err $WORK/state1"

sed "s/stack-c/stack-d/; s|aws:kms:$CIPHER|aws:kms:$DENIED|" "$WORK/boot.yaml" > "$WORK/denied.yaml"
earlier "$WORK/denied.yaml" "$WORK/state2"
run boot --config "$WORK/denied.yaml" --stage late --only secrets,notify --state-dir "$WORK/state2"; rc=$?
check "a failed secret names the variable and sends FAILURE" \
  bash -c "[ $rc = 1 ] && grep -q 'DB_PASSWORD (line 7): Decrypt: AccessDeniedException' $WORK/err && grep -q '\"stack\": \"stack-d\".*\"FAILURE\"' $S/signals.jsonl && ! grep -rq 'other-secret' $WORK/out $WORK/err $WORK/state2"
run boot --config "$WORK/denied.yaml" --stage late --only notify --state-dir "$WORK/state2"; rc=$?
check "never SUCCESS after FAILURE in the same boot" \
  bash -c "[ $rc = 1 ] && ! grep -q '\"stack\": \"stack-d\".*\"SUCCESS\"' $S/signals.jsonl && [ \$(grep -c '\"stack\": \"stack-d\"' $S/signals.jsonl) = 1 ]"

earlier "$WORK/boot.yaml" "$WORK/state3"
run boot --config "$WORK/boot.yaml" --stage late --only notify --state-dir "$WORK/state3"; rc=$?
check "a repeated signal refused with ValidationError is logged, not a failure" \
  bash -c "[ $rc = 0 ] && grep -q 'no longer waits for a signal' $WORK/err"

printf '#taupage-ami-config\napplication_id: app\nports: [oops\nnotify_cfn:\n  stack: stack-e\n  resource: Res\n' > "$WORK/broken.yaml"
printf '#taupage-ami-config\napplication_id: app\nroot: "false"\nnotify_cfn:\n  stack: stack-e\n  resource: Res\n' > "$WORK/invalid.yaml"
mkdir -p "$WORK/state4"
run boot --config "$WORK/invalid.yaml" --stage late --state-dir "$WORK/state4"; rc=$?
check "an invalid config still sends FAILURE when notify_cfn can be read" \
  bash -c "[ $rc = 1 ] && grep -q '\"stack\": \"stack-e\".*\"FAILURE\"' $S/signals.jsonl"

printf '#taupage-ami-config\napplication_id: app\napplication_version: "1"\nruntime: Docker\nsource: nginx:1\nnotify_cfn:\n  stack: stack-g\n  resource: Res\n' > "$WORK/nodocker.yaml"
mkdir -p "$WORK/state6"
tp env DOCKER_HOST=ssh://nowhere.example "$TAUPAGE" boot --config "$WORK/nodocker.yaml" --stage late --state-dir "$WORK/state6"; rc=$?
check "a DOCKER_HOST Taupage cannot use fails the boot and sends FAILURE" \
  bash -c "[ $rc = 1 ] && grep -q 'not supported' $WORK/err && grep -q '\"stack\": \"stack-g\".*\"FAILURE\"' $S/signals.jsonl"

cp "$WORK/boot.yaml" "$S/user-data"
sed -i 's/stack-c/stack-f/' "$S/user-data"
# The same document IMDS serves: the early stage runs without a network of its own.
earlier "$S/user-data" "$WORK/state5"
run boot --stage late --only secrets,notify --state-dir "$WORK/state5"; rc=$?
check "boot without --config reads the user data from IMDS" bash -c "[ $rc = 0 ] && grep -q '\"stack\": \"stack-f\".*\"SUCCESS\"' $S/signals.jsonl"
rm -f "$S/user-data"
run boot --stage late --only secrets --state-dir "$WORK/state5"; rc=$?
check "boot without user data: a clear error naming the 404" bash -c "[ $rc = 1 ] && grep -q 'has no user data.*404' $WORK/err"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
