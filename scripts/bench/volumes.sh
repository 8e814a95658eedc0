#!/usr/bin/env bash
# Wall time to attach 1 and 4 EBS volumes when EC2 (the stand-in) takes 2 s per attachment:
# `taupage boot --only volumes` (all AttachVolume requests first, then one loop waiting for all)
# beside a botocore loop attaching them one after another as the original Taupage did (describe,
# attach, wait for `attached`, wait for the disk, next volume), polling at Taupage's intervals
# (0.5 s for the state, 0.1 s for the disk) so the only difference is the overlap. The stand-in
# "hot-plugs" each disk into a fake sysfs when its attachment completes. Printed, never asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/deps.sh  # python3-botocore and openssl for the stand-in (scripts/packages/aws.txt)
WORK=$(mktemp -d /tmp/volumes-bench.XXXXXX)
PID=
stop() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; PID=; }
trap 'stop; rm -rf "$WORK"' EXIT
DELAY=2

start() { # dir count
  stop
  local d=$1 n=$2 json="" i
  mkdir -p "$d/standin" "$d/sys/block" "$d/dev"
  for i in $(seq "$n"); do json+="${json:+,}{\"id\":\"vol-0bench00000000000$i\",\"name\":\"bench-$i\"}"; done
  echo "[$json]" > "$d/standin/volumes.json"
  echo "{\"sysfs\": \"$d/sys\", \"dev\": \"$d/dev\"}" > "$d/standin/plug.json"
  python3 tests/standin/volumes_standin.py --dir "$d/standin" --attach-delay "$DELAY" > "$d/standin.log" 2>&1 &
  PID=$!
  for _ in $(seq 150); do [ -f "$d/standin/ready" ] && break; sleep 0.1; done
  ENV_ALL="$(sed 's/^export //' "$d/standin/env" | tr '\n' ' ') $(sed 's/^export //; s/'"'"'//g' "$d/standin/env-credentials" | tr '\n' ' ')"
}

now() { date +%s%N; }
secs() { awk -v t=$(($2 - $1)) 'BEGIN { printf "%.2f", t / 1e9 }'; }

taupage_run() { # count -> seconds
  local n=$1 d=$WORK/taupage-$1 i
  start "$d" "$n"
  { printf '#taupage-ami-config\napplication_id: bench\napplication_version: "1"\nruntime: Docker\nsource: nginx:1\nvolumes:\n  ebs:\n'
    # shellcheck disable=SC2059  # the format is the device letter, made from its code
    for i in $(seq "$n"); do printf '    /dev/sd%s: bench-%s\n' "$(printf "\\x$(printf %x $((101 + i)))")" "$i"; done; } > "$d/user-data"
  local t0 t1
  t0=$(now)
  # shellcheck disable=SC2086  # $ENV_ALL: one NAME=VALUE per word, for env
  env -i PATH=/usr/bin:/bin $ENV_ALL build/taupage boot --config "$d/user-data" --stage early --only volumes \
    --state-dir "$d/state" --sysfs "$d/sys" --dev "$d/dev" > "$d/out" 2>&1 || { cat "$d/out" >&2; return 1; }
  t1=$(now)
  secs "$t0" "$t1"
}

sequential_run() { # count -> seconds
  local n=$1 d=$WORK/seq-$1
  start "$d" "$n"
  # shellcheck disable=SC2086  # $ENV_ALL: one NAME=VALUE per word, for env
  env -i PATH=/usr/bin:/bin $ENV_ALL python3 - "$n" "$d" <<'PY'
import glob, json, os, sys, time, urllib.request
import botocore.session
n, d = int(sys.argv[1]), sys.argv[2]
t0 = time.time()
# The instance's identity, as the original read it from the metadata service.
imds = os.environ["AWS_EC2_METADATA_SERVICE_ENDPOINT"]
token = urllib.request.urlopen(urllib.request.Request(imds + "/latest/api/token", method="PUT",
        headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"})).read().decode()
doc = json.loads(urllib.request.urlopen(urllib.request.Request(imds + "/latest/dynamic/instance-identity/document",
        headers={"X-aws-ec2-metadata-token": token})).read())
ec2 = botocore.session.get_session().create_client("ec2", region_name=doc["region"], endpoint_url=os.environ["AWS_ENDPOINT_URL_EC2"],
                                                   verify=os.environ["AWS_CA_BUNDLE"])
def serial_present(vid):
    want = vid.replace("-", "")
    return any(open(p).read().strip() == want for p in glob.glob(d + "/sys/block/nvme*/device/serial"))
for i in range(1, n + 1):
    vols = ec2.describe_volumes(Filters=[{"Name": "tag:Name", "Values": [f"bench-{i}"]}, {"Name": "status", "Values": ["available"]},
                                         {"Name": "availability-zone", "Values": [doc["availabilityZone"]]}])["Volumes"]
    vid = sorted(v["VolumeId"] for v in vols)[0]
    ec2.attach_volume(VolumeId=vid, InstanceId=doc["instanceId"], Device="/dev/sd" + chr(ord("e") + i))
    while ec2.describe_volumes(VolumeIds=[vid])["Volumes"][0]["Attachments"][0]["State"] != "attached":
        time.sleep(0.5)
    while not serial_present(vid):
        time.sleep(0.1)
print(f"{time.time() - t0:.2f}")
PY
}

printf '%-58s %10s\n' "attach N volumes, EC2 taking ${DELAY} s per attachment" "wall"
for n in 1 4; do
  printf '%-58s %9ss\n' "taupage boot --only volumes, $n volume(s)" "$(taupage_run "$n")"
  printf '%-58s %9ss\n' "botocore, one after another (as the original), $n volume(s)" "$(sequential_run "$n")"
done
