import Foundation

/// A wall-clock date and time (proleptic Gregorian calendar) with no time zone attached.
///
/// Schedules are matched against wall-clock fields; `ZoneMapping` turns instants into wall-clock
/// times and back. The arithmetic is Howard Hinnant's days-from-civil algorithm, so it is exact
/// for every year the schedules use and does not depend on a `Calendar`'s handling of skipped
/// or repeated times.
package struct LocalDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, such as 2026.
    package var year: Int
    /// The month, 1–12.
    package var month: Int
    /// The day of the month, 1–31.
    package var day: Int
    /// The hour, 0–23.
    package var hour: Int
    /// The minute, 0–59.
    package var minute: Int
    /// The second, 0–59.
    package var second: Int

    /// Creates a wall-clock time from its fields, which are not checked.
    package init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The wall-clock time `seconds` after 1970-01-01T00:00:00.
    package init(localSeconds seconds: Int64) {
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civilDate(fromDays: days)
        self.init(
            year: year, month: month, day: day,
            hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60
        )
    }

    /// Seconds since 1970-01-01T00:00:00 on the same wall clock.
    package var localSeconds: Int64 {
        daysFromCivil(year: year, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Orders wall-clock times chronologically.
    package static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute, lhs.second)
            < (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute, rhs.second)
    }

    /// ISO 8601 without an offset, `2026-11-28T00:00:00`.
    package var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
    }
}

/// `a / b` rounded toward negative infinity.
func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let quotient = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
}

/// Days since 1970-01-01 of a Gregorian date.
func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = floorDivide(y, 400)
    let yearOfEra = y - era * 400
    let m = Int64(month)
    let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

/// The Gregorian date `days` after 1970-01-01.
func civilDate(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = floorDivide(z, 146_097)
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (Int(year), Int(month), Int(day))
}

/// Whether `year` is a Gregorian leap year.
func isLeapYear(_ year: Int) -> Bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days in a month.
func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
}

/// The day of the week of a date, numbered as in EventBridge cron: 1 = Sunday … 7 = Saturday.
func weekday(year: Int, month: Int, day: Int) -> Int {
    // 1970-01-01 was a Thursday (5).
    let days = daysFromCivil(year: year, month: month, day: day)
    let zeroBased = (days + 4) % 7
    return Int(zeroBased < 0 ? zeroBased + 7 : zeroBased) + 1
}
