import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchAlerting
import TransferWatchConfig
import TransferWatchRules
import TransferWatchTestSupport
import TransferWatchWorkflows

/// `transferwatch silence add|list|expire` and `alerts history` as processes against moto, with a Slack
/// webhook on a local server receiving the announcements.
@Suite(.requiresMoto) struct SilenceCommandEndToEndTests {
    static let environment = [
        "AWS_ACCESS_KEY_ID": TestContexts.motoCredentials.accessKeyID,
        "AWS_SECRET_ACCESS_KEY": TestContexts.motoCredentials.secretAccessKey,
        "AWS_EC2_METADATA_DISABLED": "true",
        "USER": "oncall-alice",
    ]

    @Test func silencesAreAddedListedExpiredAndAnnouncedAndHistoryShowsEverything() async throws {
        let harness = try await AlertingHarness.start()
        defer { harness.moto.stop() }
        let slack = try LocalHTTPServer.start { _ in .text("ok") }
        defer { slack.stop() }
        let config = try Self.writeConfig(endpoint: harness.moto.endpoint, slack: slack.url("/services/T0/B0/SECRET"))
        func transferwatch(_ arguments: [String], now: String = "2026-11-29T10:00:00Z") async throws -> CLIProcess.Result {
            try await CLIProcess.run(["--config", config.path, "--now", now] + arguments, environment: Self.environment)
        }

        // An alert fired earlier that day (the agent's dispatcher, in-process).
        let alerts = try harness.alerts(webhooks: [], sns: false)
        let dispatcher = harness.components(alerts: alerts).makeDispatcher(
            now: { AlertingHarness.start }, sleeper: RecordingSleeper())
        await dispatcher.receive(
            [makeAlert("copy-failed", state: .firing, at: AlertingHarness.start)], at: AlertingHarness.start)

        let add = try await transferwatch([
            "silence", "add", "--alert", "stalled-counter", "--label", "window=2026-11", "--for", "2h", "--comment",
            "holiday: nobody uploads until Monday",
        ])
        #expect(add.status == 0, "\(add.standardError)")
        let prefix = "silence "
        #expect(add.standardOutput.hasPrefix(prefix))
        #expect(
            add.standardOutput.contains(
                #"created: {alertname="stalled-counter", window="2026-11"} until 2026-11-29T12:00:00Z"#))
        let id = String(add.standardOutput.dropFirst(prefix.count).prefix(36))
        #expect(slack.requests().count == 1, "the silence is announced")
        let announcement = try #require(try bodies(of: slack).first)
        #expect((announcement["text"] as? String)?.hasPrefix("Silence created: {alertname=\"stalled-counter\"") == true)
        #expect(!add.standardError.contains("SECRET"), "the webhook URL is a secret")

        let list = try await transferwatch(["silence", "list"])
        #expect(list.status == 0, "\(list.standardError)")
        let row = try #require(list.standardOutput.split(separator: "\n").first { $0.hasPrefix(id) })
        #expect(row.contains("active"))
        #expect(row.contains("oncall-alice"))
        #expect(row.contains("holiday: nobody uploads until Monday"))
        let listJSON = try await transferwatch(["silence", "list", "--json"])
        let silence = try #require(
            try JSONSerialization.jsonObject(with: Data(listJSON.standardOutput.utf8)) as? [String: Any])
        #expect(silence["id"] as? String == id)
        #expect(silence["endsAt"] as? String == "2026-11-29T12:00:00Z")

        let expire = try await transferwatch(["silence", "expire", id], now: "2026-11-29T11:00:00Z")
        #expect(expire.status == 0, "\(expire.standardError)")
        #expect(expire.standardOutput == "silence \(id) expired: {alertname=\"stalled-counter\", window=\"2026-11\"}\n")
        #expect(slack.requests().count == 2)
        await #expect(
            try transferwatch(["silence", "list"], now: "2026-11-29T11:00:01Z").standardOutput == "no active silences\n"
        )
        let all = try await transferwatch(["silence", "list", "--all"], now: "2026-11-29T11:00:01Z")
        #expect(all.standardOutput.contains("\(id)  expired"))

        // Expiring twice, or something that does not exist: one line, exit 1.
        let again = try await transferwatch(["silence", "expire", id], now: "2026-11-29T11:30:00Z")
        #expect(again.status == 1)
        #expect(again.errorLines == ["error: silence \(id) has already expired"])
        let missing = try await transferwatch(["silence", "expire", "no-such-id"])
        #expect(missing.status == 1)
        #expect(missing.errorLines == ["error: no silence with ID no-such-id"])

