#!/usr/bin/env bash
# Drives the real build/taupage (decrypt, signal, metadata, boot --stage late --only
# secrets,notify) against the AWS stand-in (tests/standin/aws_standin.py) over real TLS, with
# only the documented environment variables; every request's SigV4 signature is checked by
# botocore there. Covers the fault cases (throttling, 5xx, reset, no answer, truncated and
# mis-sized bodies, invalid JSON, a server clock 10 minutes off), a tampered request, and that
# no secret reaches stdout, stderr or the report. Then the credentials from the mint bucket
# (`taupage credentials` and the credentials step: region redirects, 403, 404, a body that is not
# JSON, unchanged files kept, changed ones replaced), and the AWS calls through an HTTP proxy
# (tests/standin/connect_proxy.py: CONNECT, a refusing proxy, one that cuts the stream, proxy
# credentials, NO_PROXY; IMDS never through it).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/support/earlier_stages.sh
TAUPAGE=${TAUPAGE_BIN:-$PWD/build/taupage}
WORK=$(mktemp -d /tmp/aws-it.XXXXXX)
STANDIN_PID=
PROXY_PIDS=
LOOP_PID=
cleanup() {
  [ -n "$STANDIN_PID" ] && kill "$STANDIN_PID" 2>/dev/null && wait "$STANDIN_PID" 2>/dev/null
  for pid in $PROXY_PIDS $LOOP_PID; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
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
# shellcheck disable=SC2086  # $ENV_ENDPOINTS, $ENV_KEYS: one NAME=VALUE per word, for env
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
# shellcheck disable=SC2086  # $ENV_ENDPOINTS, $ENV_KEYS: one NAME=VALUE per word, for env
env -i PATH=/usr/bin:/bin $ENV_ENDPOINTS $ENV_KEYS "$TAUPAGE" decrypt "$CIPHER" >"$WORK/out" 2>"$WORK/err"; rc=$?
check "decrypt with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" bash -c "[ $rc = 0 ] && [ \"\$(cat $WORK/out)\" = '$PLAIN' ]"
run decrypt "aws:kms:$DENIED"; rc=$?
check "decrypt names AccessDeniedException" bash -c "[ $rc = 1 ] && grep -q 'Decrypt: AccessDeniedException' $WORK/err && ! grep -q other-secret $WORK/err $WORK/out"
run decrypt "aws:kms:$(printf 'garbage-ciphertext-xxxx' | base64)"; rc=$?
check "decrypt names InvalidCiphertextException" bash -c "[ $rc = 1 ] && grep -q InvalidCiphertextException $WORK/err"
run decrypt; rc=$?
check "decrypt without a value is a usage error" bash -c "[ $rc = 2 ]"

# A tampered request: the right key id with the wrong secret is refused by the signature check.
# shellcheck disable=SC2086  # $ENV_ENDPOINTS, $ENV_KEYS: one NAME=VALUE per word, for env
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
# The Date header counts whole seconds: 600 s ahead reads as 599 or 600 depending on when in its
# second the answer was made.
run decrypt "$CIPHER"; rc=$?
check "KMS clock 10 minutes ahead: re-signed with the server's Date and decrypted" \
  bash -c "[ $rc = 0 ] && [ \"\$(cat $WORK/out)\" = '$PLAIN' ] && grep -qE 'local clock is -(599|600)s off' $WORK/err"
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

# --- credentials from the mint bucket ------------------------------------------------------
USER_JSON='{"application_username": "app", "application_password": "mint-Pw-0001"}'
CLIENT_JSON='{"client_id": "app-client", "client_secret": "mint-Cs-0001"}'
mkdir -p "$S/s3/mint-bucket/app" "$S/s3/far-mint/app"
printf '%s' "$USER_JSON" > "$S/s3/mint-bucket/app/user.json"
printf '%s' "$CLIENT_JSON" > "$S/s3/mint-bucket/app/client.json"
printf '#taupage-ami-config\napplication_id: app\napplication_version: "1"\nruntime: Docker\nsource: registry.example.org/team/app:1\nmint_bucket: mint-bucket\n' > "$WORK/mint.yaml"
CRED=$WORK/root1/meta/credentials
mkdir -p "$WORK/root1"
no_mint_secret() { ! grep -rqE 'mint-(Pw|Cs)-' "$WORK/out" "$WORK/err" "$@"; }
run credentials --config "$WORK/mint.yaml" --root "$WORK/root1" --once; rc=$?
check "credentials --once: both files fetched (signatures checked by botocore), owned by 999, mode 0400, folder 0750 root:999" \
  bash -c "[ $rc = 0 ] && [ \"\$(cat $CRED/user.json)\" = '$USER_JSON' ] && [ \"\$(cat $CRED/client.json)\" = '$CLIENT_JSON' ] &&
    [ \"\$(stat -c '%u:%g %a' $CRED/user.json $CRED/client.json | sort -u)\" = '999:999 400' ] && [ \"\$(stat -c '%u:%g %a' $CRED)\" = '0:999 750' ] &&
    [ \$(grep -c '\"service\": \"s3\", \"action\": \"GetObject\", \"status\": 200' $S/requests.jsonl) -ge 2 ]"
check "no credential reaches stdout or stderr" no_mint_secret
before=$(stat -c '%i %Y' "$CRED/user.json" "$CRED/client.json")
touch -d '2020-01-01' "$CRED/user.json"; before=$(stat -c '%i %Y' "$CRED/user.json" "$CRED/client.json")
run credentials --config "$WORK/mint.yaml" --root "$WORK/root1" --once; rc=$?
check "unchanged credentials are not rewritten (same inode and mtime)" \
  bash -c "[ $rc = 0 ] && [ \"\$(stat -c '%i %Y' $CRED/user.json $CRED/client.json)\" = '$before' ] && grep -q 'user.json kept (unchanged), client.json kept' $WORK/err"
inode=$(stat -c %i "$CRED/user.json")
printf '%s' '{"application_username": "app", "application_password": "mint-Pw-0002"}' > "$S/s3/mint-bucket/app/user.json"
run credentials --config "$WORK/mint.yaml" --root "$WORK/root1" --once; rc=$?
check "a changed user.json is replaced by rename (new inode), client.json kept" \
  bash -c "[ $rc = 0 ] && grep -q 'mint-Pw-0002' $CRED/user.json && [ \$(stat -c %i $CRED/user.json) != $inode ] &&
    [ \"\$(stat -c '%u:%g %a' $CRED/user.json)\" = '999:999 400' ] && grep -q 'user.json changed, client.json kept' $WORK/err &&
    [ \$(ls -A $CRED | wc -l) = 2 ]"
printf '<html>mint-Cs-html</html>' > "$S/s3/mint-bucket/app/client.json"
run credentials --config "$WORK/mint.yaml" --root "$WORK/root1" --once; rc=$?
check "a body that is not JSON: exit 1 naming the object, the old file kept, the body not shown" \
  bash -c "[ $rc = 1 ] && grep -q 's3://mint-bucket/app/client.json is not valid JSON' $WORK/err && [ \"\$(cat $CRED/client.json)\" = '$CLIENT_JSON' ] &&
    ! grep -q 'mint-Cs-html' $WORK/err $WORK/out"
rm "$S/s3/mint-bucket/app/client.json"
run credentials --config "$WORK/mint.yaml" --root "$WORK/root1" --once; rc=$?
check "a missing object (404): which object, and to check application_id" \
  bash -c "[ $rc = 1 ] && grep -q 's3://mint-bucket/app/client.json does not exist (NoSuchKey): check that application_id \"app\"' $WORK/err"
printf '%s' "$CLIENT_JSON" > "$S/s3/mint-bucket/app/client.json"
echo app/client.json > "$S/s3/mint-bucket/.deny"
run credentials --config "$WORK/mint.yaml" --root "$WORK/root1" --once; rc=$?
rm "$S/s3/mint-bucket/.deny"
check "access denied (403): which object, and to check the bucket policy and the role" \
  bash -c "[ $rc = 1 ] && grep -q 's3://mint-bucket/app/client.json: access denied (AccessDenied: Access Denied (HTTP 403)): check that the bucket policy of mint-bucket and the instance.s role allow s3:GetObject on arn:aws:s3:::mint-bucket/app/\*' $WORK/err"
printf '%s' "$USER_JSON" > "$S/s3/far-mint/app/user.json"
printf '%s' "$CLIENT_JSON" > "$S/s3/far-mint/app/client.json"
echo us-west-2 > "$S/s3/far-mint/.region"
sed 's/mint_bucket: mint-bucket/mint_bucket: far-mint/' "$WORK/mint.yaml" > "$WORK/far.yaml"
for shape in malformed body permanent; do
  echo "$shape" > "$S/s3/far-mint/.redirect"
  rm -rf "$WORK/root2"; mkdir -p "$WORK/root2"
  refused_before=$(grep -c '"service": "s3", "action": "?", "status": \(301\|400\)' "$S/requests.jsonl")
  run credentials --config "$WORK/far.yaml" --root "$WORK/root2" --once; rc=$?
  refused_after=$(grep -c '"service": "s3", "action": "?", "status": \(301\|400\)' "$S/requests.jsonl")
  check "a bucket in another region ($shape answer): followed once to us-west-2" \
    bash -c "[ $rc = 0 ] && [ \"\$(cat $WORK/root2/meta/credentials/user.json)\" = '$USER_JSON' ] && grep -q 'far-mint is in us-west-2' $WORK/err &&
      [ $((refused_after - refused_before)) = 2 ]"
done
run credentials --config "$WORK/boot.yaml" --root "$WORK/root2" --once; rc=$?
check "credentials without mint_bucket: nothing to do" bash -c "[ $rc = 0 ] && grep -q 'no mint_bucket' $WORK/out"
run credentials --config "$WORK/mint.yaml" --root "$WORK/root1" --interval 0; rc=$?
check "credentials --interval 0 is a usage error" bash -c "[ $rc = 2 ]"

sed 's/mint_bucket: mint-bucket/mint_bucket: no-such-bucket/' "$WORK/mint.yaml" > "$WORK/nobucket.yaml"
mkdir -p "$WORK/state7" "$WORK/root3"
earlier "$WORK/nobucket.yaml" "$WORK/state7"
run boot --config "$WORK/nobucket.yaml" --stage late --only credentials --root "$WORK/root3" --state-dir "$WORK/state7"; rc=$?
check "the credentials step: a missing bucket is a loud warning, not a failed boot" \
  bash -c "[ $rc = 0 ] && grep -q 'WARNING: the application.s credentials' $WORK/err && grep -q 'the bucket no-such-bucket does not exist (NoSuchBucket)' $WORK/err &&
    grep -q '\"ok\": true' $WORK/state7/report-late.json"
mkdir -p "$WORK/state8"
earlier "$WORK/mint.yaml" "$WORK/state8"
run boot --config "$WORK/mint.yaml" --stage late --only credentials --root "$WORK/root3" --state-dir "$WORK/state8"; rc=$?
check "the credentials step fetches both files before the container" \
  bash -c "[ $rc = 0 ] && [ -s $WORK/root3/meta/credentials/user.json ] && [ -s $WORK/root3/meta/credentials/client.json ] && grep -q 'credentials created' $WORK/err"
run plan "$WORK/mint.yaml"
check "plan shows the credentials fetch" grep -q 'fetch s3://mint-bucket/app/user.json and client.json into /meta/credentials' "$WORK/out"

# The refreshing loop: a changed object reaches the folder without a restart. The loop writes
# user.json, then fetches client.json, then logs the round: the check waits for that log line, not
# for the file (killing the loop when the file appears cut the round short before it was logged).
# The object is replaced by rename, so the stand-in never serves a half-written file.
# shellcheck disable=SC2086  # $ENV_ENDPOINTS, $ENV_KEYS: one NAME=VALUE per word, for env
env -i PATH=/usr/bin:/bin $ENV_ENDPOINTS "$TAUPAGE" credentials --config "$WORK/mint.yaml" --root "$WORK/root1" --interval 1 >"$WORK/loop.out" 2>"$WORK/loop.err" &
LOOP_PID=$!
for _ in $(seq 100); do grep -q 'client.json' "$WORK/loop.err" && break; sleep 0.2; done
printf '%s' '{"application_username": "app", "application_password": "mint-Pw-0003"}' > "$S/s3/mint-bucket/app/.user.json.new"
mv "$S/s3/mint-bucket/app/.user.json.new" "$S/s3/mint-bucket/app/user.json"
for _ in $(seq 150); do grep -q 'user.json changed' "$WORK/loop.err" && break; sleep 0.2; done
kill "$LOOP_PID" 2>/dev/null; wait "$LOOP_PID" 2>/dev/null; LOOP_PID=
cp "$WORK/loop.err" "$WORK/err"; cp "$WORK/loop.out" "$WORK/out"
check "credentials (the loop) picks up a rotated user.json by itself" \
  bash -c "grep -q 'mint-Pw-0003' $CRED/user.json && grep -q 'user.json changed' $WORK/loop.err && ! grep -qE 'mint-(Pw|Cs)-' $WORK/loop.err $WORK/loop.out"

# --- through an HTTP proxy -----------------------------------------------------------------
P=$WORK/proxy
P2=$WORK/proxy-auth
mkdir -p "$P" "$P2"
python3 tests/standin/connect_proxy.py --dir "$P" >"$WORK/proxy.log" 2>&1 &
PROXY_PIDS="$!"
python3 tests/standin/connect_proxy.py --dir "$P2" --auth 'svc:pr0xy-Pass' >"$WORK/proxy2.log" 2>&1 &
PROXY_PIDS="$PROXY_PIDS $!"
for _ in $(seq 100); do [ -f "$P/proxy-port" ] && [ -f "$P2/proxy-port" ] && break; sleep 0.1; done
PROXY=http://127.0.0.1:$(cat "$P/proxy-port")
PROXY2=127.0.0.1:$(cat "$P2/proxy-port")
KMS_AUTHORITY=$(sed -n 's|.*AWS_ENDPOINT_URL_KMS=https://||p' "$S/env")
proxied() { grep -c "\"method\": \"CONNECT\", \"target\": \"$1\"" "$2/proxy.jsonl" 2>/dev/null || true; }

tp env HTTPS_PROXY="$PROXY" "$TAUPAGE" decrypt "$CIPHER"; rc=$?
check "HTTPS_PROXY: KMS reached through a CONNECT tunnel" bash -c "[ $rc = 0 ] && [ \"\$(cat $WORK/out)\" = '$PLAIN' ] && [ $(proxied "$KMS_AUTHORITY" "$P") -ge 1 ]"
tp env https_proxy="$PROXY" HTTPS_PROXY=http://127.0.0.1:9 "$TAUPAGE" decrypt "$CIPHER"; rc=$?
check "https_proxy (lower case) wins over HTTPS_PROXY" bash -c "[ $rc = 0 ] && [ \"\$(cat $WORK/out)\" = '$PLAIN' ]"
rm -rf "$WORK/root4"; mkdir -p "$WORK/root4"
tp env HTTPS_PROXY="$PROXY" "$TAUPAGE" credentials --config "$WORK/mint.yaml" --root "$WORK/root4" --once; rc=$?
S3_AUTHORITY=$(sed -n 's|.*AWS_ENDPOINT_URL_S3=https://||p' "$S/env")
check "HTTPS_PROXY: the mint bucket through the proxy" bash -c "[ $rc = 0 ] && [ -s $WORK/root4/meta/credentials/user.json ] && [ $(proxied "$S3_AUTHORITY" "$P") -ge 1 ]"

echo refuse > "$P/proxy-mode"
entries=$(wc -l < "$P/proxy.jsonl")
tp env HTTPS_PROXY="$PROXY" HTTP_PROXY="$PROXY" "$TAUPAGE" metadata; rc=$?
check "IMDS is never reached through the proxy (HTTP_PROXY set, the proxy refusing)" \
  bash -c "[ $rc = 0 ] && grep -q i-0standin00000001 $WORK/out && [ \$(wc -l < $P/proxy.jsonl) = $entries ]"
tp env HTTPS_PROXY="$PROXY" "$TAUPAGE" decrypt "$CIPHER"; rc=$?
check "a refusing proxy: the error names the proxy and its answer, no retries" \
  bash -c "[ $rc = 1 ] && grep -q '(through the proxy $PROXY): the proxy refused CONNECT $KMS_AUTHORITY: HTTP 403 Forbidden' $WORK/err &&
    [ \$(wc -l < $P/proxy.jsonl) = $((entries + 1)) ]"
tp env HTTPS_PROXY="$PROXY" NO_PROXY="localhost,127.0.0.0/8" "$TAUPAGE" decrypt "$CIPHER"; rc=$?
check "NO_PROXY (a CIDR block) takes the stand-in off the refusing proxy" \
  bash -c "[ $rc = 0 ] && [ \"\$(cat $WORK/out)\" = '$PLAIN' ] && [ \$(wc -l < $P/proxy.jsonl) = $((entries + 1)) ]"
python3 -c 'import json; print(json.dumps({"application_username": "app", "padding": "x" * 300000}))' > "$S/s3/mint-bucket/app/user.json"
echo close-midstream > "$P/proxy-mode"
rm -rf "$WORK/root5"; mkdir -p "$WORK/root5"
tp env HTTPS_PROXY="$PROXY" "$TAUPAGE" credentials --config "$WORK/mint.yaml" --root "$WORK/root5" --once; rc=$?
check "a proxy that closes mid-stream (a 300 KB object cut at 64 KB): retried, then an error that names the proxy" \
  bash -c "[ $rc = 1 ] && grep -q 'GetObject s3://mint-bucket/app/user.json: GET https://$S3_AUTHORITY/mint-bucket/app/user.json (through the proxy $PROXY): .*(after 3 attempts)' $WORK/err &&
    [ ! -e $WORK/root5/meta/credentials/user.json ] && [ -s $WORK/root5/meta/credentials/client.json ]"
echo close-once > "$P/proxy-mode"
tp env HTTPS_PROXY="$PROXY" "$TAUPAGE" credentials --config "$WORK/mint.yaml" --root "$WORK/root5" --once; rc=$?
check "a proxy that closes mid-stream once: the retry succeeds" bash -c "[ $rc = 0 ] && [ \$(stat -c %s $WORK/root5/meta/credentials/user.json) -gt 300000 ]"
echo tunnel > "$P/proxy-mode"

tp env HTTPS_PROXY="http://svc:pr0xy-Pass@$PROXY2" "$TAUPAGE" decrypt "$CIPHER"; rc=$?
check "a proxy that wants credentials: Proxy-Authorization from the URL, the password never printed" \
  bash -c "[ $rc = 0 ] && [ \"\$(cat $WORK/out)\" = '$PLAIN' ] && grep -q '\"auth\": true' $P2/proxy.jsonl && ! grep -q pr0xy-Pass $WORK/err"
tp env HTTPS_PROXY="http://svc:wrong-Pass@$PROXY2" "$TAUPAGE" decrypt "$CIPHER"; rc=$?
check "wrong proxy credentials: 407 named, the password not shown" \
  bash -c "[ $rc = 1 ] && grep -q 'through the proxy http://svc@$PROXY2): the proxy refused CONNECT .*: HTTP 407' $WORK/err && ! grep -q wrong-Pass $WORK/err"
tp env HTTPS_PROXY="socks5://127.0.0.1:1080" "$TAUPAGE" decrypt "$CIPHER"; rc=$?
check "an unusable proxy variable is named" bash -c "[ $rc = 1 ] && grep -q 'HTTPS_PROXY is not a usable proxy' $WORK/err"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
