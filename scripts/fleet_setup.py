#!/usr/bin/env python3
"""The files and figures of scripts/fleet.sh (make fleet).

  fleet_setup.py layout  DIR COUNT own|pairs   instances.json, volumes.json, each instance's folders
  fleet_setup.py configs DIR COUNT own|pairs   each instance's user data, its secret encrypted by the stand-in's KMS
  fleet_setup.py report  DIR COUNT MODE         success rate, time to SUCCESS, calls per action against the minimum
  fleet_setup.py race    DIR COUNT              each volume attached to exactly one instance; what the others said

The minimum a boot needs: DescribeVolumes 1 (find the volume; the disk's arrival shows the
attachment, a second look is only needed when the disk is slower than EC2's answer), AttachVolume 1,
KMS Decrypt 1, SignalResource 1. Every request counts, throttled ones too.
"""
import base64
import json
import os
import statistics
import sys

THROTTLE_CODES = {"RequestLimitExceeded", "ThrottlingException", "Throttling", "SlowDown"}
MINIMUM = [("ec2", "DescribeVolumes", 1), ("ec2", "AttachVolume", 1), ("kms", "Decrypt", 1), ("cloudformation", "SignalResource", 1)]


def instance_id(k):
    return f"i-0f1ee7{k:010x}"


def volume_name(k, count, spec):
    if spec == "own":
        return f"fleet-{k:04d}"
    return f"race-{(k - 1) % (count // 2) + 1:02d}"


def layout(d, count, spec):
    instances, volumes = [], []
    for k in range(1, count + 1):
        i = os.path.join(d, "i", str(k))
        for sub in ("state", "root", "dev", "sys/block/nvme0n1/device"):
            os.makedirs(os.path.join(i, sub), exist_ok=True)
        # The root disk: an NVMe namespace of its own that must never be taken for a volume.
        with open(os.path.join(i, "sys/block/nvme0n1/device/serial"), "w") as f:
            f.write("vol0root000000000000\n")
        open(os.path.join(i, "dev", "nvme0n1"), "w").close()
        with open(os.path.join(i, "id"), "w") as f:
            f.write(instance_id(k))
        instances.append({"id": instance_id(k), "ip": f"10.1.{k // 250}.{k % 250 + 2}", "sysfs": os.path.join(i, "sys"),
                          "dev": os.path.join(i, "dev")})
    names = sorted({volume_name(k, count, spec) for k in range(1, count + 1)})
    for n, name in enumerate(names, 1):
        volumes.append({"id": f"vol-0f1ee7{n:011x}", "name": name})
    s = os.path.join(d, "standin")
    with open(os.path.join(s, "instances.json"), "w") as f:
        json.dump(instances, f)
    with open(os.path.join(s, "volumes.json"), "w") as f:
        json.dump(volumes, f)


