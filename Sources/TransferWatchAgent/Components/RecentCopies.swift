import Foundation
import TransferWatchLocking
import TransferWatchWorkflows

/// The last copies this replica made, newest first, for the status page: a ring of at most ``capacity``.
package final class RecentCopies: Sendable {
    /// How many copies are kept.
    package let capacity: Int
    private let ring: Locked<[RecentCopy]>

    /// An empty buffer of `capacity` entries (50 by default).
    package init(capacity: Int = 50) {
        self.capacity = max(1, capacity)
        self.ring = Locked([])
    }

    /// Adds a copy; the oldest falls out when full.
    package func add(_ copy: RecentCopy) {
        ring.withLock { entries in
            entries.insert(copy, at: 0)
            if entries.count > capacity { entries.removeLast(entries.count - capacity) }
        }
    }

    /// The copies, newest first.
    package var all: [RecentCopy] { ring.withLock { $0 } }
}

extension RecentCopy {
    /// The status page's view of a copy step record, finished at `at`.
    package init(_ record: CopyStepRecord, at: Date) {
        let result: RecentCopy.Result =
            if record.isFailure { .failed } else if record.result == .moved { .succeeded } else { .duplicate }
        self.init(
            key: record.source.key, uploader: record.uploader ?? "", result: result,
            bytes: record.bytes, latency: .milliseconds(record.latencyMilliseconds), at: at,
            errorCode: record.errorCode)
    }
}
