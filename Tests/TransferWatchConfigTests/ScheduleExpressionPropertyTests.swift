import Foundation
import Testing
import TransferWatchConfig

/// Properties that must hold between `nextFire` and `previousFire` at any instant, checked at
/// seeded random instants, and a brute-force comparison over daylight saving days.
@Suite struct ScheduleExpressionPropertyTests {
    static let expressions = [
        "cron(0 0 28 * ? *)",
        "cron(0 0 1 * ? *)",
        "cron(30 2 * * ? *)",
        "cron(0/15 * * * ? *)",
        "cron(10-50/20 1-3 * * ? *)",
        "cron(0 12 L * ? *)",
        "cron(0 12 LW * ? *)",
        "cron(0 6 15W * ? *)",
        "cron(45 23 ? * 6L *)",
        "cron(0 9 ? * 3#2 *)",
        "cron(0 8 ? * MON-FRI *)",
        "cron(0 0 29 2 ? *)",
        "cron(5 4 ? * SUN 2000-2100/7)",
        "rate(7 minutes)",
        "rate(1 day)",
    ]

    static let zones = ["UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]

    @Test(arguments: expressions)
    func nextAndPreviousAgreeAtSeededRandomInstants(_ expression: String) throws {
        let schedule = try ScheduleExpression(parsing: expression)
        var generator = SplitMix64(seed: UInt64(truncatingIfNeeded: expression.utf8.reduce(17) { $0 &* 31 &+ Int($1) }))
        for _ in 0..<300 {
            let zone = try #require(TimeZone(identifier: Self.zones.randomElement(using: &generator)!))
            // 1975 to 2190, to whole seconds and sometimes to fractions of a second.
            var seconds = Double(Int64.random(in: 157_766_400...6_943_939_200, using: &generator))
            if Bool.random(using: &generator) { seconds += 0.25 }
            let now = Date(timeIntervalSince1970: seconds)
            let context = "\(expression) in \(zone.identifier) at \(now)"

            guard let next = schedule.nextFire(after: now, in: zone) else {
                // Only past the schedule's last fire ever.
                let last = try #require(schedule.previousFire(atOrBefore: date("2300-01-01T00:00:00Z"), in: zone))
                #expect(last <= now, "\(context): no next fire")
                continue
            }
            guard let previous = schedule.previousFire(atOrBefore: now, in: zone) else {
                // Only before the schedule's first fire ever.
                #expect(
                    schedule.nextFire(after: date("1969-01-01T00:00:00Z"), in: zone) == next,
                    "\(context): no previous fire")
                continue
            }
            #expect(previous <= now && now < next, "\(context)")
            #expect(schedule.nextFire(after: previous, in: zone) == next, "\(context)")
            #expect(schedule.previousFire(atOrBefore: next, in: zone) == next, "\(context)")
            #expect(schedule.previousFire(atOrBefore: next.addingTimeInterval(-1), in: zone) == previous, "\(context)")
            #expect(schedule.fires(at: next, in: zone), "\(context)")
            #expect(
                next.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0, "\(context): not a whole minute")
        }
    }

    struct BruteForceCase: Sendable, CustomTestStringConvertible {
        let expression: String
        let zone: String
        let from: String
        let hours: Int
        var testDescription: String { "\(expression) in \(zone) from \(from)" }
    }

    /// Walks every minute and decides with Foundation's `Calendar` alone which minutes fire,
    /// then checks that chaining `nextFire` visits exactly those and that `previousFire` finds
    /// the latest of them from any instant in between.
    @Test(arguments: [
        BruteForceCase(
            expression: "cron(*/20 * * * ? *)", zone: "Europe/Paris", from: "2026-03-28T12:00:00Z", hours: 36),
        BruteForceCase(
            expression: "cron(*/20 * * * ? *)", zone: "Europe/Paris", from: "2026-10-24T12:00:00Z", hours: 36),
        BruteForceCase(
            expression: "cron(15,45 1-3 * * ? *)", zone: "Europe/Paris", from: "2026-10-24T12:00:00Z", hours: 48),
        BruteForceCase(
            expression: "cron(0/10 1-3 * * ? *)", zone: "Australia/Lord_Howe", from: "2026-04-04T00:00:00Z", hours: 48),
        BruteForceCase(
            expression: "cron(0/10 1-3 * * ? *)", zone: "Australia/Lord_Howe", from: "2026-10-02T00:00:00Z", hours: 48),
        BruteForceCase(
            expression: "cron(30 * * * ? *)", zone: "America/New_York", from: "2026-11-01T00:00:00Z", hours: 24),
        BruteForceCase(
            expression: "cron(0 * ? * 1 *)", zone: "America/Sao_Paulo", from: "2018-11-03T00:00:00Z", hours: 72),
        BruteForceCase(
            expression: "cron(*/7 * * * ? *)", zone: "Asia/Kolkata", from: "2026-02-28T00:00:00Z", hours: 24),
    ])
    func chainedNextFireVisitsExactlyTheMatchingMinutes(_ brute: BruteForceCase) throws {
        let schedule = try ScheduleExpression(parsing: brute.expression)
        let zone = try #require(TimeZone(identifier: brute.zone))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let fields = try cronFields(brute.expression)
        let start = date(brute.from)
        let minutes = brute.hours * 60

        var expected: [Date] = []
        var seenWallClockMinutes = Set<DateComponents>()
        for minute in 0...(minutes + 24 * 60) {
            let instant = start.addingTimeInterval(Double(minute) * 60 - 6 * 3600)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: instant)
            let wallClock = DateComponents(
                year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute)
            // A repeated wall-clock minute fires at its first occurrence only.
            let firstOccurrence = seenWallClockMinutes.insert(wallClock).inserted
            guard instant > start, instant <= start.addingTimeInterval(Double(minutes) * 60), firstOccurrence else {
                continue
            }
            if fields.minutes.contains(parts.minute!), fields.hours.contains(parts.hour!),
                fields.weekdays.map({ $0.contains(parts.weekday!) }) ?? true
            {
                expected.append(instant)
            }
        }

        var actual: [Date] = []
        var cursor = start
        while let next = schedule.nextFire(after: cursor, in: zone),
            next <= start.addingTimeInterval(Double(minutes) * 60)
        {
            actual.append(next)
            cursor = next
        }
        #expect(!expected.isEmpty)
        #expect(actual == expected)

        // Every minute, and every half minute, looks back to the latest expected fire.
        for halfMinute in 0...(minutes * 2) {
            let instant = start.addingTimeInterval(Double(halfMinute) * 30)
            guard let latest = expected.last(where: { $0 <= instant }) else { continue }
            #expect(schedule.previousFire(atOrBefore: instant, in: zone) == latest, "at \(instant)")
        }
    }

    /// The minutes, hours and weekdays of the simple expressions used above (`*`, `a/n`, `*/n`, lists, ranges).
    private func cronFields(_ expression: String) throws -> (minutes: Set<Int>, hours: Set<Int>, weekdays: Set<Int>?) {
        let fields = expression.dropFirst(5).dropLast().split(separator: " ").map(String.init)
        func values(_ text: String, _ range: ClosedRange<Int>) -> Set<Int> {
            var result = Set<Int>()
            for item in text.split(separator: ",") {
                let parts = item.split(separator: "/")
                let step = parts.count == 2 ? Int(parts[1])! : 1
                let bounds: ClosedRange<Int>
                if parts[0] == "*" {
                    bounds = range
                } else if parts[0].contains("-") {
                    let ends = parts[0].split(separator: "-")
                    bounds = Int(ends[0])!...Int(ends[1])!
                } else {
                    bounds = Int(parts[0])!...(parts.count == 2 ? range.upperBound : Int(parts[0])!)
                }
                result.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
            }
            return result
        }
        return (values(fields[0], 0...59), values(fields[1], 0...23), fields[4] == "?" ? nil : values(fields[4], 1...7))
    }
}
