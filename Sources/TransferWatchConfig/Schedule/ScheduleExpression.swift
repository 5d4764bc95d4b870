import Foundation

/// An EventBridge schedule expression: `cron(…)`, `rate(…)` or `at(…)`, as a pure value.
///
/// The agent's scheduler asks it when to fire next, and after downtime asks for the latest fire
/// time it missed:
///
/// ```swift
/// let provision = try ScheduleExpression(parsing: "cron(0 0 28 * ? *)")
/// let next = provision.nextFire(after: now, in: .gmt)
/// let missed = provision.previousFire(atOrBefore: now, in: .gmt)
/// ```
///
/// ## Time zones and daylight saving time
/// `cron` and `at` are read on the wall clock of the given time zone. A wall-clock time that
/// daylight saving time skips (02:30 on the spring-forward night in Europe/Paris) does not fire;
/// one that it repeats (02:30 on the fall-back night) fires once, at its first occurrence. This is
/// EventBridge Scheduler's documented behaviour. So `cron(30 2 * * ? *)` in Europe/Paris has no
/// fire on the last Sunday of March, and one fire (00:30 UTC) on the last Sunday of October.
///
/// ## Rates
/// `rate(n unit)` fires every `n` minutes, hours or days of elapsed time (a day is always 24
/// hours, whatever the clocks do) at `anchor + k × interval` for every integer `k`. The anchor
/// defaults to ``rateAnchor`` (1970-01-01T00:00:00Z), so `rate(1 hour)` fires on the UTC hour;
/// pass the schedule's start time to mimic EventBridge, which counts from when the rule was made.
///
/// ## Bounds
/// Cron years run from 1970 to 2199: after the last matching minute of 2199 ``nextFire(after:in:anchor:)``
/// returns `nil`, and before 1970 ``previousFire(atOrBefore:in:anchor:)`` does. Fire times fall on
/// whole seconds (whole minutes for `cron`).
package struct ScheduleExpression: Sendable, Hashable, CustomStringConvertible {
    /// The three kinds of schedule.
    package enum Kind: Sendable, Hashable {
        /// `cron(minutes hours day-of-month month day-of-week year)`.
        case cron(CronExpression)
        /// `rate(value unit)`.
        case rate(RateExpression)
        /// `at(yyyy-mm-ddThh:mm:ss)`: once, at a wall-clock time.
        case at(LocalDateTime)
    }

    /// The parsed schedule.
    package let kind: Kind

    /// The default anchor of `rate` schedules, 1970-01-01T00:00:00Z.
    package static let rateAnchor = Date(timeIntervalSince1970: 0)

    /// Wraps a parsed schedule.
    package init(_ kind: Kind) {
        self.kind = kind
    }

    /// Parses `cron(…)`, `rate(…)` or `at(…)`.
    ///
    /// - Parameter text: The expression as EventBridge writes it.
    /// - Throws: ``ScheduleExpressionError`` naming the part at fault.
    package init(parsing text: String) throws(ScheduleExpressionError) {
        guard text.hasSuffix(")"), let open = text.firstIndex(of: "(") else { throw .malformed(text) }
        let body = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        switch text[..<open] {
        case "cron": kind = .cron(try CronExpression(fields: body))
        case "rate": kind = .rate(try RateExpression(body: body, text: text))
        case "at": kind = .at(try Self.parseAt(body, text: text))
        default: throw .malformed(text)
        }
    }

    /// The expression in EventBridge syntax.
    package var description: String {
        switch kind {
        case .cron(let cron): cron.description
        case .rate(let rate): rate.description
        case .at(let time): "at(\(time))"
        }
    }

    /// Whether the schedule fires more than once.
    package var isRecurring: Bool {
        if case .at = kind { return false }
        return true
    }

    // MARK: Evaluation

    /// The first fire time strictly after `date`.
    ///
    /// - Parameters:
    ///   - date: The instant to search from; a fire exactly at `date` is not returned.
    ///   - timeZone: The wall clock that `cron` and `at` are read on.
    ///   - anchor: An instant `rate` schedules fire at (see the type's documentation).
    /// - Returns: The next fire time, or `nil` when there is none (a past `at`, a `cron` after 2199).
    package func nextFire(after date: Date, in timeZone: TimeZone, anchor: Date = rateAnchor) -> Date? {
        let zone = ZoneMapping(timeZone: timeZone)
        switch kind {
        case .rate(let rate):
            let interval = Double(rate.seconds)
            var k = ((date.timeIntervalSince(anchor)) / interval).rounded(.down) + 1
            if anchor.addingTimeInterval(k * interval) <= date { k += 1 }
            return anchor.addingTimeInterval(k * interval)
        case .at(let time):
            guard let instant = zone.earliestInstant(localSeconds: time.localSeconds) else { return nil }
            let fire = Date(timeIntervalSince1970: TimeInterval(instant))
            return fire > date ? fire : nil
        case .cron(let cron):
            let seconds = unixSecondsFloor(date)
            var start = LocalDateTime(localSeconds: zone.localSeconds(atUnixSeconds: seconds))
            start.second = 0
            while let match = cron.firstMatch(atOrAfter: start) {
                if let instant = zone.earliestInstant(localSeconds: match.localSeconds) {
                    let fire = Date(timeIntervalSince1970: TimeInterval(instant))
                    if fire > date { return fire }
                }
                start = LocalDateTime(localSeconds: match.localSeconds + 60)
            }
            return nil
        }
    }

    /// The last fire time at or before `date`: what a scheduler that was down should have run.
    ///
    /// - Parameters:
    ///   - date: The instant to search back from; a fire exactly at `date` is returned.
    ///   - timeZone: The wall clock that `cron` and `at` are read on.
    ///   - anchor: An instant `rate` schedules fire at (see the type's documentation).
    /// - Returns: The latest fire time, or `nil` when there is none (a future `at`, a `cron` before 1970).
    package func previousFire(atOrBefore date: Date, in timeZone: TimeZone, anchor: Date = rateAnchor) -> Date? {
        let zone = ZoneMapping(timeZone: timeZone)
        switch kind {
        case .rate(let rate):
            let interval = Double(rate.seconds)
            var k = ((date.timeIntervalSince(anchor)) / interval).rounded(.down)
            if anchor.addingTimeInterval(k * interval) > date { k -= 1 }
            return anchor.addingTimeInterval(k * interval)
        case .at(let time):
            guard let instant = zone.earliestInstant(localSeconds: time.localSeconds) else { return nil }
            let fire = Date(timeIntervalSince1970: TimeInterval(instant))
            return fire <= date ? fire : nil
        case .cron(let cron):
            let seconds = unixSecondsFloor(date)
            // Just after clocks fall back, wall-clock times later than now's were already
            // reached; start from the largest wall-clock time of the past day.
            let offset = max(zone.offset(atUnixSeconds: seconds), zone.offset(atUnixSeconds: seconds - 86_400))
            var start = LocalDateTime(localSeconds: seconds + offset)
            start.second = 0
            while let match = cron.lastMatch(atOrBefore: start) {
                if let instant = zone.earliestInstant(localSeconds: match.localSeconds) {
                    let fire = Date(timeIntervalSince1970: TimeInterval(instant))
                    if fire <= date { return fire }
                }
                start = LocalDateTime(localSeconds: match.localSeconds - 60)
            }
            return nil
        }
    }

    /// Whether the schedule fires exactly at `date`.
    ///
    /// - Parameters:
    ///   - date: The instant to test.
    ///   - timeZone: The wall clock that `cron` and `at` are read on.
    ///   - anchor: An instant `rate` schedules fire at.
    /// - Returns: `true` when `date` is one of the schedule's fire times.
    package func fires(at date: Date, in timeZone: TimeZone, anchor: Date = rateAnchor) -> Bool {
        previousFire(atOrBefore: date, in: timeZone, anchor: anchor) == date
    }

    // MARK: at(...)

    /// Parses `yyyy-mm-ddThh:mm:ss`, a real date with the year in 1970–2199.
    private static func parseAt(_ body: String, text: String) throws(ScheduleExpressionError) -> LocalDateTime {
        let expected = "expected at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-11-28T00:00:00)"
        let scalars = Array(body.unicodeScalars)
        let shape = Array("dddd-dd-ddTdd:dd:dd".unicodeScalars)
        guard scalars.count == shape.count else { throw .invalidAt(text, reason: expected) }
        for (scalar, pattern) in zip(scalars, shape) {
            if pattern == "d" ? asciiDigit(scalar) == nil : scalar != pattern {
                throw .invalidAt(text, reason: expected)
            }
        }
        func number(_ range: Range<Int>) -> Int {
            range.reduce(0) { $0 * 10 + asciiDigit(scalars[$1])! }
        }
        let time = LocalDateTime(
            year: number(0..<4), month: number(5..<7), day: number(8..<10),
            hour: number(11..<13), minute: number(14..<16), second: number(17..<19)
        )
        guard CronField.year.range.contains(time.year) else {
            throw .invalidAt(text, reason: "the year must be 1970-2199")
        }
        guard (1...12).contains(time.month), (1...daysInMonth(year: time.year, month: time.month)).contains(time.day),
            time.hour < 24, time.minute < 60, time.second < 60
        else { throw .invalidAt(text, reason: "\(body) is not a valid date and time") }
        return time
    }
}

