import Testing
import TransferWatchConfig

@Suite struct CronExpressionTests {
    @Test(arguments: [
        "cron(0 0 28 * ? *)",
        "cron(0 0 1 * ? *)",
        "cron(0/15 * * * ? *)",
        "cron(10-50/20 8-17 ? * MON-FRI *)",
        "cron(0 12 L * ? *)",
        "cron(0 12 LW * ? *)",
        "cron(0 12 15W * ? *)",
        "cron(0 12 ? * 6L *)",
        "cron(0 12 ? * FRIL *)",
        "cron(0 12 ? * 3#2 *)",
        "cron(0 12 ? * TUE#2 *)",
        "cron(0 12 ? * L *)",
        "cron(0 0 * JAN,FEB,mar ? 2026-2030/2)",
        "cron(*/5 * * * ? *)",
        "cron(0 0 ? * SUN,SAT *)",
        "cron(0   0  28 * ? *)",
    ])
    func parsesValidExpression(_ text: String) throws {
        let schedule = try ScheduleExpression(parsing: text)
        guard case .cron(let cron) = schedule.kind else {
            Issue.record("\(text) did not parse as cron")
            return
        }
        #expect(cron.fields.count == 6)
        #expect(schedule.isRecurring)
    }

    @Test func keepsFieldsAsWrittenWithSingleSpaces() throws {
        let schedule = try ScheduleExpression(parsing: "cron(0   0  28 * ? *)")
        #expect(schedule.description == "cron(0 0 28 * ? *)")
    }

    struct InvalidCase: Sendable, CustomTestStringConvertible {
        let text: String
        let message: String
        var testDescription: String { text }
    }

