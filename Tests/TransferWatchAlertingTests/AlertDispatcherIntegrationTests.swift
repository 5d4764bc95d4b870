import Foundation
import Testing
import TransferWatchAWS
import TransferWatchAlerting
import TransferWatchConfig
import TransferWatchRules
import TransferWatchTestSupport
import TransferWatchWorkflows

/// The dispatcher against moto's DynamoDB and SNS (read back through a subscribed SQS queue) and a local
/// webhook receiver, with time moved by hand.
@Suite(.requiresMoto) struct AlertDispatcherIntegrationTests {
    @Test func aFailedCopyFiresOnceAndResolvesOnceAfterTheRetry() async throws {
        let harness = try await AlertingHarness.start()
        defer { harness.moto.stop() }
        let hook = try LocalHTTPServer.start { _ in .json("{}") }
        defer { hook.stop() }
        let alerting = harness.components(
            alerts: try harness.alerts(webhooks: [.init(url: URL(string: hook.url("/hook"))!)]))
        let time = TestTime(AlertingHarness.start)
        let dispatcher = alerting.makeDispatcher(now: time.closure, sleeper: RecordingSleeper())
        let failed = {
            makeAlert(
                "copy-failed", state: .firing, labels: ["key": "alice/invoice-11.pdf"],
                annotations: [
                    "summary": "copy of alice/invoice-11.pdf failed", "description": "AccessDenied after 3 attempts",
                    "runbook_url": "https://runbooks.example/copy-failed",
                ], at: time.now)
        }

        // The rule fires at every evaluation for three minutes: one alert, one notification.
        for _ in 0..<6 {
            await dispatcher.receive([failed()], at: time.now)
            await dispatcher.flushDue(at: time.now)
            await dispatcher.deliverDue(at: time.now)
            time.advance(by: 30)
        }
        #expect(hook.requests().count == 1)
        let firing = try #require(try bodies(of: hook).first)
        #expect(firing["status"] as? String == "firing")
        let alert = try #require((firing["alerts"] as? [[String: Any]])?.first)
        #expect((alert["annotations"] as? [String: String])?["description"] == "AccessDenied after 3 attempts")
        #expect((alert["labels"] as? [String: String])?["key"] == "alice/invoice-11.pdf")
        let published = try await harness.published()
        #expect(published.count == 1)
        #expect(published.first?["Subject"] as? String == "[FIRING:1] copy-failed (prod)")
        let message = try #require(published.first?["Message"] as? String)
        #expect(message.contains("copy of alice/invoice-11.pdf failed"))
        #expect(message.contains("Runbook: https://runbooks.example/copy-failed"))
        #expect(message.contains("since 2026-11-29T00:00:00Z"))
        let attributes = try #require(published.first?["MessageAttributes"] as? [String: [String: String]])
        #expect(attributes["severity"]?["Value"] == "critical")
        #expect(attributes["alertname"]?["Value"] == "copy-failed")

        // The retry succeeds: the rule reports it resolved, again and again.
        for _ in 0..<12 {
            var resolved = failed()
            resolved.state = .resolved
            resolved.resolvedAt = time.now
            await dispatcher.receive([resolved], at: time.now)
            await dispatcher.flushDue(at: time.now)
            await dispatcher.deliverDue(at: time.now)
            time.advance(by: 60)
        }
        #expect(hook.requests().count == 2)
        let resolvedBody = try #require(try bodies(of: hook).last)
        #expect(resolvedBody["status"] as? String == "resolved")
        #expect(((resolvedBody["alerts"] as? [[String: Any]])?.first?["endsAt"] as? String) != "0001-01-01T00:00:00Z")
        let republished = try await harness.published()
        #expect(republished.count == 1)
        #expect(republished.first?["Subject"] as? String == "[RESOLVED] copy-failed (prod)")

        let history = try await alerting.history.events(since: AlertingHarness.start, until: time.now).events
        let kinds = history.map(\.kind)
        #expect(kinds.filter { $0 == .firing }.count == 1)
        #expect(kinds.filter { $0 == .resolved }.count == 1)
        #expect(kinds.filter { $0 == .notified }.count == 4, "firing and resolved, to SNS and the webhook")
        #expect(dispatcher.statusAlerts().isEmpty)
    }

