import Foundation
import TransferWatchAWS

extension PipelineSnapshot {
    /// CONTRACT.md's `status --json` value for this snapshot, with `alerts` from an ``AlertStatusSource``.
    package func status(alerts: [PipelineStatus.Alert]) -> PipelineStatus {
        PipelineStatus(
            now: now, window: window.id,
            server: server.map {
                PipelineStatus.Server(
                    id: $0.id, state: $0.state, createdAt: $0.createdAt,
                    ageSeconds: Int($0.age.components.seconds), costSoFar: $0.costSoFar)
            },
            counter: counter, alerts: alerts)
    }
}

extension PipelineStatus {
    /// The status as a person reads it (`transferwatch status`):
    ///
    /// ```
    /// window 2026-11: 3/5 delivered, last delivery 2026-11-29T08:12:00Z
    /// missing: dave, erin
    /// server s-0123: ONLINE, age 1d 10h, $10.20 so far
    /// alerts: none
    /// ```
    package var text: String {
        var lines: [String] = []
        var head = "window \(window): \(counter.delivered)/\(counter.expected) delivered"
        if let last = counter.lastDeliveryAt { head += ", last delivery \(Self.iso8601(last))" }
        lines.append(head)
        lines.append("missing: \(counter.missing.isEmpty ? "none" : counter.missing.joined(separator: ", "))")
        if let server {
            var line = "server \(server.id): \(server.state), age \(Self.age(server.ageSeconds))"
            if let cost = server.costSoFar { line += String(format: ", $%.2f so far", cost) }
            lines.append(line)
        } else {
            lines.append("server: none")
        }
        if alerts.isEmpty {
            lines.append("alerts: none")
        } else {
            lines.append("alerts:")
            for alert in alerts {
                lines.append(
                    "  \(alert.state) \(alert.rule) (\(alert.severity)) since \(Self.iso8601(alert.since)): \(alert.summary)"
                )
            }
        }
        return lines.joined(separator: "\n")
    }

    /// CONTRACT.md's JSON: ISO-8601 dates, `server: null` when none, keys in a stable order.
    package func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// `1d 10h`, `3h 5m`, `42m`, `15s`.
    static func age(_ seconds: Int) -> String {
        let seconds = max(0, seconds)
        let days = seconds / 86_400
        let hours = seconds % 86_400 / 3600
        let minutes = seconds % 3600 / 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m" }
        return "\(seconds)s"
    }

    private static func iso8601(_ date: Date) -> String {
        AWSDate.iso8601(date)
    }
}
