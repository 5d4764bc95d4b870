/// Matching and searching a cron expression on the wall clock, field by field.
///
/// The searches move year → month → day → hour → minute, jumping to the next (or previous)
/// allowed value of each field, so finding a time years away costs a few hundred steps, not a
/// walk over every minute.
extension CronExpression {
    /// Whether a wall-clock time (seconds ignored) matches every field.
    func matches(_ time: LocalDateTime) -> Bool {
        years.contains(time.year) && months.contains(time.month) && hours.contains(time.hour)
            && minutes.contains(time.minute) && matchingDays(year: time.year, month: time.month).contains(time.day)
    }

    /// The earliest matching wall-clock minute at or after `start` (seconds ignored), or `nil`
    /// when none comes before the end of 2199.
    func firstMatch(atOrAfter start: LocalDateTime) -> LocalDateTime? {
        var year = start.year
        var month = start.month
        var day = start.day
        var hour = start.hour
        var minute = start.minute
        if year < CronField.year.range.lowerBound {
            (year, month, day, hour, minute) = (CronField.year.range.lowerBound, 1, 1, 0, 0)
        }
        while true {
            guard let nextYear = years.first(where: { $0 >= year }) else { return nil }
            if nextYear != year { (year, month, day, hour, minute) = (nextYear, 1, 1, 0, 0) }
            guard let nextMonth = months.first(where: { $0 >= month }) else {
                (year, month, day, hour, minute) = (year + 1, 1, 1, 0, 0)
                continue
            }
            if nextMonth != month { (month, day, hour, minute) = (nextMonth, 1, 0, 0) }
            guard let nextDay = matchingDays(year: year, month: month).first(where: { $0 >= day }) else {
                (month, day, hour, minute) = (month + 1, 1, 0, 0)
                if month > 12 { (year, month) = (year + 1, 1) }
                continue
            }
            if nextDay != day { (day, hour, minute) = (nextDay, 0, 0) }
            guard let nextHour = hours.first(where: { $0 >= hour }) else {
                (day, hour, minute) = (day + 1, 0, 0)
                continue
            }
            if nextHour != hour { (hour, minute) = (nextHour, 0) }
            guard let nextMinute = minutes.first(where: { $0 >= minute }) else {
                (hour, minute) = (hour + 1, 0)
                continue
            }
            return LocalDateTime(year: year, month: month, day: day, hour: hour, minute: nextMinute)
        }
    }

    /// The latest matching wall-clock minute at or before `start` (seconds ignored), or `nil`
    /// when none comes after the start of 1970.
    func lastMatch(atOrBefore start: LocalDateTime) -> LocalDateTime? {
        var year = start.year
        var month = start.month
        var day = start.day
        var hour = start.hour
        var minute = start.minute
        if year > CronField.year.range.upperBound {
            (year, month, day, hour, minute) = (CronField.year.range.upperBound, 12, 31, 23, 59)
        }
        while true {
            guard let previousYear = years.last(where: { $0 <= year }) else { return nil }
            if previousYear != year { (year, month, day, hour, minute) = (previousYear, 12, 31, 23, 59) }
            guard let previousMonth = months.last(where: { $0 <= month }) else {
                (year, month, day, hour, minute) = (year - 1, 12, 31, 23, 59)
                continue
            }
            if previousMonth != month { (month, day, hour, minute) = (previousMonth, 31, 23, 59) }
            guard let previousDay = matchingDays(year: year, month: month).last(where: { $0 <= day }) else {
                (month, day, hour, minute) = (month - 1, 31, 23, 59)
                if month < 1 { (year, month) = (year - 1, 12) }
                continue
            }
            if previousDay != day { (day, hour, minute) = (previousDay, 23, 59) }
            guard let previousHour = hours.last(where: { $0 <= hour }) else {
                (day, hour, minute) = (day - 1, 23, 59)
                continue
            }
            if previousHour != hour { (hour, minute) = (previousHour, 59) }
            guard let previousMinute = minutes.last(where: { $0 <= minute }) else {
                (hour, minute) = (hour - 1, 59)
                continue
            }
            return LocalDateTime(year: year, month: month, day: day, hour: hour, minute: previousMinute)
        }
    }

    /// The days of a month that match day-of-month and day-of-week, in increasing order.
    func matchingDays(year: Int, month: Int) -> [Int] {
        let length = daysInMonth(year: year, month: month)
        switch (dayOfMonth, dayOfWeek) {
        case (.days(let days), _):
            return days.filter { $0 <= length }
        case (.last, _):
            return [length]
        case (.lastWeekday, _):
            var day = length
            while !isWeekday(year: year, month: month, day: day) { day -= 1 }
            return [day]
        case (.nearestWeekday(let target), _):
            guard target <= length else { return [] }
            switch weekday(year: year, month: month, day: target) {
            case 7: return [target > 1 ? target - 1 : target + 2]  // Saturday: Friday, or Monday if the 1st
            case 1: return [target < length ? target + 1 : target - 2]  // Sunday: Monday, or Friday if the last
            default: return [target]
            }
        case (.unspecified, .weekdays(let weekdays)):
            let first = weekday(year: year, month: month, day: 1)
            return (1...length).filter { weekdays.contains((first - 1 + $0 - 1) % 7 + 1) }
        case (.unspecified, .lastOfMonth(let target)):
            let last = weekday(year: year, month: month, day: length)
            return [length - (last - target + 7) % 7]
        case (.unspecified, .nth(let target, let occurrence)):
            let first = weekday(year: year, month: month, day: 1)
            let day = 1 + (target - first + 7) % 7 + (occurrence - 1) * 7
            return day <= length ? [day] : []
        case (.unspecified, .unspecified):
            return []
        }
    }

    private func isWeekday(year: Int, month: Int, day: Int) -> Bool {
        (2...6).contains(weekday(year: year, month: month, day: day))
    }
}
