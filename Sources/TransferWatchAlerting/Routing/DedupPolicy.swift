import Foundation
import TransferWatchRules

/// Decides whether a group needs a notification to a receiver (Alertmanager's `DedupStage.needsUpdate`).
///
/// Pure: it compares what is firing and resolved now with what the receiver was last told.
package enum DedupPolicy {
    /// Why a notification is sent; its `rawValue` goes into logs and history.
    package enum Reason: String, Sendable, Equatable {
        /// An alert fires that the receiver has not heard of.
        case newFiring = "new alerts firing"
        /// An alert the receiver heard firing has resolved.
        case resolved = "alerts resolved"
        /// Nothing changed but the repeat interval has elapsed.
        case repeatIntervalElapsed = "repeat interval elapsed"
    }

    /// The reason to notify, or `nil` when the receiver is up to date.
    ///
    /// - Parameters:
    ///   - entry: what the receiver was last told about the group (`nil`: never).
    ///   - firing: fingerprints firing (and not muted) now.
    ///   - resolved: fingerprints resolved now that the receiver heard firing.
    ///   - repeatInterval: how long before unchanged firing alerts are sent again.
    ///   - now: the time of the decision.
    package static func decide(
        entry: NotificationLogEntry?, firing: Set<String>, resolved: Set<String>, repeatInterval: Duration,
        now: Date
    ) -> Reason? {
        guard let entry else { return firing.isEmpty ? nil : .newFiring }
        if !firing.isSubset(of: entry.firing) { return .newFiring }
        if !resolved.isSubset(of: entry.resolved) { return .resolved }
        if !firing.isEmpty, now.timeIntervalSince(entry.at) >= repeatInterval.timeInterval {
            return .repeatIntervalElapsed
        }
        return nil
    }
}

extension Duration {
    /// The duration in seconds, as `TimeInterval` (for `Date` arithmetic).
    package var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
