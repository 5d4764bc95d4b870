import Foundation
import TransferWatchConfig

/// Decides whether a window's server is due for teardown, and why: a pure function of the window's state,
/// the server's recorded creation time and the instant, so the 28th → 1st → 28th cycle is tested in values.
///
/// Three conditions, each with the instant it became true:
/// - **counter**: the window is open and `remaining` ≤ 0 (since the last delivery, else the opening);
/// - **lifespan**: the server is older than `maxLifespan` (`now - createdAt > maxLifespan`; since
///   `createdAt + maxLifespan`);
/// - **scheduled**: the teardown schedule fired after the window opened (since that fire time).
///
/// When several hold, the reason is the one that became true first (ties: counter, then scheduled, then
/// lifespan), so an agent that was down reports what actually ended the window. Nothing is due when neither an
/// open window nor a live server is there.
///
/// ```swift
/// let trigger = TeardownTrigger(teardown: config.sftp.teardown, timeZone: config.sftp.timezone,
///                               maxLifespan: config.sftp.maxLifespan)
/// if let due = trigger.decide(window: window, serverCreatedAt: record?.createdAt, now: now) {
///     _ = try await teardown.run(window: window.id, reason: due.reason)
/// }
/// ```
package struct TeardownTrigger: Sendable {
    /// A teardown that is due.
    package struct Decision: Sendable, Equatable {
        /// Why the window is torn down.
        package var reason: TeardownReason
        /// When the condition became true.
        package var dueSince: Date
    }

    /// The teardown schedule (`sftp.teardown`).
    package var teardown: ScheduleExpression
    /// The wall clock the schedule is read on.
    package var timeZone: TimeZone
    /// The longest a server may live (`sftp.maxLifespan`).
    package var maxLifespan: Duration

    /// A trigger for the configured schedule and lifespan.
    package init(teardown: ScheduleExpression, timeZone: TimeZone, maxLifespan: Duration) {
        self.teardown = teardown
        self.timeZone = timeZone
        self.maxLifespan = maxLifespan
    }

    /// Why teardown is due at `now`, or `nil`.
    ///
    /// - Parameters:
    ///   - window: the window item (`nil` when it was never opened).
    ///   - serverCreatedAt: the recorded `createdAt` of the window's server while it is live (not deleted);
    ///     `nil` when there is none.
    package func decide(window: DeliveryLedger.WindowState?, serverCreatedAt: Date?, now: Date) -> Decision? {
        let openWindow = window.flatMap { $0.isOpen ? $0 : nil }
        guard openWindow != nil || serverCreatedAt != nil else { return nil }
        var due: [Decision] = []
        if let openWindow, openWindow.remaining <= 0 {
            due.append(Decision(reason: .counter, dueSince: openWindow.lastDeliveryAt ?? openWindow.openedAt ?? now))
        }
        if let opened = openWindow?.openedAt ?? serverCreatedAt,
            let fire = teardown.previousFire(atOrBefore: now, in: timeZone), fire > opened
        {
            due.append(Decision(reason: .scheduled, dueSince: fire))
        }
        if let createdAt = serverCreatedAt {
            let limit = createdAt.addingTimeInterval(Self.seconds(maxLifespan))
            if now > limit { due.append(Decision(reason: .lifespan, dueSince: limit)) }
        }
        // `due` is in tie order; the earliest wins, the first of equals.
        return due.min { $0.dueSince < $1.dueSince }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
    }
}
