import Foundation
import TransferWatchRules

/// What one teardown run did (or, with `dryRun`, would do) for one window; `transferwatch teardown --json`
/// prints it.
package struct TeardownStepRecord: Sendable, Equatable, Codable {
    /// How the run ended.
    package enum Result: String, Sendable, Codable {
        /// Users, server or orphans were deleted, or the window was closed, and nothing failed.
        case tornDown
        /// The window's server was already deleted and the window closed: nothing to do.
        case alreadyTornDown
        /// No server was ever recorded and no window opened for this window.
        case nothingToTearDown
        /// `--dry-run`: the plan was computed and nothing deleted.
        case planned
        /// A step failed (see ``TeardownStepRecord/failures``); a re-run finishes the rest.
        case failed
    }

    /// The window (`2026-11`).
    package var window: String
    /// Why the window is torn down.
    package var reason: TeardownReason
    /// Whether nothing was deleted (`--dry-run`).
    package var dryRun: Bool
    /// Whether orphaned servers are deleted too (`--orphans`).
    package var includeOrphans: Bool
    /// How the run ended.
    package var result: Result
    /// What was (or would be) deleted.
    package var plan: TeardownPlan?
    /// The window's server, when one is recorded.
    package var serverID: String?
    /// Our clock's creation time of the server.
    package var serverCreatedAt: Date?
    /// The server's age at teardown, in seconds.
    package var serverAgeSeconds: Int?
    /// Whether `DeleteServer` deleted it (`false`: it was already gone).
    package var serverDeleted: Bool?
    /// Users deleted by this run.
    package var usersDeleted: [String]
    /// Users that were already gone.
    package var usersAlreadyGone: [String]
    /// Whether this run closed the window (with ``reason``).
    package var windowClosed: Bool
    /// Orphaned servers deleted by this run (`--orphans`).
    package var orphansDeleted: [String]
    /// The state changes this run caused.
    package var transitions: [ServerTransition]
    /// Every failure, in the order of the steps (users by name).
    package var failures: [StepFailure]
    /// AWS requests made, by `Service.Operation`.
    package var requests: [String: Int]
    /// Time spent waiting for the client-side rate limiter.
    package var rateLimitWaitMilliseconds: Int
    /// How long the run took, on the real clock.
    package var durationMilliseconds: Int
    /// Facts worth a line in a report.
    package var notes: [String]
    /// When the run started (business clock).
    package var startedAt: Date
    /// When the run finished (business clock).
    package var finishedAt: Date
    /// The verdicts of the workflow's step rules on this step, in rule-file order (empty without rules).
    package var verdicts: [RuleVerdict]

    /// An empty record for a run starting at `startedAt`.
    package init(window: String, reason: TeardownReason, dryRun: Bool, includeOrphans: Bool, startedAt: Date) {
        self.window = window
        self.reason = reason
        self.dryRun = dryRun
        self.includeOrphans = includeOrphans
        self.result = .failed
        self.plan = nil
        self.serverID = nil
        self.serverCreatedAt = nil
        self.serverAgeSeconds = nil
        self.serverDeleted = nil
        self.usersDeleted = []
        self.usersAlreadyGone = []
        self.windowClosed = false
        self.orphansDeleted = []
        self.transitions = []
        self.failures = []
        self.requests = [:]
        self.rateLimitWaitMilliseconds = 0
        self.durationMilliseconds = 0
        self.notes = []
        self.startedAt = startedAt
        self.finishedAt = startedAt
        self.verdicts = []
    }

    /// Whether the run failed (exit status 1 for `transferwatch teardown`).
    package var isFailure: Bool { result == .failed }

    /// The total of ``requests``.
    package var requestCount: Int { requests.values.reduce(0, +) }

    /// One line for a person:
    /// `tornDown window 2026-11 (counter): server s-… deleted, 22 users deleted, window closed (25 requests, 0.4s)`.
    package var summary: String {
        var facts: [String] = []
        if let serverID {
            switch serverDeleted {
            case true?: facts.append("server \(serverID) deleted")
            case false?: facts.append("server \(serverID) already gone")
            case nil where plan?.serverID == nil: facts.append("server \(serverID) deleted earlier")
            case nil: facts.append(dryRun ? "server \(serverID) would be deleted" : "server \(serverID) kept")
            }
        }
        if dryRun, let plan {
            facts.append("\(plan.users.count) users would be deleted")
            if plan.closesWindow { facts.append("window would close") }
        } else {
            facts.append("\(usersDeleted.count) users deleted")
            if !usersAlreadyGone.isEmpty { facts.append("\(usersAlreadyGone.count) already gone") }
            if windowClosed { facts.append("window closed") }
        }
        let orphans = plan?.orphans ?? []
        if !orphans.isEmpty {
            facts.append(
                orphansDeleted.isEmpty
                    ? "\(orphans.count) orphaned server\(orphans.count == 1 ? "" : "s") found"
                    : "\(orphansDeleted.count) orphaned server\(orphansDeleted.count == 1 ? "" : "s") deleted")
        }
        if !failures.isEmpty { facts.append("\(failures.count) failed") }
        let seconds = String(format: "%.1fs", Double(durationMilliseconds) / 1000)
        return
            "\(result.rawValue) window \(window) (\(reason)): \(facts.joined(separator: ", ")) (\(requestCount) requests, \(seconds))"
    }
}
