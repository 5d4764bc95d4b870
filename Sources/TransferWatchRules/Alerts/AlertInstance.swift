import Foundation

/// Where an alert's condition lives in the alert life cycle that rule evaluation computes (as Prometheus does
/// before it hands alerts to an Alertmanager).
package enum AlertState: String, Sendable, Hashable, Codable, CaseIterable {
    /// The condition holds, but not yet for the rule's `for`.
    case pending
    /// The condition has held long enough (or is a step rule's verdict): someone must hear of it.
    case firing
    /// The condition no longer holds (and `keep_firing_for` has run out).
    case resolved
}

/// One alert as rule evaluation produces it: the input of alerting (routing, silences, receivers).
///
/// The identity of an alert is its ``labels`` (which always hold `alertname` and `severity`); the
/// ``fingerprint`` is derived from them, so one problem is one alert however often its rule fires.
package struct AlertInstance: Sendable, Hashable, Codable {
    /// The rule's `alert` name (also `labels["alertname"]`).
    package var rule: String
    /// The identifying labels: `alertname`, `severity`, `environment`, the rule's labels (rendered).
    package var labels: [String: String]
    /// The rendered annotations: `summary`, `description`, `runbook_url`, …
    package var annotations: [String: String]
    /// Pending, firing or resolved.
    package var state: AlertState
    /// When the condition was first seen to hold (Prometheus's `activeAt`).
    package var activeAt: Date
    /// When the alert started firing, once it has.
    package var firedAt: Date?
    /// When it resolved, once it has.
    package var resolvedAt: Date?
    /// When its rule was last evaluated.
    package var evaluatedAt: Date

    /// Creates an alert.
    package init(
        rule: String, labels: [String: String], annotations: [String: String], state: AlertState,
        activeAt: Date, firedAt: Date? = nil, resolvedAt: Date? = nil, evaluatedAt: Date
    ) {
        self.rule = rule
        self.labels = labels
        self.annotations = annotations
        self.state = state
        self.activeAt = activeAt
        self.firedAt = firedAt
        self.resolvedAt = resolvedAt
        self.evaluatedAt = evaluatedAt
    }

    /// The severity label, parsed (`warning` when it is missing or unknown).
    package var severity: Severity { labels["severity"].flatMap(Severity.init(rawValue:)) ?? .warning }

    /// The alert's identity: ``AlertFingerprint`` of its labels, 16 hex digits.
    package var fingerprint: String { AlertFingerprint.of(labels) }
}

/// A stable 64-bit fingerprint of a label set, as 16 lowercase hex digits.
///
/// FNV-1a over the labels sorted by name, each name and value followed by a separator byte that cannot
/// appear in UTF-8 text (0xFF), the same construction as Prometheus's `model.LabelSet.Fingerprint`'s
/// inputs, so the same labels always give the same fingerprint on every replica and across restarts.
package enum AlertFingerprint {
    /// The fingerprint of `labels`.
    package static func of(_ labels: [String: String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for name in labels.keys.sorted() {
            for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01b3
            for byte in labels[name]!.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
