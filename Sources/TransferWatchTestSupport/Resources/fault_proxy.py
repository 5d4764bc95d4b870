#!/usr/bin/env python3
"""A fault-injecting HTTP proxy between TransferWatch and the emulator (moto), for the reliability tests.

Every request is forwarded to --upstream unchanged (method, path, headers including Host, body), so SigV4
signatures made for the proxy's address still verify. At --rate, a request instead meets one of --faults,
chosen by a seeded RNG (--seed) so a failing run can be replayed:

  500, 503        an AWS-shaped server error, without forwarding
  throttle        the service's own throttling error (JSON: 400 ThrottlingException; Query: 400 Throttling;
                  S3: 503 SlowDown), without forwarding
  reset           the connection closed without an answer, without forwarding
  reset-after     forwarded (the emulator did the work), then the connection closed without an answer
  truncate        forwarded, then the answer cut in the middle of its body and the connection closed
  latency         forwarded after --latency-ms

Control (not forwarded, never faulted): GET /__faults__/stats (JSON counts), POST /__faults__/config with a
JSON object of rate/faults/latency_ms/down (down: every request is reset, as if the emulator were unreachable; counted as `outage`)
and targeted: a list of {"match": "<substring of the path>", "count": N, "fault": "500", "method": "DELETE" (optional)}
(replacing the previous list): the first N requests whose path or X-Amz-Target contains the substring (and with that
method) meet that fault, whatever the rate (counted as the fault and as `targeted`);
and unambiguous: a list of substrings of the path or X-Amz-Target header whose requests never lose an answer after the
emulator did the work: a reset-after or truncate chosen for them becomes a reset before forwarding (counted as `spared`).
That is for calls no client can retry exactly once, such as CloudWatch's PutMetricData (no idempotency token).
The first line on stdout is `listening <port>`. The proxy exits when its standard input closes.
"""
import argparse
import http.client
import http.server
import json
import random
import socket
import sys
import threading
import urllib.parse

FAULTS = ["500", "503", "throttle", "reset", "reset-after", "truncate", "latency"]


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.rng = random.Random(args.seed)
        self.rate = args.rate
        self.faults = [f for f in args.faults.split(",") if f]
        self.latency_ms = args.latency_ms
        self.down = False
        self.targeted = []  # [{"match", "count" (left), "fault"}], consumed in order
        self.unambiguous = []  # substrings of the path or X-Amz-Target
        self.stats = {"requests": 0, "forwarded": 0, "targeted": 0, "spared": 0}
        for fault in FAULTS:
            self.stats[fault] = 0
        self.stats["outage"] = 0

    def choose(self, method, path, target=""):
        with self.lock:
            fault = self._choose(method, path, target)
            if fault in ("reset-after", "truncate") and any(m in path or m in target for m in self.unambiguous):
                self.stats["spared"] += 1
                return "reset"
            return fault

    def _choose(self, method, path, amz_target):
        """The fault for a request (or None), by outage, targets, then rate; the caller holds the lock."""
        self.stats["requests"] += 1
        if self.down:
            self.stats["outage"] += 1
            return "down"
        for target in self.targeted:
            matches = target["match"] in path or target["match"] in amz_target
            if target["count"] > 0 and matches and target["method"] in ("", method):
                target["count"] -= 1
                self.stats["targeted"] += 1
                self.stats[target["fault"]] += 1
                return target["fault"]
        if self.faults and self.rng.random() < self.rate:
            fault = self.rng.choice(self.faults)
            self.stats[fault] += 1
            return fault
        return None


def protocol_of(headers, body):
    if headers.get("X-Amz-Target"):
        return "json"
    content_type = headers.get("Content-Type", "")
    if "x-www-form-urlencoded" in content_type and b"Action=" in body:
        return "query"
    return "s3"


def error_response(fault, protocol):
    if fault == "throttle":
        if protocol == "json":
            return 400, "application/x-amz-json-1.0", json.dumps(
                {"__type": "ThrottlingException", "message": "Rate exceeded (injected)"})
        if protocol == "query":
            return 400, "text/xml", ("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                                     "<Message>Rate exceeded (injected)</Message></Error>"
                                     "<RequestId>fault-proxy</RequestId></ErrorResponse>")
        return 503, "application/xml", ("<Error><Code>SlowDown</Code><Message>Please reduce your request rate "
                                        "(injected)</Message><RequestId>fault-proxy</RequestId></Error>")
    status = int(fault)
    code = "InternalError" if status == 500 else "ServiceUnavailable"
    if protocol == "json":
        return status, "application/x-amz-json-1.0", json.dumps(
            {"__type": code, "message": "injected " + fault})
    if protocol == "query":
        return status, "text/xml", ("<ErrorResponse><Error><Type>Receiver</Type><Code>%s</Code><Message>injected"
                                    "</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>" % code)
    return status, "application/xml", ("<Error><Code>%s</Code><Message>injected</Message>"
                                       "<RequestId>fault-proxy</RequestId></Error>" % code)