/// A parsed `rate(value unit)` expression.
package struct RateExpression: Sendable, Hashable, CustomStringConvertible {
    /// The unit of a rate.
    package enum Unit: String, Sendable, Hashable, CaseIterable {
        /// Minutes.
        case minute
        /// Hours.
        case hour
        /// Days of 24 hours.
        case day

        /// The unit's length in seconds.
        package var seconds: Int64 {
            switch self {
            case .minute: 60
            case .hour: 3600
            case .day: 86_400
            }
        }
    }

    /// How many units between fires, at least 1.
    package let value: Int
    /// The unit.
    package let unit: Unit

    /// Creates a rate of `value` units.
    ///
    /// - Precondition: `value` is at least 1.
    package init(value: Int, unit: Unit) {
        precondition(value >= 1, "a rate needs a positive value")
        self.value = value
        self.unit = unit
    }

    /// Parses the body of `rate(…)`: a positive integer and a unit, singular for 1 and plural otherwise.
    init(body: String, text: String) throws(ScheduleExpressionError) {
        let parts = body.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else {
            throw .invalidRate(text, reason: "expected rate(value unit), e.g. rate(5 minutes)")
        }
        guard parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(parts[0]), value > 0,
            value <= 1_000_000
        else { throw .invalidRate(text, reason: "the value must be a whole number from 1 to 1000000") }
        let word = String(parts[1])
        let singular = word.hasSuffix("s") ? String(word.dropLast()) : word
        guard let unit = Unit(rawValue: singular) else {
            throw .invalidRate(text, reason: "unknown unit \(quoted(word)); expected minutes, hours or days")
        }
        if value == 1, word != unit.rawValue {
            throw .invalidRate(text, reason: "use '\(unit.rawValue)' for a value of 1")
        }
        if value > 1, word == unit.rawValue {
            throw .invalidRate(text, reason: "use '\(unit.rawValue)s' for a value above 1")
        }
        self.init(value: value, unit: unit)
    }

    /// The time between fires in seconds.
    package var seconds: Int64 { Int64(value) * unit.seconds }

    /// The time between fires.
    package var interval: Duration { .seconds(seconds) }

    /// `rate(5 minutes)`, `rate(1 hour)`.
    package var description: String {
        "rate(\(value) \(unit.rawValue)\(value == 1 ? "" : "s"))"
    }
}
