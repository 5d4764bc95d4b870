import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchAlerting
import TransferWatchConfig
import TransferWatchRules
import TransferWatchTestSupport
import TransferWatchWorkflows

/// Every webhook format over real HTTP, two replicas racing, and the dispatcher's own loop.
@Suite(.requiresMoto) struct AlertReceiversIntegrationTests {
    @Test func everyWebhookFormatGetsTheFiringAndTheResolvedNotification() async throws {
        let harness = try await AlertingHarness.start()
        defer { harness.moto.stop() }
        let hook = try LocalHTTPServer.start { _ in .json("{}") }
        defer { hook.stop() }
        let alerting = harness.components(
            alerts: try harness.alerts(
                webhooks: [
                    .init(url: URL(string: hook.url("/am"))!),
                    .init(url: URL(string: hook.url("/slack/T0/B0/secret"))!, format: .slack),
                    .init(url: URL(string: hook.url("/pd/v2/enqueue"))!, format: .pagerduty, routingKey: "KEY123"),
                ], sns: false))
        let time = TestTime(AlertingHarness.start)
        let dispatcher = alerting.makeDispatcher(now: time.closure, sleeper: RecordingSleeper())
        for state in [AlertState.firing, .resolved] {
            for _ in 0..<6 {
                await dispatcher.receive([makeAlert("teardown-incomplete", state: state, at: time.now)], at: time.now)
                await dispatcher.flushDue(at: time.now)
                await dispatcher.deliverDue(at: time.now)
                time.advance(by: 60)
            }
        }
        let requests = hook.requests()
        #expect(requests.count == 6)
        #expect(requests.allSatisfy { $0.method == "POST" })
        #expect(
            requests.allSatisfy { request in
                request.headers.contains { $0.name.lowercased() == "content-type" && $0.value == "application/json" }
            })
        func bodies(at path: String) throws -> [[String: Any]] {
            try requests.filter { $0.target == path }.map {
                try #require(try JSONSerialization.jsonObject(with: $0.body) as? [String: Any])
            }
        }
        #expect(try bodies(at: "/am").map { $0["status"] as? String } == ["firing", "resolved"])
        let slack = try bodies(at: "/slack/T0/B0/secret")
        #expect(slack.map { ($0["text"] as? String)?.prefix(10) } == ["[FIRING:1]", "[RESOLVED]"])
        let pagerduty = try bodies(at: "/pd/v2/enqueue")
        #expect(pagerduty.map { $0["event_action"] as? String } == ["trigger", "resolve"])
        #expect(pagerduty.map { $0["routing_key"] as? String } == ["KEY123", "KEY123"])
        #expect(pagerduty[0]["dedup_key"] as? String == pagerduty[1]["dedup_key"] as? String)
        let history = try await alerting.history.events(since: AlertingHarness.start, until: time.now).events
        #expect(history.allSatisfy { !($0.receiver ?? "").contains("secret") && !$0.detail.contains("KEY123") })
    }

    @Test func twoReplicasFlushingTogetherSendOneNotification() async throws {
        let harness = try await AlertingHarness.start()
        defer { harness.moto.stop() }
        let hook = try LocalHTTPServer.start { _ in .json("{}") }
        defer { hook.stop() }
        let alerts = try harness.alerts(webhooks: [.init(url: URL(string: hook.url("/hook"))!)], sns: false)
        let time = TestTime(AlertingHarness.start)
        let replicas = [
            harness.components(alerts: alerts).makeDispatcher(now: time.closure, sleeper: RecordingSleeper()),
            harness.components(alerts: alerts).makeDispatcher(now: time.closure, sleeper: RecordingSleeper()),
        ]
        for replica in replicas {
            await replica.receive([makeAlert("copy-failed", state: .firing, at: time.now)], at: time.now)
        }
        time.advance(by: 30)
        let now = time.now
        async let first = replicas[0].flushDue(at: now)
        async let second = replicas[1].flushDue(at: now)
        let queued = await first.count + second.count
        #expect(queued == 1, "the notification-log sequence lets one replica queue it")
        async let deliveredA = replicas[0].deliverDue(at: now)
        async let deliveredB = replicas[1].deliverDue(at: now)
        _ = await (deliveredA, deliveredB)
        #expect(hook.requests().count == 1, "the lease lets one replica send it")
        for step in 1...12 {
            time.advance(by: 60)
            await replicas[step % 2].receive([makeAlert("copy-failed", state: .firing, at: time.now)], at: time.now)
            await replicas[step % 2].flushDue(at: time.now)
            await replicas[step % 2].deliverDue(at: time.now)
        }
        #expect(hook.requests().count == 1)
    }

    @Test func runFlushesAndDeliversOnItsOwnUntilCancelled() async throws {
        let harness = try await AlertingHarness.start()
        defer { harness.moto.stop() }
        let hook = try LocalHTTPServer.start { _ in .json("{}") }
        defer { hook.stop() }
        var alerts = try harness.alerts(webhooks: [.init(url: URL(string: hook.url("/hook"))!)], sns: false)
        alerts.groupWait = .zero
        let alerting = harness.components(alerts: alerts)
        var settings = AlertDispatcher.Settings(alerts)
        settings.tickInterval = .milliseconds(50)
        let dispatcher = AlertDispatcher(
            settings: settings, receivers: alerting.receivers, store: alerting.store, silences: alerting.silences,
            history: alerting.history, deliverer: alerting.deliverer, now: { Date() },
            sleeper: ClockSleeper(clock: ContinuousClock()),
            logger: Logger(label: "alerting", factory: { _ in SwiftLogNoOpLogHandler() }))
        let loop = Task { await dispatcher.run() }
        await dispatcher.receive([makeAlert("copy-failed", state: .firing, at: Date())], at: Date())
        // Wait for the loop (bounded only to fail instead of hanging if it never sends).
        for _ in 0..<3000 where hook.requests().isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        #expect(hook.requests().count == 1)
        loop.cancel()
        await loop.value
    }
}

