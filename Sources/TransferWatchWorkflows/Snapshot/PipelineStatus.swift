import Foundation

/// The pipeline's status as people and scripts read it: CONTRACT.md's `status --json`, the status page and
/// `/status.json`.
///
/// Encoded with ISO-8601 dates (`2026-11-29T10:00:00Z`); `server` is `null` when there is none.
package struct PipelineStatus: Sendable, Equatable, Codable {
    /// The window's server.
    package struct Server: Sendable, Equatable, Codable {
        package var id: String
        /// Transfer's state: `ONLINE`, `OFFLINE`, `STARTING`, …
        package var state: String
        package var createdAt: Date
        package var ageSeconds: Int
        /// What it has cost so far at Transfer's hourly price (USD); not in CONTRACT.md's example, added.
        package var costSoFar: Double?

        package init(id: String, state: String, createdAt: Date, ageSeconds: Int, costSoFar: Double? = nil) {
            self.id = id
            self.state = state
            self.createdAt = createdAt
            self.ageSeconds = ageSeconds
            self.costSoFar = costSoFar
        }
    }

    /// The window's delivery counter.
    package struct Counter: Sendable, Equatable, Codable {
        package var delivered: Int
        package var expected: Int
        /// Usernames of active employees who have not delivered yet, sorted.
        package var missing: [String]
        package var lastDeliveryAt: Date?

        package init(delivered: Int, expected: Int, missing: [String], lastDeliveryAt: Date?) {
            self.delivered = delivered
            self.expected = expected
            self.missing = missing
            self.lastDeliveryAt = lastDeliveryAt
        }
    }

    /// One alert, firing, pending or silenced.
    package struct Alert: Sendable, Equatable, Codable {
        package var rule: String
        package var severity: String
        /// `pending`, `firing`, `silenced` or `inhibited`.
        package var state: String
        package var since: Date
        package var summary: String

        package init(rule: String, severity: String, state: String, since: Date, summary: String) {
            self.rule = rule
            self.severity = severity
            self.state = state
            self.since = since
            self.summary = summary
        }
    }

    package var now: Date
    /// The delivery window's ID (`2026-11`).
    package var window: String
    package var server: Server?
    package var counter: Counter
    package var alerts: [Alert]

    package init(now: Date, window: String, server: Server?, counter: Counter, alerts: [Alert]) {
        self.now = now
        self.window = window
        self.server = server
        self.counter = counter
        self.alerts = alerts
    }

    /// Encodes `server` as an explicit `null` when absent, as CONTRACT.md shows.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(now, forKey: .now)
        try container.encode(window, forKey: .window)
        if let server { try container.encode(server, forKey: .server) } else { try container.encodeNil(forKey: .server) }
        try container.encode(counter, forKey: .counter)
        try container.encode(alerts, forKey: .alerts)
    }
}
