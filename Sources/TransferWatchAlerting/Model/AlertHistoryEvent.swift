import Foundation
import TransferWatchRules

/// One line of the alert audit trail: a transition of an alert, a notification, or a silence change.
package struct AlertHistoryEvent: Sendable, Hashable, Codable {
    /// What happened.
    package enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The alert's condition holds, its `for` is running.
        case pending
        /// The alert fires.
        case firing
        /// The alert resolved.
        case resolved
        /// A silence started to hold the alert back.
        case silenced
        /// An inhibit rule started to hold the alert back.
        case inhibited
        /// Nothing holds the alert back any more.
        case unmuted
        /// A notification was delivered to a receiver.
        case notified
        /// A delivery attempt failed (it is retried until it expires).
        case deliveryFailed = "delivery-failed"
        /// A notification was given up (expired, refused, or the queue was full).
        case deliveryDropped = "delivery-dropped"
        /// A silence was created.
        case silenceCreated = "silence-created"
        /// A silence was expired.
        case silenceExpired = "silence-expired"
    }

    /// When.
    package var at: Date
    /// What.
    package var kind: Kind
    /// The alert name (or `silence` for silence events).
    package var alert: String
    /// The alert's fingerprint, or the group key for notifications, or the silence ID.
    package var subject: String
    /// The receiver, for notifications and deliveries.
    package var receiver: String?
    /// Details: the summary, the error, the silence's matchers.
    package var detail: String

    /// Creates an event.
    package init(at: Date, kind: Kind, alert: String, subject: String, receiver: String? = nil, detail: String = "") {
        self.at = at
        self.kind = kind
        self.alert = alert
        self.subject = subject
        self.receiver = receiver
        self.detail = detail
    }
}
