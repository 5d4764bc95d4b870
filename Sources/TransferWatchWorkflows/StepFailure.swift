import Foundation
import TransferWatchAWS

/// One failure inside a provisioning or teardown run, as its step record reports it: which step, on what,
/// and what AWS (or the workflow) said.
package struct StepFailure: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The step, e.g. `CreateUser`, `CreateServer`, `WaitOnline`, `DeleteServer`.
    package var step: String
    /// What it was about: a username or a server ID.
    package var subject: String?
    /// The AWS error code (`ThrottlingException`, `AccessDeniedException`) or the workflow's own
    /// (`StartFailed`, `OnlineTimeout`, `IntentLost`).
    package var code: String
    /// What went wrong, in one line.
    package var message: String
    /// How many times the failing request was sent, for AWS errors.
    package var attempts: Int?

    /// A failure with the workflow's own code.
    package init(step: String, subject: String?, code: String, message: String, attempts: Int? = nil) {
        self.step = step
        self.subject = subject
        self.code = code
        self.message = message
        self.attempts = attempts
    }

    /// A failed AWS call.
    package init(step: String, subject: String?, error: AWSError) {
        self.init(step: step, subject: subject, code: error.code, message: error.description, attempts: error.attempts)
    }

    /// `CreateUser alice: ThrottlingException: …`.
    package var description: String {
        "\(step)\(subject.map { " \($0)" } ?? ""): \(code): \(message)"
    }
}

/// A change of a server's state as a step record reports it.
package struct ServerTransition: Sendable, Equatable, Codable {
    /// Our recorded states (`intentRecorded`, `intentTakenOver`, `deleted`) or Transfer's (`STARTING`,
    /// `ONLINE`, `START_FAILED`).
    package var state: String
    /// On the business clock (`--now`).
    package var at: Date
    /// What caused it, e.g. `CreateServer`, `after 3 polls`.
    package var detail: String?

    /// Makes a transition.
    package init(state: String, at: Date, detail: String? = nil) {
        self.state = state
        self.at = at
        self.detail = detail
    }
}

/// Whole milliseconds of a duration (for step records).
func milliseconds(_ duration: Duration) -> Int {
    Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
}
