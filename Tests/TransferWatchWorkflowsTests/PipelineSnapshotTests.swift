import Foundation
import Testing
import TransferWatchRules
import TransferWatchWorkflows

/// The snapshot as state facts, as CONTRACT.md's status JSON, and as the text `transferwatch status` prints:
/// values only.
@Suite struct PipelineSnapshotTests {
    @Test func snapshotBecomesStateFacts() throws {
        let snapshot = Self.snapshot()
        let facts = try snapshot.facts()
        let expected: [String: FactValue] = [
            "now": .timestamp(date("2026-11-29T10:00:00Z")),
            "window": .object([:]), "window.id": "2026-11",
            "window.openedAt": .timestamp(date("2026-11-28T00:00:00Z")),
            "window.closesAt": .timestamp(date("2026-12-01T00:00:00Z")), "window.complete": false,
            "window.closed": false, "window.maxLifespan": .duration(.seconds(172_800)),
            "counter": .object([:]), "counter.delivered": .number(3), "counter.expected": .number(5),
            "counter.missing": ["dave", "erin"], "counter.lastDeliveryAt": .timestamp(date("2026-11-29T08:12:00Z")),
            "server": .object([:]), "server.id": "s-0123", "server.state": "ONLINE", "server.online": true,
            "server.createdAt": .timestamp(date("2026-11-28T00:00:05Z")), "server.age": .duration(.seconds(122_395)),
            "server.costSoFar": .number(10.2),
            "copies": .object([:]), "copies.failedLast1h": .number(1), "copies.succeededLast1h": .number(4),
            "copies.lastFailureAt": .timestamp(date("2026-11-29T09:40:00Z")), "copies.failedKeys": ["bob/x.pdf"],
            "provisioning": .object([:]), "provisioning.expectedUsers": .number(5),
            "provisioning.usersProvisioned": .number(5), "provisioning.lastResult": "provisioned",
            "provisioning.lastRunAt": .timestamp(date("2026-11-28T00:02:00Z")),
            "servers": .object([:]), "servers.managed": ["s-0123", "s-0999"], "servers.orphans": ["s-0999"],
            "environment": "prod",
        ]
        try StepRecordFactsTests.check(facts, against: expected)
    }

    @Test func snapshotWithoutServerOrHistoryHasAbsentFacts() throws {
        var snapshot = Self.snapshot()
        snapshot.server = nil
        snapshot.copies = .init(failedLast1h: 0, succeededLast1h: 0, lastFailureAt: nil, failedKeys: [])
        snapshot.counter.lastDeliveryAt = nil
        snapshot.provisioning.lastResult = nil
        snapshot.provisioning.lastRunAt = nil
        let facts = try snapshot.facts()
        for path in [
            "server", "server.id", "server.state", "server.online", "server.createdAt", "server.age",
            "server.costSoFar",
            "copies.lastFailureAt", "counter.lastDeliveryAt", "provisioning.lastResult", "provisioning.lastRunAt",
        ] {
            #expect(facts[path] == .null, "\(path)")
        }
        #expect(try snapshot.status(alerts: []).json().contains(#""server" : null"#))
    }

    /// CONTRACT.md's example, field by field.
    @Test func statusJSONHasContractShape() throws {
        let alert = PipelineStatus.Alert(
            rule: "stalled-counter", severity: "warning", state: "firing", since: date("2026-11-29T09:00:00Z"),
            summary: "no delivery for 6h")
        let json = try Self.snapshot().status(alerts: [alert]).json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["now", "window", "server", "counter", "alerts"])
        #expect(object["now"] as? String == "2026-11-29T10:00:00Z")
        #expect(object["window"] as? String == "2026-11")
        let server = try #require(object["server"] as? [String: Any])
        #expect(server["id"] as? String == "s-0123")
        #expect(server["state"] as? String == "ONLINE")
        #expect(server["createdAt"] as? String == "2026-11-28T00:00:05Z")
        #expect(server["ageSeconds"] as? Int == 122_395)
        let counter = try #require(object["counter"] as? [String: Any])
        #expect(counter["delivered"] as? Int == 3)
        #expect(counter["expected"] as? Int == 5)
        #expect(counter["missing"] as? [String] == ["dave", "erin"])
        #expect(counter["lastDeliveryAt"] as? String == "2026-11-29T08:12:00Z")
        let alerts = try #require(object["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1)
        #expect(alerts.first?["rule"] as? String == "stalled-counter")
        #expect(alerts.first?["since"] as? String == "2026-11-29T09:00:00Z")
    }

    @Test func statusTextShowsProgressMissingServerAndAlerts() {
        let alert = PipelineStatus.Alert(
            rule: "stalled-counter", severity: "warning", state: "firing", since: date("2026-11-29T09:00:00Z"),
            summary: "no delivery for 6h")
        #expect(
            Self.snapshot().status(alerts: [alert]).text == """
                window 2026-11: 3/5 delivered, last delivery 2026-11-29T08:12:00Z
                missing: dave, erin
                server s-0123: ONLINE, age 1d 9h, $10.20 so far
                alerts:
                  firing stalled-counter (warning) since 2026-11-29T09:00:00Z: no delivery for 6h
                """)
        var empty = Self.snapshot()
        empty.server = nil
        empty.counter = .init(delivered: 0, expected: 2, missing: [], lastDeliveryAt: nil)
        #expect(
            empty.status(alerts: []).text == """
                window 2026-11: 0/2 delivered
                missing: none
                server: none
                alerts: none
                """)
    }

    static func snapshot() -> PipelineSnapshot {
        PipelineSnapshot(
            now: date("2026-11-29T10:00:00Z"), environment: "prod",
            window: .init(
                id: "2026-11", isRecorded: true, openedAt: date("2026-11-28T00:00:00Z"),
                closesAt: date("2026-12-01T00:00:00Z"), isComplete: false, isClosed: false,
                maxLifespan: .seconds(172_800), closedReason: nil),
            counter: .init(
                delivered: 3, expected: 5, missing: ["dave", "erin"], lastDeliveryAt: date("2026-11-29T08:12:00Z")),
            server: .init(
                id: "s-0123", state: "ONLINE", isOnline: true, createdAt: date("2026-11-28T00:00:05Z"),
                age: .seconds(122_395), costSoFar: 10.2),
            copies: .init(
                failedLast1h: 1, succeededLast1h: 4, lastFailureAt: date("2026-11-29T09:40:00Z"),
                failedKeys: ["bob/x.pdf"]),
            provisioning: .init(
                expectedUsers: 5, usersProvisioned: 5, lastResult: "provisioned",
                lastRunAt: date("2026-11-28T00:02:00Z")),
            managedServers: ["s-0123", "s-0999"], orphanServers: ["s-0999"], problems: [])
    }
}
