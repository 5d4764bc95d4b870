import Foundation
import TransferWatchRules

/// What one run of the copy workflow did to one object: the typed fact that rules, metrics and alerts consume,
/// and that `transferwatch copy --json` prints.
package struct CopyStepRecord: Sendable, Equatable, Codable {
    /// How the move ended.
    package enum Result: String, Sendable, Codable {
        /// Copied, verified, counted, and the source deleted.
        case moved
        /// The source was already gone and the destination holds it: an earlier run (or another agent) moved it.
        case alreadyMoved
        /// The source changed after the event was sent (a newer upload replaced it): its own event will move it.
        case superseded
        /// Something failed; nothing was deleted unless the destination was verified.
        case failed
    }

    /// One side of the move.
    package struct ObjectFacts: Sendable, Equatable, Codable {
        package var bucket: String
        package var key: String
        package var size: Int64?
        package var eTag: String?

        package init(bucket: String, key: String, size: Int64? = nil, eTag: String? = nil) {
            self.bucket = bucket
            self.key = key
            self.size = size
            self.eTag = eTag
        }
    }

    package var source: ObjectFacts
    package var destination: ObjectFacts
    /// The key's first segment (`alice` in `alice/invoice.pdf`).
    package var uploader: String?
    /// The delivery window the upload belongs to (`2026-11`).
    package var window: String?
    package var result: Result
    /// How the delivery counter treated this upload: `counted`, `alreadyCounted`, `unknownUploader`, `windowNotOpen`.
    package var delivery: String?
    /// Whether this upload was counted (each employee once per window).
    package var counted: Bool
    /// Whether counting this upload completed the window (every active employee delivered).
    package var windowComplete: Bool
    /// Whether the copy was a multipart `UploadPartCopy`, and in how many parts.
    package var multipart: Bool
    package var parts: Int?
    /// Bytes copied (0 when nothing was copied).
    package var bytes: Int64
    package var latencyMilliseconds: Int
    /// AWS requests made for this object (each call once, however many attempts).
    package var requests: Int
    /// Attempts of the call that failed, when one did.
    package var attempts: Int?
    /// The AWS (or workflow) error code of a failure, e.g. `AccessDenied`, `NoSuchBucket`, `SourceMissing`.
    package var errorCode: String?
    package var errorMessage: String?
    /// Facts worth a line in a report, e.g. that the uploader is not an active employee.
    package var notes: [String]
    /// Where the object came from (an event record position, or `--bucket/--key`).
    package var origin: String?
    package var startedAt: Date
    package var finishedAt: Date
    /// The verdicts of the workflow's step rules on this step, in rule-file order (empty without rules).
    package var verdicts: [RuleVerdict]

    package init(source: ObjectFacts, destination: ObjectFacts, startedAt: Date) {
        self.source = source
        self.destination = destination
        self.uploader = nil
        self.window = nil
        self.result = .failed
        self.delivery = nil
        self.counted = false
        self.windowComplete = false
        self.multipart = false
        self.parts = nil
        self.bytes = 0
        self.latencyMilliseconds = 0
        self.requests = 0
        self.attempts = nil
        self.errorCode = nil
        self.errorMessage = nil
        self.notes = []
        self.origin = nil
        self.startedAt = startedAt
        self.finishedAt = startedAt
        self.verdicts = []
    }

    /// Whether the step failed (exit status 1 for `transferwatch copy`).
    package var isFailure: Bool { result == .failed }

    /// One line for a person: `moved alice/a.pdf -> invoices-archive/alice/a.pdf (1024 bytes, counted, 3 requests)`.
    package var summary: String {
        let what = "\(source.bucket)/\(source.key) -> \(destination.bucket)/\(destination.key)"
        switch result {
        case .failed:
            return "FAILED \(what): \(errorCode ?? "Error")\(errorMessage.map { ": \($0)" } ?? "")\(attempts.map { " (after \($0) attempt\($0 == 1 ? "" : "s"))" } ?? "")"
        default:
            var facts = ["\(bytes) bytes", delivery ?? "not counted"]
            if windowComplete { facts.append("window \(window ?? "?") complete") }
            facts.append("\(requests) requests")
            return "\(result.rawValue) \(what) (\(facts.joined(separator: ", ")))"
        }
    }
}
