import Foundation
import Testing
import TransferWatchAlerting
import TransferWatchConfig
import TransferWatchRules

/// Each receiver format against its published shape: Alertmanager's webhook example (docs), Slack's
/// incoming-webhook message (text, blocks, attachments and their limits), PagerDuty Events v2's required
/// fields and limits, and SNS's subject rules.
@Suite struct PayloadFormatTests {
    static let now = Date(timeIntervalSince1970: 1_795_946_400)  // 2026-11-29T10:00:00Z

    /// Alertmanager's documented webhook payload (prometheus.io/docs/alerting/latest/configuration/#webhook_config),
    /// with example values.
    static let alertmanagerExample = #"""
        {
          "version": "4",
          "groupKey": "{}:{alertname=\"copy-failed\"}",
          "truncatedAlerts": 0,
          "status": "firing",
          "receiver": "webhook",
          "groupLabels": {"alertname": "copy-failed"},
          "commonLabels": {"alertname": "copy-failed"},
          "commonAnnotations": {"summary": "s"},
          "externalURL": "http://alertmanager:9093",
          "alerts": [
            {
              "status": "firing",
              "labels": {"alertname": "copy-failed"},
              "annotations": {"summary": "s"},
              "startsAt": "2026-11-29T09:00:00Z",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://prometheus:9090/graph",
              "fingerprint": "0123456789abcdef"
            }
          ]
        }
        """#

    static func record(
        _ name: String, state: AlertState, severity: String = "critical", labels: [String: String] = [:],
        summary: String? = nil
    ) -> AlertRecord {
        var allLabels = ["alertname": name, "severity": severity, "environment": "prod"]
        allLabels.merge(labels) { _, new in new }
        return AlertRecord(
            alert: AlertInstance(
                rule: name, labels: allLabels,
                annotations: [
                    "summary": summary ?? "\(name): server s-0123 is 3d old, $432 so far",
                    "description": "missing employees: dave, erin",
                    "runbook_url": "https://runbooks.example/\(name)",
                ],
                state: state, activeAt: now.addingTimeInterval(-3600), firedAt: now.addingTimeInterval(-3000),
                resolvedAt: state == .resolved ? now : nil, evaluatedAt: now))
    }

    static func notification(
        firing: [AlertRecord], resolved: [AlertRecord] = [], receiver: String = "webhook"
    )
        -> AlertNotification
    {
        AlertNotification(
            receiver: receiver, group: AlertGroupKey(labels: ["alertname": "stale-server", "environment": "prod"]),
            firing: firing, resolved: resolved, reason: .newFiring, at: now,
            externalURL: URL(string: "http://agent.example:9464"))
    }

    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    /// The key structure of a JSON value: nested objects' keys, with arrays reduced to their first element.
    static func shape(_ value: Any, freeKeysAt paths: Set<String> = [], path: String = "") -> String {
        if let object = value as? [String: Any] {
            if paths.contains(path) { return "{*}" }
            return "{"
                + object.keys.sorted().map { "\($0):" + shape(object[$0]!, freeKeysAt: paths, path: path + "." + $0) }
                .joined(separator: ",") + "}"
        }
        if let array = value as? [Any] {
            return "[" + (array.first.map { shape($0, freeKeysAt: paths, path: path + "[]") } ?? "") + "]"
        }
        if value is String { return "s" }
        if value is NSNumber { return "n" }
        return "?"
    }

    @Test func alertmanagerPayloadHasTheDocumentedShape() throws {
        let notification = Self.notification(
            firing: [Self.record("stale-server", state: .firing)],
            resolved: [Self.record("stale-server", state: .resolved, labels: ["window": "2026-10"])])
        let payload = try Self.object(AlertmanagerPayload(notification).json())
        let labelMaps: Set<String> = [
            ".groupLabels", ".commonLabels", ".commonAnnotations", ".alerts[].labels", ".alerts[].annotations",
        ]
        #expect(
            Self.shape(payload, freeKeysAt: labelMaps)
                == Self.shape(try Self.object(Self.alertmanagerExample), freeKeysAt: labelMaps))
        #expect(payload["version"] as? String == "4")
        #expect(payload["status"] as? String == "firing")
        #expect(payload["groupKey"] as? String == #"{}:{alertname="stale-server",environment="prod"}"#)
        let alerts = try #require(payload["alerts"] as? [[String: Any]])
        #expect(alerts.map { $0["status"] as? String } == ["firing", "resolved"])
        #expect(alerts[0]["endsAt"] as? String == "0001-01-01T00:00:00Z")
        #expect(alerts[1]["endsAt"] as? String == "2026-11-29T10:00:00Z")
        #expect(alerts[0]["startsAt"] as? String == "2026-11-29T09:10:00Z")
        #expect((alerts[0]["fingerprint"] as? String)?.count == 16)
        #expect(
            (payload["commonLabels"] as? [String: String]) == [
                "alertname": "stale-server", "severity": "critical", "environment": "prod",
            ])
        #expect(
            (alerts[0]["annotations"] as? [String: String])?["runbook_url"] == "https://runbooks.example/stale-server")
    }

    @Test func slackMessageKeepsSlacksLimitsAndColoursBySeverity() throws {
        let many = (0..<60).map {
            Self.record(
                "copy-failed", state: .firing, labels: ["key": "u\($0)/f.pdf"],
                summary: String(repeating: "x", count: 4000))
        }
        let payload = try Self.object(SlackPayload(Self.notification(firing: many)).json())
        #expect((payload["text"] as? String)?.isEmpty == false)
        let blocks = try #require(payload["blocks"] as? [[String: Any]])
        #expect(blocks.count <= SlackPayload.maxBlocks)
        #expect(blocks.first?["type"] as? String == "header")
        for block in blocks {
            let type = try #require(block["type"] as? String)
            #expect(["header", "section", "context"].contains(type))
            if let text = block["text"] as? [String: String] {
                #expect(text["type"] == (type == "header" ? "plain_text" : "mrkdwn"))
                #expect((text["text"]?.count ?? 0) <= (type == "header" ? 150 : 3000))
                #expect(text["text"]?.isEmpty == false)
            }
        }
        #expect((blocks.last?["elements"] as? [[String: String]])?.first?["type"] == "mrkdwn")
        let attachment = try #require((payload["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["color"] as? String == "#d00000")
        #expect((attachment["fallback"] as? String)?.isEmpty == false)

        let warning = try Self.object(
            SlackPayload(
                Self.notification(firing: [Self.record("stalled-counter", state: .firing, severity: "warning")])
            ).json())
        #expect((warning["attachments"] as? [[String: Any]])?.first?["color"] as? String == "#daa038")
        let resolved = try Self.object(
            SlackPayload(Self.notification(firing: [], resolved: [Self.record("stale-server", state: .resolved)]))
                .json())
        #expect((resolved["attachments"] as? [[String: Any]])?.first?["color"] as? String == "#2eb886")
        #expect((resolved["text"] as? String)?.hasPrefix("[RESOLVED] stale-server") == true)
        let section = try #require((resolved["blocks"] as? [[String: Any]])?[1]["text"] as? [String: String])
        #expect(section["text"]?.contains("Runbook: <https://runbooks.example/stale-server|") == true)
    }

    @Test func pagerDutyEventHasTheRequiredFieldsWithinLimits() throws {
        let long = Self.record("stale-server", state: .firing, summary: String(repeating: "é", count: 5000))
        let trigger = try Self.object(
            PagerDutyEvent(Self.notification(firing: [long]), routingKey: "R0UT1NGKEY").json())
        #expect(trigger["routing_key"] as? String == "R0UT1NGKEY")
        #expect(trigger["event_action"] as? String == "trigger")
        let dedupKey = try #require(trigger["dedup_key"] as? String)
        #expect(!dedupKey.isEmpty && dedupKey.count <= 255)
        let payload = try #require(trigger["payload"] as? [String: Any])
        let summary = try #require(payload["summary"] as? String)
        #expect(summary.count <= PagerDutyEvent.maxSummaryLength)
        #expect(summary.hasPrefix("[FIRING:1] stale-server: "))
        #expect(payload["source"] as? String == "prod")
        #expect(["critical", "error", "warning", "info"].contains(payload["severity"] as? String ?? ""))
        #expect((payload["custom_details"] as? [String: String])?["description"] == "missing employees: dave, erin")
        #expect((trigger["links"] as? [[String: String]])?.first?["href"] == "https://runbooks.example/stale-server")

        let resolve = try Self.object(
            PagerDutyEvent(
                Self.notification(firing: [], resolved: [Self.record("stale-server", state: .resolved)]),
                routingKey: "R0UT1NGKEY"
            ).json())
        #expect(resolve["event_action"] as? String == "resolve")
        #expect(resolve["dedup_key"] as? String == dedupKey, "the resolve closes the incident the trigger opened")
        #expect(PagerDutyEvent.severity("warning") == "warning")
        #expect(PagerDutyEvent.severity("bogus") == "error")
    }

    @Test func snsSubjectIsOneShortASCIILineWithAttributes() throws {
        let name = "provisioning-incomplete-" + String(repeating: "ü", count: 120)
        let message = SNSMessage.render(
            Self.notification(firing: [Self.record(name, state: .firing, severity: "warning")]))
        let subject = try #require(message.subject)
        #expect(subject.count < 100)
        #expect(subject.unicodeScalars.allSatisfy { (0x20..<0x7F).contains($0.value) })
        #expect(subject.hasPrefix("[FIRING:1] provisioning-incomplete-??"))
        #expect(message.attributes == ["severity": "warning", "alertname": name, "status": "firing"])
        #expect(message.body.contains("Description: missing employees: dave, erin"))
        #expect(message.body.contains("Runbook: https://runbooks.example/"))
        #expect(message.body.contains("since 2026-11-29T09:10:00Z (50m 0s)"))
        #expect(SNSMessage.subject("a\nb\r\tc") == "a b  c")
    }
}