        // The audit trail.
        let history = try await transferwatch(["alerts", "history", "--json"], now: "2026-11-29T12:00:00Z")
        #expect(history.status == 0, "\(history.standardError)")
        let events = try history.standardOutput.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(
            events.map { "\($0["kind"]!) \($0["alert"]!)" } == [
                "firing copy-failed", "silence-created stalled-counter", "notified stalled-counter",
                "silence-expired stalled-counter", "notified stalled-counter",
            ])
        #expect((events[1]["detail"] as? String)?.contains("by oncall-alice: holiday") == true)
        let onlyCopy = try await transferwatch(["alerts", "history", "--alert", "copy-failed"], now: "2026-11-29T12:00:00Z")
        #expect(onlyCopy.standardOutput.split(separator: "\n").count == 1)
        #expect(onlyCopy.standardOutput.hasPrefix("2026-11-29T00:00:00Z  firing  copy-failed  "))
        let recent = try await transferwatch(["alerts", "history", "--since", "90m"], now: "2026-11-29T12:00:00Z")
        #expect(recent.standardOutput.split(separator: "\n").count == 2, "\(recent.standardOutput)")
    }

    @Test func badInputIsAOneLineUsageError() async throws {
        let config = try Self.writeConfig(endpoint: URL(string: "http://127.0.0.1:9")!, slack: "http://127.0.0.1:9/x")
        func run(_ arguments: [String]) async throws -> CLIProcess.Result {
            try await CLIProcess.run(["--config", config.path] + arguments, environment: Self.environment)
        }
        let badLabel = try await run(["silence", "add", "--alert", "x", "--label", "window", "--for", "2h", "--comment", "c"])
        #expect(badLabel.status == 2)
        #expect(
            badLabel.errorLines.first?.contains("invalid matcher 'window': expected name=value or name!=value") == true,
            "\(badLabel.standardError)")
        let badDuration = try await run(["silence", "add", "--alert", "x", "--for", "soon", "--comment", "c"])
        #expect(badDuration.status == 2)
        #expect(badDuration.errorLines.first?.contains("--for 'soon' is not a duration") == true)
        let badSince = try await run(["alerts", "history", "--since", "yesterday"])
        #expect(badSince.status == 2)
        #expect(badSince.errorLines.first?.contains("--since 'yesterday'") == true)
    }

    @Test func aMalformedSilenceItemIsNamedAndTheOthersStillListed() async throws {
        let harness = try await AlertingHarness.start()
        defer { harness.moto.stop() }
        let config = try Self.writeConfig(endpoint: harness.moto.endpoint, slack: nil)
        let silences = harness.components(alerts: Configuration.Alerts()).silences
        let now = try #require(GlobalOptionsLike.parse("2026-11-29T10:00:00Z"))
        try await silences.add(
            Silence(
                matchers: [LabelMatcher(name: "alertname", value: "copy-failed")], startsAt: now,
                endsAt: now.addingTimeInterval(3600), createdBy: "bob", comment: "fixing the role"))
        try await DynamoDBClient(context: harness.context).putItem(
            table: AlertingHarness.table,
            item: ["pk": .s("silences#prod"), "sk": .s("silence#broken"), "body": .s("{\"id\": 3}")])
        let list = try await CLIProcess.run(
            ["--config", config.path, "--now", "2026-11-29T10:00:00Z", "silence", "list"], environment: Self.environment
        )
        #expect(list.status == 0)
        #expect(list.errorLines.count == 1)
        #expect(
            list.errorLines.first?.hasPrefix("warning: state item silences#prod/silence#broken is malformed: ") == true,
            "\(list.standardError)")
        #expect(list.standardOutput.contains("fixing the role"))
    }

    static func writeConfig(endpoint: URL, slack: String?) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tw-silence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("transferwatch.yaml")
        let hooks = slack.map { "  webhooks: [{url: \"\($0)\", format: slack}]\n" } ?? ""
        try """
        region: us-east-1
        endpoint: \(endpoint.absoluteString)
        buckets: {source: invoices-incoming, destination: invoices-archive}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        alerts:
          groupWait: 30s
        \(hooks)
        """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// ISO-8601 parsing for tests.
enum GlobalOptionsLike {
    static func parse(_ text: String) -> Date? { try? Date(text, strategy: .iso8601) }
}
