#!/usr/bin/env python3
"""`make demo`: one month of TransferWatch on a local AWS emulator, in about a minute.

Run with the venv's python (moto, boto3 and cryptography come from scripts/requirements-test.txt):

    .venv/bin/python3 scripts/demo.py --binary .build/debug/transferwatch [--keep] [--fast]

What happens, in order (each step is named; a failure stops the demo with exit 1 and names the step):

 1. moto starts (Sources/TransferWatchTestSupport/Resources/moto_launcher.py), behind the fault proxy
    (Resources/fault_proxy.py, no random faults): TransferWatch talks to the proxy, the operator side
    (this script, boto3) talks to moto directly.
 2. A local webhook receiver (Alertmanager format) starts; the configuration is written to a temporary folder.
 3. `transferwatch bootstrap` creates the buckets, tables, queue, notification and topic; the employees are
    seeded into the employees table (fresh ed25519 keys).
 4. `transferwatch alarms sync` and `dashboards publish`. moto 5.2.1 has no PutCompositeAlarm: the composite's
    failure is reported as such, every metric alarm must exist.
 5. `transferwatch agent --now <the 27th, 23:58> --clock-rate R`: the 28th arrives, the agent provisions the
    SFTP server (the latest 28th whose month keeps the metrics inside CloudWatch's window of 2 weeks back to 2 hours
    ahead of the real clock; when there is none, the schedule moves to a recent day and the summary says so); every employee but the late one uploads an invoice (through moto: S3 -> SQS -> agent).
 6. The late employee's silence makes `stalled-counter` fire; its notification, naming that employee, must reach
    the webhook receiver.
 7. The late employee uploads; the proxy fails the first requests for that key (as many as the client's
    attempts), the copy fails, SQS redelivers the event after agent.visibilityTimeout, and the retry succeeds.
 8. Every employee delivered: the agent tears the server down (reason `counter`). The status page is read.
 9. The agent stops (SIGTERM; final metrics flush); the metrics are read back with GetMetricData.
10. The summary. With --keep, everything keeps running (the status page stays up) until Ctrl-C.

Every child process is stopped on exit, on failure and on Ctrl-C.
"""

import argparse
import datetime as dt
import http.server
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESOURCES = os.path.join(ROOT, "Sources", "TransferWatchTestSupport", "Resources")
# CloudWatch accepts data points from 2 weeks back to 2 hours ahead of the real clock, and the agent stamps them
# with its (accelerated) business clock: the demo's month must lie far enough in the past that the business clock
# stays under real time + 2 h until the agent stops. AGENT_SECONDS is how long the agent may run for that bound.
AGENT_SECONDS = 40
CLOUDWATCH_MAX_AGE = dt.timedelta(days=13)


def choose_provisioning(real_now, rate):
    """The provisioning instant: the latest 28th 00:00 UTC that keeps every metric inside CloudWatch's window, else
    the latest midnight that does (with the schedule moved to that day). Returns (instant, moved?)."""
    latest = real_now - dt.timedelta(seconds=rate * AGENT_SECONDS) + dt.timedelta(hours=1, minutes=50)
    candidate = latest.replace(hour=0, minute=0, second=0, microsecond=0)
    for _ in range(40):  # the latest 28th at or before `latest`
        if candidate.day == 28:
            break
        candidate -= dt.timedelta(days=1)
    if candidate >= real_now - CLOUDWATCH_MAX_AGE:
        return candidate, False
    return latest.replace(hour=0, minute=0, second=0, microsecond=0), True
ACCESS_KEY, SECRET_KEY = "AKIDDEMODEMODEMO0000", "demo-secret-key"
ENVIRONMENT = "demo"
NAMESPACE = "TransferWatchDemo"
MAX_ATTEMPTS = 3
ALL_EMPLOYEES = ["alice", "bob", "carol", "erin", "frank", "grace", "dave"]


class StepFailed(Exception):
    """A demo step that did not do what it must; the message says what and where to look."""


