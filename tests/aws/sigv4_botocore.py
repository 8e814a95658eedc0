#!/usr/bin/env python3
"""Signs requests with botocore, the AWS SDK's own SigV4 code, for tests/aws/sigv4_botocore_test.cpp.

Reads a JSON array of requests on standard input, writes a JSON array of what botocore makes of
each: the canonical request, the string to sign, the signature and the headers it adds (header
form), and for the cases that ask for it the same for a presigned URL (query form). Each request:
  name, method, path (as on the wire), query (raw, without '?'), headers ([[name, value], ...],
  in order, repeats allowed), body, region, service, time (seconds since the epoch),
  access_key_id, secret_access_key, token, token_unsigned (the token goes on after signing),
  s3 (S3's signer: the path neither normalised nor encoded again, x-amz-content-sha256 signed),
  query_form, expires.
"""
import json
import sys
import time
from urllib.parse import parse_qsl, unquote_to_bytes, urlsplit

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials


def make_request(case, with_params):
    host = next(value for name, value in case["headers"] if name.lower() == "host")
    url = "https://" + host + case["path"]
    if case["query"] and not with_params:
        url += "?" + case["query"]
    request = AWSRequest(method=case["method"], url=url, data=case["body"].encode("utf-8"))
    for name, value in case["headers"]:
        request.headers[name] = value  # appends: a repeated header stays repeated
    if case["query"] and with_params:
        # The service decodes the query it receives; botocore then encodes each name and value.
        pairs = []
        for part in case["query"].split("&"):
            if part:
                key, _, value = part.partition("=")
                pairs.append((unquote_to_bytes(key).decode("utf-8"), unquote_to_bytes(value).decode("utf-8")))
        request.params = pairs
    request.context["timestamp"] = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(case["time"]))
    # Taupage signs S3 payloads too (x-amz-content-sha256 is the body's hash, never UNSIGNED-PAYLOAD).
    request.context["client_config"] = Config(s3={"payload_signing_enabled": True})
    return request


def credentials(case):
    signed_token = case["token"] if case["token"] and not case["token_unsigned"] else None
    return Credentials(case["access_key_id"], case["secret_access_key"], signed_token)


def header_form(case):
    signer_class = S3SigV4Auth if case["s3"] else SigV4Auth
    signer = signer_class(credentials(case), case["service"], case["region"])
    request = make_request(case, with_params=True)
    before = [name.lower() for name in request.headers.keys()]
    signer._modify_request_before_signing(request)  # X-Amz-Date, the token, x-amz-content-sha256
    canonical = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical)
    signature = signer.signature(string_to_sign, request)
    signer._inject_signature_to_request(request, signature)
    added = [[name, value] for name, value in request.headers.items() if name.lower() not in before]
    if case["token"] and case["token_unsigned"]:
        added.append(["X-Amz-Security-Token", case["token"]])
    return {"canonical_request": canonical, "string_to_sign": string_to_sign, "signature": signature, "added_headers": added}


def query_form(case):
    signer_class = S3SigV4QueryAuth if case["s3"] else SigV4QueryAuth
    signer = signer_class(credentials(case), case["service"], case["region"], expires=case["expires"])
    request = make_request(case, with_params=False)
    signer._modify_request_before_signing(request)  # moves the X-Amz-* parameters into the URL
    canonical = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical)
    signature = signer.signature(string_to_sign, request)
    signer._inject_signature_to_request(request, signature)
    query = urlsplit(request.url).query
    return {"canonical_request": canonical, "string_to_sign": string_to_sign, "signature": signature,
            "query_parameters": sorted(parse_qsl(query, keep_blank_values=True))}


def main():
    out = []
    for case in json.load(sys.stdin):
        result = {"name": case["name"], "header": header_form(case), "query": None}
        if case["query_form"]:
            result["query"] = query_form(case)
        out.append(result)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
