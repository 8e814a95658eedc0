#!/usr/bin/env python3
"""AWS stand-in for Taupage's tests: IMDSv2 (plain HTTP, as the real one), and EC2, KMS,
CloudFormation and S3 over HTTPS with a CA made at start-up, each on its own loopback port chosen
at runtime. Every SigV4 signature is checked by re-signing the request with botocore (an
implementation nobody on this project wrote); a mismatch is answered as AWS answers it, in each
protocol's error shape.

Usage: aws_standin.py --dir DIR [--region R] [--attach-delay SECONDS] [--role-ttl SECONDS] [--san IP]...
                      [--throttle aws|FILE]
(--san: one more address the server certificate is for, such as the host as a QEMU guest sees it;
--throttle: AWS's per-account request limits, off unless asked for (see THROTTLE_LIMITS): "aws"
for the documented ones, or a JSON file of the same shape that replaces some of them)

Each server takes hundreds of connections at once: the TLS handshake runs in the connection's
own thread (never in the one that accepts), and the listen backlog is deep.

DIR receives: ca.pem, env (shell `export` lines pointing Taupage at the stand-in), ready (written
last), signals.jsonl (every CloudFormation signal accepted), requests.jsonl (one line per request:
service, action, status, fault). Tests steer it through files in DIR:
  user-data                   served at /latest/user-data (404 when absent)
  volumes.json                EC2 volumes at start ([{"id","name","az","status"}...])
  s3/<bucket>/<key>           S3 objects; s3/<bucket>/.region the bucket's region;
                              s3/<bucket>/.redirect how a request to the wrong region is refused:
                              "malformed" (default: 400 AuthorizationHeaderMalformed with
                              x-amz-bucket-region), "body" (the same, the region only in <Region>),
                              "permanent" (301 PermanentRedirect, the region in the header and
                              <Endpoint>); s3/<bucket>/.deny key prefixes (one a line) the role may
                              not read: 403 AccessDenied
  refuse-cfn-v1               present: CloudFormation refuses the instance identity (CFN_V1), so
                              only SigV4 signals are accepted
  faults/<service>            one fault per line, consumed one per request (service: imds, ec2,
                              kms, cloudformation, s3): throttle, 500, 503, reset, hang, truncate,
                              badlength, badbody, skew (server clock +600 s from then on), unskew
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCOUNT = "123456789012"
INSTANCE_ID = "i-0standin00000001"
ROLE_NAME = "taupage-standin-role"
ENV_ACCESS_KEY = "AKIDSTANDINENV000001"
ENV_SECRET_KEY = "standin/env+secret/0123456789abcdefghij"
SKEW_WINDOW = 300

# AWS's per-account, per-region request limits as token buckets [capacity, refill per second],
# by service and bucket. EC2 ("Request throttling for the Amazon EC2 API", request token bucket
# sizes): every API action has its own bucket, sized by its category: non-mutating (Describe*)
# 100 / 20, the same unfiltered and unpaginated (DescribeVolumes without a filter or
# MaxResults/NextToken) 50 / 10, mutating (AttachVolume) 50 / 5. KMS: Decrypt shares the
# cryptographic-operations (symmetric) request quota, 5,500 a second by default (a second's
# worth as the bucket). CloudFormation publishes no rate for SignalResource; 50 / 10 is this
# stand-in's assumption. S3: 5,500 GET a second per prefix.
THROTTLE_LIMITS = {
    "ec2": {"DescribeVolumes": [100, 20], "DescribeVolumes/unfiltered": [50, 10], "AttachVolume": [50, 5]},
    "kms": {"cryptographic": [5500, 5500]},
    "cloudformation": {"SignalResource": [50, 10]},
    "s3": {"GetObject": [5500, 5500]},
}


class TokenBucket:
    """Starts full; refills continuously at `rate` a second up to `capacity`; a request takes one
    token or is throttled."""

    def __init__(self, capacity, rate):
        self.capacity, self.rate = float(capacity), float(rate)
        self.tokens, self.stamp = float(capacity), time.monotonic()
        self.lock = threading.Lock()

    def take(self):
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            return False


class State:
    def __init__(self, args):
        self.dir = args.dir
        self.region = args.region
        self.az = args.region + "a"
        self.attach_delay = args.attach_delay
        self.lock = threading.Lock()
        self.clock_offset = {}
        self.tokens = {}
        self.master_key = secrets.token_bytes(32)
        self.role_key = "ASIASTANDINROLE" + secrets.token_hex(3).upper()
        self.role_secret = secrets.token_urlsafe(30)
        self.role_token = secrets.token_urlsafe(60)
        self.role_expiration = time.time() + args.role_ttl
        self.signalled = set()
        self.buckets = {}
        if getattr(args, "throttle", None):
            limits = json.loads(json.dumps(THROTTLE_LIMITS))
            if args.throttle != "aws":
                with open(args.throttle) as f:
                    for service, table in json.load(f).items():
                        limits.setdefault(service, {}).update(table)
            self.buckets = {(service, name): TokenBucket(*limit) for service, table in limits.items() for name, limit in table.items()}
        self.volumes = []
        path = os.path.join(self.dir, "volumes.json")
        if os.path.exists(path):
            with open(path) as f:
                for v in json.load(f):
                    self.volumes.append({"id": v["id"], "name": v.get("name", ""), "az": v.get("az", self.az),
                                         "status": v.get("status", "available"), "size": v.get("size", 10),
                                         "attachment": None})
        self.document = json.dumps({
            "accountId": ACCOUNT, "architecture": "x86_64", "availabilityZone": self.az,
            "imageId": "ami-0standin000000001", "instanceId": INSTANCE_ID, "instanceType": "t3.micro",
            "pendingTime": "2026-11-26T12:00:00Z", "privateIp": "10.0.0.12", "region": self.region,
            "version": "2017-09-30"}, indent=2)
        self.signature = ""

    def now(self, service):
        return time.time() + self.clock_offset.get(service, 0)

    def secret_for(self, access_key, token):
        if access_key == ENV_ACCESS_KEY:
            return ENV_SECRET_KEY, token == ""
        if access_key == self.role_key:
            return self.role_secret, token == self.role_token
        return None, False

    def next_fault(self, service):
        path = os.path.join(self.dir, "faults", service)
        with self.lock:
            try:
                with open(path) as f:
                    lines = [l.strip() for l in f if l.strip()]
            except FileNotFoundError:
                return None
            if not lines:
                return None
            with open(path, "w") as f:
                f.write("".join(l + "\n" for l in lines[1:]))
            fault = lines[0]
            if fault == "skew":
                self.clock_offset[service] = 600
                return None
            if fault == "unskew":
                self.clock_offset[service] = 0
                return None
            return fault

    def admit(self, service, bucket):
        """Whether the account's bucket for this call has a token (always, with throttling off)."""
        b = self.buckets.get((service, bucket))
        return b is None or b.take()

    def record(self, name, entry):
        with self.lock:
            with open(os.path.join(self.dir, name), "a") as f:
                f.write(json.dumps(entry) + "\n")


