import Foundation
import TransferWatchRules

/// Alertmanager's webhook JSON, version 4, so receivers written for Alertmanager work unchanged.
///
/// See https://prometheus.io/docs/alerting/latest/configuration/#webhook_config.
package struct AlertmanagerPayload: Sendable, Hashable, Codable {
    /// One alert of the payload.
    package struct Alert: Sendable, Hashable, Codable {
        /// `firing` or `resolved`.
        package var status: String
        /// The alert's labels.
        package var labels: [String: String]
        /// The alert's annotations.
        package var annotations: [String: String]
        /// RFC 3339.
        package var startsAt: String
        /// RFC 3339; `0001-01-01T00:00:00Z` while firing.
        package var endsAt: String
        /// A link to the agent that produced it.
        package var generatorURL: String
        /// The alert's fingerprint.
        package var fingerprint: String
    }

    /// Always `4`.
    package var version: String
    /// The group key (`{}:{alertname="copy-failed"}`).
    package var groupKey: String
    /// How many alerts were left out (never: every alert is sent).
    package var truncatedAlerts: Int
    /// `firing` or `resolved`.
    package var status: String
    /// The receiver's name.
    package var receiver: String
    /// The group's labels.
    package var groupLabels: [String: String]
    /// Labels all alerts share.
    package var commonLabels: [String: String]
    /// Annotations all alerts share.
    package var commonAnnotations: [String: String]
    /// The agent's URL.
    package var externalURL: String
    /// The alerts.
    package var alerts: [Alert]

    /// The payload of a notification.
    package init(_ notification: AlertNotification) {
        let external = notification.externalURL?.absoluteString ?? ""
        version = "4"
        groupKey = "{}:" + notification.group.description.replacingOccurrences(of: ", ", with: ",")
        truncatedAlerts = 0
        status = notification.status
        receiver = notification.receiver
        groupLabels = notification.group.labels
        commonLabels = notification.commonLabels
        commonAnnotations = notification.commonAnnotations
        externalURL = external
        alerts = notification.alerts.map { record in
            let isResolved = record.alert.state == .resolved
            return Alert(
                status: isResolved ? "resolved" : "firing", labels: record.alert.labels,
                annotations: record.alert.annotations, startsAt: AlertText.timestamp(record.since),
                endsAt: isResolved
                    ? AlertText.timestamp(record.alert.resolvedAt ?? notification.at)
                    : "0001-01-01T00:00:00Z",
                generatorURL: external.isEmpty ? "" : external + "/alerts?fingerprint=" + record.fingerprint,
                fingerprint: record.fingerprint)
        }
    }

    /// The JSON text.
    package func json() -> String { encodeJSON(self) }
}
