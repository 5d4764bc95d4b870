import Foundation

/// Calendar fields of an instant in a time zone, computed from the zone's UTC offset and the
/// proleptic Gregorian calendar (no `Calendar` object, so evaluation stays cheap).
struct CivilTime: Equatable {
    var year: Int64
    var month: Int64
    var day: Int64
    var hour: Int64
    var minute: Int64
    var second: Int64
    /// Milliseconds within the second.
    var millisecond: Int64
    /// ISO weekday: 1 is Monday, 7 is Sunday.
    var weekday: Int64
    /// The zone's offset from UTC at the instant, in seconds.
    var offset: Int64

    /// The calendar fields of `date` in `timeZone`, or `nil` for an instant that is not finite or
    /// lies more than about 8,000 years from 1970.
    init?(_ date: Date, in timeZone: TimeZone) {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite, abs(interval) < calendarLimitSeconds else { return nil }
        let unixMilliseconds = Int64((interval * 1000).rounded(.down))
        let unixSeconds = floorDivide(unixMilliseconds, 1000)
        offset = Int64(timeZone.secondsFromGMT(for: date))
        let local = unixSeconds + offset
        let days = floorDivide(local, 86_400)
        let secondOfDay = local - days * 86_400
        (year, month, day) = civilDate(fromDays: days)
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60
        millisecond = unixMilliseconds - unixSeconds * 1000
        weekday = floorModulo(days + 3, 7) + 1  // 1970-01-01 was a Thursday (ISO 4)
    }
}

/// Instants further than this from 1970 (about 8,000 years) have no calendar fields.
let calendarLimitSeconds = 2.5e11

/// The first instant whose wall-clock time in `timeZone` is midnight starting `year-month-day`.
///
/// When daylight saving time skips midnight, the day starts at the transition, which is returned.
func startOfLocalDay(year: Int64, month: Int64, day: Int64, in timeZone: TimeZone) -> Date {
    let local = daysFromCivil(year: year, month: month, day: day) * 86_400
    func offset(_ unixSeconds: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(unixSeconds))))
    }
    // The offset in force at the answer is one of the offsets within a day of `local` read as UTC.
    var best: Int64?
    for probe in [local - 86_400, local, local + 86_400] {
        let instant = local - offset(probe)
        if offset(instant) == offset(probe), best.map({ instant < $0 }) ?? true {
            best = instant
        }
    }
    // Midnight never happened: the day began when the clocks jumped, at midnight by the old offset.
    let instant = best ?? (local - offset(local - 86_400))
    return Date(timeIntervalSince1970: TimeInterval(instant))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = floorDivide(y, 400)
    let yearOfEra = y - era * 400
    let monthIndex = month > 2 ? month - 3 : month + 9
    let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
func civilDate(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let z = days + 719_468
    let era = floorDivide(z, 146_097)
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

/// The number of days in a month of the proleptic Gregorian calendar.
func daysInMonth(year: Int64, month: Int64) -> Int64 {
    switch month {
    case 2:
        let isLeap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return isLeap ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let quotient = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
}

func floorModulo(_ a: Int64, _ b: Int64) -> Int64 {
    a - floorDivide(a, b) * b
}