    @Test func repeatIntervalResendsAStillFiringAlertOnTime() async throws {
        let harness = try await AlertingHarness.start()
        defer { harness.moto.stop() }
        let hook = try LocalHTTPServer.start { _ in .json("{}") }
        defer { hook.stop() }
        let alerting = harness.components(
            alerts: try harness.alerts(
                webhooks: [.init(url: URL(string: hook.url("/hook"))!)], sns: false, repeatInterval: .seconds(3600)))
        let time = TestTime(AlertingHarness.start)
        let dispatcher = alerting.makeDispatcher(now: time.closure, sleeper: RecordingSleeper())
        var sentAt: [TimeInterval] = []
        // Every minute for three hours and a bit.
        for _ in 0..<190 {
            await dispatcher.receive([makeAlert("stale-server", state: .firing, at: time.now)], at: time.now)
            let queued = await dispatcher.flushDue(at: time.now)
            if !queued.isEmpty { sentAt.append(time.now.timeIntervalSince(AlertingHarness.start)) }
            time.advance(by: 60)
        }
        await dispatcher.deliverDue(at: time.now)
        // group_wait 30s (first flush at the 1-minute tick), then every hour, on a 5-minute group_interval grid.
        let expected: [TimeInterval] = [60, 3660, 7260, 10860]
        #expect(sentAt == expected)
        #expect(hook.requests().count == 4)
        let reasons = try bodies(of: hook).map { $0["status"] as? String }
        #expect(reasons == ["firing", "firing", "firing", "firing"])
    }

    @Test func aSilencedAlertSendsNothingAndIsListedAsSilenced() async throws {
        let harness = try await AlertingHarness.start()
        defer { harness.moto.stop() }
        let hook = try LocalHTTPServer.start { _ in .json("{}") }
        defer { hook.stop() }
        let alerting = harness.components(
            alerts: try harness.alerts(webhooks: [.init(url: URL(string: hook.url("/hook"))!)], sns: false))
        let time = TestTime(AlertingHarness.start)
        let silence = Silence(
            matchers: [LabelMatcher(name: "alertname", value: "stalled-counter")], startsAt: time.now,
            endsAt: time.now.addingTimeInterval(7200), createdBy: "oncall", comment: "known: holiday")
        try await alerting.silences.add(silence)
        let dispatcher = alerting.makeDispatcher(now: time.closure, sleeper: RecordingSleeper())
        for _ in 0..<20 {
            await dispatcher.receive([makeAlert("stalled-counter", state: .firing, at: time.now)], at: time.now)
            await dispatcher.flushDue(at: time.now)
            await dispatcher.deliverDue(at: time.now)
            time.advance(by: 60)
        }
        #expect(hook.requests().isEmpty)
        #expect(dispatcher.statusAlerts().map(\.state) == ["silenced"])
        #expect(dispatcher.statusAlerts().first?.rule == "stalled-counter")
        let history = try await alerting.history.events(since: AlertingHarness.start, until: time.now).events
        #expect(history.filter { $0.kind == .silenced }.map(\.detail) == ["by silence \(silence.id)"])

        // Expired: the alert is sent at the next flush.
        try await alerting.silences.expire(id: silence.id, at: time.now)
        time.advance(by: 20)  // past the silence refresh
        for _ in 0..<6 {
            await dispatcher.receive([makeAlert("stalled-counter", state: .firing, at: time.now)], at: time.now)
            await dispatcher.flushDue(at: time.now)
            await dispatcher.deliverDue(at: time.now)
            time.advance(by: 60)
        }
        #expect(hook.requests().count == 1)
        #expect(dispatcher.statusAlerts().map(\.state) == ["firing"])
    }

