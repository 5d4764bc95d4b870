#!/usr/bin/env python3
"""A counting HTTP proxy between the agent and the emulator, for `make bench` (bench/PipelineBench).

Every request is forwarded to --upstream unchanged (method, path, headers including Host, body), so SigV4
signatures made for the proxy's address still verify, and counted by AWS operation:

  service    from the SigV4 credential scope in Authorization (…/<region>/<service>/aws4_request)
  operation  X-Amz-Target (JSON protocols: DynamoDB, SQS, CloudWatch), Action= (Query protocols), or for S3
             the method, path and headers (CopyObject is a PUT with x-amz-copy-source, …)

Control (not forwarded, not counted): GET /__count__/stats answers {"total": n, "operations": {"s3.CopyObject": n}}.
The first line on stdout is `listening <port>`. The proxy exits when its standard input closes.
"""
import argparse
import http.client
import http.server
import json
import re
import sys
import threading
import urllib.parse

SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


def s3_operation(method, path, headers):
    parsed = urllib.parse.urlsplit(path)
    query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
    segments = [s for s in parsed.path.split("/") if s]
    on_object = len(segments) >= 2
    if method == "PUT":
        if headers.get("x-amz-copy-source"):
            return "UploadPartCopy" if "partNumber" in query else "CopyObject"
        if not on_object:
            return "PutBucketNotificationConfiguration" if "notification" in query else "CreateBucket"
        return "UploadPart" if "partNumber" in query else "PutObject"
    if method == "GET":
        if on_object:
            return "GetObject"
        if "list-type" in query:
            return "ListObjectsV2"
        if "uploads" in query:
            return "ListMultipartUploads"
        return "ListObjects" if segments else "ListBuckets"
    if method == "HEAD":
        return "HeadObject" if on_object else "HeadBucket"
    if method == "DELETE":
        return "AbortMultipartUpload" if "uploadId" in query else ("DeleteObject" if on_object else "DeleteBucket")
    if method == "POST":
        if "delete" in query:
            return "DeleteObjects"
        if "uploads" in query:
            return "CreateMultipartUpload"
        if "uploadId" in query:
            return "CompleteMultipartUpload"
    return method


def operation_of(method, path, headers, body):
    match = SCOPE.search(headers.get("Authorization") or "")
    service = match.group(1) if match else "unsigned"
    target = headers.get("X-Amz-Target")
    if target:
        return "%s.%s" % (service, target.rsplit(".", 1)[-1])
    if service == "s3":
        return "s3." + s3_operation(method, path, headers)
    form = urllib.parse.parse_qs(body.decode("utf-8", "replace")) if body else {}
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    action = (form.get("Action") or query.get("Action") or [method])[0]
    return "%s.%s" % (service, action)


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.total = 0
        self.operations = {}

    def add(self, operation):
        with self.lock:
            self.total += 1
            self.operations[operation] = self.operations.get(operation, 0) + 1

    def snapshot(self):
        with self.lock:
            return {"total": self.total, "operations": dict(self.operations)}


def make_handler(counts, upstream_host, upstream_port):
    local = threading.local()

    def upstream():
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(upstream_host, upstream_port, timeout=120)
            local.connection = connection
        return connection

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, payload, headers=(), content_type=None, length=None):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload) if length is None else length))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def forward(self, body):
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "proxy-connection")}
            for attempt in range(2):
                connection = upstream()
                try:
                    connection.request(self.command, self.path, body=body if body else None, headers=headers)
                    response = connection.getresponse()
                    return response.status, response.getheaders(), response.read()
                except (ConnectionError, http.client.HTTPException, OSError):
                    connection.close()
                    local.connection = None
                    if attempt == 1:
                        raise

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path.startswith("/__count__/"):
                return self.reply(200, json.dumps(counts.snapshot()).encode(), content_type="application/json")
            counts.add(operation_of(self.command, self.path, self.headers, body))
            status, headers, payload = self.forward(body)
            kept = [(n, v) for n, v in headers
                    if n.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date")]
            # A HEAD answer has no body but keeps the object's length (HeadObject's size).
            length = next((v for n, v in headers if n.lower() == "content-length"), None) if self.command == "HEAD" else None
            self.reply(status, payload, kept, length=length)

        def handle_one_request(self):
            try:
                super().handle_one_request()
            except (BrokenPipeError, ConnectionResetError):
                # The client went away mid-answer (a long poll cancelled at shutdown): nothing to answer.
                self.close_connection = True

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = handle_any

    return Handler


def main():
    parser = argparse.ArgumentParser(description="request-counting proxy for make bench")
    parser.add_argument("--upstream", required=True, help="host:port of the emulator")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    host, _, port = args.upstream.rpartition(":")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(Counts(), host, int(port)))
    server.daemon_threads = True
    print("listening %d" % server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # the parent went away: stop
    server.shutdown()


if __name__ == "__main__":
    main()
