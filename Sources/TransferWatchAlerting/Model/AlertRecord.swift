import Foundation
import TransferWatchRules

/// Why an alert is not being sent, at the time of the last evaluation.
package enum AlertMute: Sendable, Hashable, Codable {
    /// A silence (its ID) matches the alert.
    case silenced(String)
    /// A firing alert (its fingerprint) inhibits it through an inhibit rule.
    case inhibited(String)
}

/// One alert as alerting remembers it: the latest ``AlertInstance`` with its fingerprint and mute.
///
/// Stored as one item of the state table (`alerts#<environment>` / `alert#<fingerprint>`), so a restarted
/// agent or another replica knows which alerts fire and which were already notified.
package struct AlertRecord: Sendable, Hashable, Codable {
    /// The alert as rule evaluation last reported it.
    package var alert: AlertInstance
    /// ``AlertInstance/fingerprint``, kept so stored items can be read without recomputing it.
    package var fingerprint: String
    /// Why it is not being sent, if it is not.
    package var mute: AlertMute?

    /// Wraps an instance.
    package init(alert: AlertInstance, mute: AlertMute? = nil) {
        self.alert = alert
        self.fingerprint = alert.fingerprint
        self.mute = mute
    }

    /// The alert name (`labels["alertname"]`, else the rule).
    package var name: String { alert.labels["alertname"] ?? alert.rule }

    /// When the alert started firing, else when it became active.
    package var since: Date { alert.firedAt ?? alert.activeAt }
}
