import Foundation
import TransferWatchConfig

/// Which delivery window an instant belongs to.
///
/// A window opens when provisioning runs and is named after the month of that run (`YYYY-MM`, in the
/// configured time zone). An upload at instant *t* belongs to the window of the most recent provisioning
/// time at or before *t*; whether that window is still *open* is the ledger's business (teardown closes it).
package struct DeliveryWindowCalendar: Sendable {
    package var provision: ScheduleExpression
    package var timeZone: TimeZone

    package init(provision: ScheduleExpression, timeZone: TimeZone) {
        self.provision = provision
        self.timeZone = timeZone
    }

    /// The window ID (`2026-11`) for an instant, or `nil` when no provisioning time precedes it.
    package func windowID(at instant: Date) -> String? {
        guard let opened = provision.previousFire(atOrBefore: instant, in: timeZone) else { return nil }
        return Self.monthID(of: opened, in: timeZone)
    }

    /// When the window containing `instant` opened (its provisioning time).
    package func openingTime(at instant: Date) -> Date? {
        provision.previousFire(atOrBefore: instant, in: timeZone)
    }

    /// `YYYY-MM` of `date` in `timeZone`.
    package static func monthID(of date: Date, in timeZone: TimeZone) -> String {
        let (year, month) = yearAndMonth(of: date, in: timeZone)
        return String(format: "%04d-%02d", year, month)
    }

    /// The calendar year and month of `date` in `timeZone`.
    package static func yearAndMonth(of date: Date, in timeZone: TimeZone) -> (year: Int, month: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month], from: date)
        return (parts.year ?? 1970, parts.month ?? 1)
    }
}
