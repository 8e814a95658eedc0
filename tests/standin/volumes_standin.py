#!/usr/bin/env python3
"""The AWS stand-in (aws_standin.py, unchanged) with what the EBS volume tests need on top:
volumes held by another instance or still being created, and a fake kernel that "hot-plugs" a
disk when an attachment becomes attached, as EC2 does on a Nitro instance.

Usage: volumes_standin.py --dir DIR [--attach-delay SECONDS] (the options of aws_standin.py)

Extra files in DIR:
  volumes.json       entries may also have "holder": "i-..." (attached to that instance),
                     "release_after": seconds from start (then the holder lets go), and
                     "created_after": seconds from start (status "creating" until then)
  plug.json          {"sysfs": DIR, "dev": DIR, "first": 1}: when a volume becomes attached to this
                     instance, <sysfs>/block/nvmeNn1/device/serial gets the volume id without its
                     dash (space padded to 20, as the kernel shows it) and <dev>/nvmeNn1 is made
  volume-events.jsonl  written by it: {"t", "event": AttachVolume|DescribeVolumes|attached|plugged,
                     "volume", "code", "seen_attached": the answer showed an attachment to this
                     instance as attached}
"""
import json
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_standin as base  # noqa: E402


def later(seconds, function, *args):
    timer = threading.Timer(seconds, function, args)
    timer.daemon = True
    timer.start()


def event(**fields):
    base.STATE.record("volume-events.jsonl", dict(t=time.time(), **fields))


class VolumesState(base.State):
    def __init__(self, args):
        super().__init__(args)
        self.next_nvme = 1
        self.plug = None
        path = os.path.join(self.dir, "plug.json")
        if os.path.exists(path):
            with open(path) as f:
                self.plug = json.load(f)
            self.next_nvme = self.plug.get("first", 1)
        path = os.path.join(self.dir, "volumes.json")
        if not os.path.exists(path):
            return
        with open(path) as f:
            extra = {v["id"]: v for v in json.load(f)}
        for v in self.volumes:
            e = extra.get(v["id"], {})
            if "holder" in e:
                v["attachment"] = {"instance": e["holder"], "device": e.get("holder_device", "/dev/sdf"), "status": "attached", "since": 0}
                if "release_after" in e:
                    later(e["release_after"], self.release, v)
            if "created_after" in e:
                v["status"] = "creating"
                later(e["created_after"], self.created, v)

    def release(self, v):
        with self.lock:
            v["attachment"] = None
            v["status"] = "available"

    def created(self, v):
        with self.lock:
            v["status"] = "available"

    def finish_attach(self, vid):
        with self.lock:
            v = next(v for v in self.volumes if v["id"] == vid)
            a = v["attachment"]
            if not a or a["instance"] != base.INSTANCE_ID:
                return
            a["status"] = "attached"
        event(event="attached", volume=vid)
        if self.plug:
            with self.lock:
                name = f"nvme{self.next_nvme}n1"
                self.next_nvme += 1
            device = os.path.join(self.plug["sysfs"], "block", name, "device")
            os.makedirs(device, exist_ok=True)
            serial = vid.replace("-", "")
            with open(os.path.join(device, "serial"), "w") as f:
                f.write(serial.ljust(20) + "\n")
            open(os.path.join(self.plug["dev"], name), "w").close()
            event(event="plugged", volume=vid, name=name)


class VolumesEc2Handler(base.Ec2Handler):
    def describe_volumes(self, p):
        body = super().describe_volumes(p)
        seen = re.search(f"<instanceId>{base.INSTANCE_ID}</instanceId><device>[^<]*</device><status>attached</status>", body) is not None
        event(event="DescribeVolumes", seen_attached=seen)
        return body

    def attach_volume(self, p):
        try:
            body = super().attach_volume(p)
        except base.AwsError as e:
            event(event="AttachVolume", volume=p.get("VolumeId"), code=e.code)
            raise
        event(event="AttachVolume", volume=p.get("VolumeId"), device=p.get("Device"))
        # The attachment completes on its own after the delay, whether or not anyone asks.
        later(base.STATE.attach_delay, base.STATE.finish_attach, p.get("VolumeId"))
        return body

    def volume_view(self, v):
        # Attached only when finish_attach says so, so the disk and the state arrive together.
        with base.STATE.lock:
            a = v["attachment"]
            return dict(v, attachment=dict(a) if a else None)


if __name__ == "__main__":
    base.State = VolumesState
    base.Ec2Handler = VolumesEc2Handler
    base.main()
