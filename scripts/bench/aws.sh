#!/usr/bin/env bash
# AWS figures, Taupage beside botocore (what the AWS CLI and the original Taupage used), measured
# in the same run; printed, never asserted:
#   1. SigV4 signatures per second (the same KMS Decrypt request, header form);
#   2. CPU time and peak memory of one decrypt round trip over TLS against the AWS stand-in
#      (`taupage decrypt` versus a botocore KMS client in a fresh Python process).
set -euo pipefail
cd "$(dirname "$0")/../.."
export TAUPAGE_SOURCE_CACHE=${TAUPAGE_SOURCE_CACHE:-/tmp/taupage-src-cache}
make --no-print-directory -s build/taupage >/dev/null
WORK=$(mktemp -d /tmp/aws-bench.XXXXXX)
STANDIN_PID=
cleanup() {
  [ -n "$STANDIN_PID" ] && kill "$STANDIN_PID" 2>/dev/null && wait "$STANDIN_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# 1. Signing: a test-only binary built from the release objects (same flags as build/taupage).
objs=$(find build/rel/src -name '*.o' ! -name main.o | sort)
# shellcheck disable=SC2086  # $objs: one word per object file
g++ -std=c++20 -Os -Isrc -Ibuild/third_party/src/mbedtls/include -Ithird_party '-DMBEDTLS_CONFIG_FILE="taupage_mbedtls_config.h"' \
  -o "$WORK/sigv4_bench" tests/bench/sigv4_bench.cpp $objs build/third_party/lib/libmbedtls.a build/third_party/lib/libyaml.a
taupage_rate=$("$WORK/sigv4_bench" | cut -d' ' -f1)
botocore_rate=$(python3 - <<'PY'
import time
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token-example-0123456789")
signer = SigV4Auth(creds, "kms", "eu-central-1")
body = b'{"CiphertextBlob":"AQICAHhqZW5jcnlwdGVkLWJsb2ItZXhhbXBsZS0wMTIzNDU2Nzg5YWJjZGVm"}'
n, start = 0, time.monotonic()
while time.monotonic() - start < 1.0:
    for _ in range(100):
        r = AWSRequest(method="POST", url="https://kms.eu-central-1.amazonaws.com/", data=body,
                       headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.Decrypt"})
        signer.add_auth(r)
    n += 100
print(int(n / (time.monotonic() - start)))
PY
)
printf '%-46s %14s %14s %8s\n' "SigV4 signatures per second (1 core)" "taupage" "botocore" "ratio"
printf '%-46s %14s %14s %7.1fx\n' "  KMS Decrypt request, header form" "$taupage_rate" "$botocore_rate" "$(awk -v a="$taupage_rate" -v b="$botocore_rate" 'BEGIN { print a / b }')"

# 2. One decrypt round trip over TLS against the stand-in.
python3 tests/standin/aws_standin.py --dir "$WORK/s" >/dev/null 2>&1 &
STANDIN_PID=$!
for _ in $(seq 100); do [ -f "$WORK/s/ready" ] && break; sleep 0.1; done
cipher=$(python3 tests/standin/aws_standin.py encrypt "$WORK/s" alias/bench "benchmark-plaintext")
python3 - "$WORK/s" "$cipher" "$PWD/build/taupage" <<'PY'
import os, subprocess, sys
d, cipher, taupage = sys.argv[1:]
env = {"PATH": "/usr/bin:/bin"}
for name in ("env", "env-credentials"):
    for line in open(os.path.join(d, name)):
        k, _, v = line.replace("export ", "").strip().partition("=")
        env[k] = v.strip("'")
def measure(cmd, runs=5):
    """Best CPU time (wait4) and peak RSS (GNU time: a fork of Python itself would count Python's
    own memory as the child's until exec) over runs."""
    best_cpu, best_rss = None, None
    for _ in range(runs):
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M"] + cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        err = p.stderr.read()
        _, status, usage = os.wait4(p.pid, 0)  # includes the measured command, reaped by time
        p.returncode = 0
        assert status == 0, err
        cpu, rss = usage.ru_utime + usage.ru_stime, int(err.strip().splitlines()[-1])
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
        best_rss = rss if best_rss is None else min(best_rss, rss)
    return best_cpu, best_rss
botocore_script = ("import botocore.session,base64,os;"
                   "c=botocore.session.get_session().create_client('kms',region_name='eu-central-1',"
                   "endpoint_url=os.environ['AWS_ENDPOINT_URL_KMS'],verify=os.environ['AWS_CA_BUNDLE']);"
                   "print(c.decrypt(CiphertextBlob=base64.b64decode(os.environ['C']))['Plaintext'])")
env["C"] = cipher
t_cpu, t_rss = measure([taupage, "decrypt", cipher])
b_cpu, b_rss = measure([sys.executable, "-c", botocore_script], runs=3)
print(f"{'one decrypt round trip over TLS (best of runs)':46} {'taupage':>14} {'botocore':>14}")
print(f"{'  CPU time (user + system)':46} {t_cpu*1000:11.1f} ms {b_cpu*1000:11.1f} ms")
print(f"{'  peak resident memory':46} {t_rss/1024:11.1f} MB {b_rss/1024:11.1f} MB")
PY
printf '%-46s %11.2f MB\n' "size of build/taupage (stripped, static)" "$(awk -v s="$(stat -c %s build/taupage)" 'BEGIN { print s / 1048576 }')"
