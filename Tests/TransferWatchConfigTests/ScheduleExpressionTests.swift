import Foundation
import Testing
import TransferWatchConfig

@Suite struct ScheduleExpressionTests {
    struct FireCase: Sendable, CustomTestStringConvertible {
        let name: String
        let expression: String
        let zone: String
        let after: String
        let next: String?
        var testDescription: String { name }
    }

    @Test(arguments: [
        FireCase(
            name: "the 28th at midnight", expression: "cron(0 0 28 * ? *)", zone: "UTC",
            after: "2026-11-15T12:00:00Z", next: "2026-11-28T00:00:00Z"),
        FireCase(
            name: "strictly after a fire time", expression: "cron(0 0 28 * ? *)", zone: "UTC",
            after: "2026-11-28T00:00:00Z", next: "2026-12-28T00:00:00Z"),
        FireCase(
            name: "a second before a fire time", expression: "cron(0 0 28 * ? *)", zone: "UTC",
            after: "2026-11-27T23:59:59Z", next: "2026-11-28T00:00:00Z"),
        FireCase(
            name: "the 1st across the year end", expression: "cron(0 0 1 * ? *)", zone: "UTC",
            after: "2026-12-15T00:00:00Z", next: "2027-01-01T00:00:00Z"),
        FireCase(
            name: "February 29th waits for a leap year", expression: "cron(0 12 29 2 ? *)", zone: "UTC",
            after: "2025-01-01T00:00:00Z", next: "2028-02-29T12:00:00Z"),
        FireCase(
            name: "the 31st skips short months", expression: "cron(0 0 31 * ? *)", zone: "UTC",
            after: "2026-03-31T00:00:00Z", next: "2026-05-31T00:00:00Z"),
        FireCase(
            name: "L in a leap February", expression: "cron(0 0 L * ? *)", zone: "UTC",
            after: "2028-02-10T00:00:00Z", next: "2028-02-29T00:00:00Z"),
        FireCase(
            name: "L in a common February", expression: "cron(0 0 L * ? *)", zone: "UTC",
            after: "2027-02-10T00:00:00Z", next: "2027-02-28T00:00:00Z"),
        FireCase(
            name: "L after a 30-day month's end", expression: "cron(0 0 L * ? *)", zone: "UTC",
            after: "2026-04-30T00:00:00Z", next: "2026-05-31T00:00:00Z"),
        FireCase(
            name: "15W on a Sunday is Monday the 16th", expression: "cron(0 0 15W * ? *)", zone: "UTC",
            after: "2026-11-01T00:00:00Z", next: "2026-11-16T00:00:00Z"),
        FireCase(
            name: "1W on a Saturday is Monday the 3rd", expression: "cron(0 0 1W * ? *)", zone: "UTC",
            after: "2026-07-15T00:00:00Z", next: "2026-08-03T00:00:00Z"),
        FireCase(
            name: "1W on a Sunday is Monday the 2nd", expression: "cron(0 0 1W * ? *)", zone: "UTC",
            after: "2026-10-15T00:00:00Z", next: "2026-11-02T00:00:00Z"),
        FireCase(
            name: "31W on a Sunday is Friday the 29th", expression: "cron(0 0 31W * ? *)", zone: "UTC",
            after: "2026-04-01T00:00:00Z", next: "2026-05-29T00:00:00Z"),
        FireCase(
            name: "LW when the month ends on Saturday", expression: "cron(0 0 LW * ? *)", zone: "UTC",
            after: "2026-10-01T00:00:00Z", next: "2026-10-30T00:00:00Z"),
        FireCase(
            name: "LW when the month ends on Monday", expression: "cron(0 0 LW * ? *)", zone: "UTC",
            after: "2026-10-30T00:00:00Z", next: "2026-11-30T00:00:00Z"),
        FireCase(
            name: "6L is the last Friday", expression: "cron(0 0 ? * 6L *)", zone: "UTC",
            after: "2026-11-01T00:00:00Z", next: "2026-11-27T00:00:00Z"),
        FireCase(
            name: "FRIL is the last Friday", expression: "cron(0 0 ? * FRIL *)", zone: "UTC",
            after: "2026-10-01T00:00:00Z", next: "2026-10-30T00:00:00Z"),
        FireCase(
            name: "3#2 is the second Tuesday", expression: "cron(0 9 ? * 3#2 *)", zone: "UTC",
            after: "2026-11-01T00:00:00Z", next: "2026-11-10T09:00:00Z"),
        FireCase(
            name: "2#5 skips months without a fifth Monday", expression: "cron(0 0 ? * 2#5 *)", zone: "UTC",
            after: "2026-11-30T00:00:00Z", next: "2027-03-29T00:00:00Z"),
        FireCase(
            name: "L in day-of-week is Saturday", expression: "cron(0 0 ? * L *)", zone: "UTC",
            after: "2026-11-25T00:00:00Z", next: "2026-11-28T00:00:00Z"),
        FireCase(
            name: "weekdays skip the weekend", expression: "cron(0 8 ? * MON-FRI *)", zone: "UTC",
            after: "2026-11-27T09:00:00Z", next: "2026-11-30T08:00:00Z"),
        FireCase(
            name: "0/15 steps from zero", expression: "cron(0/15 * * * ? *)", zone: "UTC",
            after: "2026-11-28T10:07:00Z", next: "2026-11-28T10:15:00Z"),
        FireCase(
            name: "10-50/20 stops at 50", expression: "cron(10-50/20 * * * ? *)", zone: "UTC",
            after: "2026-11-28T10:31:00Z", next: "2026-11-28T10:50:00Z"),
        FireCase(
            name: "10-50/20 wraps to the next hour", expression: "cron(10-50/20 * * * ? *)", zone: "UTC",
            after: "2026-11-28T10:50:00Z", next: "2026-11-28T11:10:00Z"),
        FireCase(
            name: "hours 23 roll over to the next day", expression: "cron(30 23 * * ? *)", zone: "UTC",
            after: "2026-12-31T23:30:00Z", next: "2027-01-01T23:30:00Z"),
        FireCase(
            name: "a year list", expression: "cron(0 0 1 1 ? 2030,2035)", zone: "UTC",
            after: "2030-01-01T00:00:00Z", next: "2035-01-01T00:00:00Z"),
        FireCase(
            name: "nothing after 2199", expression: "cron(0 0 1 1 ? *)", zone: "UTC",
            after: "2199-01-01T00:00:00Z", next: nil),
        FireCase(
            name: "the last minute of 2199", expression: "cron(59 23 31 12 ? *)", zone: "UTC",
            after: "2199-06-01T00:00:00Z", next: "2199-12-31T23:59:00Z"),
        FireCase(
            name: "an impossible date never fires", expression: "cron(0 0 30 2 ? *)", zone: "UTC",
            after: "2026-01-01T00:00:00Z", next: nil),
        FireCase(
            name: "before 1970 starts at 1970", expression: "cron(0 0 1 1 ? *)", zone: "UTC",
            after: "1960-06-01T00:00:00Z", next: "1970-01-01T00:00:00Z"),
        FireCase(
            name: "the 28th in Paris winter time", expression: "cron(0 0 28 * ? *)", zone: "Europe/Paris",
            after: "2026-11-01T00:00:00Z", next: "2026-11-27T23:00:00Z"),
        FireCase(
            name: "the 28th in Paris summer time", expression: "cron(0 0 28 * ? *)", zone: "Europe/Paris",
            after: "2026-06-01T00:00:00Z", next: "2026-06-27T22:00:00Z"),
        FireCase(
            name: "Paris spring forward skips 02:30", expression: "cron(30 2 * * ? *)", zone: "Europe/Paris",
            after: "2026-03-28T01:30:00Z", next: "2026-03-30T00:30:00Z"),
        FireCase(
            name: "Paris spring forward keeps 03:00", expression: "cron(0 3 * * ? *)", zone: "Europe/Paris",
            after: "2026-03-28T02:00:00Z", next: "2026-03-29T01:00:00Z"),
        FireCase(
            name: "Paris fall back fires 02:30 at its first occurrence", expression: "cron(30 2 * * ? *)",
            zone: "Europe/Paris", after: "2026-10-24T00:30:00Z", next: "2026-10-25T00:30:00Z"),
        FireCase(
            name: "Paris fall back does not repeat 02:30", expression: "cron(30 2 * * ? *)",
            zone: "Europe/Paris", after: "2026-10-25T00:30:00Z", next: "2026-10-26T01:30:00Z"),
        FireCase(
            name: "New York fall back fires 01:30 once", expression: "cron(30 1 * * ? *)",
            zone: "America/New_York", after: "2026-11-01T05:30:00Z", next: "2026-11-02T06:30:00Z"),
        FireCase(
            name: "Sao Paulo midnight that did not exist", expression: "cron(0 0 * * ? *)",
            zone: "America/Sao_Paulo", after: "2018-11-03T03:00:00Z", next: "2018-11-05T02:00:00Z"),
        FireCase(
            name: "Lord Howe half-hour gap skips 02:15", expression: "cron(15 2 * * ? *)",
            zone: "Australia/Lord_Howe", after: "2026-10-02T15:45:00Z", next: "2026-10-04T15:15:00Z"),
        FireCase(
            name: "Lord Howe half-hour gap keeps 02:45", expression: "cron(45 2 * * ? *)",
            zone: "Australia/Lord_Howe", after: "2026-10-02T16:15:00Z", next: "2026-10-03T15:45:00Z"),
        FireCase(
            name: "rate from the epoch", expression: "rate(5 minutes)", zone: "UTC",
            after: "2026-11-28T10:07:30Z", next: "2026-11-28T10:10:00Z"),
        FireCase(
            name: "rate of a day ignores the time zone", expression: "rate(1 day)", zone: "Europe/Paris",
            after: "2026-11-28T10:07:30Z", next: "2026-11-29T00:00:00Z"),
        FireCase(
            name: "rate exactly on a fire time", expression: "rate(2 hours)", zone: "UTC",
            after: "2026-11-28T10:00:00Z", next: "2026-11-28T12:00:00Z"),
        FireCase(
            name: "at in Paris", expression: "at(2026-11-28T00:00:00)", zone: "Europe/Paris",
            after: "2026-01-01T00:00:00Z", next: "2026-11-27T23:00:00Z"),
        FireCase(
            name: "at in the past", expression: "at(2026-11-28T00:00:00)", zone: "UTC",
            after: "2026-11-28T00:00:00Z", next: nil),
        FireCase(
            name: "at in a daylight saving gap", expression: "at(2026-03-29T02:30:00)", zone: "Europe/Paris",
            after: "2026-01-01T00:00:00Z", next: nil),
    ])
    func findsNextFire(_ fire: FireCase) throws {
        let schedule = try ScheduleExpression(parsing: fire.expression)
        let zone = try #require(TimeZone(identifier: fire.zone))
        #expect(schedule.nextFire(after: date(fire.after), in: zone) == fire.next.map(date))
    }

