import Foundation
import TransferWatchRules

/// What one provisioning run did for one window: the typed fact that rules, metrics and alerts consume, and
/// that `transferwatch provision --json` prints.
package struct ProvisioningStepRecord: Sendable, Equatable, Codable {
    /// How the run ended.
    package enum Result: String, Sendable, Codable {
        /// Something was created or adopted (server, users or the window), and nothing failed.
        case provisioned
        /// Everything was already there: no server, user or window was created.
        case unchanged
        /// Another run holds a fresh intent to create the window's server: this run created nothing.
        case deferred
        /// The window was torn down: provisioning does not reopen it.
        case windowClosed
        /// A step failed (see ``ProvisioningStepRecord/failures``); what succeeded is kept and a re-run
        /// finishes the rest.
        case failed
    }

    /// How this run got the window's server.
    package enum ServerOrigin: String, Sendable, Codable {
        /// This run created it.
        case created
        /// An earlier run (or another agent) had recorded it.
        case recorded
        /// Found by its `transferwatch:window` tag, left unrecorded by a run that crashed after `CreateServer`.
        case adoptedTagged
    }

    /// The window's server as this run knows it.
    package struct ServerFacts: Sendable, Equatable, Codable {
        /// The server's ID, when one is recorded.
        package var serverID: String?
        /// How this run got it.
        package var origin: ServerOrigin?
        /// Our clock's creation time (Transfer reports none).
        package var createdAt: Date?
        /// Transfer's last state seen (`ONLINE`, `START_FAILED`, …).
        package var state: String?

        /// Makes a value.
        package init(serverID: String? = nil, origin: ServerOrigin? = nil, createdAt: Date? = nil, state: String? = nil)
        {
            self.serverID = serverID
            self.origin = origin
            self.createdAt = createdAt
            self.state = state
        }
    }

    /// An employee record that was not provisioned, with the employee directory's reason.
    package struct Skipped: Sendable, Equatable, Codable {
        /// The record's username, if it has one.
        package var username: String?
        /// Why it was skipped, from the employee directory.
        package var reason: String

        /// Makes a value.
        package init(username: String?, reason: String) {
            self.username = username
            self.reason = reason
        }
    }

    /// The window (`2026-11`).
    package var window: String
    /// This run's ID (the owner recorded with its intent).
    package var runID: String
    /// How the run ended.
    package var result: Result
    /// The window's server.
    package var server: ServerFacts
    /// The server's state changes this run saw or caused, in order.
    package var transitions: [ServerTransition]
    /// Users this run created, in username order.
    package var usersCreated: [String]
    /// Users `CreateUser` found already there (`ResourceExistsException`) and this run recorded.
    package var usersAdopted: [String]
    /// Valid active employees whose user was already recorded: no call was made for them.
    package var usersAlreadyProvisioned: Int
    /// Recorded users whose employee is no longer a valid active employee (kept until teardown).
    package var usersNoLongerListed: [String]
    /// Employee records not provisioned, with reasons.
    package var skipped: [Skipped]
    /// Inactive employees (no user, not expected).
    package var inactive: [String]
    /// Whether this run opened the delivery window.
    package var windowOpened: Bool
    /// The window's `expected` count before and after this run (`nil` when the window is closed or was not reached).
    package var expected: DeliveryLedger.ExpectedChange?
    /// Every failure, in the order of the steps (users by name).
    package var failures: [StepFailure]
    /// AWS requests this run made, by `Service.Operation` (the employee directory's own scan excluded).
    package var requests: [String: Int]
    /// Time spent waiting for the client-side rate limiter.
    package var rateLimitWaitMilliseconds: Int
    /// Time spent waiting for the server to come ONLINE.
    package var serverWaitMilliseconds: Int
    /// Time spent creating users.
    package var usersMilliseconds: Int
    /// How long the run took, on the real clock.
    package var durationMilliseconds: Int
    /// Facts worth a line in a report (adoptions, takeovers, deferrals).
    package var notes: [String]
    /// When the run started (business clock).
    package var startedAt: Date
    /// When the run finished (business clock).
    package var finishedAt: Date
    /// The verdicts of the workflow's step rules on this step, in rule-file order (empty without rules).
    package var verdicts: [RuleVerdict]

    /// An empty record for a run starting at `startedAt`.
    package init(window: String, runID: String, startedAt: Date) {
        self.window = window
        self.runID = runID
        self.result = .failed
        self.server = ServerFacts()
        self.transitions = []
        self.usersCreated = []
        self.usersAdopted = []
        self.usersAlreadyProvisioned = 0
        self.usersNoLongerListed = []
        self.skipped = []
        self.inactive = []
        self.windowOpened = false
        self.expected = nil
        self.failures = []
        self.requests = [:]
        self.rateLimitWaitMilliseconds = 0
        self.serverWaitMilliseconds = 0
        self.usersMilliseconds = 0
        self.durationMilliseconds = 0
        self.notes = []
        self.startedAt = startedAt
        self.finishedAt = startedAt
        self.verdicts = []
    }

    /// Whether the run failed (exit status 1 for `transferwatch provision`).
    package var isFailure: Bool { result == .failed }

    /// The total of ``requests``.
    package var requestCount: Int { requests.values.reduce(0, +) }

    /// One line for a person:
    /// `provisioned window 2026-11: server s-… (created, ONLINE), 22 users created, 0 adopted, 3 skipped, expected 22 (24 requests, 1.2s)`.
    package var summary: String {
        let server = self.server.serverID.map {
            "server \($0) (\(self.server.origin?.rawValue ?? "?"), \(self.server.state ?? "?"))"
        }
        var facts: [String] = []
        if let server { facts.append(server) }
        facts.append("\(usersCreated.count) users created")
        facts.append("\(usersAdopted.count) adopted")
        facts.append("\(usersAlreadyProvisioned) already provisioned")
        facts.append("\(skipped.count) skipped")
        if !inactive.isEmpty { facts.append("\(inactive.count) inactive") }
        if !failures.isEmpty { facts.append("\(failures.count) failed") }
        if let expected {
            facts.append(
                expected.before == expected.after
                    ? "expected \(expected.after)" : "expected \(expected.before) -> \(expected.after)")
        }
        let seconds = String(format: "%.1fs", Double(durationMilliseconds) / 1000)
        return
            "\(result.rawValue) window \(window): \(facts.joined(separator: ", ")) (\(requestCount) requests, \(seconds))"
    }
}
