"""A SigV4 oracle for differential tests: signs requests with botocore's own signers.

Started by `BotocoreSigner.swift`. Reads one JSON object per line on stdin and writes one JSON
object per line on stdout, in the same order, until stdin reaches EOF.

Request line:
    {"id": 1, "method": "GET",
     "url": "https://host[:port]/already-encoded-path?already-encoded-query",
     "headers": [["Host", "..."], ["X-Amz-Meta-A", "1"], ["X-Amz-Meta-A", "2"]],
     "body_b64": "...", "service": "s3", "region": "us-east-1",
     "access_key": "...", "secret_key": "...", "session_token": null,
     "timestamp": "20150830T123600Z",
     "mode": "header" | "s3" | "s3-unsigned" | "presign-s3", "expires": 3600}

Modes, each one of botocore 1.43's classes (botocore/auth.py):
    header       SigV4Auth: payload hash signed, path normalised and encoded again (non-S3)
    s3           S3SigV4Auth: path used as sent, x-amz-content-sha256 = SHA-256 of the body
    s3-unsigned  S3SigV4Auth with the client config `s3={"payload_signing_enabled": False}`,
                 the switch `S3SigV4Auth._should_sha256_sign_payload` honours first (the
                 request-context flag is ignored for S3 over http), so the payload hash is
                 UNSIGNED-PAYLOAD
    presign-s3   S3SigV4QueryAuth(expires=...): a presigned URL, payload UNSIGNED-PAYLOAD

Reply line:
    {"id": 1, "authorization": "AWS4-HMAC-SHA256 Credential=..." | null,
     "canonical_request": "...", "string_to_sign": "...", "signature": "...",
     "signed_headers": [["Host", "..."], ...],   # every header after signing, in order
     "url": "..."}                                # the URL after signing (presign: with query)
or {"id": 1, "error": "..."} when a line cannot be signed.

The URL is used exactly as given: botocore's signers read `AWSRequest.url` with `urlsplit`
and never prepare (re-encode) it; only presigning rebuilds the query string, as botocore does.
The clock is frozen by replacing `botocore.auth.get_current_datetime`, the one function
`SigV4Auth.add_auth` reads the time from, with one returning the request's timestamp.
"""

import base64
import datetime
import json
import sys

import botocore.auth
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

_frozen_now = None


def _frozen_current_datetime(remove_tzinfo=True):
    """Stands in for `botocore.compat.get_current_datetime` while a request is signed."""
    if remove_tzinfo:
        return _frozen_now
    return _frozen_now.replace(tzinfo=datetime.timezone.utc)


botocore.auth.get_current_datetime = _frozen_current_datetime

_UNSIGNED_PAYLOAD_CONFIG = Config(s3={"payload_signing_enabled": False})


def _make_signer(line, credentials):
    mode = line.get("mode", "header")
    service, region = line["service"], line["region"]
    if mode == "header":
        return SigV4Auth(credentials, service, region), None
    if mode == "s3":
        return S3SigV4Auth(credentials, service, region), None
    if mode == "s3-unsigned":
        return S3SigV4Auth(credentials, service, region), _UNSIGNED_PAYLOAD_CONFIG
    if mode == "presign-s3":
        expires = int(line.get("expires", 3600))
        return S3SigV4QueryAuth(credentials, service, region, expires=expires), None
    raise ValueError(f"unknown mode {mode!r}")


def sign(line):
    """Signs one request line and returns the reply object."""
    global _frozen_now
    _frozen_now = datetime.datetime.strptime(line["timestamp"], "%Y%m%dT%H%M%SZ")
    credentials = Credentials(line["access_key"], line["secret_key"], line.get("session_token"))
    signer, client_config = _make_signer(line, credentials)

    body = base64.b64decode(line.get("body_b64") or "")
    request = AWSRequest(method=line["method"], url=line["url"], data=body)
    for name, value in line.get("headers", []):
        request.headers[name] = value  # HTTPHeaders appends: order and repeats are kept
    if client_config is not None:
        request.context["client_config"] = client_config

    # Capture the intermediate strings add_auth computes (it only logs them).
    captured = {}
    canonical_request, string_to_sign = signer.canonical_request, signer.string_to_sign

    def capture_canonical_request(req):
        captured["canonical_request"] = canonical_request(req)
        return captured["canonical_request"]

    def capture_string_to_sign(req, creq):
        captured["string_to_sign"] = string_to_sign(req, creq)
        return captured["string_to_sign"]

    signer.canonical_request = capture_canonical_request
    signer.string_to_sign = capture_string_to_sign
    signer.add_auth(request)

    authorization = request.headers.get("Authorization")
    signature = None
    if authorization is not None:
        signature = authorization.rpartition("Signature=")[2]
    else:
        signature = request.url.rpartition("X-Amz-Signature=")[2]
    return {
        "id": line.get("id"),
        "authorization": authorization,
        "canonical_request": captured["canonical_request"],
        "string_to_sign": captured["string_to_sign"],
        "signature": signature,
        "signed_headers": [[name, value] for name, value in request.headers.items()],
        "url": request.url,
    }


def main():
    for raw in sys.stdin.buffer:
        if not raw.strip():
            continue
        line = {}
        try:
            line = json.loads(raw)
            reply = sign(line)
        except Exception as error:  # report it and keep serving the other lines
            request_id = line.get("id") if isinstance(line, dict) else None
            reply = {"id": request_id, "error": f"{type(error).__name__}: {error}"}
        # One write and flush per line: the Swift side reads replies while it still writes.
        sys.stdout.buffer.write(json.dumps(reply).encode("ascii") + b"\n")
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
