import Foundation

/// One recent run of the copy workflow, as the status page lists it.
package struct RecentCopy: Sendable, Equatable, Codable {
    /// How the copy ended.
    package enum Result: String, Sendable, Equatable, Codable {
        /// Copied and verified.
        case succeeded
        /// Failed (see ``RecentCopy/errorCode``).
        case failed
        /// Already copied before: nothing done.
        case duplicate
    }

    /// The source key (`alice/2026-11/invoice.pdf`).
    package var key: String
    /// The uploader (the key's first segment).
    package var uploader: String
    /// The outcome.
    package var result: Result
    /// Bytes copied.
    package var bytes: Int64
    /// How long the copy took.
    package var latency: Duration
    /// When it finished.
    package var at: Date
    /// The AWS error code or workflow error of a failure (`AccessDenied`).
    package var errorCode: String?

    /// Creates a record.
    package init(
        key: String, uploader: String, result: Result, bytes: Int64, latency: Duration, at: Date,
        errorCode: String? = nil
    ) {
        self.key = key
        self.uploader = uploader
        self.result = result
        self.bytes = bytes
        self.latency = latency
        self.at = at
        self.errorCode = errorCode
    }
}