    @Test func aStaleServerInhibitsTheStalledCounter() async throws {
        let harness = try await AlertingHarness.start()
        defer { harness.moto.stop() }
        let hook = try LocalHTTPServer.start { _ in .json("{}") }
        defer { hook.stop() }
        let alerting = harness.components(
            alerts: try harness.alerts(webhooks: [.init(url: URL(string: hook.url("/hook"))!)], sns: false))
        let time = TestTime(AlertingHarness.start)
        let dispatcher = alerting.makeDispatcher(now: time.closure, sleeper: RecordingSleeper())
        for _ in 0..<6 {
            await dispatcher.receive(
                [
                    makeAlert("stale-server", state: .firing, labels: ["window": "2026-11"], at: time.now),
                    makeAlert(
                        "stalled-counter", state: .firing, labels: ["window": "2026-11"], at: time.now,
                        severity: "warning"),
                    // Another window's counter is not explained by this server.
                    makeAlert(
                        "stalled-counter", state: .firing, labels: ["window": "2026-10"], at: time.now,
                        severity: "warning"),
                ], at: time.now)
            await dispatcher.flushDue(at: time.now)
            await dispatcher.deliverDue(at: time.now)
            time.advance(by: 60)
        }
        let sent = try bodies(of: hook).flatMap { ($0["alerts"] as? [[String: Any]]) ?? [] }.map {
            (
                ($0["labels"] as? [String: String])?["alertname"] ?? "",
                ($0["labels"] as? [String: String])?["window"] ?? ""
            )
        }
        #expect(sent.map(\.0).sorted() == ["stale-server", "stalled-counter"])
        #expect(sent.contains { $0 == ("stalled-counter", "2026-10") })
        #expect(dispatcher.statusAlerts().filter { $0.state == "inhibited" }.map(\.rule) == ["stalled-counter"])
        #expect(dispatcher.statusAlerts().filter { $0.state == "firing" }.count == 2)
    }

    @Test func aRestartBetweenFiringAndResolvingSendsNoDuplicate() async throws {
        let harness = try await AlertingHarness.start()
        defer { harness.moto.stop() }
        let hook = try LocalHTTPServer.start { _ in .json("{}") }
        defer { hook.stop() }
        let alerts = try harness.alerts(webhooks: [.init(url: URL(string: hook.url("/hook"))!)])
        let time = TestTime(AlertingHarness.start)
        let first = harness.components(alerts: alerts).makeDispatcher(now: time.closure, sleeper: RecordingSleeper())
        for _ in 0..<3 {
            await first.receive([makeAlert("orphan-server", state: .firing, at: time.now)], at: time.now)
            await first.flushDue(at: time.now)
            await first.deliverDue(at: time.now)
            time.advance(by: 30)
        }
        #expect(hook.requests().count == 1)
        #expect(try await harness.published().count == 1)

        // The agent restarts: a new dispatcher over the same table.
        let second = harness.components(alerts: alerts).makeDispatcher(now: time.closure, sleeper: RecordingSleeper())
        #expect(await second.records().count == 1)
        for _ in 0..<30 {
            await second.receive([makeAlert("orphan-server", state: .firing, at: time.now)], at: time.now)
            await second.flushDue(at: time.now)
            await second.deliverDue(at: time.now)
            time.advance(by: 60)
        }
        #expect(hook.requests().count == 1, "no second firing notification after the restart")
        #expect(try await harness.published().isEmpty)
        for _ in 0..<6 {
            await second.receive([makeAlert("orphan-server", state: .resolved, at: time.now)], at: time.now)
            await second.flushDue(at: time.now)
            await second.deliverDue(at: time.now)
            time.advance(by: 60)
        }
        #expect(try bodies(of: hook).map { $0["status"] as? String } == ["firing", "resolved"])
        #expect(try await harness.published().count == 1)
    }

