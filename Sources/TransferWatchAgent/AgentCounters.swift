import Foundation
import TransferWatchLocking

/// What the agent has done since it started: counters the logs report at shutdown, and that the status endpoint
/// and metrics publisher read (``snapshot``).
///
/// Exact per replica; the delivery counter that must be exact across replicas is the ledger's, not these.
package final class AgentCounters: Sendable {
    /// A copy of the counters at one moment.
    package struct Snapshot: Sendable, Equatable, Codable, CustomStringConvertible {
        /// SQS messages received.
        package var messagesReceived = 0
        /// SQS messages deleted after every record in them was moved (or had nothing to move).
        package var messagesDeleted = 0
        /// Messages that could not be read (left for redelivery and the dead-letter queue).
        package var messagesMalformed = 0
        /// Messages left for redelivery because a copy failed.
        package var messagesRetried = 0
        /// Objects moved (including already moved and superseded ones).
        package var objectsMoved = 0
        /// Copies that failed.
        package var copiesFailed = 0
        /// Objects moved by reconciliation: their upload event was lost or late.
        package var objectsReconciled = 0
        /// Messages in the dead-letter queue at the last check (`nil` before the first check).
        package var deadLetterDepth: Int?
        /// Provisioning runs started by the schedule.
        package var provisioningRuns = 0
        /// Teardown runs started by a trigger.
        package var teardownRuns = 0

        /// All zero.
        package init() {}

        /// `received=21 deleted=21 malformed=0 …`, for one log line.
        package var description: String {
            "received=\(messagesReceived) deleted=\(messagesDeleted) malformed=\(messagesMalformed) "
                + "retried=\(messagesRetried) moved=\(objectsMoved) failed=\(copiesFailed) "
                + "reconciled=\(objectsReconciled) deadLetters=\(deadLetterDepth.map(String.init) ?? "unknown") "
                + "provisioningRuns=\(provisioningRuns) teardownRuns=\(teardownRuns)"
        }
    }

    private let state = Locked(Snapshot())

    /// Zeroed counters.
    package init() {}

    /// The counters now.
    package var snapshot: Snapshot { state.withLock { $0 } }

    /// Changes the counters under the lock.
    package func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { body(&$0) }
    }
}