def parse_target(target):
    """A targeted fault from /__faults__/config, checked: {"match": str, "count": int >= 0, "fault": one of FAULTS,
    "method": an HTTP method, optional (only requests with that method)}."""
    fault = str(target.get("fault", "500"))
    if fault not in FAULTS:
        raise ValueError("unknown fault %r (known: %s)" % (fault, ", ".join(FAULTS)))
    match, count = str(target["match"]), int(target.get("count", 1))
    if not match or count < 0:
        raise ValueError("targeted fault needs a non-empty match and a count >= 0: %r" % (target,))
    method = str(target.get("method", "")).upper()
    return {"match": match, "count": count, "fault": fault, "method": method}


def make_handler(state, upstream_host, upstream_port):
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

        def reset(self):
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
            self.close_connection = True
            try:
                self.connection.close()
            except OSError:
                pass

        def control(self, body):
            if self.command == "POST" and self.path == "/__faults__/config":
                try:
                    update = json.loads(body or b"{}")
                    targeted = [parse_target(target) for target in update.get("targeted", [])]
                except (ValueError, KeyError, TypeError, AttributeError) as error:
                    payload = json.dumps({"error": str(error)}).encode()
                    self.send_response(400)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                with state.lock:
                    state.rate = float(update.get("rate", state.rate))
                    if "faults" in update:
                        state.faults = list(update["faults"])
                    state.latency_ms = int(update.get("latency_ms", state.latency_ms))
                    state.down = bool(update.get("down", state.down))
                    if "targeted" in update:
                        state.targeted = targeted
                    if "unambiguous" in update:
                        state.unambiguous = [str(m) for m in update["unambiguous"]]
            with state.lock:
                payload = json.dumps(dict(state.stats, rate=state.rate, down=state.down)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def forward(self, body):
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "proxy-connection")}
            for attempt in range(2):
                connection = upstream()
                try:
                    connection.request(self.command, self.path, body=body if body else None, headers=headers)
                    response = connection.getresponse()
                    return response.status, response.reason, response.getheaders(), response.read()
                except (ConnectionError, http.client.HTTPException, OSError):
                    connection.close()
                    local.connection = None
                    if attempt == 1:
                        raise

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path.startswith("/__faults__/"):
                return self.control(body)
            fault = state.choose(self.command, urllib.parse.unquote(self.path), self.headers.get("X-Amz-Target", ""))
            if fault in ("reset", "down"):
                return self.reset()
            if fault in ("500", "503", "throttle"):
                status, content_type, text = error_response(fault, protocol_of(self.headers, body))
                payload = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("x-amzn-RequestId", "fault-proxy")
                self.end_headers()
                self.wfile.write(payload)
                return
            if fault == "latency":
                threading.Event().wait(state.latency_ms / 1000.0)
            status, reason, headers, payload = self.forward(body)
            with state.lock:
                state.stats["forwarded"] += 1
            if fault == "reset-after":
                return self.reset()
            self.send_response(status, reason)
            for name, value in headers:
                if name.lower() in ("content-length", "transfer-encoding", "connection", "server", "date"):
                    continue
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if fault == "truncate" and len(payload) > 1:
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                return self.reset()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = handle_any

    return Handler


def main():
    parser = argparse.ArgumentParser(description="fault-injecting proxy for the reliability tests")
    parser.add_argument("--upstream", required=True, help="host:port of the emulator")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--faults", default=",".join(FAULTS))
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for fault in args.faults.split(","):
        if fault and fault not in FAULTS:
            parser.error("unknown fault %r (known: %s)" % (fault, ", ".join(FAULTS)))
    host, _, port = args.upstream.rpartition(":")
    state = State(args)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(state, host, int(port)))
    server.daemon_threads = True
    print("listening %d" % server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # the parent went away: stop
    server.shutdown()


if __name__ == "__main__":
    main()