    struct PreviousCase: Sendable, CustomTestStringConvertible {
        let name: String
        let expression: String
        let zone: String
        let atOrBefore: String
        let previous: String?
        var testDescription: String { name }
    }

    @Test(arguments: [
        PreviousCase(
            name: "a fire time is its own previous", expression: "cron(0 0 28 * ? *)", zone: "UTC",
            atOrBefore: "2026-11-28T00:00:00Z", previous: "2026-11-28T00:00:00Z"),
        PreviousCase(
            name: "a second before goes back a month", expression: "cron(0 0 28 * ? *)", zone: "UTC",
            atOrBefore: "2026-11-27T23:59:59Z", previous: "2026-10-28T00:00:00Z"),
        PreviousCase(
            name: "catching up after downtime", expression: "cron(0 0 1 * ? *)", zone: "UTC",
            atOrBefore: "2027-01-05T08:00:00Z", previous: "2027-01-01T00:00:00Z"),
        PreviousCase(
            name: "February 29th back to the last leap year", expression: "cron(0 12 29 2 ? *)",
            zone: "UTC", atOrBefore: "2027-06-01T00:00:00Z", previous: "2024-02-29T12:00:00Z"),
        PreviousCase(
            name: "L back across a year", expression: "cron(0 0 L * ? *)", zone: "UTC",
            atOrBefore: "2027-01-15T00:00:00Z", previous: "2026-12-31T00:00:00Z"),
        PreviousCase(
            name: "31W back to a Friday", expression: "cron(0 0 31W * ? *)", zone: "UTC",
            atOrBefore: "2026-06-30T00:00:00Z", previous: "2026-05-29T00:00:00Z"),
        PreviousCase(
            name: "3#2 back a month", expression: "cron(0 9 ? * 3#2 *)", zone: "UTC",
            atOrBefore: "2026-11-10T08:59:00Z", previous: "2026-10-13T09:00:00Z"),
        PreviousCase(
            name: "10-50/20 back to 50", expression: "cron(10-50/20 * * * ? *)", zone: "UTC",
            atOrBefore: "2026-11-28T11:09:59Z", previous: "2026-11-28T10:50:00Z"),
        PreviousCase(
            name: "nothing before 1970", expression: "cron(0 0 1 1 ? *)", zone: "UTC",
            atOrBefore: "1969-12-31T23:59:59Z", previous: nil),
        PreviousCase(
            name: "the first minute of 1970", expression: "cron(0 0 1 1 ? *)", zone: "UTC",
            atOrBefore: "1970-01-01T00:00:00Z", previous: "1970-01-01T00:00:00Z"),
        PreviousCase(
            name: "after 2199 back to its last fire", expression: "cron(0 0 1 1 ? *)", zone: "UTC",
            atOrBefore: "2300-01-01T00:00:00Z", previous: "2199-01-01T00:00:00Z"),
        PreviousCase(
            name: "Paris spring gap is not a fire", expression: "cron(30 2 * * ? *)", zone: "Europe/Paris",
            atOrBefore: "2026-03-29T12:00:00Z", previous: "2026-03-28T01:30:00Z"),
        PreviousCase(
            name: "inside Paris's repeated hour", expression: "cron(30 2 * * ? *)", zone: "Europe/Paris",
            atOrBefore: "2026-10-25T01:45:00Z", previous: "2026-10-25T00:30:00Z"),
        PreviousCase(
            name: "rate with an anchor", expression: "rate(5 minutes)", zone: "UTC",
            atOrBefore: "2026-11-28T10:11:00Z", previous: "2026-11-28T10:10:00Z"),
        PreviousCase(
            name: "at before its time", expression: "at(2026-11-28T00:00:00)", zone: "UTC",
            atOrBefore: "2026-11-27T23:59:59Z", previous: nil),
        PreviousCase(
            name: "at after its time", expression: "at(2026-11-28T00:00:00)", zone: "UTC",
            atOrBefore: "2026-12-01T00:00:00Z", previous: "2026-11-28T00:00:00Z"),
    ])
    func findsPreviousFire(_ fire: PreviousCase) throws {
        let schedule = try ScheduleExpression(parsing: fire.expression)
        let zone = try #require(TimeZone(identifier: fire.zone))
        #expect(schedule.previousFire(atOrBefore: date(fire.atOrBefore), in: zone) == fire.previous.map(date))
    }

