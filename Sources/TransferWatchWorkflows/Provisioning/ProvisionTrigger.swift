import Foundation
import TransferWatchConfig

/// Decides whether provisioning is due, for which window, and why: a pure function of the schedules, the
/// window's state and the instant.
///
/// Provisioning is due when the most recent provision time at or before `now` (the 28th) has no window item
/// yet — on time, or as a catch-up after downtime — or when its window is open but no run finished
/// provisioning it (a crash or a failed user). It is not due once the window was torn down, nor when the
/// teardown schedule has fired since that provision time: the window's delivery period is over, and a server
/// created then would only be torn down again.
///
/// ```swift
/// let trigger = ProvisionTrigger(calendar: calendar, teardown: config.sftp.teardown)
/// if let due = trigger.decide(now: now, window: try await ledger.window(id), server: try await registry.server(id)) {
///     _ = try await provisioning.run(window: due.windowID)
/// }
/// ```
package struct ProvisionTrigger: Sendable {
    /// Why provisioning is due.
    package enum Reason: String, Sendable, Equatable, Codable {
        /// The provision time has passed and its window has no window item (`lateBy` says how late).
        case windowMissing
        /// The window is open but no run finished provisioning it.
        case provisioningIncomplete
    }

    /// Provisioning that is due.
    package struct Decision: Sendable, Equatable {
        /// The window (`2026-11`).
        package var windowID: String
        /// The provision time the window belongs to.
        package var scheduledAt: Date
        /// Why it is due.
        package var reason: Reason
        /// How long after `scheduledAt` this decision is taken (a catch-up when large).
        package var lateBy: Duration
    }

    /// The provision schedule and time zone, and how windows are named.
    package var calendar: DeliveryWindowCalendar
    /// The teardown schedule (`sftp.teardown`).
    package var teardown: ScheduleExpression

    /// A trigger for the configured schedules.
    package init(calendar: DeliveryWindowCalendar, teardown: ScheduleExpression) {
        self.calendar = calendar
        self.teardown = teardown
    }

    /// The window the most recent provision time at or before `now` opens, and that time.
    package func window(at now: Date) -> (id: String, scheduledAt: Date)? {
        guard let scheduledAt = calendar.openingTime(at: now) else { return nil }
        return (DeliveryWindowCalendar.monthID(of: scheduledAt, in: calendar.timeZone), scheduledAt)
    }

    /// Whether provisioning is due at `now`.
    ///
    /// - Parameters:
    ///   - window: the item of the window ``window(at:)`` names (`nil` when there is none).
    ///   - server: that window's server item (`nil` when there is none).
    package func decide(
        now: Date, window: DeliveryLedger.WindowState?, server: ServerRegistry.ServerRecord?
    ) -> Decision? {
        guard let (id, scheduledAt) = self.window(at: now) else { return nil }
        if let fire = teardown.previousFire(atOrBefore: now, in: calendar.timeZone), fire > scheduledAt {
            return nil
        }
        if server?.state == .deleted { return nil }
        let lateBy = Duration.milliseconds(Int64((now.timeIntervalSince(scheduledAt) * 1000).rounded()))
        guard let window else {
            return Decision(windowID: id, scheduledAt: scheduledAt, reason: .windowMissing, lateBy: lateBy)
        }
        guard window.isOpen, server?.provisionedAt == nil else { return nil }
        return Decision(windowID: id, scheduledAt: scheduledAt, reason: .provisioningIncomplete, lateBy: lateBy)
    }
}
