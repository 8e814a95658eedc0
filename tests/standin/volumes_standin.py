#!/usr/bin/env python3
"""The AWS stand-in (aws_standin.py, unchanged) with what the EBS volume tests need on top:
volumes held by another instance or still being created, and a fake kernel that "hot-plugs" a
disk when an attachment becomes attached, as EC2 does on a Nitro instance: either a fake sysfs or
a real NVMe disk in a running QEMU guest, through QEMU's monitor (QMP).

Usage: volumes_standin.py --dir DIR [--attach-delay SECONDS] (the options of aws_standin.py)

Extra files in DIR:
  volumes.json       entries may also have "holder": "i-..." (attached to that instance),
                     "release_after": seconds from start (then the holder lets go), and
                     "created_after": seconds from start (status "creating" until then),
                     "release_after_seen": seconds from the first DescribeVolumes answer that
                     shows it (then the holder lets go), "release_on_file": NAME (the holder
                     lets go once DIR/NAME exists: a test decides when), "never_plug": true
                     (attached, no disk)
  plug.json          {"sysfs": DIR, "dev": DIR, "first": 1}: when a volume becomes attached to this
                     instance, <sysfs>/block/nvmeNn1/device/serial gets the volume id without its
                     dash (space padded to 20, as the kernel shows it) and <dev>/nvmeNn1 is made;
                     or {"qmp": SOCKET, "images": DIR, "size_mb": N}: the disk DIR/<volume id>.img
                     (made sparse on first use) is hot-plugged into the guest as an NVMe controller
                     whose serial is the volume id without its dash (blockdev-add, device_add)
  volume-events.jsonl  written by it: {"t", "event": AttachVolume|DescribeVolumes|attached|plugged|released,
                     "volume", "code", "seen_attached": the answer showed an attachment to this
                     instance as attached}
"""
import json
import os
import re
import socket
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


class Qmp:
    """QEMU's monitor on a unix socket: a greeting, then one JSON object a line each way, with
    events possibly between a command and its answer. One connection per batch of commands."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    def run(self, *commands):
        with self.lock, socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(30)
            sock.connect(self.path)
            stream = sock.makefile("rw")
            json.loads(stream.readline())
            for execute, arguments in (("qmp_capabilities", {}),) + commands:
                stream.write(json.dumps({"execute": execute, "arguments": arguments}) + "\n")
                stream.flush()
                while True:
                    answer = json.loads(stream.readline())
                    if "error" in answer:
                        raise RuntimeError(f"QMP {execute}: {answer['error']}")
                    if "return" in answer:
                        break


class VolumesState(base.State):
    def __init__(self, args):
        super().__init__(args)
        self.next_nvme = 1
        self.plug = None
        self.qmp = None
        self.extra = {}
        self.release_scheduled = set()
        path = os.path.join(self.dir, "plug.json")
        if os.path.exists(path):
            with open(path) as f:
                self.plug = json.load(f)
            self.next_nvme = self.plug.get("first", 1)
            if "qmp" in self.plug:
                self.qmp = Qmp(self.plug["qmp"])
        path = os.path.join(self.dir, "volumes.json")
        if not os.path.exists(path):
            return
        with open(path) as f:
            self.extra = {v["id"]: v for v in json.load(f)}
        for v in self.volumes:
            e = self.extra.get(v["id"], {})
            if "holder" in e:
                v["attachment"] = {"instance": e["holder"], "device": e.get("holder_device", "/dev/sdf"), "status": "attached", "since": 0}
                if "release_after" in e:
                    later(e["release_after"], self.release, v)
                if "release_on_file" in e:
                    threading.Thread(target=self.release_on_file, args=(v, os.path.join(self.dir, e["release_on_file"])),
                                     daemon=True).start()
            if "created_after" in e:
                v["status"] = "creating"
                later(e["created_after"], self.created, v)

    def release(self, v):
        with self.lock:
            v["attachment"] = None
            v["status"] = "available"
        event(event="released", volume=v["id"])

    def release_on_file(self, v, path):
        while not os.path.exists(path):
            time.sleep(0.5)
        self.release(v)

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
        if self.extra.get(vid, {}).get("never_plug"):
            return
        if self.qmp:
            self.plug_into_qemu(vid)
        elif self.plug:
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


    def plug_into_qemu(self, vid):
        serial = vid.replace("-", "")
        image = os.path.join(self.plug["images"], vid + ".img")
        if not os.path.exists(image):
            with open(image, "wb") as f:
                f.truncate(self.plug.get("size_mb", 256) << 20)
        try:
            self.qmp.run(
                ("blockdev-add", {"driver": "raw", "node-name": "b" + serial,
                                  "file": {"driver": "file", "filename": image}}),
                ("device_add", {"driver": "nvme", "id": serial, "serial": serial, "drive": "b" + serial}))
        except (OSError, RuntimeError, ValueError) as e:
            event(event="plug-failed", volume=vid, error=str(e))
            return
        event(event="plugged", volume=vid, serial=serial, image=image)

    def seen(self, body):
        for vid in re.findall(r"<volumeId>(vol-[0-9a-f]+)</volumeId>", body):
            after = self.extra.get(vid, {}).get("release_after_seen")
            with self.lock:
                if after is None or vid in self.release_scheduled:
                    continue
                self.release_scheduled.add(vid)
                v = next(v for v in self.volumes if v["id"] == vid)
            later(after, self.release, v)


class VolumesEc2Handler(base.Ec2Handler):
    def describe_volumes(self, p):
        body = super().describe_volumes(p)
        base.STATE.seen(body)
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
