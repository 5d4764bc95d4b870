import Foundation
import TransferWatchLocking

/// Whether this replica holds the leader lease, shared by the services that only the leader runs (schedules,
/// reconciliation, dead-letter checks, and the rule evaluator and notifier plugged in later).
///
/// The ``LeaseService`` records until when the lease is held; the holder counts as leader only until then
/// (real time), so a replica whose renewals fail stops acting as leader on its own, before another can take the
/// lease over.
///
/// ```swift
/// if leadership.isLeader { try await scheduler.tick() }
/// ```
package final class Leadership: Sendable {
    private let heldUntil = Locked<Date?>(nil)
    private let realNow: @Sendable () -> Date

    /// A leadership nobody holds yet.
    package init(realNow: @escaping @Sendable () -> Date = { Date() }) {
        self.realNow = realNow
    }

    /// A leadership that is always held: a single replica without a lease (tests, `--no-lease`).
    package static func always() -> Leadership {
        let leadership = Leadership()
        leadership.held(until: .distantFuture)
        return leadership
    }

    /// Whether this replica is the leader now.
    package var isLeader: Bool {
        guard let until = heldUntil.withLock({ $0 }) else { return false }
        return realNow() < until
    }

    /// Records that the lease is held until `until` (real time).
    package func held(until: Date) {
        heldUntil.withLock { $0 = until }
    }

    /// Records that the lease is lost or released.
    package func lost() {
        heldUntil.withLock { $0 = nil }
    }
}
