import Foundation
import TransferWatchRules

/// What one receiver was last told about one group (Alertmanager's nflog entry): the basis of deduplication.
package struct NotificationLogEntry: Sendable, Hashable, Codable {
    /// The receiver's name.
    package var receiver: String
    /// The group.
    package var group: AlertGroupKey
    /// Fingerprints of the alerts notified as firing.
    package var firing: Set<String>
    /// Fingerprints of the alerts notified as resolved.
    package var resolved: Set<String>
    /// When the notification was queued.
    package var at: Date
    /// How many notifications this receiver has had for the group (a write guard across replicas).
    package var sequence: Int

    /// Creates an entry.
    package init(
        receiver: String, group: AlertGroupKey, firing: Set<String>, resolved: Set<String>, at: Date, sequence: Int
    ) {
        self.receiver = receiver
        self.group = group
        self.firing = firing
        self.resolved = resolved
        self.at = at
        self.sequence = sequence
    }
}
