import Foundation
import TransferWatchRules

/// The group an alert belongs to: the values of the `groupBy` labels (Alertmanager's group key).
package struct AlertGroupKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The `groupBy` labels and the alert's values for them (labels the alert lacks are left out).
    package var labels: [String: String]

    /// The group of an alert with `alertLabels`, grouped by `groupBy`.
    package init(alertLabels: [String: String], groupBy: [String]) {
        var labels: [String: String] = [:]
        for name in groupBy { if let value = alertLabels[name] { labels[name] = value } }
        self.labels = labels
    }

    /// Wraps group labels as they are.
    package init(labels: [String: String]) { self.labels = labels }

    /// `{alertname="copy-failed", environment="prod"}`: Alertmanager's `groupKey` shape.
    package var description: String {
        "{" + labels.keys.sorted().map { "\($0)=\"\(labels[$0]!)\"" }.joined(separator: ", ") + "}"
    }

    /// A short stable ID (16 hex digits) for storage keys and PagerDuty's `dedup_key`.
    package var id: String { AlertFingerprint.of(labels) }
}
