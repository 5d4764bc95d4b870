import Foundation
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `transferwatch agent` as a process against moto with everything wired: step and state rules, the alert
/// tracker, the dispatcher sending to a webhook, metrics, and the status server. Accelerated clocks
/// (`--now`, `--clock-rate`) make hours pass in seconds; waits are generous bounds, never expectations.
@Suite(.requiresMoto) struct WiringEndToEndTests {
    static let agentSection = """
          lease: 6s
          tickInterval: 1m
          reconcileInterval: 1h
          visibilityTimeout: 2s
          maxReceiveCount: 50
        """

    /// A copy that fails on a follower pages through the leader, and its later success there resolves it. The
    /// leader has no queue (it moves nothing, so every copy runs on the follower) and holds the lease, the
    /// schedules and the dispatcher; the follower passes its step verdicts on through the state table.
    @Test func aCopyFailingOnAFollowerPagesThroughTheLeader() async throws {
        let fixture = try await WiringFixture.start(agent: Self.agentSection)
        defer { fixture.stop() }
        try await fixture.base.bootstrap(employees: ["alice", "bob"])
        try await fixture.base.s3.deleteBucket(AgentFixture.destination)
        // The leader's configuration: no queue, its own spool.
        let leaderConfig = fixture.base.directory.appendingPathComponent("leader.yaml")
        try String(contentsOf: fixture.base.config, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("queue:") }
            .map { $0.hasPrefix("spool:") ? "spool: \(fixture.base.directory.appendingPathComponent("leader-spool").path)" : String($0) }
            .joined(separator: "\n")
            .write(to: leaderConfig, atomically: true, encoding: .utf8)
        let leader = try AgentProcess(
            name: "leader",
            arguments: [
                "--config", leaderConfig.path, "--now", "2026-11-28T01:00:00Z", "--log-format", "json", "--log-level",
                "info", "agent", "--clock-rate", "60", "--replica-id", "leader",
            ],
            environment: AgentFixture.environment, directory: fixture.base.directory)
        #expect(await leader.waitForLog("provisioning finished"), "\(leader.log)")
        let follower = try fixture.base.startAgent(
            name: "follower", now: "2026-11-28T01:00:00Z", clockRate: 60, extra: ["--replica-id", "follower"],
            logFormat: "json")
        try await fixture.base.upload("alice/2026-11/invoice-1.pdf")

        #expect(
            await eventually(timeout: .seconds(60)) { !fixture.notifications("copy-failed", status: "firing").isEmpty },
            "\(follower.log)\n\(leader.log)")
        let firing = try #require(fixture.notifications("copy-failed", status: "firing").first)
        #expect(firing.raw.contains("\"key\":\"alice/2026-11/invoice-1.pdf\""), "\(firing.raw)")
        #expect(!follower.lines(containing: "copy failed; the event is left for redelivery").isEmpty)
        #expect(leader.lines(containing: "copy failed").isEmpty, "the leader moves nothing")

