#!/usr/bin/env python3
"""The AWS stand-in for a fleet: many instances of one account at once (scripts/fleet.sh). On top
of volumes_standin.py (EBS attachments that "hot-plug" a disk into a fake sysfs), every instance
listed in DIR/instances.json has its own identity: IMDS answers under the path /<instance id>
(AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:PORT/<instance id>) with that instance's
identity document, addresses and the account's role; AttachVolume takes any of these instances,
and the disk appears in the sysfs and /dev of the instance it was attached to. With --throttle the
account's request limits apply to the whole fleet, as in AWS.

Usage: fleet_standin.py --dir DIR [--attach-delay SECONDS] [--throttle aws|FILE] (the options of aws_standin.py)

Extra files in DIR:
  instances.json   [{"id": "i-...", "ip": "10.1.0.7", "sysfs": DIR, "dev": DIR}, ...]; each
                   sysfs's nvme0n1 is the root disk, attached volumes become nvme1n1, nvme2n1, ...
"""
import json
import os
import secrets
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_standin as base  # noqa: E402
import volumes_standin as vol  # noqa: E402

PlainEc2Handler = base.Ec2Handler  # before main() puts the fleet's in its place


class FleetState(vol.VolumesState):
    def __init__(self, args):
        super().__init__(args)
        with open(os.path.join(self.dir, "instances.json")) as f:
            self.instances = {i["id"]: dict(i, next_nvme=1) for i in json.load(f)}

    def document_for(self, instance):
        return json.dumps({
            "accountId": base.ACCOUNT, "architecture": "x86_64", "availabilityZone": self.az,
            "imageId": "ami-0standin000000001", "instanceId": instance["id"], "instanceType": "t3.micro",
            "pendingTime": "2026-11-26T12:00:00Z", "privateIp": instance["ip"], "region": self.region,
            "version": "2017-09-30"}, indent=2)

    def finish_attach(self, vid):
        with self.lock:
            v = next(v for v in self.volumes if v["id"] == vid)
            a = v["attachment"]
            if not a or a["instance"] not in self.instances:
                return
            a["status"] = "attached"
            instance = self.instances[a["instance"]]
            name = f"nvme{instance['next_nvme']}n1"
            instance["next_nvme"] += 1
        vol.event(event="attached", volume=vid, instance=instance["id"])
        device = os.path.join(instance["sysfs"], "block", name, "device")
        os.makedirs(device, exist_ok=True)
        with open(os.path.join(device, "serial"), "w") as f:
            f.write(vid.replace("-", "").ljust(20) + "\n")
        open(os.path.join(instance["dev"], name), "w").close()


class FleetEc2Handler(vol.VolumesEc2Handler):
    def attach_volume(self, p):
        vid, instance, device = p.get("VolumeId"), p.get("InstanceId"), p.get("Device")
        if not vid or not instance or not device:
            raise base.AwsError(400, "MissingParameter", "VolumeId, InstanceId and Device are required")
        if instance not in base.STATE.instances:
            raise base.AwsError(400, "InvalidInstanceID.NotFound", f"The instance ID '{instance}' does not exist")
        held = None
        with base.STATE.lock:  # the state's lock also guards its files: no event() while holding it
            v = next((v for v in base.STATE.volumes if v["id"] == vid), None)
            if v is None:
                raise base.AwsError(400, "InvalidVolume.NotFound", f"The volume '{vid}' does not exist.")
            if v["attachment"] or v["status"] != "available":
                held = v["attachment"]["instance"] if v["attachment"] else v["status"]
            else:
                v["attachment"] = {"instance": instance, "device": device, "status": "attaching", "since": time.time()}
        if held:
            vol.event(event="AttachVolume", volume=vid, instance=instance, code="VolumeInUse", held_by=held)
            raise base.AwsError(400, "VolumeInUse", f"{vid} is already attached to an instance")
        vol.event(event="AttachVolume", volume=vid, instance=instance, device=device)
        vol.later(base.STATE.attach_delay, base.STATE.finish_attach, vid)
        return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AttachVolumeResponse xmlns=\"{self.NS}\"><requestId>{secrets.token_hex(8)}</requestId>"
                f"<volumeId>{vid}</volumeId><instanceId>{instance}</instanceId><device>{base.xml_escape(device)}</device>"
                f"<status>attaching</status><attachTime>2026-11-26T12:00:00.000Z</attachTime></AttachVolumeResponse>")

    def describe_volumes(self, p):
        # The plain stand-in's answer, without volumes_standin's bookkeeping for its one instance.
        return PlainEc2Handler.describe_volumes(self, p)


class FleetImdsHandler(base.ImdsHandler):
    def dispatch(self, method, body):
        instance_id, _, rest = self.path.lstrip("/").partition("/")
        instance = base.STATE.instances.get(instance_id)
        if instance is None:
            raise base.AwsError(404, "", "")
        path = "/" + rest.split("?")[0]
        if method == "PUT" and path == "/latest/api/token":
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
            if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                raise base.AwsError(400, "", "")
            token = secrets.token_urlsafe(40)
            base.STATE.tokens[token] = (instance_id, time.time() + int(ttl))
            return "token", 200, token, "text/plain", {"X-aws-ec2-metadata-token-ttl-seconds": ttl}
        if method != "GET":
            raise base.AwsError(405, "", "")
        owner, until = base.STATE.tokens.get(self.headers.get("X-aws-ec2-metadata-token", ""), (None, 0))
        if owner != instance_id or until < time.time():
            raise base.AwsError(401, "", "")
        s = base.STATE
        values = {
            "/latest/dynamic/instance-identity/document": s.document_for(instance),
            "/latest/meta-data/instance-id": instance_id,
            "/latest/meta-data/placement/availability-zone": s.az,
            "/latest/meta-data/placement/region": s.region,
            "/latest/meta-data/local-ipv4": instance["ip"],
            "/latest/meta-data/iam/security-credentials/": base.ROLE_NAME,
            "/latest/meta-data/iam/security-credentials/" + base.ROLE_NAME: json.dumps({
                "Code": "Success", "LastUpdated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "Type": "AWS-HMAC", "AccessKeyId": s.role_key, "SecretAccessKey": s.role_secret, "Token": s.role_token,
                "Expiration": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(s.role_expiration))}),
        }
        # No identity signature: the fleet's signals are signed with the role (SigV4).
        if path not in values:
            raise base.AwsError(404, "", "")
        return path, 200, values[path], "text/plain", None


if __name__ == "__main__":
    base.State = FleetState
    base.Ec2Handler = FleetEc2Handler
    base.ImdsHandler = FleetImdsHandler
    base.main()
