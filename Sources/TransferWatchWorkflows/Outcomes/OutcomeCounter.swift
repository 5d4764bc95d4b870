import Foundation
import TransferWatchAWS
import TransferWatchLocking

/// Counts successful copies in memory, by UTC hour, until they are flushed to the state table: the agent
/// flushes at an interval, the CLI at exit. One `UpdateItem` per hour with counts per flush, never one per copy.
///
/// ```swift
/// let counter = OutcomeCounter()
/// workflow.successCounter = counter          // counts every `moved` step
/// …
/// let flushed = try await counter.flush(to: CopyOutcomeLog(dynamo: dynamo, table: stateTable))
/// ```
///
/// Counts survive a failed flush: what could not be written is put back and goes with the next flush. A copy
/// counted while a flush is in flight is kept for the next one.
package final class OutcomeCounter: Sendable {
    /// Pending counts by the start of their hour.
    private let pending = Locked<[Date: Int]>([:])

    /// An empty counter.
    package init() {}

    /// Counts a step if it moved an object (the only result that is a new successful copy).
    package func record(_ record: CopyStepRecord) {
        guard record.result == .moved else { return }
        add(1, at: record.finishedAt)
    }

    /// Counts `count` successes at `instant`.
    package func add(_ count: Int, at instant: Date) {
        guard count > 0 else { return }
        let hour = CopyOutcomeLog.hourStart(of: instant)
        pending.withLock { $0[hour, default: 0] += count }
    }

    /// The counts not flushed yet, by hour.
    package var pendingCounts: [Date: Int] { pending.withLock { $0 } }

    /// Takes every pending count, oldest hour first, leaving none.
    package func drain() -> [(hourStart: Date, count: Int)] {
        pending.withLock { counts in
            defer { counts.removeAll() }
            return counts.sorted { $0.key < $1.key }.map { (hourStart: $0.key, count: $0.value) }
        }
    }

    /// Puts counts back (after a failed write), adding to what was counted meanwhile.
    package func restore(_ counts: [(hourStart: Date, count: Int)]) {
        pending.withLock { pending in
            for (hour, count) in counts where count > 0 { pending[hour, default: 0] += count }
        }
    }

    /// Writes every pending count: one `UpdateItem … ADD` per hour.
    ///
    /// - Returns: how many successes were written.
    /// - Throws: the first write's error, after putting back the counts not written.
    @discardableResult
    package func flush(to log: CopyOutcomeLog) async throws(AWSError) -> Int {
        var remaining = drain()
        var written = 0
        while let (hour, count) = remaining.first {
            do {
                try await log.addSuccesses(count, hourStart: hour)
            } catch {
                restore(remaining)
                throw error
            }
            written += count
            remaining.removeFirst()
        }
        return written
    }
}
