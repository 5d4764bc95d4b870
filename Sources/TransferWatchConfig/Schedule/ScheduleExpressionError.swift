/// Why a schedule expression is invalid; each names the part at fault.
package enum ScheduleExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not `cron(…)`, `rate(…)` or `at(…)`.
    case malformed(String)
    /// A cron expression without exactly six fields; the number found.
    case cronFieldCount(Int)
    /// A token a cron field does not accept.
    case invalidCronToken(field: CronField, token: String, reason: String)
    /// Both day-of-month and day-of-week are set; one must be `?`.
    case bothDayFieldsSpecified
    /// Both day-of-month and day-of-week are `?`.
    case bothDayFieldsUnspecified
    /// A malformed `rate(…)`: the expression and what is wrong.
    case invalidRate(String, reason: String)
    /// A malformed `at(…)`: the expression and what is wrong.
    case invalidAt(String, reason: String)

    /// A one-line explanation.
    package var description: String {
        switch self {
        case .malformed(let text):
            "malformed schedule expression \(quoted(text)) (expected cron(...), rate(...) or at(...))"
        case .cronFieldCount(let count):
            "cron expression needs 6 fields (minutes hours day-of-month month day-of-week year), found \(count)"
        case .invalidCronToken(let field, let token, let reason):
            "cron \(field.name) field \(quoted(token)): \(reason)"
        case .bothDayFieldsSpecified:
            "cron day-of-month and day-of-week cannot both be set; use '?' in one of them"
        case .bothDayFieldsUnspecified:
            "cron day-of-month and day-of-week cannot both be '?'"
        case .invalidRate(let text, let reason):
            "malformed rate expression \(quoted(text)) (\(reason))"
        case .invalidAt(let text, let reason):
            "malformed at expression \(quoted(text)) (\(reason))"
        }
    }
}