def parse_time(text):
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def iso(moment):
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def humanize(seconds):
    seconds = int(round(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days}d"] if days else []
    if hours or days:
        parts.append(f"{hours}h")
    parts.append(f"{minutes:02d}m" if parts else f"{minutes}m")
    return " ".join(parts)


class WebhookReceiver:
    """An Alertmanager-format webhook receiver on 127.0.0.1: records every notification it is sent."""

    def __init__(self):
        self.lock = threading.Lock()
        self.notifications = []  # (real time, payload)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                try:
                    payload = json.loads(body)
                except ValueError:
                    payload = {"unparsed": body.decode("utf-8", "replace")}
                with receiver.lock:
                    receiver.notifications.append((time.time(), payload))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def alerts(self):
        """Every alert of every notification so far: (payload status, alert)."""
        with self.lock:
            return [(payload.get("status"), alert) for _, payload in self.notifications
                    for alert in payload.get("alerts", [])]

    def stop(self):
        self.server.shutdown()


class Demo:
    def __init__(self, args):
        self.args = args
        self.children = []  # (name, Popen), stopped in reverse order
        self.folder = tempfile.mkdtemp(prefix="transferwatch-demo-")
        self.employees = args.employees_list
        self.late = self.employees[-1]
        self.rate = args.clock_rate
        if args.start:
            self.provision_at, self.moved = parse_time(args.start) + dt.timedelta(minutes=2), False
        else:
            self.provision_at, self.moved = choose_provisioning(dt.datetime.now(dt.timezone.utc), self.rate)
        self.start = iso(self.provision_at - dt.timedelta(minutes=2))
        self.window = self.provision_at.strftime("%Y-%m")
        self.teardown_day = (self.provision_at + dt.timedelta(days=3)).day
        self.summary = {}
        self.agent = None
        self.agent_log_path = os.path.join(self.folder, "agent.log")
        self.current = "start"

    # ----------------------------------------------------------------------------------------------- processes

    def spawn(self, name, command, **kwargs):
        process = subprocess.Popen(command, start_new_session=True, **kwargs)
        self.children.append((name, process))
        return process

    def read_ready_line(self, name, process, prefix, timeout):
        """The first stdout line starting with prefix, within timeout seconds."""
        deadline = time.time() + timeout
        buffer = b""
        while time.time() < deadline:
            ready, _, _ = select.select([process.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(process.stdout.fileno(), 4096)
                if not chunk:
                    break
                buffer += chunk
                for line in buffer.decode("utf-8", "replace").splitlines():
                    if line.startswith(prefix):
                        return line
            if process.poll() is not None:
                break
        raise StepFailed(f"{name} did not start (exit {process.poll()}, printed {buffer[-300:]!r})")

    def stop_children(self, report=False):
        for name, process in reversed(self.children):
            if report:
                print(f"stopped {name} (pid {process.pid})", file=sys.stderr)
            if process.poll() is not None:
                continue
            try:
                if process.stdin:
                    process.stdin.close()  # moto's launcher and the proxy exit when stdin closes
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=25 if name == "agent" else 5)
            except (subprocess.TimeoutExpired, OSError):
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)
                except (OSError, subprocess.TimeoutExpired):
                    pass
        self.children = []

    # ----------------------------------------------------------------------------------------------- helpers

    def env(self):
        env = dict(os.environ)
        for key in list(env):
            if key.startswith("AWS_"):
                del env[key]
        env.update({"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                    "AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull,
                    "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
        return env

    def cli(self, *arguments, now=None, timeout=120):
        command = [self.args.binary, "--config", self.config_path]
        if now is not None:
            command += ["--now", now]
        command += list(arguments)
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=self.env())
        except subprocess.TimeoutExpired:
            raise StepFailed(f"`transferwatch {' '.join(arguments)}` did not finish in {timeout}s")
        return result

    def boto(self, service):
        import boto3
        return boto3.client(service, endpoint_url=self.moto_url, region_name="us-east-1",
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)

    def business_now(self):
        """The agent's clock, estimated from when it was started (it starts a little later, so this runs ahead)."""
        return parse_time(self.start) + dt.timedelta(seconds=(time.time() - self.agent_started) * self.rate)

    def wait_for(self, what, predicate, timeout, interval=0.25, agent_must_run=True):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            if agent_must_run and self.agent is not None and self.agent.poll() is not None:
                raise StepFailed(f"the agent exited ({self.agent.returncode}) while waiting for {what}; "
                                 f"log: {self.agent_log_path}")
            last = predicate()
            if last:
                return last
            time.sleep(interval)
        raise StepFailed(f"timed out after {timeout:.0f}s waiting for {what}; agent log: {self.agent_log_path}")

    def status(self):
        result = self.cli("status", "--json", now=iso(self.business_now()))
        if result.returncode != 0:
            return None
        try:
            return json.loads(result.stdout)
        except ValueError:
            return None

    def agent_events(self):
        """The agent's JSON log lines so far."""
        events = []
        try:
            with open(self.agent_log_path, encoding="utf-8", errors="replace") as log:
                for line in log:
                    if line.startswith("{"):
                        try:
                            events.append(json.loads(line))
                        except ValueError:
                            pass
        except OSError:
            pass
        return events

    def step(self, name):
        self.current = name
        print(f"==> {name}", flush=True)

    # ----------------------------------------------------------------------------------------------- steps

    def start_emulator(self):
        self.step("start the emulator (moto) and the fault proxy")
        moto = self.spawn("moto", [sys.executable, os.path.join(RESOURCES, "moto_launcher.py"), "--port", "0"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=open(os.path.join(self.folder, "moto.log"), "wb"))
        port = int(self.read_ready_line("moto", moto, "MOTO_READY", 60).split("port=")[1])
        self.moto_url = f"http://127.0.0.1:{port}"
        proxy = self.spawn("fault proxy", [sys.executable, os.path.join(RESOURCES, "fault_proxy.py"),
                                           "--upstream", f"127.0.0.1:{port}", "--rate", "0"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=open(os.path.join(self.folder, "proxy.log"), "wb"))
        self.proxy_url = "http://127.0.0.1:%s" % self.read_ready_line("fault proxy", proxy, "listening", 30).split()[1]

    def proxy_control(self, path, body=None):
        request = urllib.request.Request(self.proxy_url + "/__faults__/" + path, method="POST" if body else "GET",
                                         data=json.dumps(body).encode() if body else None)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def write_configuration(self):
        self.step("write the configuration and start the webhook receiver")
        self.webhook = WebhookReceiver()
        self.listen = f"127.0.0.1:{self.args.port or free_port()}"
        self.config_path = os.path.join(self.folder, "transferwatch.yaml")
        self.queue_url = f"{self.proxy_url}/123456789012/invoice-uploads"
        with open(self.config_path, "w") as config:
            config.write(f"""# Written by scripts/demo.py: TransferWatch against moto, one month on an accelerated clock.
region: us-east-1
endpoint: {self.proxy_url}
environment: {ENVIRONMENT}
namespace: {NAMESPACE}
buckets: {{source: invoices-incoming, destination: invoices-archive}}
tables: {{employees: SFTPUsers, state: TransferWatchState}}
queue: {self.queue_url}
sftp:
  userRole: arn:aws:iam::123456789012:role/sftp-invoice-user
  provision: "cron(0 0 {self.provision_at.day} * ? *)"
  teardown: "cron(0 0 {self.teardown_day} * ? *)"
  maxLifespan: 2d
  requestsPerSecond: 0
alerts:
  snsTopicArn: arn:aws:sns:us-east-1:123456789012:oncall
  webhooks: [{{url: "{self.webhook.url}", format: alertmanager}}]
  groupWait: 1s
  groupInterval: 5s
  repeatInterval: 4h
  deliveryTimeout: 5s
  externalURL: http://{self.listen}
rules: {os.path.join(ROOT, "rules")}
dashboards: {os.path.join(ROOT, "dashboards")}
spool: {os.path.join(self.folder, "spool")}
listen: {self.listen}
metrics:
  flushInterval: 2s
aws:
  maxAttempts: {MAX_ATTEMPTS}
copy:
  gracePeriod: 1d          # reconciliation must not move the late upload before its event is redelivered
agent:
  lease: 30s
  tickInterval: 5m
  reconcileInterval: 1h
  visibilityTimeout: 2s    # real seconds (SQS): a failed copy's event comes back 2 s later
  shutdownTimeout: 10s
""")

    def bootstrap(self):
        self.step("bootstrap the resources and seed the employees")
        result = self.cli("bootstrap")
        if result.returncode != 0:
            raise StepFailed(f"bootstrap exited {result.returncode}: {result.stderr.strip()[-500:]}")
        self.summary["bootstrap"] = [line for line in result.stdout.splitlines() if line.strip()]
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
        dynamo = self.boto("dynamodb")
        for name in self.employees:
            key = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
                serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
            dynamo.put_item(TableName="SFTPUsers", Item={
                "username": {"S": name}, "sshPublicKey": {"S": f"{key} {name}@laptop"},
                "email": {"S": f"{name}@example.com"}, "active": {"BOOL": True}})

    def publish_alarms_and_dashboards(self):
        self.step("alarms sync and dashboards publish")
        result = self.cli("alarms", "sync")
        with open(os.path.join(self.folder, "alarms-sync.log"), "w") as log:
            log.write(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
        planned = re.findall(r"^[+~=] \w+ (\S+) \((?!composite:)", result.stdout, re.MULTILINE)
        composites = re.findall(r"^[+~=] \w+ (\S+) \(composite:", result.stdout, re.MULTILINE)
        if not planned:
            raise StepFailed(f"alarms sync planned no metric alarm (exit {result.returncode}): "
                             f"{result.stderr.strip()[-400:]}")
        answer = self.boto("cloudwatch").describe_alarms()
        existing = {alarm["AlarmName"] for alarm in answer["MetricAlarms"]}
        missing = [name for name in planned if name not in existing]
        if missing:
            raise StepFailed(f"alarms sync did not create the metric alarm(s) {missing}: {result.stderr.strip()[-400:]}")
        unsupported = [name for name in composites
                       if re.search(rf"error: \w+ {re.escape(name)} failed: CloudWatch.PutCompositeAlarm", result.stderr)]
        other_failures = [line for line in result.stderr.splitlines() if line.startswith("error:")
                          and not any(name in line for name in unsupported)]
        if other_failures:
            raise StepFailed(f"alarms sync: {other_failures}")
        self.summary["alarms"] = (planned, composites, unsupported, result.returncode)
        result = self.cli("dashboards", "publish")
        if result.returncode != 0:
            raise StepFailed(f"dashboards publish exited {result.returncode}: {result.stderr.strip()[-400:]}")
        self.summary["dashboards"] = self.boto("cloudwatch").list_dashboards()["DashboardEntries"]
        if not self.summary["dashboards"]:
            raise StepFailed("dashboards publish exited 0 but CloudWatch lists no dashboard")

    def start_agent(self):
        self.step(f"start the agent at {self.start}, clock x{self.rate:g} (1 real second = {humanize(self.rate)})")
        log = open(self.agent_log_path, "wb")
        self.agent_started = time.time()
        self.agent = self.spawn("agent", [self.args.binary, "--config", self.config_path, "--now", self.start,
                                          "--log-format", "json", "--log-level", "info", "agent",
                                          "--clock-rate", f"{self.rate:g}", "--no-lease"],
                                stdout=log, stderr=subprocess.STDOUT, env=self.env())

    def wait_for_provisioning(self):
        self.step(f"wait for provisioning ({iso(self.provision_at)})")

        def online():
            status = self.status()
            server = (status or {}).get("server")
            return status if server and server.get("state") == "ONLINE" else None

        status = self.wait_for("the SFTP server ONLINE (status --json)", online, timeout=self.timeout(40))
        self.summary["server"] = status["server"]
        self.summary["expected"] = status["counter"]["expected"]
        if status["counter"]["expected"] != len(self.employees):
            raise StepFailed(f"the window expects {status['counter']['expected']} employees, "
                             f"{len(self.employees)} were seeded")

    def upload(self, name, key):
        self.boto("s3").put_object(Bucket="invoices-incoming", Key=key,
                                   Body=f"invoice {self.window} from {name}\n".encode() * 40)

    def upload_on_time(self):
        on_time = self.employees[:-1]
        self.step(f"uploads by {', '.join(on_time)} (through the emulator: S3 -> SQS -> agent)")
        for name in on_time:
            self.upload(name, f"{name}/invoice-{self.window}.pdf")
            time.sleep(0.15)

        def delivered():
            status = self.status()
            return status if status and status["counter"]["delivered"] == len(on_time) else None

        status = self.wait_for(f"{len(on_time)} deliveries counted", delivered, timeout=self.timeout(30))
        if status["counter"]["missing"] != [self.late]:
            raise StepFailed(f"missing should be [{self.late}], is {status['counter']['missing']}")

    def stalled_alert(self):
        for state, alert in self.webhook.alerts():
            labels = alert.get("labels", {})
            if labels.get("alertname") == "stalled-counter" and alert.get("status", state) == "firing":
                return alert
        return None

    def wait_for_stalled_counter(self):
        self.step(f"wait for `stalled-counter` naming {self.late} at the webhook")
        alert = self.wait_for("a firing stalled-counter notification at the webhook receiver", self.stalled_alert,
                              timeout=self.timeout(60))
        if self.late not in json.dumps(alert):
            raise StepFailed(f"the stalled-counter notification does not name {self.late}: {json.dumps(alert)[:400]}")
        self.summary["stalled_at_business"] = iso(self.business_now())

    def late_upload_with_failed_copy(self):
        key = f"{self.late}/invoice-{self.window}.pdf"
        self.late_key = key
        self.step(f"{self.late} uploads late; the first {MAX_ATTEMPTS} requests for {key} fail (500)")
        self.proxy_control("config", {"targeted": [{"match": key, "count": MAX_ATTEMPTS, "fault": "500"}]})
        self.upload(self.late, key)
        s3 = self.boto("s3")

        def copied():
            try:
                s3.head_object(Bucket="invoices-archive", Key=key)
            except Exception:  # noqa: BLE001 (absent yet)
                return None
            status = self.status()
            return status if status and status["counter"]["delivered"] == len(self.employees) else None

        status = self.wait_for(f"{key} in the archive and every employee counted", copied, timeout=self.timeout(40))
        self.summary["complete_status"] = status
        stats = self.proxy_control("stats")
        if stats.get("targeted", 0) != MAX_ATTEMPTS:
            raise StepFailed(f"the proxy injected {stats.get('targeted', 0)} of {MAX_ATTEMPTS} faults: {stats}")
        events = [event for event in self.agent_events() if event.get("s3.key") == key]
        failures = [event for event in events if event.get("message", "").startswith("copy failed; the event")]
        moves = [event for event in events if event.get("message") == "upload moved"]
        if not failures or not moves:
            raise StepFailed(f"expected a failed copy of {key} then a successful one in the agent log, found "
                             f"{len(failures)} failed and {len(moves)} moved; log: {self.agent_log_path}")
        self.summary["retry"] = (key, failures[0], len(failures))

    def state_items(self):
        """The window's items in the state table (window, server, delivery#…, failure#…), by sort key."""
        answer = self.boto("dynamodb").query(
            TableName="TransferWatchState", KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"window#{self.window}"}}, ConsistentRead=True)
        return {item["sk"]["S"]: {name: next(iter(value.values())) for name, value in item.items()}
                for item in answer["Items"]}

    def wait_for_teardown(self):
        self.step("wait for the teardown (every employee delivered)")

        def torn_down():
            server = self.state_items().get("server", {})
            return server if server.get("deletedAt") else None

        server = self.wait_for("the server's teardown in the state table", torn_down, timeout=self.timeout(30))
        if server.get("deleteReason") != "counter":
            raise StepFailed(f"the server was torn down for {server.get('deleteReason')!r}, not 'counter'")
        self.summary["teardown"] = server
        self.summary["servers_left"] = len(self.boto("transfer").list_servers()["Servers"])

    def read_status_page(self):
        self.step(f"read the status page at http://{self.listen}/")
        pages = {}
        for path in ("/status.json", "/status", "/metrics"):
            try:
                with urllib.request.urlopen(f"http://{self.listen}{path}", timeout=10) as response:
                    pages[path] = (response.status, response.read().decode("utf-8", "replace"))
            except (urllib.error.URLError, OSError) as error:
                raise StepFailed(f"GET http://{self.listen}{path} failed: {error}")
        self.summary["pages"] = pages

    def stop_agent(self):
        self.step("stop the agent (SIGTERM)")
        self.agent.send_signal(signal.SIGTERM)
        try:
            code = self.agent.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise StepFailed("the agent did not stop within 30 s of SIGTERM")
        if code != 0:
            raise StepFailed(f"the agent exited {code}; log: {self.agent_log_path}")

    # Gauges are read as their maximum, CopyLatency as its average; every other metric is a count, read as its sum.
    GAUGES = {"UploadsDelivered", "EmployeesExpected", "ServerOnline", "ServerAgeHours", "AlertsFiring"}

    def read_metrics(self):
        """Waits until the metrics read back show the month (published at metrics.flushInterval and at exit)."""
        self.step("read the metrics back (GetMetricData)")
        self.metric_problem = "nothing read yet"

        def complete():
            try:
                self.read_metrics_once()
                return True
            except StepFailed as problem:
                self.metric_problem = str(problem)
                return False

        try:
            self.wait_for("the metrics", complete, timeout=self.timeout(20), interval=1, agent_must_run=False)
        except StepFailed:
            raise StepFailed(self.metric_problem)

    def read_metrics_once(self):
        cloudwatch = self.boto("cloudwatch")
        metrics = cloudwatch.list_metrics(Namespace=NAMESPACE)["Metrics"]
        if not metrics:
            raise StepFailed(f"no metric in namespace {NAMESPACE}")

        def stat(name):
            return "Maximum" if name in self.GAUGES else "Average" if name == "CopyLatency" else "Sum"

        queries = [{"Id": f"m{index}", "ReturnData": True, "MetricStat": {
            "Metric": metric, "Period": 86400, "Stat": stat(metric["MetricName"])}}
            for index, metric in enumerate(metrics)]
        values = {}
        start = parse_time(self.start) - dt.timedelta(days=1)
        end = max(dt.datetime.now(dt.timezone.utc), parse_time(self.start)) + dt.timedelta(days=5)
        for offset in range(0, len(queries), 100):
            answer = cloudwatch.get_metric_data(MetricDataQueries=queries[offset:offset + 100],
                                                StartTime=start, EndTime=end)
            for result in answer["MetricDataResults"]:
                name = metrics[int(result["Id"][1:])]["MetricName"]
                if not result["Values"]:
                    continue
                if stat(name) == "Sum":
                    values[name] = values.get(name, 0) + sum(result["Values"])
                else:
                    values[name] = max([values.get(name, 0)] + result["Values"])
        self.summary["metrics"] = values
        expected = {"CopySucceeded": len(self.employees), "UsersProvisioned": len(self.employees),
                    "TeardownCompleted": 1}
        wrong = {name: values.get(name) for name, count in expected.items() if values.get(name) != count}
        if wrong or values.get("CopyFailed", 0) < 1:
            raise StepFailed(f"metrics read back {values}; expected {expected} and CopyFailed >= 1")

    def timeout(self, business_hours_or_seconds):
        return business_hours_or_seconds * self.args.timeout_scale

    # ----------------------------------------------------------------------------------------------- summary

    def print_summary(self, elapsed):
        s = self.summary
        items = self.state_items()
        server, window = s["teardown"], items.get("window", {})
        deliveries = sorted((item["deliveredAt"], item["username"]) for sk, item in items.items()
                            if sk.startswith("delivery#"))
        created_at, deleted_at = parse_time(server["createdAt"]), parse_time(server["deletedAt"])
        key, failure, failed_copies = s["retry"]
        failure_item = items.get(f"failure#{key}", {})
        late_at = next((at for at, name in deliveries if name == self.late), "?")
        status = s["complete_status"]
        print()
        print("=" * 78)
        print(f" TransferWatch demo: window {self.window}, {len(self.employees)} employees, clock x{self.rate:g}, "
              f"{elapsed:.0f} s")
        print("=" * 78)
        print(f" provisioning   server {server.get('serverId')} created {server['createdAt']}, "
              f"{server.get('provisionedUsers', '?')} SFTP users")
        if self.moved:
            print(f"                (scheduled on day {self.provision_at.day}, not the 28th: CloudWatch takes data "
                  f"points from 2 weeks back to 2 hours ahead, and the last 28th is out of that range)")
        print(f" window         {status['counter']['delivered']}/{status['counter']['expected']} delivered; "
              f"closed {window.get('closedAt', '?')} ({window.get('closedReason', '?')})")
        for at, name in deliveries:
            print(f"                  {name:<6} delivered {at}" + ("   <- late" if name == self.late else ""))
        print(f" late           {self.late}: the only one missing when stalled-counter reached the webhook "
              f"(about {s['stalled_at_business']})")
        print(" webhook        %d notification(s) received at %s:" % (len(self.webhook.notifications), self.webhook.url))
        seen = []
        for state, alert in self.webhook.alerts():
            labels = alert.get("labels", {})
            line = "%-9s %s (%s)" % (alert.get("status", state), labels.get("alertname"), labels.get("severity"))
            description = " ".join(alert.get("annotations", {}).get("description", "").split())
            missing = re.search(r"Missing: (.*?)\. ", description + " ")
            summary = " ".join(alert.get("annotations", {}).get("summary", "").split())
            line += f": missing {missing.group(1)}" if missing else f": {summary[:60]}" if summary else ""
            if line not in seen:
                seen.append(line)
                print(f"                  {line}")
        print(f" failed copy    {key}: {failed_copies} failed attempt(s) "
              f"({failure.get('aws.error_code') or failure_item.get('errorCode') or 'error'}, "
              f"{MAX_ATTEMPTS} injected 500s), event redelivered, moved {late_at}")
        print(f" teardown       reason {server.get('deleteReason')} at {server['deletedAt']}; server lifetime "
              f"{humanize((deleted_at - created_at).total_seconds())}; servers left: {s['servers_left']}")
        metrics = s["metrics"]
        counts = [name for name in sorted(metrics) if name not in self.GAUGES and name != "CopyLatency"]
        print(" metrics        sums: " + ", ".join(f"{name} {metrics[name]:g}" for name in counts))
        print("                maxima: " + ", ".join(f"{name} {metrics[name]:g}" for name in sorted(metrics)
                                                  if name in self.GAUGES)
              + (f"; CopyLatency average {metrics['CopyLatency']:.0f} ms" if "CopyLatency" in metrics else ""))
        print(f"                (GetMetricData, namespace {NAMESPACE}, Environment={ENVIRONMENT})")
        metric_alarms, composites, unsupported, code = s["alarms"]
        print(f" alarms         {len(metric_alarms)} metric alarm(s) in CloudWatch: {', '.join(metric_alarms)}")
        for name in composites:
            if name in unsupported:
                print(f"                composite alarm {name}: not supported by the emulator "
                      f"(moto has no PutCompositeAlarm; `alarms sync` exited {code})")
            else:
                print(f"                composite alarm {name}: created")
        print(" dashboards     " + ", ".join(entry["DashboardName"] for entry in s["dashboards"]) + " published")
        code, _ = s["pages"]["/status.json"]
        print(f" status page    http://{self.listen}/ (served {code} while the agent ran; "
              f"`make demo KEEP=1` keeps it up)")
        if self.args.keep or self.args.keep_logs:
            print(f" logs           {self.folder}")
        print("=" * 78, flush=True)

    # ----------------------------------------------------------------------------------------------- run

    def run(self):
        began = time.time()
        self.start_emulator()
        self.write_configuration()
        self.bootstrap()
        self.publish_alarms_and_dashboards()
        self.start_agent()
        self.wait_for_provisioning()
        self.upload_on_time()
        self.wait_for_stalled_counter()
        self.late_upload_with_failed_copy()
        self.wait_for_teardown()
        self.read_status_page()
        time.sleep(self.args.settle)  # for the resolved notifications
        if not self.args.keep:
            self.stop_agent()  # its last metrics flush happens on the way out
        self.read_metrics()
        self.print_summary(time.time() - began)
        if self.args.keep:
            self.step("KEEP: everything keeps running")
            print(f"status page: http://{self.listen}/   config: {self.config_path}   Ctrl-C stops it all",
                  flush=True)
            while self.agent.poll() is None:
                time.sleep(1)


def main():
    parser = argparse.ArgumentParser(description="TransferWatch end to end on a local emulator (make demo)")
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "transferwatch"))
    parser.add_argument("--employees", type=int, default=5, help="how many employees (2-7); the last one is late")
    parser.add_argument("--clock-rate", type=float, default=1800, help="business seconds per real second")
    parser.add_argument("--start", help="the agent's --now (default: 2 minutes before the latest 28th that keeps "
                        "the metrics within CloudWatch's accepted window; see choose_provisioning)")
    parser.add_argument("--port", type=int, default=0, help="the agent's status page port (default: a free one)")
    parser.add_argument("--keep", action="store_true", help="keep everything running after the summary")
    parser.add_argument("--settle", type=float, default=3, help="real seconds before the agent is stopped")
    parser.add_argument("--timeout-scale", type=float, default=1, help="multiplies every wait's timeout")
    parser.add_argument("--keep-logs", action="store_true", help="keep the temporary folder on success")
    args = parser.parse_args()
    if not 2 <= args.employees <= len(ALL_EMPLOYEES):
        parser.error(f"--employees must be 2-{len(ALL_EMPLOYEES)}")
    if not os.access(args.binary, os.X_OK):
        parser.error(f"{args.binary}: not an executable (build it: swift build --product transferwatch)")
    args.employees_list = ALL_EMPLOYEES[:args.employees - 1] + [ALL_EMPLOYEES[-1]]

    demo = Demo(args)

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)  # also when started with SIGINT ignored (a background job)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})  # or blocked (a test runner's child)
    code = 0
    try:
        demo.run()
    except StepFailed as failure:
        print(f"demo failed at step '{demo.current}': {failure}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        if not args.keep or demo.current != "KEEP: everything keeps running":
            print(f"demo interrupted at step '{demo.current}'", file=sys.stderr)
            code = 130
    except Exception as error:  # noqa: BLE001 (any other failure still names the step and cleans up)
        print(f"demo failed at step '{demo.current}': {type(error).__name__}: {error}", file=sys.stderr)
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        demo.stop_children(report=code != 0)
        if hasattr(demo, "webhook"):
            demo.webhook.stop()
        if code == 0 and not args.keep_logs and not args.keep:
            shutil.rmtree(demo.folder, ignore_errors=True)
        elif code != 0:
            print(f"logs kept in {demo.folder}", file=sys.stderr)
    sys.exit(code)


if __name__ == "__main__":
    main()