STATE = None


def throttle(service, bucket, action, error):
    """Raises `error` (the service's own throttling answer), naming the action in requests.jsonl,
    when the account's bucket for the call is empty."""
    if not STATE.admit(service, bucket):
        error.action = action
        raise error


class AwsError(Exception):
    def __init__(self, status, code, message, headers=None, extra=None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}
        self.extra = extra or {}  # more elements of an S3 <Error>


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    service = "?"

    def log_message(self, fmt, *args):  # quiet: the tests read requests.jsonl
        pass

    def date_time_string(self, timestamp=None):  # the Date header follows this service's clock
        return formatdate(STATE.now(self.service), usegmt=True)

    # ---- plumbing -------------------------------------------------------------------------
    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, status, body, content_type, headers=None, fault=None):
        if isinstance(body, str):
            body = body.encode()
        if fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        if fault == "hang":
            self.connection.settimeout(60)
            try:
                while self.connection.recv(1024):
                    pass
            except OSError:
                pass
            self.close_connection = True
            return
        if fault == "badbody":
            body = b"<<not xml {not json" if status < 400 else body
            status = 200
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if fault == "truncate":
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        if fault == "badlength":
            self.send_header("Content-Length", str(len(body) + 100))
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self, method):
        body = self.read_body()
        fault = STATE.next_fault(self.service)
        action = "?"
        try:
            if fault in ("throttle", "500", "503"):
                raise self.fault_error(fault)
            action, status, payload, ctype, headers = self.dispatch(method, body)
            STATE.record("requests.jsonl", {"service": self.service, "action": action, "status": status, "fault": fault, "t": time.time()})
            self.send(status, payload, ctype, headers, fault)
        except AwsError as e:
            action = getattr(e, "action", action)
            STATE.record("requests.jsonl", {"service": self.service, "action": action, "status": e.status,
                                            "code": e.code, "fault": fault, "t": time.time()})
            payload, ctype = self.error_body(e)
            self.send(e.status, payload, ctype, e.headers, fault if fault in ("reset", "hang", "truncate", "badlength") else None)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    # ---- SigV4 ----------------------------------------------------------------------------
    def verify_sigv4(self, method, body, region, mismatch_code, mismatch_status, redirect="malformed"):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            raise AwsError(403 if self.service != "kms" else 400, "MissingAuthenticationToken" if self.service != "kms" else "MissingAuthenticationTokenException",
                           "Request is missing Authentication Token")
        fields = {}
        for part in auth[len("AWS4-HMAC-SHA256 "):].split(","):
            k, _, v = part.strip().partition("=")
            fields[k] = v
        try:
            access_key, date8, scope_region, scope_service, terminator = fields["Credential"].split("/")
            signed_headers = fields["SignedHeaders"].split(";")
            claimed = fields["Signature"]
        except (KeyError, ValueError):
            raise AwsError(400, "IncompleteSignature", "Authorization header is malformed")
        token = self.headers.get("X-Amz-Security-Token", "")
        secret, token_ok = STATE.secret_for(access_key, token)
        if secret is None or not token_ok:
            code = {"kms": "UnrecognizedClientException", "s3": "InvalidAccessKeyId", "ec2": "AuthFailure"}.get(self.service, "InvalidClientTokenId")
            raise AwsError(403 if self.service != "kms" else 400, code, "The security token included in the request is invalid.")
        amz_date = self.headers.get("X-Amz-Date", "")
        if "host" not in signed_headers or "x-amz-date" not in signed_headers or not amz_date:
            raise AwsError(mismatch_status, mismatch_code, "Host and X-Amz-Date must be signed")
        try:
            request_time = time.mktime(time.strptime(amz_date, "%Y%m%dT%H%M%SZ")) - time.timezone
        except ValueError:
            raise AwsError(400, "IncompleteSignature", "X-Amz-Date is malformed")
        now = STATE.now(self.service)
        if abs(request_time - now) > SKEW_WINDOW:
            server = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
            if self.service == "s3":
                raise AwsError(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
            if self.service == "ec2":
                raise AwsError(400, "RequestExpired", "Request has expired.")
            raise AwsError(mismatch_status, mismatch_code,
                           f"Signature expired: {amz_date} is now earlier than {server} ({server} - 5 min.)")
        if scope_service != self.service or terminator != "aws4_request" or date8 != amz_date[:8]:
            raise AwsError(mismatch_status, mismatch_code, f"Credential should be scoped to correct service: '{self.service}'.")
        if scope_region != region:
            if self.service == "s3" and redirect == "permanent":
                raise AwsError(301, "PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint. "
                               "Please send all future requests to this endpoint.", {"x-amz-bucket-region": region},
                               {"Endpoint": f"bucket.s3.{region}.amazonaws.com"})
            if self.service == "s3" and redirect == "body":
                raise AwsError(400, "AuthorizationHeaderMalformed",
                               f"The authorization header is malformed; the region '{scope_region}' is wrong; expecting '{region}'",
                               None, {"Region": region})
            if self.service == "s3":
                raise AwsError(400, "AuthorizationHeaderMalformed",
                               f"The authorization header is malformed; the region '{scope_region}' is wrong; expecting '{region}'",
                               {"x-amz-bucket-region": region})
            raise AwsError(mismatch_status, mismatch_code, f"Credential should be scoped to a valid region, not '{scope_region}'.")
        headers = {}
        for name in signed_headers:
            values = self.headers.get_all(name)
            if values is None:
                raise AwsError(mismatch_status, mismatch_code, f"Signed header {name} is missing")
            headers[name] = ",".join(values)
        url = "https://" + self.headers.get("Host", "") + self.path
        request = AWSRequest(method=method, url=url, headers=headers, data=body)
        request.context["timestamp"] = amz_date
        signer_class = S3SigV4Auth if self.service == "s3" else SigV4Auth
        signer = signer_class(Credentials(access_key, secret, token or None), self.service, region)
        canonical = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical)
        expected = signer.signature(string_to_sign, request)
        if not hmac.compare_digest(expected, claimed):
            raise AwsError(mismatch_status, mismatch_code,
                           "The request signature we calculated does not match the signature you provided. "
                           "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
        if self.service == "s3":
            declared = self.headers.get("x-amz-content-sha256", "")
            if declared != "UNSIGNED-PAYLOAD" and declared != hashlib.sha256(body).hexdigest():
                raise AwsError(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")


class ImdsHandler(Handler):
    service = "imds"

    def fault_error(self, fault):
        return AwsError({"throttle": 429, "500": 500, "503": 503}[fault], "", "")

    def error_body(self, e):
        return "", "text/plain"

    def dispatch(self, method, body):
        path = self.path.split("?")[0]
        if method == "PUT" and path == "/latest/api/token":
            if self.headers.get("X-Forwarded-For"):
                raise AwsError(403, "", "")
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
            if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                raise AwsError(400, "", "")
            token = secrets.token_urlsafe(40)
            STATE.tokens[token] = time.time() + int(ttl)
            return "token", 200, token, "text/plain", {"X-aws-ec2-metadata-token-ttl-seconds": ttl}
        if method != "GET":
            raise AwsError(405, "", "")
        token = self.headers.get("X-aws-ec2-metadata-token", "")
        if STATE.tokens.get(token, 0) < time.time():
            raise AwsError(401, "", "")
        values = {
            "/latest/dynamic/instance-identity/document": STATE.document,
            "/latest/dynamic/instance-identity/signature": STATE.signature,
            "/latest/meta-data/instance-id": INSTANCE_ID,
            "/latest/meta-data/placement/availability-zone": STATE.az,
            "/latest/meta-data/placement/region": STATE.region,
            "/latest/meta-data/local-ipv4": "10.0.0.12",
            "/latest/meta-data/local-hostname": "ip-10-0-0-12.eu-central-1.compute.internal",
            "/latest/meta-data/public-ipv4": "203.0.113.12",
            "/latest/meta-data/iam/security-credentials/": ROLE_NAME,
            "/latest/meta-data/iam/security-credentials/" + ROLE_NAME: json.dumps({
                "Code": "Success", "LastUpdated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "Type": "AWS-HMAC", "AccessKeyId": STATE.role_key, "SecretAccessKey": STATE.role_secret,
                "Token": STATE.role_token,
                "Expiration": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(STATE.role_expiration))}, indent=2),
        }
        if path in ("/latest/user-data", "/latest/user-data/"):
            try:
                with open(os.path.join(STATE.dir, "user-data"), "rb") as f:
                    return "user-data", 200, f.read(), "application/octet-stream", None
            except FileNotFoundError:
                raise AwsError(404, "", "")
        if path not in values:
            raise AwsError(404, "", "")
        return path, 200, values[path], "text/plain", None


class QueryHandler(Handler):
    """EC2 (ec2 protocol) and CloudFormation (query protocol): form-encoded, XML answers."""

    def params(self, body):
        if self.command == "GET":
            return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query, keep_blank_values=True))
        return dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))