    @Test(arguments: [
        InvalidCase(
            text: "cron(0 0 28 * ?)",
            message: "cron expression needs 6 fields (minutes hours day-of-month month day-of-week year), found 5"),
        InvalidCase(
            text: "cron(0 0 28 * ? * *)",
            message: "cron expression needs 6 fields (minutes hours day-of-month month day-of-week year), found 7"),
        InvalidCase(text: "cron(60 0 * * ? *)", message: "cron minutes field '60': 60 is out of range 0-59"),
        InvalidCase(text: "cron(0 24 * * ? *)", message: "cron hours field '24': 24 is out of range 0-23"),
        InvalidCase(text: "cron(0 0 32 * ? *)", message: "cron day-of-month field '32': 32 is out of range 1-31"),
        InvalidCase(text: "cron(0 0 0 * ? *)", message: "cron day-of-month field '0': 0 is out of range 1-31"),
        InvalidCase(text: "cron(0 0 * 13 ? *)", message: "cron month field '13': 13 is out of range 1-12"),
        InvalidCase(
            text: "cron(0 0 * January ? *)",
            message: "cron month field 'January': 'January' is not a number or a name JAN-DEC"),
        InvalidCase(text: "cron(0 0 ? * 8 *)", message: "cron day-of-week field '8': 8 is out of range 1-7"),
        InvalidCase(text: "cron(0 0 ? * 0 *)", message: "cron day-of-week field '0': 0 is out of range 1-7"),
        InvalidCase(
            text: "cron(0 0 ? * FUNDAY *)",
            message: "cron day-of-week field 'FUNDAY': 'FUNDAY' is not a number or a name SUN-SAT"),
        InvalidCase(text: "cron(0 0 * * ? 1969)", message: "cron year field '1969': 1969 is out of range 1970-2199"),
        InvalidCase(text: "cron(0 0 * * ? 2200)", message: "cron year field '2200': 2200 is out of range 1970-2199"),
        InvalidCase(
            text: "cron(0 0 * * * *)",
            message: "cron day-of-month and day-of-week cannot both be set; use '?' in one of them"),
        InvalidCase(
            text: "cron(0 0 1 * MON *)",
            message: "cron day-of-month and day-of-week cannot both be set; use '?' in one of them"),
        InvalidCase(text: "cron(0 0 ? * ? *)", message: "cron day-of-month and day-of-week cannot both be '?'"),
        InvalidCase(text: "cron(5/0 * * * ? *)", message: "cron minutes field '5/0': the step must be at least 1"),
        InvalidCase(text: "cron(5/x * * * ? *)", message: "cron minutes field '5/x': the step must be a number"),
        InvalidCase(text: "cron(5/1/2 * * * ? *)", message: "cron minutes field '5/1/2': more than one '/'"),
        InvalidCase(text: "cron(50-10 * * * ? *)", message: "cron minutes field '50-10': the range runs backwards"),
        InvalidCase(
            text: "cron(0 0 ? * FRI-MON *)", message: "cron day-of-week field 'FRI-MON': the range runs backwards"),
        InvalidCase(text: "cron(1-2-3 * * * ? *)", message: "cron minutes field '1-2-3': malformed range"),
        InvalidCase(text: "cron(1,,2 * * * ? *)", message: "cron minutes field '1,,2': empty list item"),
        InvalidCase(
            text: "cron(? * * * ? *)",
            message: "cron minutes field '?': '?' is allowed only in day-of-month and day-of-week"),
        InvalidCase(
            text: "cron(0 0 3#2 * ? *)", message: "cron day-of-month field '3#2': '#' is allowed only in day-of-week"),
        InvalidCase(
            text: "cron(0 0 ? * 3#6 *)", message: "cron day-of-week field '3#6': the occurrence after '#' must be 1-5"),
        InvalidCase(
            text: "cron(0 0 ? * 3#0 *)", message: "cron day-of-week field '3#0': the occurrence after '#' must be 1-5"),
        InvalidCase(
            text: "cron(0 0 ? * 3#1,6#3 *)",
            message: "cron day-of-week field '3#1,6#3': '#' allows a single expression such as 3#2"),
        InvalidCase(text: "cron(0 0 ? * 9#1 *)", message: "cron day-of-week field '9#1': 9 is out of range 1-7"),
        InvalidCase(
            text: "cron(0 0 ? * MON/2 *)", message: "cron day-of-week field 'MON/2': '/' is not allowed in day-of-week"),
        InvalidCase(
            text: "cron(0 0 L,15 * ? *)",
            message: "cron day-of-month field 'L,15': '?', 'L', 'LW' and 'nW' must stand alone"),
        InvalidCase(
            text: "cron(0 0 15W,20 * ? *)",
            message: "cron day-of-month field '15W,20': '?', 'L', 'LW' and 'nW' must stand alone"),
        InvalidCase(text: "cron(0 0 W * ? *)", message: "cron day-of-month field 'W': 'W' needs a day, e.g. 15W"),
        InvalidCase(text: "cron(0 0 32W * ? *)", message: "cron day-of-month field '32W': 32 is out of range 1-31"),
        InvalidCase(
            text: "cron(0 0 ? * 2,6L *)", message: "cron day-of-week field '2,6L': 'nL' must stand alone, e.g. 6L"),
        InvalidCase(
            text: "cron(0 0 ? * 6L,2 *)", message: "cron day-of-week field '6L,2': '?', 'L' and 'nL' must stand alone"),
        InvalidCase(text: "cron(0 0 ? * 8L *)", message: "cron day-of-week field '8L': 8 is out of range 1-7"),
        InvalidCase(
            text: "cron(0 0 ? * 2,? *)", message: "cron day-of-week field '2,?': '?', 'L' and 'nL' must stand alone"),
        InvalidCase(text: "cron(0 0 * L ? *)", message: "cron month field 'L': 'L' is not a number or a name JAN-DEC"),
        InvalidCase(text: "cron(x 0 * * ? *)", message: "cron minutes field 'x': 'x' is not a number"),
        InvalidCase(text: "cron(-5 0 * * ? *)", message: "cron minutes field '-5': a value is missing"),
        InvalidCase(text: "cron(5- 0 * * ? *)", message: "cron minutes field '5-': a value is missing"),
    ])
    func rejectsInvalidExpressionNamingFieldAndToken(_ invalid: InvalidCase) {
        do {
            _ = try ScheduleExpression(parsing: invalid.text)
            Issue.record("\(invalid.text) parsed")
        } catch {
            #expect(error.description == invalid.message)
        }
    }

    @Test func reportsOffendingTokenAsCase() {
        #expect(
            throws: ScheduleExpressionError.invalidCronToken(
                field: .hours, token: "25", reason: "25 is out of range 0-23")
        ) {
            try ScheduleExpression(parsing: "cron(0 25 * * ? *)")
        }
    }
}
