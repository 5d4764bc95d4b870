import Foundation
import TransferWatchRules

/// A notification waiting for (or being retried to) its receiver, persisted so a restart continues it.
package struct OutboxMessage: Sendable, Hashable, Codable {
    /// Unique and ordered by creation: `<created ms>#<receiver>#<group id>#<sequence>`.
    package var id: String
    /// The receiver's name.
    package var receiver: String
    /// What to send.
    package var message: RenderedMessage
    /// The alert names it is about (or `silence`), for history.
    package var alertNames: [String]
    /// The group key, or the silence ID.
    package var subject: String
    /// `firing`, `resolved`, `silence-created`, `silence-expired`.
    package var status: String
    /// When it was queued.
    package var createdAt: Date
    /// When it is given up if still undelivered.
    package var expiresAt: Date
    /// Attempts so far.
    package var attempts: Int
    /// When the next attempt may start.
    package var nextAttemptAt: Date
    /// The last failure, one line.
    package var lastError: String?

    /// Creates a queued message.
    package init(
        id: String, receiver: String, message: RenderedMessage, alertNames: [String], subject: String,
        status: String, createdAt: Date, expiresAt: Date
    ) {
        self.id = id
        self.receiver = receiver
        self.message = message
        self.alertNames = alertNames
        self.subject = subject
        self.status = status
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.attempts = 0
        self.nextAttemptAt = createdAt
        self.lastError = nil
    }

    /// An ID that sorts by creation time (milliseconds, zero-padded) and is unique per receiver and group.
    package static func makeID(at date: Date, receiver: String, subject: String, sequence: Int) -> String {
        let millis = String(Int64(date.timeIntervalSince1970 * 1000))
        return String(repeating: "0", count: max(0, 14 - millis.count)) + millis + "#\(receiver)#\(subject)#\(sequence)"
    }
}