class Ec2Handler(QueryHandler):
    service = "ec2"
    NS = "http://ec2.amazonaws.com/doc/2016-11-15/"

    def fault_error(self, fault):
        return {"throttle": AwsError(503, "RequestLimitExceeded", "Request limit exceeded."),
                "500": AwsError(500, "InternalError", "An internal error has occurred"),
                "503": AwsError(503, "Unavailable", "The server is overloaded and can't handle the request.")}[fault]

    def error_body(self, e):
        return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{e.code}</Code>"
                f"<Message>{xml_escape(e.message)}</Message></Error></Errors><RequestID>{uuid.uuid4()}</RequestID></Response>",
                "text/xml;charset=UTF-8")

    def dispatch(self, method, body):
        if method != "POST":
            raise AwsError(400, "InvalidAction", "EC2 takes POST")
        self.verify_sigv4(method, body, STATE.region, "SignatureDoesNotMatch", 403)
        p = self.params(body)
        action = p.get("Action", "")
        if p.get("Version") != "2016-11-15":
            raise AwsError(400, "InvalidParameterValue", "Version must be 2016-11-15")
        bucket = action
        if action == "DescribeVolumes" and not any(k.startswith(("Filter.", "VolumeId.")) or k in ("MaxResults", "NextToken") for k in p):
            bucket = "DescribeVolumes/unfiltered"
        throttle("ec2", bucket, action, AwsError(503, "RequestLimitExceeded", "Request limit exceeded."))
        if action == "DescribeVolumes":
            return action, 200, self.describe_volumes(p), "text/xml;charset=UTF-8", None
        if action == "AttachVolume":
            return action, 200, self.attach_volume(p), "text/xml;charset=UTF-8", None
        raise AwsError(400, "InvalidAction", f"The action {action} is not valid for this web service.")

    def volume_view(self, v):
        with STATE.lock:
            a = v["attachment"]
            if a and a["status"] == "attaching" and time.time() >= a["since"] + STATE.attach_delay:
                a["status"] = "attached"
            return dict(v, attachment=dict(a) if a else None)

    def describe_volumes(self, p):
        filters = {}
        n = 1
        while f"Filter.{n}.Name" in p:
            values, m = [], 1
            while f"Filter.{n}.Value.{m}" in p:
                values.append(p[f"Filter.{n}.Value.{m}"])
                m += 1
            filters[p[f"Filter.{n}.Name"]] = values
            n += 1
        ids, n = [], 1
        while f"VolumeId.{n}" in p:
            ids.append(p[f"VolumeId.{n}"])
            n += 1
        for name in filters:
            if name not in ("tag:Name", "status", "availability-zone", "volume-id", "attachment.instance-id"):
                raise AwsError(400, "InvalidParameterValue", f"The filter '{name}' is invalid")
        views = []
        for v in map(self.volume_view, STATE.volumes):
            if ids and v["id"] not in ids:
                continue
            fields = {"tag:Name": v["name"], "availability-zone": v["az"], "volume-id": v["id"],
                      "status": "in-use" if v["attachment"] else v["status"],
                      "attachment.instance-id": v["attachment"]["instance"] if v["attachment"] else None}
            if all(fields[k] in vals for k, vals in filters.items()):
                views.append(v)
        for i in ids:
            if i not in [v["id"] for v in STATE.volumes]:
                raise AwsError(400, "InvalidVolume.NotFound", f"The volume '{i}' does not exist.")
        # Pages of two, so that every client meets NextToken.
        start = int(p.get("NextToken") or 0)
        page_size = min(int(p.get("MaxResults") or 2), 2)
        page = views[start:start + page_size]
        next_token = f"<nextToken>{start + page_size}</nextToken>" if start + page_size < len(views) else ""
        items = ""
        for v in page:
            a = v["attachment"]
            attach = (f"<item><volumeId>{v['id']}</volumeId><instanceId>{a['instance']}</instanceId><device>{a['device']}</device>"
                      f"<status>{a['status']}</status><attachTime>2026-11-26T12:00:00.000Z</attachTime>"
                      f"<deleteOnTermination>false</deleteOnTermination></item>") if a else ""
            items += (f"<item><volumeId>{v['id']}</volumeId><size>{v['size']}</size><snapshotId/>"
                      f"<availabilityZone>{v['az']}</availabilityZone><status>{'in-use' if a else v['status']}</status>"
                      f"<createTime>2026-11-20T10:00:00.000Z</createTime><attachmentSet>{attach}</attachmentSet>"
                      f"<tagSet><item><key>Name</key><value>{xml_escape(v['name'])}</value></item></tagSet>"
                      f"<volumeType>gp3</volumeType><encrypted>true</encrypted><multiAttachEnabled>false</multiAttachEnabled></item>")
        return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeVolumesResponse xmlns=\"{self.NS}\">"
                f"<requestId>{uuid.uuid4()}</requestId><volumeSet>{items}</volumeSet>{next_token}</DescribeVolumesResponse>")

    def attach_volume(self, p):
        vid, instance, device = p.get("VolumeId"), p.get("InstanceId"), p.get("Device")
        if not vid or not instance or not device:
            raise AwsError(400, "MissingParameter", "VolumeId, InstanceId and Device are required")
        if instance != INSTANCE_ID:
            raise AwsError(400, "InvalidInstanceID.NotFound", f"The instance ID '{instance}' does not exist")
        with STATE.lock:
            for v in STATE.volumes:
                if v["id"] == vid:
                    if v["attachment"] or v["status"] != "available":
                        raise AwsError(400, "VolumeInUse", f"{vid} is already attached to an instance")
                    if v["az"] != STATE.az:
                        raise AwsError(400, "InvalidVolume.ZoneMismatch", f"The volume '{vid}' is not in the same availability zone as instance '{instance}'")
                    v["attachment"] = {"instance": instance, "device": device, "status": "attaching", "since": time.time()}
                    break
            else:
                raise AwsError(400, "InvalidVolume.NotFound", f"The volume '{vid}' does not exist.")
        return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AttachVolumeResponse xmlns=\"{self.NS}\"><requestId>{uuid.uuid4()}</requestId>"
                f"<volumeId>{vid}</volumeId><instanceId>{instance}</instanceId><device>{xml_escape(device)}</device>"
                f"<status>attaching</status><attachTime>2026-11-26T12:00:00.000Z</attachTime></AttachVolumeResponse>")


