/// A parsed EventBridge cron expression: `cron(minutes hours day-of-month month day-of-week year)`.
///
/// The syntax is EventBridge's, not Unix cron's:
///
/// | field | values | special characters |
/// | --- | --- | --- |
/// | minutes | 0–59 | `, - * /` |
/// | hours | 0–23 | `, - * /` |
/// | day-of-month | 1–31 | `, - * ? / L W` |
/// | month | 1–12 or JAN–DEC | `, - * /` |
/// | day-of-week | 1–7 or SUN–SAT (1 = Sunday) | `, - * ? L #` |
/// | year | 1970–2199 | `, - * /` |
///
/// Exactly one of day-of-month and day-of-week is `?`. `L` alone is the last day of the month
/// (day-of-month) or Saturday (day-of-week); `6L` is the month's last Friday; `15W` is the
/// weekday nearest the 15th within the same month, and `LW` the month's last weekday; `3#2` is
/// the month's second Tuesday. `L`, `W` and `#` forms stand alone in their field, not in lists.
/// Ranges run upward (`MON-FRI`, never `FRI-MON`); `a/n` and `*/n` step from `a` (or the
/// smallest value) to the end of the range. Names are case-insensitive.
package struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The six fields as written, in order.
    package let fields: [String]

    let minutes: [Int]
    let hours: [Int]
    let dayOfMonth: DayOfMonthRule
    let months: [Int]
    let dayOfWeek: DayOfWeekRule
    let years: [Int]

    /// Which days of the month match, when day-of-week is `?`.
    enum DayOfMonthRule: Hashable {
        /// `?`: day-of-week decides.
        case unspecified
        /// Listed days (`*` lists them all); days past the month's end never match.
        case days([Int])
        /// `L`: the last day of the month.
        case last
        /// `LW`: the last weekday (Monday–Friday) of the month.
        case lastWeekday
        /// `15W`: the weekday nearest the given day, within the same month.
        case nearestWeekday(Int)
    }

    /// Which days of the week match, when day-of-month is `?`.
    enum DayOfWeekRule: Hashable {
        /// `?`: day-of-month decides.
        case unspecified
        /// Listed weekdays, 1 = Sunday … 7 = Saturday (`*` lists them all).
        case weekdays([Int])
        /// `6L`: the last such weekday of the month.
        case lastOfMonth(Int)
        /// `3#2`: the given occurrence (1–5) of a weekday in the month.
        case nth(weekday: Int, occurrence: Int)
    }

    /// Parses the text between `cron(` and `)`.
    ///
    /// - Parameter body: Six fields separated by white space.
    /// - Throws: ``ScheduleExpressionError`` naming the field and the offending token.
    package init(fields body: String) throws(ScheduleExpressionError) {
        let fields = body.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 6 else { throw .cronFieldCount(fields.count) }
        self.fields = fields
        minutes = try Self.parseList(fields[0], .minutes)
        hours = try Self.parseList(fields[1], .hours)
        dayOfMonth = try Self.parseDayOfMonth(fields[2])
        months = try Self.parseList(fields[3], .month)
        dayOfWeek = try Self.parseDayOfWeek(fields[4])
        years = try Self.parseList(fields[5], .year)
        switch (dayOfMonth, dayOfWeek) {
        case (.unspecified, .unspecified): throw .bothDayFieldsUnspecified
        case (.unspecified, _), (_, .unspecified): break
        default: throw .bothDayFieldsSpecified
        }
    }

    /// `cron(` and the fields as written, separated by single spaces, and `)`.
    package var description: String { "cron(\(fields.joined(separator: " ")))" }

    // MARK: Parsing

    /// Parses a comma-separated list of values, ranges and steps into sorted, distinct values.
    private static func parseList(_ text: String, _ field: CronField) throws(ScheduleExpressionError) -> [Int] {
        var values = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            for value in try parseItem(String(item), field, whole: text) { values.insert(value) }
        }
        return values.sorted()
    }

    /// Parses one list item: `*`, `N`, `A-B`, with an optional `/STEP`.
    private static func parseItem(_ item: String, _ field: CronField, whole: String) throws(ScheduleExpressionError)
        -> [Int]
    {
        guard !item.isEmpty else { throw field.invalid(whole, "empty list item") }
        if item.contains("?") { throw field.invalid(item, "'?' is allowed only in day-of-month and day-of-week") }
        if item.contains("#") { throw field.invalid(item, "'#' is allowed only in day-of-week") }
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw field.invalid(item, "more than one '/'") }
        var step = 1
        if parts.count == 2 {
            guard field.allowsStep else { throw field.invalid(item, "'/' is not allowed in \(field.name)") }
            guard let parsed = Int(parts[1]), parts[1].allSatisfy(\.isNumber) else {
                throw field.invalid(item, "the step must be a number")
            }
            guard parsed > 0 else { throw field.invalid(item, "the step must be at least 1") }
            step = parsed
        }
        let rangeText = parts[0]
        let lower: Int
        var upperBound: Int
        if rangeText == "*" {
            lower = field.range.lowerBound
            upperBound = field.range.upperBound
        } else {
            let bounds = rangeText.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2 else { throw field.invalid(item, "malformed range") }
            lower = try field.value(of: String(bounds[0]), in: item)
            if bounds.count == 2 {
                upperBound = try field.value(of: String(bounds[1]), in: item)
                guard lower <= upperBound else {
                    throw field.invalid(item, "the range runs backwards")
                }
            } else {
                // `5/15` runs from 5 to the end of the field's range; `5` alone is just 5.
                upperBound = parts.count == 2 ? field.range.upperBound : lower
            }
        }
        return Array(stride(from: lower, through: upperBound, by: step))
    }

    private static func parseDayOfMonth(_ text: String) throws(ScheduleExpressionError) -> DayOfMonthRule {
        let upper = text.uppercased()
        switch upper {
        case "?": return .unspecified
        case "L": return .last
        case "LW": return .lastWeekday
        default: break
        }
        if upper.contains("L") || upper.contains("W") || upper.contains("?") {
            if upper.hasSuffix("W"), upper.dropLast().allSatisfy(\.isNumber) {
                guard upper.count > 1 else { throw CronField.dayOfMonth.invalid(text, "'W' needs a day, e.g. 15W") }
                let day = try CronField.dayOfMonth.value(of: String(text.dropLast()), in: text)
                return .nearestWeekday(day)
            }
            throw CronField.dayOfMonth.invalid(
                text, "'?', 'L', 'LW' and 'nW' must stand alone")
        }
        return .days(try parseList(text, .dayOfMonth))
    }

    private static func parseDayOfWeek(_ text: String) throws(ScheduleExpressionError) -> DayOfWeekRule {
        let upper = text.uppercased()
        switch upper {
        case "?": return .unspecified
        case "L": return .weekdays([7])
        default: break
        }
        if upper.contains("#") {
            let parts = text.split(separator: "#", omittingEmptySubsequences: false)
            guard parts.count == 2, !upper.contains(","), !upper.contains("-"), !upper.contains("/") else {
                throw CronField.dayOfWeek.invalid(text, "'#' allows a single expression such as 3#2")
            }
            let weekday = try CronField.dayOfWeek.value(of: String(parts[0]), in: text)
            guard let occurrence = Int(parts[1]), parts[1].allSatisfy(\.isNumber), (1...5).contains(occurrence) else {
                throw CronField.dayOfWeek.invalid(text, "the occurrence after '#' must be 1-5")
            }
            return .nth(weekday: weekday, occurrence: occurrence)
        }
        if upper.hasSuffix("L") {
            let base = text.dropLast()
            guard base.allSatisfy({ $0.isLetter || $0.isNumber }) else {
                throw CronField.dayOfWeek.invalid(text, "'nL' must stand alone, e.g. 6L")
            }
            return .lastOfMonth(try CronField.dayOfWeek.value(of: String(base), in: text))
        }
        if upper.contains("?") || upper.contains("L") {
            throw CronField.dayOfWeek.invalid(text, "'?', 'L' and 'nL' must stand alone")
        }
        return .weekdays(try parseList(text, .dayOfWeek))
    }
}