    @Test func rateCountsFromTheGivenAnchor() throws {
        let schedule = try ScheduleExpression(parsing: "rate(5 minutes)")
        let anchor = date("2026-11-28T10:01:00Z")
        #expect(
            schedule.nextFire(after: date("2026-11-28T10:07:30Z"), in: .gmt, anchor: anchor)
                == date("2026-11-28T10:11:00Z"))
        #expect(
            schedule.previousFire(atOrBefore: date("2026-11-28T10:11:00Z"), in: .gmt, anchor: anchor)
                == date("2026-11-28T10:11:00Z"))
        #expect(
            schedule.previousFire(atOrBefore: date("2026-11-28T09:59:00Z"), in: .gmt, anchor: anchor)
                == date("2026-11-28T09:56:00Z"))
        #expect(schedule.fires(at: date("2026-11-28T10:06:00Z"), in: .gmt, anchor: anchor))
        #expect(!schedule.fires(at: date("2026-11-28T10:05:00Z"), in: .gmt, anchor: anchor))
    }

    @Test func parsesRateExpressions() throws {
        let cases: [(String, Int, RateExpression.Unit, Duration)] = [
            ("rate(1 minute)", 1, .minute, .seconds(60)),
            ("rate(5 minutes)", 5, .minute, .seconds(300)),
            ("rate(1 hour)", 1, .hour, .seconds(3600)),
            ("rate(2 days)", 2, .day, .seconds(172_800)),
        ]
        for (text, value, unit, interval) in cases {
            let schedule = try ScheduleExpression(parsing: text)
            #expect(schedule.kind == .rate(RateExpression(value: value, unit: unit)))
            #expect(schedule.description == text)
            if case .rate(let rate) = schedule.kind { #expect(rate.interval == interval) }
        }
    }

    struct InvalidCase: Sendable, CustomTestStringConvertible {
        let text: String
        let message: String
        var testDescription: String { text }
    }

    @Test(arguments: [
        InvalidCase(
            text: "rate(1 hours)", message: "malformed rate expression 'rate(1 hours)' (use 'hour' for a value of 1)"),
        InvalidCase(
            text: "rate(5 minute)",
            message: "malformed rate expression 'rate(5 minute)' (use 'minutes' for a value above 1)"),
        InvalidCase(
            text: "rate(0 minutes)",
            message: "malformed rate expression 'rate(0 minutes)' (the value must be a whole number from 1 to 1000000)"),
        InvalidCase(
            text: "rate(-5 minutes)",
            message: "malformed rate expression 'rate(-5 minutes)' (the value must be a whole number from 1 to 1000000)"
        ),
        InvalidCase(
            text: "rate(five minutes)",
            message:
                "malformed rate expression 'rate(five minutes)' (the value must be a whole number from 1 to 1000000)"),
        InvalidCase(
            text: "rate(2 weeks)",
            message: "malformed rate expression 'rate(2 weeks)' (unknown unit 'weeks'; expected minutes, hours or days)"
        ),
        InvalidCase(
            text: "rate(5)",
            message: "malformed rate expression 'rate(5)' (expected rate(value unit), e.g. rate(5 minutes))"),
        InvalidCase(
            text: "at(2026-02-30T00:00:00)",
            message:
                "malformed at expression 'at(2026-02-30T00:00:00)' (2026-02-30T00:00:00 is not a valid date and time)"),
        InvalidCase(
            text: "at(2026-11-28T24:00:00)",
            message:
                "malformed at expression 'at(2026-11-28T24:00:00)' (2026-11-28T24:00:00 is not a valid date and time)"),
        InvalidCase(
            text: "at(2026-11-28 00:00:00)",
            message:
                "malformed at expression 'at(2026-11-28 00:00:00)' (expected at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-11-28T00:00:00))"
        ),
        InvalidCase(
            text: "at(2026-11-28T00:00:00Z)",
            message:
                "malformed at expression 'at(2026-11-28T00:00:00Z)' (expected at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-11-28T00:00:00))"
        ),
        InvalidCase(
            text: "at(2300-01-01T00:00:00)",
            message: "malformed at expression 'at(2300-01-01T00:00:00)' (the year must be 1970-2199)"),
        InvalidCase(
            text: "every(5 minutes)",
            message: "malformed schedule expression 'every(5 minutes)' (expected cron(...), rate(...) or at(...))"),
        InvalidCase(
            text: "cron(0 0 28 * ? *",
            message: "malformed schedule expression 'cron(0 0 28 * ? *' (expected cron(...), rate(...) or at(...))"),
        InvalidCase(
            text: "CRON(0 0 28 * ? *)",
            message: "malformed schedule expression 'CRON(0 0 28 * ? *)' (expected cron(...), rate(...) or at(...))"),
        InvalidCase(text: "", message: "malformed schedule expression '' (expected cron(...), rate(...) or at(...))"),
    ])
    func rejectsMalformedRateAndAt(_ invalid: InvalidCase) {
        do {
            _ = try ScheduleExpression(parsing: invalid.text)
            Issue.record("\(invalid.text) parsed")
        } catch {
            #expect(error.description == invalid.message)
        }
    }

    @Test func atIsOneTime() throws {
        let schedule = try ScheduleExpression(parsing: "at(2026-11-28T00:00:00)")
        #expect(!schedule.isRecurring)
        #expect(schedule.kind == .at(LocalDateTime(year: 2026, month: 11, day: 28)))
        #expect(schedule.description == "at(2026-11-28T00:00:00)")
    }

    @Test func findsFireYearsAwayWithoutWalkingMinutes() throws {
        // Fires only in 2199; a minute-by-minute search would take 90 million steps.
        let schedule = try ScheduleExpression(parsing: "cron(59 23 31 12 ? 2199)")
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(schedule.nextFire(after: date("1970-01-01T00:00:00Z"), in: .gmt) == date("2199-12-31T23:59:00Z"))
            #expect(schedule.previousFire(atOrBefore: date("2199-12-31T23:58:59Z"), in: .gmt) == nil)
        }
        // A guard against an algorithmic regression, not a speed claim: stepping by fields takes microseconds, a
        // minute-by-minute walk far longer than this generous bound (which holds on a loaded CI machine).
        #expect(elapsed < .seconds(20))
    }
}

/// An instant from ISO 8601 text with an offset, such as `2026-11-28T00:00:00Z`.
func date(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    guard let date = formatter.date(from: text) else { preconditionFailure("bad test date \(text)") }
    return date
}