class CfnHandler(QueryHandler):
    service = "cloudformation"

    def fault_error(self, fault):
        return {"throttle": AwsError(400, "Throttling", "Rate exceeded"),
                "500": AwsError(500, "InternalFailure", "An internal error occurred"),
                "503": AwsError(503, "ServiceUnavailable", "Service unavailable")}[fault]

    def error_body(self, e):
        kind = "Receiver" if e.status >= 500 else "Sender"
        return (f"<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>{kind}</Type>"
                f"<Code>{e.code}</Code><Message>{xml_escape(e.message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>",
                "text/xml")

    def dispatch(self, method, body):
        auth = self.headers.get("Authorization", "")
        if auth.startswith("CFN_V1 "):
            if os.path.exists(os.path.join(STATE.dir, "refuse-cfn-v1")):
                raise AwsError(403, "AccessDenied", "CFN_V1 authentication is not accepted here")
            self.verify_cfn_v1(auth)
            kind = "CFN_V1"
        else:
            self.verify_sigv4(method, body, STATE.region, "SignatureDoesNotMatch", 403)
            kind = "SigV4"
        p = self.params(body)
        action = p.get("Action", "")
        if action != "SignalResource" or p.get("Version") != "2010-05-15":
            raise AwsError(400, "InvalidAction", f"Could not find operation {action} for version {p.get('Version')}")
        throttle("cloudformation", action, action, AwsError(400, "Throttling", "Rate exceeded"))
        for name in ("StackName", "LogicalResourceId", "UniqueId", "Status"):
            if not p.get(name):
                raise AwsError(400, "ValidationError", f"1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null")
        if p["Status"] not in ("SUCCESS", "FAILURE"):
            raise AwsError(400, "ValidationError", f"Value '{p['Status']}' at 'status' failed to satisfy constraint")
        if p["StackName"] == "missing-stack":
            raise AwsError(400, "ValidationError", f"Stack with id {p['StackName']} does not exist")
        key = (p["StackName"], p["LogicalResourceId"], p["UniqueId"])
        with STATE.lock:
            if key in STATE.signalled:
                raise AwsError(400, "ValidationError", f"Resource {p['LogicalResourceId']} is in CREATE_COMPLETE state and can not be signaled")
            STATE.signalled.add(key)
        STATE.record("signals.jsonl", {"stack": p["StackName"], "resource": p["LogicalResourceId"], "unique_id": p["UniqueId"],
                                       "status": p["Status"], "auth": kind, "method": method, "t": time.time()})
        return action, 200, ("<SignalResourceResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\">"
                             f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></SignalResourceResponse>"), "text/xml", None

    def verify_cfn_v1(self, auth):
        document_b64, _, signature = auth[len("CFN_V1 "):].partition(":")
        try:
            document = base64.b64decode(document_b64, validate=True).decode()
        except Exception:
            raise AwsError(403, "SignatureDoesNotMatch", "CFN_V1 identity document is not valid base64")
        if document != STATE.document or signature != STATE.signature.replace("\n", ""):
            raise AwsError(403, "SignatureDoesNotMatch", "The instance identity document or its signature does not verify")


class KmsHandler(Handler):
    service = "kms"

    def fault_error(self, fault):
        return {"throttle": AwsError(400, "ThrottlingException", "Rate exceeded"),
                "500": AwsError(500, "KMSInternalException", "An internal error occurred"),
                "503": AwsError(503, "ServiceUnavailableException", "Service unavailable")}[fault]

    def error_body(self, e):
        return json.dumps({"__type": e.code, "message": e.message}), "application/x-amz-json-1.1"

    def dispatch(self, method, body):
        if method != "POST":
            raise AwsError(400, "UnknownOperationException", "KMS takes POST")
        self.verify_sigv4(method, body, STATE.region, "InvalidSignatureException", 400)
        target = self.headers.get("X-Amz-Target", "")
        if self.headers.get("Content-Type") != "application/x-amz-json-1.1":
            raise AwsError(400, "SerializationException", "Content-Type must be application/x-amz-json-1.1")
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            raise AwsError(400, "SerializationException", "Start of structure or map found where not expected")
        if target in ("TrentService.Encrypt", "TrentService.Decrypt"):
            throttle("kms", "cryptographic", target.split(".")[1],
                     AwsError(400, "ThrottlingException", "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls."))
        if target == "TrentService.Encrypt":
            return "Encrypt", 200, json.dumps(self.encrypt(request)), "application/x-amz-json-1.1", None
        if target == "TrentService.Decrypt":
            return "Decrypt", 200, json.dumps(self.decrypt(request)), "application/x-amz-json-1.1", None
        raise AwsError(400, "UnknownOperationException", "")

    def key_arn(self, key_id):
        return f"arn:aws:kms:{STATE.region}:{ACCOUNT}:key/{key_id.replace('alias/', 'standin-')}"

    def encrypt(self, request):
        key_id = request.get("KeyId", "")
        plaintext = base64.b64decode(request.get("Plaintext", ""))
        if not key_id or not plaintext:
            raise AwsError(400, "ValidationException", "KeyId and Plaintext are required")
        nonce = secrets.token_bytes(16)
        key = key_id.encode()
        stream = hashlib.sha256(STATE.master_key + nonce).digest()
        while len(stream) < len(plaintext):
            stream += hashlib.sha256(STATE.master_key + stream[-32:]).digest()
        cipher = bytes(a ^ b for a, b in zip(plaintext, stream))
        blob = b"SIN1" + bytes([len(key)]) + key + nonce + cipher
        blob += hmac.new(STATE.master_key, blob, hashlib.sha256).digest()
        return {"CiphertextBlob": base64.b64encode(blob).decode(), "KeyId": self.key_arn(key_id), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}

    def decrypt(self, request):
        try:
            blob = base64.b64decode(request.get("CiphertextBlob", ""), validate=True)
        except Exception:
            raise AwsError(400, "SerializationException", "CiphertextBlob is not valid base64")
        if len(blob) < 4 + 1 + 16 + 32 or blob[:4] != b"SIN1" or not hmac.compare_digest(
                blob[-32:], hmac.new(STATE.master_key, blob[:-32], hashlib.sha256).digest()):
            raise AwsError(400, "InvalidCiphertextException", "")
        n = blob[4]
        key_id = blob[5:5 + n].decode()
        nonce, cipher = blob[5 + n:21 + n], blob[21 + n:-32]
        if key_id == "alias/denied":
            raise AwsError(400, "AccessDeniedException", f"User: arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE_NAME}/{INSTANCE_ID} is not authorized to perform: kms:Decrypt")
        if key_id == "alias/disabled":
            raise AwsError(400, "DisabledException", f"{self.key_arn(key_id)} is disabled.")
        if key_id == "alias/deleted":
            raise AwsError(400, "NotFoundException", f"Key '{self.key_arn(key_id)}' does not exist")
        stream = hashlib.sha256(STATE.master_key + nonce).digest()
        while len(stream) < len(cipher):
            stream += hashlib.sha256(STATE.master_key + stream[-32:]).digest()
        plaintext = bytes(a ^ b for a, b in zip(cipher, stream))
        return {"KeyId": self.key_arn(key_id), "Plaintext": base64.b64encode(plaintext).decode(), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}


class S3Handler(Handler):
    service = "s3"

    def fault_error(self, fault):
        return {"throttle": AwsError(503, "SlowDown", "Please reduce your request rate."),
                "500": AwsError(500, "InternalError", "We encountered an internal error. Please try again."),
                "503": AwsError(503, "ServiceUnavailable", "Service Unavailable")}[fault]

    def error_body(self, e):
        extra = "".join(f"<{k}>{xml_escape(v)}</{k}>" for k, v in e.extra.items())
        return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{e.code}</Code><Message>{xml_escape(e.message)}</Message>"
                f"{extra}<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>", "application/xml")

    def dispatch(self, method, body):
        if method != "GET":
            raise AwsError(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
        path = urllib.parse.urlsplit(self.path).path
        bucket, _, key = path.lstrip("/").partition("/")
        bucket_dir = os.path.join(STATE.dir, "s3", bucket)
        if not bucket or not os.path.isdir(bucket_dir):
            self.verify_sigv4(method, body, STATE.region, "SignatureDoesNotMatch", 403)
            raise AwsError(404, "NoSuchBucket", "The specified bucket does not exist")
        def setting(name, default):
            path = os.path.join(bucket_dir, name)
            if not os.path.exists(path):
                return default
            with open(path) as f:
                return f.read().strip()
        region = setting(".region", STATE.region)
        self.verify_sigv4(method, body, region, "SignatureDoesNotMatch", 403, setting(".redirect", "malformed"))
        name = urllib.parse.unquote(key)
        if any(p and name.startswith(p) for p in setting(".deny", "").splitlines()):
            raise AwsError(403, "AccessDenied", "Access Denied")
        throttle("s3", "GetObject", "GetObject", AwsError(503, "SlowDown", "Please reduce your request rate."))
        file_path = os.path.normpath(os.path.join(bucket_dir, name))
        if not file_path.startswith(bucket_dir + "/") or not os.path.isfile(file_path) or name.startswith("."):
            raise AwsError(404, "NoSuchKey", "The specified key does not exist.")
        with open(file_path, "rb") as f:
            data = f.read()
        return "GetObject", 200, data, "application/octet-stream", {"ETag": '"' + hashlib.md5(data).hexdigest() + '"'}


def xml_escape(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_pki(d, extra_ips=()):
    """A CA and a server certificate for 127.0.0.1, localhost and extra_ips; an RSA key signing the identity document."""
    pki = os.path.join(d, "pki")
    os.makedirs(pki, exist_ok=True)
    j = lambda name: os.path.join(pki, name)
    run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", j("ca.key"),
         "-out", os.path.join(d, "ca.pem"), "-days", "2", "-subj", "/CN=taupage aws stand-in CA"])
    run(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", j("server.key"),
         "-out", j("server.csr"), "-subj", "/CN=localhost"])
    with open(j("ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost" + "".join(",IP:" + ip for ip in extra_ips) + "\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n")
    run(["openssl", "x509", "-req", "-in", j("server.csr"), "-CA", os.path.join(d, "ca.pem"), "-CAkey", j("ca.key"),
         "-CAcreateserial", "-out", j("server.pem"), "-days", "2", "-extfile", j("ext.cnf")])
    run(["openssl", "genrsa", "-out", j("identity.key"), "2048"])
    with open(j("document"), "w") as f:
        f.write(STATE.document)
    run(["openssl", "dgst", "-sha256", "-sign", j("identity.key"), "-out", j("document.sig"), j("document")])
    with open(j("document.sig"), "rb") as f:
        raw = base64.b64encode(f.read()).decode()
    STATE.signature = "\n".join(raw[i:i + 64] for i in range(0, len(raw), 64))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(j("server.pem"), j("server.key"))
    return context


class Server(ThreadingHTTPServer):
    """One thread a connection. With TLS the handshake happens in that thread, with a time limit,
    so a client that connects and says nothing (or hundreds arriving at once) never holds up the
    accepting thread; the backlog takes a fleet's worth of connections at once."""
    daemon_threads = True
    request_queue_size = 1024
    tls_context = None

    def finish_request(self, request, client_address):
        if not self.tls_context:
            self.RequestHandlerClass(request, client_address, self)
            return
        request.settimeout(30)
        try:
            tls = self.tls_context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        tls.settimeout(None)
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            self.shutdown_request(tls)


def serve(handler, tls_context=None):
    server = Server(("127.0.0.1", 0), handler)
    server.tls_context = tls_context
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def encrypt_command(argv):
    """aws_standin.py encrypt DIR KEY_ID PLAINTEXT: KMS Encrypt through botocore, prints the base64 blob."""
    import botocore.session
    d, key_id, plaintext = argv
    env = {}
    for path in ("env", "env-credentials"):
        with open(os.path.join(d, path)) as f:
            for line in f:
                k, _, v = line.replace("export ", "").strip().partition("=")
                env[k] = v.strip("'")
    with open(os.path.join(d, "ports.json")) as f:
        region = json.load(f)["region"]
    session = botocore.session.get_session()
    client = session.create_client("kms", region_name=region, endpoint_url=env["AWS_ENDPOINT_URL_KMS"],
                                   verify=env["AWS_CA_BUNDLE"], aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                                   aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
    blob = client.encrypt(KeyId=key_id, Plaintext=plaintext.encode())["CiphertextBlob"]
    print(base64.b64encode(blob).decode())


def main():
    global STATE
    if len(sys.argv) > 1 and sys.argv[1] == "encrypt":
        return encrypt_command(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--region", default="eu-central-1")
    parser.add_argument("--attach-delay", type=float, default=1.0)
    parser.add_argument("--role-ttl", type=float, default=6 * 3600)
    parser.add_argument("--san", action="append", default=[])
    parser.add_argument("--throttle", default="")
    args = parser.parse_args()
    os.makedirs(os.path.join(args.dir, "faults"), exist_ok=True)
    STATE = State(args)
    tls = make_pki(args.dir, args.san)
    ports = {"imds": serve(ImdsHandler), "ec2": serve(Ec2Handler, tls), "kms": serve(KmsHandler, tls),
             "cloudformation": serve(CfnHandler, tls), "s3": serve(S3Handler, tls)}
    with open(os.path.join(args.dir, "env"), "w") as f:
        f.write(f"export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:{ports['imds']}\n")
        for service in ("ec2", "kms", "cloudformation", "s3"):
            f.write(f"export AWS_ENDPOINT_URL_{service.upper()}=https://127.0.0.1:{ports[service]}\n")
        f.write(f"export AWS_CA_BUNDLE={os.path.join(args.dir, 'ca.pem')}\n")
    with open(os.path.join(args.dir, "env-credentials"), "w") as f:
        f.write(f"export AWS_ACCESS_KEY_ID={ENV_ACCESS_KEY}\nexport AWS_SECRET_ACCESS_KEY='{ENV_SECRET_KEY}'\n")
    with open(os.path.join(args.dir, "ports.json"), "w") as f:
        json.dump(dict(ports, region=args.region), f)
    with open(os.path.join(args.dir, "ready"), "w") as f:
        f.write(str(os.getpid()) + "\n")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
