import Foundation
import TransferWatchRules

/// A group's timers: it was created at ``createdAt`` and is next flushed at ``nextFlushAt`` (`group_wait`
/// after creation, then every `group_interval`).
package struct AlertGroupState: Sendable, Hashable, Codable {
    /// The group.
    package var key: AlertGroupKey
    /// When its first alert arrived.
    package var createdAt: Date
    /// When it is next looked at.
    package var nextFlushAt: Date

    /// Creates a group state.
    package init(key: AlertGroupKey, createdAt: Date, nextFlushAt: Date) {
        self.key = key
        self.createdAt = createdAt
        self.nextFlushAt = nextFlushAt
    }
}
