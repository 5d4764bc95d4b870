import Foundation
import TransferWatchRules

/// A PagerDuty Events API v2 event (`POST https://events.pagerduty.com/v2/enqueue`).
///
/// `trigger` while any alert of the group fires, `resolve` once none does; the `dedup_key` is the group's ID,
/// so PagerDuty keeps one incident per group and the resolve closes it. `payload.summary` is cut to 1,024
/// characters and `dedup_key` stays within 255, PagerDuty's limits.
package struct PagerDutyEvent: Sendable, Hashable, Codable {
    /// The event's payload (required for `trigger`).
    package struct Payload: Sendable, Hashable, Codable {
        /// What is wrong, at most 1,024 characters.
        package var summary: String
        /// Where: the environment.
        package var source: String
        /// `critical`, `error`, `warning` or `info`.
        package var severity: String
        /// When it started (RFC 3339).
        package var timestamp: String
        /// The alert name(s).
        package var `class`: String
        /// The group.
        package var group: String
        /// Everything else: every alert's labels, annotations, runbook, since.
        package var customDetails: [String: String]

        enum CodingKeys: String, CodingKey {
            case summary, source, severity, timestamp, `class`, group
            case customDetails = "custom_details"
        }
    }

    /// A link shown on the incident.
    package struct Link: Sendable, Hashable, Codable {
        /// The URL.
        package var href: String
        /// Its text.
        package var text: String
    }

    /// The integration's routing key (`alerts.webhooks[n].routingKey`).
    package var routingKey: String
    /// `trigger` or `resolve`.
    package var eventAction: String
    /// The group's stable ID.
    package var dedupKey: String
    /// The payload (absent for `resolve`).
    package var payload: Payload?
    /// The runbooks.
    package var links: [Link]?
    /// `TransferWatch`.
    package var client: String

    enum CodingKeys: String, CodingKey {
        case routingKey = "routing_key"
        case eventAction = "event_action"
        case dedupKey = "dedup_key"
        case payload, links, client
    }

    /// PagerDuty's limit on `payload.summary`.
    package static let maxSummaryLength = 1024

    /// The event of a notification.
    package init(_ notification: AlertNotification, routingKey: String) {
        self.routingKey = routingKey
        dedupKey = notification.group.id
        client = "TransferWatch"
        guard !notification.firing.isEmpty else {
            eventAction = "resolve"
            payload = nil
            links = nil
            return
        }
        eventAction = "trigger"
        let first = notification.firing[0]
        let summaries = notification.firing.map { $0.alert.annotations["summary"] ?? $0.name }
        let summary = AlertText.title(notification) + ": " + summaries.joined(separator: "; ")
        var details: [String: String] = [:]
        for record in notification.firing {
            let prefix = notification.firing.count == 1 ? "" : "\(record.name)[\(record.fingerprint)]."
            details[prefix + "since"] = AlertText.timestamp(record.since)
            details[prefix + "fingerprint"] = record.fingerprint
            for (key, value) in record.alert.annotations { details[prefix + key] = value }
            for (key, value) in record.alert.labels { details[prefix + "label." + key] = value }
        }
        payload = Payload(
            summary: AlertText.truncate(summary, to: Self.maxSummaryLength),
            source: first.alert.labels["environment"] ?? "transferwatch",
            severity: Self.severity(notification.severity),
            timestamp: AlertText.timestamp(notification.firing.map(\.since).min() ?? notification.at),
            class: notification.alertNames.joined(separator: ","), group: notification.group.description,
            customDetails: details)
        let runbooks = Set(notification.firing.compactMap { $0.alert.annotations["runbook_url"] }).sorted()
        links = runbooks.isEmpty ? nil : runbooks.map { Link(href: $0, text: "runbook") }
    }

    /// PagerDuty's severity for ours (`critical`, `warning`, `info` map to themselves; anything else `error`).
    package static func severity(_ severity: String) -> String {
        ["critical", "warning", "info"].contains(severity) ? severity : "error"
    }

    /// The JSON text.
    package func json() -> String { encodeJSON(self) }
}