        try await fixture.base.s3.createBucket(AgentFixture.destination)
        #expect(
            await eventually(timeout: .seconds(60)) { !fixture.notifications("copy-failed", status: "resolved").isEmpty },
            "\(follower.log)\n\(leader.log)")
        #expect(try await fixture.base.keys(in: AgentFixture.destination) == ["alice/2026-11/invoice-1.pdf"])
        #expect(fixture.notifications("copy-failed", status: "firing").count == 1, "\(fixture.notifications.map(\.raw))")
        #expect(fixture.notifications("copy-failed", status: "resolved").count == 1)
        #expect(await follower.stop() == 0, "\(follower.log)")
        #expect(await leader.stop() == 0, "\(leader.log)")
    }

    /// A copy into a missing destination bucket fails: `copy-failed` reaches the webhook once, firing. Once the
    /// bucket exists the redelivered event is copied and the same alert is sent once more, resolved.
    @Test func copyFailedFiresOnceAndResolvesAfterTheFix() async throws {
        let fixture = try await WiringFixture.start(agent: Self.agentSection)
        defer { fixture.stop() }
        try await fixture.base.bootstrap(employees: ["alice", "bob"])
        try await fixture.base.s3.deleteBucket(AgentFixture.destination)
        let agent = try fixture.base.startAgent(
            name: "agent", now: "2026-11-28T01:00:00Z", clockRate: 60, logFormat: "json")
        defer { _ = agent }
        #expect(await agent.waitForLog("provisioning finished"), "\(agent.log)")
        try await fixture.base.upload("alice/2026-11/invoice-1.pdf")

        #expect(
            await eventually(timeout: .seconds(60)) { !fixture.notifications("copy-failed", status: "firing").isEmpty },
            "\(agent.log)")
        let firing = try #require(fixture.notifications("copy-failed", status: "firing").first)
        #expect(firing.raw.contains("\"key\":\"alice/2026-11/invoice-1.pdf\""), "\(firing.raw)")
        #expect(firing.raw.contains("\"severity\":\"critical\""))
        #expect(firing.annotation("summary").contains { $0.contains("alice/2026-11/invoice-1.pdf") })

        try await fixture.base.s3.createBucket(AgentFixture.destination)
        #expect(
            await eventually(timeout: .seconds(60)) { !fixture.notifications("copy-failed", status: "resolved").isEmpty },
            "\(agent.log)")
        #expect(try await fixture.base.keys(in: AgentFixture.destination) == ["alice/2026-11/invoice-1.pdf"])
        #expect(fixture.notifications("copy-failed", status: "firing").count == 1, "\(fixture.notifications.map(\.raw))")
        #expect(fixture.notifications("copy-failed", status: "resolved").count == 1)

        #expect(await agent.stop() == 0, "\(agent.log)")
        #expect(agent.log.contains("rule evaluation stopped; alert tracker saved"))
        #expect(agent.log.contains("metrics flushed at shutdown"))
        #expect(agent.log.contains("leader lease released"))
        #expect(!agent.log.contains(TestContexts.motoCredentials.secretAccessKey), "no secret in the logs")
        // The failed copy's log lines name the key and the window.
        let failed = agent.lines(containing: "copy failed; the event is left for redelivery")
        #expect(!failed.isEmpty)
        #expect(failed.allSatisfy { $0.contains("\"s3.key\":\"alice/2026-11/invoice-1.pdf\"") })
    }

    /// Started on the 28th with three employees and one delivery, the agent raises `stalled-counter` after six
    /// hours of business time without a delivery (and its `for` of 10m); the webhook gets the missing names.
    /// The status server answers `/status.json` in CONTRACT's shape and `/metrics` counts the copy.
    @Test func stalledCounterReachesTheWebhookAndStatusAndMetricsAreServed() async throws {
        let fixture = try await WiringFixture.start(agent: Self.agentSection)
        defer { fixture.stop() }
        try await fixture.base.bootstrap(employees: ["alice", "bob", "carol"])
        let agent = try fixture.base.startAgent(
            name: "agent", now: "2026-11-28T00:00:30Z", clockRate: 3600, logFormat: "json")
        defer { _ = agent }
        let port = try #require(await agent.statusPort(), "\(agent.log)")
        #expect(await agent.waitForLog("provisioning finished"), "\(agent.log)")
        try await fixture.base.upload("alice/2026-11/invoice-1.pdf")
        #expect(await eventually(timeout: .seconds(60)) {
            try await fixture.base.keys(in: AgentFixture.destination) == ["alice/2026-11/invoice-1.pdf"]
        })

        #expect(
            await eventually(timeout: .seconds(60)) { !fixture.notifications("stalled-counter", status: "firing").isEmpty },
            "\(agent.log)")
        let stalled = try #require(fixture.notifications("stalled-counter", status: "firing").first)
        let description = stalled.annotation("description").joined()
        #expect(description.contains("bob") && description.contains("carol"), "\(stalled.raw)")
        #expect(!description.contains("alice"), "\(stalled.raw)")
        #expect(stalled.raw.contains("\"version\":\"4\""))

        // /status.json: CONTRACT's keys, the window, the counter with the missing employees, the alert.
        let status = try await httpGet(port: port, "/status.json")
        #expect(status.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.body)) as? [String: Any])
        #expect(Set(json.keys).isSuperset(of: ["now", "window", "server", "counter", "alerts"]), "\(status.text)")
        #expect(json["window"] as? String == "2026-11")
        let counter = try #require(json["counter"] as? [String: Any])
        #expect(counter["delivered"] as? Int == 1)
        #expect(counter["expected"] as? Int == 3)
        #expect(counter["missing"] as? [String] == ["bob", "carol"])
        let server = try #require(json["server"] as? [String: Any], "\(status.text)")
        #expect(server["id"] is String && server["ageSeconds"] is Int)
        let alerts = try #require(json["alerts"] as? [[String: Any]])
        #expect(alerts.contains { $0["rule"] as? String == "stalled-counter" && $0["state"] as? String == "firing" })

        // /metrics: the copy counted, the gauges set.
        let metrics = try await httpGet(port: port, "/metrics")
        #expect(metrics.status == 200)
        let succeeded = metrics.text.split(separator: "\n").first {
            $0.hasPrefix("transferwatch_copy_succeeded_total{")
        }
        let value = succeeded.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        #expect(value > 0, "\(metrics.text)")
        #expect(metrics.text.contains("transferwatch_employees_expected{"), "\(metrics.text)")

        let ready = try await httpGet(port: port, "/readyz")
        #expect(ready.text.contains("credentials: resolved"), "\(ready.text)")
        for loop in ["queue-consumer", "scheduler", "evaluator", "publisher"] {
            #expect(ready.text.contains("\(loop): last heartbeat"), "\(ready.text)")
        }
        #expect(await agent.stop() == 0, "\(agent.log)")
    }

    /// Stopped after `copy-failed` fired and restarted (later on the business clock), the agent restores the
    /// tracker and the dispatcher's state: the failure seen again sends nothing new, and the fix sends one
    /// resolved notification.
    @Test func aRestartBetweenFiringAndResolvingSendsNoDuplicate() async throws {
        let fixture = try await WiringFixture.start(agent: Self.agentSection)
        defer { fixture.stop() }
        try await fixture.base.bootstrap(employees: ["alice", "bob"])
        try await fixture.base.s3.deleteBucket(AgentFixture.destination)
        let started = ContinuousClock.now
        let first = try fixture.base.startAgent(
            name: "first", now: "2026-11-28T01:00:00Z", clockRate: 60, logFormat: "json")
        defer { _ = first }
        #expect(await first.waitForLog("provisioning finished"), "\(first.log)")
        try await fixture.base.upload("alice/2026-11/invoice-1.pdf")
        #expect(
            await eventually(timeout: .seconds(60)) { !fixture.notifications("copy-failed", status: "firing").isEmpty },
            "\(first.log)")
        #expect(await first.stop() == 0, "\(first.log)")

        // The second agent's clock starts where the first one's stopped (and a minute later).
        let elapsed = (ContinuousClock.now - started) * 60 + .seconds(60)
        let start = try #require(AWSDate.parseISO8601("2026-11-28T01:00:00Z"))
            .addingTimeInterval(Double(elapsed.components.seconds))
        let second = try fixture.base.startAgent(
            name: "second", now: AWSDate.iso8601(start), clockRate: 60, logFormat: "json")
        defer { _ = second }
        #expect(await second.waitForLog("alert tracker restored"), "\(second.log)")
        // The event is redelivered and fails again while the bucket is still missing.
        #expect(await second.waitForLog("copy failed; the event is left for redelivery"), "\(second.log)")
        try await Task.sleep(for: .seconds(2))
        try await fixture.base.s3.createBucket(AgentFixture.destination)
        #expect(
            await eventually(timeout: .seconds(60)) { !fixture.notifications("copy-failed", status: "resolved").isEmpty },
            "\(second.log)")
        let dispatch = [first, second].flatMap { agent in
            agent.lines(containing: "notification").map { "\(agent.name): \($0)" }
        }.joined(separator: "\n")
        #expect(
            fixture.notifications("copy-failed", status: "firing").count == 1,
            "\(fixture.notifications.map(\.raw))\n\(dispatch)")
        #expect(fixture.notifications("copy-failed", status: "resolved").count == 1)
        #expect(await second.stop() == 0, "\(second.log)")
    }

    /// `--listen` must be `host:port`, and an address that cannot be bound is exit 2 naming it (a configured
    /// `listen` that is taken only leaves that replica without HTTP, logged).
    @Test func aBadOrBusyListenOverrideIsExitTwo() async throws {
        let malformed = try await CLIProcess.run(["agent", "--listen", "nowhere"], environment: AgentFixture.environment)
        #expect(malformed.status == 2, "\(malformed.standardError)")
        #expect(malformed.standardError.contains("--listen nowhere"), "\(malformed.standardError)")

        let busy = try LocalHTTPServer.start { _ in .json("{}") }
        defer { busy.stop() }
        let fixture = try await WiringFixture.start(agent: Self.agentSection)
        defer { fixture.stop() }
        let result = try await CLIProcess.run(
            ["--config", fixture.base.config.path, "agent", "--no-lease", "--listen", "127.0.0.1:\(busy.port)"],
            environment: AgentFixture.environment, timeout: .seconds(60))
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError.contains("--listen 127.0.0.1:\(busy.port)"), "\(result.standardError)")
        #expect(!result.standardError.contains("agent started"))
    }

    /// A broken rule file stops the agent before anything starts: exit 2, the file and line on stderr.
    @Test func aRuleFileErrorIsExitTwoBeforeAnythingStarts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tw-wiring-\(UUID().uuidString)")
        let rules = directory.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "groups:\n  - name: broken\n    kind: state\n    interval: 1m\n    rules:\n      - alert: x\n        expr: nope ==\n"
            .write(to: rules.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("transferwatch.yaml")
        try """
        region: us-east-1
        endpoint: http://127.0.0.1:9
        buckets: {source: invoices-a, destination: invoices-b}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        rules: rules/
        spool: \(directory.appendingPathComponent("spool").path)
        listen: 127.0.0.1:0
        """.write(to: config, atomically: true, encoding: .utf8)
        let result = try await CLIProcess.run(
            ["--config", config.path, "agent", "--no-lease"], environment: AgentFixture.environment,
            timeout: .seconds(60))
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError.contains("broken.yaml:7:"), "\(result.standardError)")
        #expect(!result.standardError.contains("agent started"))
    }
}