/// What happens to notifications that cannot be delivered: a bounded queue, refusals, expiry.
@Suite(.requiresMoto) struct UndeliverableNotificationTests {
    @Test func theQueueIsBoundedRefusalsAreDroppedAndOldMessagesExpire() async throws {
        let harness = try await AlertingHarness.start()
        defer { harness.moto.stop() }
        let dead = try LocalHTTPServer.start { _ in .json(status: 503, "{}") }
        defer { dead.stop() }
        let refusing = try LocalHTTPServer.start { _ in .json(status: 400, #"{"error":"bad key"}"#) }
        defer { refusing.stop() }
        let alerts = try harness.alerts(
            webhooks: [.init(url: URL(string: dead.url("/hook"))!), .init(url: URL(string: refusing.url("/hook"))!)],
            sns: false)
        let alerting = harness.components(alerts: alerts)
        var settings = AlertDispatcher.Settings(alerts)
        settings.maxQueuedPerReceiver = 2
        let time = TestTime(AlertingHarness.start)
        let dispatcher = AlertDispatcher(
            settings: settings, receivers: alerting.receivers, store: alerting.store, silences: alerting.silences,
            history: alerting.history, deliverer: alerting.deliverer, now: time.closure, sleeper: RecordingSleeper(),
            logger: Logger(label: "alerting", factory: { _ in SwiftLogNoOpLogHandler() }))
        await dispatcher.receive(
            ["copy-failed", "stale-server", "orphan-server"].map { makeAlert($0, state: .firing, at: time.now) },
            at: time.now)
        time.advance(by: 30)
        // Three groups for two receivers, and each receiver's queue holds two.
        #expect(await dispatcher.flushDue(at: time.now).count == 4)
        var history = try await alerting.history.events(since: AlertingHarness.start, until: time.now).events
        #expect(
            history.filter { $0.kind == .deliveryDropped }.map(\.detail)
                == Array(
                    repeating: "queue full (2 undelivered)", count: 2))

        // The 400 is final: dropped at once. The 503 is retried.
        await dispatcher.deliverDue(at: time.now)
        #expect(refusing.requests().count == 2)
        #expect(dead.requests().count == 1, "one failure stops that receiver's turn, keeping its order")
        var outbox = try await alerting.store.outbox().messages
        #expect(outbox.count == 2)
        #expect(outbox.allSatisfy { $0.attempts <= 1 })

        // A day later, still failing: given up.
        for _ in 0..<30 {
            time.advance(by: 3600)
            await dispatcher.deliverDue(at: time.now)
        }
        outbox = try await alerting.store.outbox().messages
        #expect(outbox.isEmpty)
        history = try await alerting.history.events(since: AlertingHarness.start, until: time.now).events
        let dropped = history.filter { $0.kind == .deliveryDropped }.map(\.detail)
        #expect(dropped.filter { $0.hasPrefix("refused: alertmanager-") && $0.hasSuffix(": HTTP 400") }.count == 2)
        #expect(dropped.filter { $0.hasPrefix("expired after ") }.count == 2)
        #expect(dropped.contains { $0.hasPrefix("expired after ") && $0.hasSuffix(": HTTP 503") })
        #expect(history.filter { $0.kind == .notified }.isEmpty)
    }
}
