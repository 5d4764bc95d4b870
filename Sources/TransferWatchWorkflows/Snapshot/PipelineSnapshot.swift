import Foundation

/// The pipeline's state at one instant, read by ``PipelineSnapshotBuilder``: what state rules evaluate
/// (``facts()``, schema ``PipelineFacts/state``) and what `transferwatch status` prints (``status(alerts:)``).
package struct PipelineSnapshot: Sendable, Equatable {
    /// The current delivery window.
    package struct Window: Sendable, Equatable {
        /// `2026-11`.
        package var id: String
        /// Whether provisioning opened it (its window item exists).
        package var isRecorded: Bool
        /// When it opened: the window item's `openedAt`, else the provisioning time that opens it.
        package var openedAt: Date
        /// When teardown is scheduled: the first `sftp.teardown` time after the provisioning time
        /// (or `openedAt + sftp.maxLifespan` when the schedule has none).
        package var closesAt: Date
        /// Whether every expected employee delivered.
        package var isComplete: Bool
        /// Whether teardown closed it or `closesAt` has passed.
        package var isClosed: Bool
        /// `sftp.maxLifespan`.
        package var maxLifespan: Duration
        /// Why teardown closed it, when it did.
        package var closedReason: String?

        /// Makes a value.
        package init(
            id: String, isRecorded: Bool, openedAt: Date, closesAt: Date, isComplete: Bool, isClosed: Bool,
            maxLifespan: Duration, closedReason: String?
        ) {
            self.id = id
            self.isRecorded = isRecorded
            self.openedAt = openedAt
            self.closesAt = closesAt
            self.isComplete = isComplete
            self.isClosed = isClosed
            self.maxLifespan = maxLifespan
            self.closedReason = closedReason
        }
    }

    /// The window's server, when one is recorded and still listed by Transfer.
    package struct Server: Sendable, Equatable {
        /// `s-` and 17 hex digits.
        package var id: String
        /// Transfer's state (`ONLINE`, `STARTING`, …).
        package var state: String
        /// Whether `state` is `ONLINE`.
        package var isOnline: Bool
        /// Our clock's creation time (the server item's `createdAt`).
        package var createdAt: Date
        /// `now - createdAt` (never negative).
        package var age: Duration
        /// Hours of age × `sftp.hourlyPrice`, in USD, rounded to cents.
        package var costSoFar: Double

        /// Makes a value.
        package init(id: String, state: String, isOnline: Bool, createdAt: Date, age: Duration, costSoFar: Double) {
            self.id = id
            self.state = state
            self.isOnline = isOnline
            self.createdAt = createdAt
            self.age = age
            self.costSoFar = costSoFar
        }
    }

    /// Recent copy outcomes.
    package struct Copies: Sendable, Equatable {
        /// Failed copies recorded for the window in the hour before `now`.
        package var failedLast1h: Int
        /// Successful copies in the hour before `now`: the current UTC hour's count plus the previous hour's,
        /// prorated by the part of it that falls within the hour (counts are kept per hour).
        package var succeededLast1h: Int
        /// The latest recorded failure of the window at or before `now`.
        package var lastFailureAt: Date?
        /// Source keys whose copy failed and that are still in the source bucket, sorted.
        package var failedKeys: [String]

        /// Makes a value.
        package init(failedLast1h: Int, succeededLast1h: Int, lastFailureAt: Date?, failedKeys: [String]) {
            self.failedLast1h = failedLast1h
            self.succeededLast1h = succeededLast1h
            self.lastFailureAt = lastFailureAt
            self.failedKeys = failedKeys
        }
    }

    /// The window's SFTP users.
    package struct Provisioning: Sendable, Equatable {
        /// Valid active employees (who should have a user).
        package var expectedUsers: Int
        /// Users recorded for the window and not deleted.
        package var usersProvisioned: Int
        /// The last provisioning run's result (`provisioned`, `unchanged`, `failed`, …), when known.
        package var lastResult: String?
        /// When it finished.
        package var lastRunAt: Date?

        /// Makes a value.
        package init(expectedUsers: Int, usersProvisioned: Int, lastResult: String?, lastRunAt: Date?) {
            self.expectedUsers = expectedUsers
            self.usersProvisioned = usersProvisioned
            self.lastResult = lastResult
            self.lastRunAt = lastRunAt
        }
    }

    /// The evaluation time.
    package var now: Date
    /// The deployment name.
    package var environment: String
    /// The current window.
    package var window: Window
    /// The delivery counter (CONTRACT.md's `counter`).
    package var counter: PipelineStatus.Counter
    /// The window's server, or `nil`.
    package var server: Server?
    /// Recent copy outcomes.
    package var copies: Copies
    /// The window's users.
    package var provisioning: Provisioning
    /// IDs of every managed server, sorted.
    package var managedServers: [String]
    /// IDs of managed servers that are no window's recorded, live server, sorted.
    package var orphanServers: [String]
    /// What the snapshot could not take into account, one line each (broken employee records, a recorded
    /// server Transfer no longer lists).
    package var problems: [String]

    /// Makes a snapshot.
    package init(
        now: Date,
        environment: String,
        window: Window,
        counter: PipelineStatus.Counter,
        server: Server?,
        copies: Copies,
        provisioning: Provisioning,
        managedServers: [String],
        orphanServers: [String],
        problems: [String]
    ) {
        self.now = now
        self.environment = environment
        self.window = window
        self.counter = counter
        self.server = server
        self.copies = copies
        self.provisioning = provisioning
        self.managedServers = managedServers
        self.orphanServers = orphanServers
        self.problems = problems
    }
}