/// A field of a cron expression, with its range and names.
package enum CronField: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Minutes, 0–59.
    case minutes
    /// Hours, 0–23.
    case hours
    /// Day of the month, 1–31.
    case dayOfMonth
    /// Month, 1–12 or JAN–DEC.
    case month
    /// Day of the week, 1–7 or SUN–SAT.
    case dayOfWeek
    /// Year, 1970–2199.
    case year

    /// The field's name as EventBridge's documentation writes it.
    package var name: String {
        switch self {
        case .minutes: "minutes"
        case .hours: "hours"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        case .year: "year"
        }
    }

    /// The field's name.
    package var description: String { name }

    /// The values the field allows.
    package var range: ClosedRange<Int> {
        switch self {
        case .minutes: 0...59
        case .hours: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 1...7
        case .year: 1970...2199
        }
    }

    /// Whether `/` is allowed (EventBridge does not allow it in day-of-week).
    var allowsStep: Bool { self != .dayOfWeek }

    private var names: [String] {
        switch self {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }

    /// The value of one number or name, checked against the range.
    func value(of token: String, in item: String) throws(ScheduleExpressionError) -> Int {
        let upper = token.uppercased()
        guard !upper.isEmpty else { throw invalid(item, "a value is missing") }
        if let index = names.firstIndex(of: upper) { return index + range.lowerBound }
        guard !upper.isEmpty, upper.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(upper) else {
            let expected =
                names.isEmpty
                ? "a number"
                : "a number or a name \(names.first!)-\(names.last!)"
            throw invalid(item, "\(quoted(token)) is not \(expected)")
        }
        guard range.contains(value) else {
            throw invalid(item, "\(value) is out of range \(range.lowerBound)-\(range.upperBound)")
        }
        return value
    }

    /// The error for an invalid token in this field.
    func invalid(_ token: String, _ reason: String) -> ScheduleExpressionError {
        .invalidCronToken(field: self, token: token, reason: reason)
    }
}