    @Test func aFlakyReceiverGetsEveryNotificationExactlyOnce() async throws {
        let harness = try await AlertingHarness.start()
        defer { harness.moto.stop() }
        // 500 for the first four requests, then 200.
        let hook = try LocalHTTPServer.start { request in
            request.sequenceNumber < 4 ? .json(status: 500, #"{"error":"down"}"#) : .json("{}")
        }
        defer { hook.stop() }
        let alerting = harness.components(
            alerts: try harness.alerts(webhooks: [.init(url: URL(string: hook.url("/hook"))!)], sns: false))
        let time = TestTime(AlertingHarness.start)
        let dispatcher = alerting.makeDispatcher(now: time.closure, sleeper: RecordingSleeper())
        await dispatcher.receive([makeAlert("copy-failed", state: .firing, at: time.now)], at: time.now)
        time.advance(by: 30)
        #expect(await dispatcher.flushDue(at: time.now).count == 1)
        // A restart in the middle of the retries: the outbox is in the table, so the new deliverer continues.
        var deliverer = alerting.deliverer
        for step in 0..<40 {
            if step == 3 { deliverer = harness.components(alerts: alerting.alerts).deliverer }
            await deliverer.deliverDue(at: time.now)
            if step == 10 {
                await dispatcher.receive([makeAlert("copy-failed", state: .resolved, at: time.now)], at: time.now)
                time.advance(by: 300)
                #expect(await dispatcher.flushDue(at: time.now).map(\.status) == ["resolved"])
            }
            time.advance(by: 60)
        }
        #expect(hook.requests().count == 6, "four failures, then the firing and the resolved notification once each")
        let delivered = try bodies(of: hook).dropFirst(4).map { $0["status"] as? String }
        #expect(delivered == ["firing", "resolved"], "in order, each once")
        let history = try await alerting.history.events(since: AlertingHarness.start, until: time.now).events
        #expect(history.filter { $0.kind == .deliveryFailed }.count == 4)
        #expect(history.filter { $0.kind == .notified }.count == 2)
        #expect(try await alerting.store.outbox().messages.isEmpty)
    }

    @Test func receiveReturnsWhileTheReceiverIsStalledForever() async throws {
        let harness = try await AlertingHarness.start()
        defer { harness.moto.stop() }
        let hook = try LocalHTTPServer.start { _ in .stall(seconds: 3600) }
        let alerting = harness.components(
            alerts: try harness.alerts(webhooks: [.init(url: URL(string: hook.url("/hook"))!)], sns: false),
            timeout: .seconds(3600))
        let time = TestTime(AlertingHarness.start)
        let dispatcher = alerting.makeDispatcher(now: time.closure, sleeper: RecordingSleeper())
        await dispatcher.receive([makeAlert("copy-failed", state: .firing, at: time.now)], at: time.now)
        time.advance(by: 30)
        await dispatcher.flushDue(at: time.now)
        let delivery = Task { await dispatcher.deliverDue(at: time.now) }
        // Wait until the receiver holds the request (it never answers).
        while hook.requests().isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        // Meanwhile evaluations go on: every receive and flush returns although the delivery is stuck.
        for index in 0..<5 {
            time.advance(by: 300)
            await dispatcher.receive(
                [
                    makeAlert("copy-failed", state: .firing, at: time.now),
                    makeAlert("stale-server", state: .firing, labels: ["n": "\(index)"], at: time.now),
                ], at: time.now)
            await dispatcher.flushDue(at: time.now)
        }
        #expect(await dispatcher.records().count == 6)
        #expect(hook.requests().count == 1, "the delivery is still stuck on its first request")
        hook.stop()
        let report = await delivery.value
        #expect(report.delivered == 0)
        #expect(report.failed == 1)
    }

    @Test func aReceiverThatNeverAnswersIsCutOffByTheDeliveryTimeout() async throws {
        let harness = try await AlertingHarness.start()
        defer { harness.moto.stop() }
        let hook = try LocalHTTPServer.start { _ in .stall(seconds: 3600) }
        defer { hook.stop() }
        let alerting = harness.components(
            alerts: try harness.alerts(webhooks: [.init(url: URL(string: hook.url("/hook"))!)], sns: false),
            timeout: .seconds(1))
        let time = TestTime(AlertingHarness.start)
        let dispatcher = alerting.makeDispatcher(now: time.closure, sleeper: RecordingSleeper())
        await dispatcher.receive([makeAlert("copy-failed", state: .firing, at: time.now)], at: time.now)
        time.advance(by: 30)
        await dispatcher.flushDue(at: time.now)
        // The receiver stalls for an hour; the attempt returns (a failure, to be retried) long before that.
        let report = await dispatcher.deliverDue(at: time.now)
        #expect(report.failed == 1)
        let message = try #require(try await alerting.store.outbox().messages.first)
        #expect(message.attempts == 1)
        #expect(message.lastError?.hasSuffix(": timedOut") == true, "\(message.lastError ?? "")")
        #expect(message.nextAttemptAt > time.now)
    }
}