def configs(d, count, spec):
    import botocore.session
    s = os.path.join(d, "standin")
    env = {}
    for path in ("env", "env-credentials"):
        with open(os.path.join(s, path)) as f:
            for line in f:
                k, _, v = line.replace("export ", "").strip().partition("=")
                env[k] = v.strip("'")
    with open(os.path.join(s, "ports.json")) as f:
        region = json.load(f)["region"]
    kms = botocore.session.get_session().create_client(
        "kms", region_name=region, endpoint_url=env["AWS_ENDPOINT_URL_KMS"], verify=env["AWS_CA_BUNDLE"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
    for k in range(1, count + 1):
        blob = kms.encrypt(KeyId="alias/fleet", Plaintext=f"fleet-secret-{k:04d}".encode())["CiphertextBlob"]
        with open(os.path.join(d, "i", str(k), "user-data.yaml"), "w") as f:
            f.write("#taupage-ami-config\napplication_id: fleet\napplication_version: \"1\"\nruntime: Docker\n"
                    "source: registry.example.org/fleet/app:1\n"
                    f"volumes:\n  ebs:\n    /dev/sdf: {volume_name(k, count, spec)}\n"
                    f"environment:\n  DB_PASSWORD: \"aws:kms:{base64.b64encode(blob).decode()}\"\n"
                    "notify_cfn:\n  stack: fleet-stack\n  resource: Group\n")


def lines(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def report(d, count, mode):
    s = os.path.join(d, "standin")
    t0 = float(open(os.path.join(d, "t0")).read())
    t1 = float(open(os.path.join(d, "t1")).read())
    signals = {e["unique_id"]: e for e in lines(os.path.join(s, "signals.jsonl")) if e["status"] == "SUCCESS"}
    times, failed, throttle_failures = [], [], 0
    for k in range(1, count + 1):
        i = os.path.join(d, "i", str(k))
        rc = open(os.path.join(i, "rc")).read().strip()
        signal = signals.get(instance_id(k))
        if rc == "0" and signal:
            times.append(signal["t"] - t0)
            continue
        log = open(os.path.join(i, "log"), errors="replace").read()
        tail = [l for l in log.splitlines() if "error" in l.lower() or "FAIL" in l][-1:] or log.splitlines()[-1:]
        failed.append((instance_id(k), rc, tail[0] if tail else ""))
        if any(code in "".join(tail) for code in THROTTLE_CODES):
            throttle_failures += 1
    requests = lines(os.path.join(s, "requests.jsonl"))
    out = [f"### {count} instances, retry mode {mode}", "",
           f"- succeeded: {len(times)} of {count} ({100.0 * len(times) / count:.1f} %); failed on throttling: {throttle_failures}",
           f"- time to SUCCESS (signal accepted, from the launch of all): p50 {percentile(times, 50):.1f} s, "
           f"p99 {percentile(times, 99):.1f} s, max {max(times) if times else float('nan'):.1f} s; "
           f"mean {statistics.mean(times) if times else float('nan'):.1f} s; the whole run {t1 - t0:.1f} s", "",
           "| action | calls | throttled | other errors | minimum | calls / minimum |", "|---|---|---|---|---|---|"]
    total_calls = total_min = 0
    for service, action, per_instance in MINIMUM:
        mine = [r for r in requests if r["service"] == service and r["action"] == action]
        throttled = sum(1 for r in mine if r.get("code") in THROTTLE_CODES)
        other = sum(1 for r in mine if r["status"] >= 300 and r.get("code") not in THROTTLE_CODES)
        minimum = per_instance * count
        total_calls += len(mine)
        total_min += minimum
        out.append(f"| {action} | {len(mine)} | {throttled} | {other} | {minimum} | {len(mine) / minimum:.2f} |")
    out.append(f"| all four | {total_calls} | | | {total_min} | {total_calls / total_min:.2f} |")
    out.append("")
    for iid, rc, why in failed[:5]:
        out.append(f"- failed: {iid} (exit {rc}): {why[:300]}")
    out.append("")
    print("\n".join(out))


def race(d, count):
    s = os.path.join(d, "standin")
    events = lines(os.path.join(s, "volume-events.jsonl"))
    attached = {}
    for e in events:
        if e["event"] == "attached":
            attached.setdefault(e["volume"], []).append(e["instance"])
    volumes = json.load(open(os.path.join(s, "volumes.json")))
    lost = sum(1 for e in events if e["event"] == "AttachVolume" and e.get("code") == "VolumeInUse")
    winners, losers, clear = 0, 0, 0
    for k in range(1, count + 1):
        i = os.path.join(d, "i", str(k))
        rc = open(os.path.join(i, "rc")).read().strip()
        log = open(os.path.join(i, "log"), errors="replace").read()
        if rc == "0":
            winners += 1
        else:
            losers += 1
            if "gave up waiting for an available volume" in log and "is attached to i-" in log:
                clear += 1
    exactly_one = sum(1 for v in volumes if len(attached.get(v["id"], [])) == 1)
    ok = exactly_one == len(volumes) and winners == len(volumes) and losers == count - len(volumes) and clear == losers
    print("\n".join([
        f"### Volume race: {count} instances, {len(volumes)} volumes, two instances per Name", "",
        f"- volumes attached to exactly one instance: {exactly_one} of {len(volumes)}; to more than one: "
        f"{sum(1 for v in volumes if len(attached.get(v['id'], [])) > 1)}",
        f"- instances with their volume: {winners}; without: {losers}, of which {clear} failed with \"gave up waiting for an "
        f"available volume ... is attached to i-...\" (the holder named)",
        f"- AttachVolume refused with VolumeInUse (the race lost between DescribeVolumes and AttachVolume): {lost}",
        f"fleet-verdict: {'PASS' if ok else 'FAIL'}", ""]))


if __name__ == "__main__":
    command, d, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if command == "layout":
        layout(d, count, sys.argv[4])
    elif command == "configs":
        configs(d, count, sys.argv[4])
    elif command == "report":
        report(d, count, sys.argv[4])
    elif command == "race":
        race(d, count)
