import Foundation

/// An expression after type checking: names resolved to fact slots, each operator and function
/// resolved to the operation for its operand types. ``Evaluator`` turns it into closures.
struct TypedExpression: Sendable {
    /// What the node computes.
    var operation: Operation
    /// The source it came from, for traces.
    var range: SourceRange

    indirect enum Operation: Sendable {
        /// A value known at compile time.
        case constant(FactValue)
        /// The fact in a slot of ``FactValues`` (an object's slot holds `.object([:])` or `.null`).
        case slot(Int)
        /// `it`: the current list element of the innermost `any`, `all`, `count` or `filter`.
        case element
        case not(TypedExpression)
        case and(TypedExpression, TypedExpression)
        case or(TypedExpression, TypedExpression)
        /// `x == null` (or `!=` when `negated`).
        case isNull(TypedExpression, negated: Bool)
        /// `==` or `!=` between two values of one type; two absent values are equal.
        case equal(TypedExpression, TypedExpression, negated: Bool)
        /// `< <= > >=` between two values of one ordered type; false when either is absent.
        case order(Expression.BinaryOperator, TypedExpression, TypedExpression)
        /// `x in list` (`not in` when `negated`): membership, false (true) when either is absent.
        case membership(TypedExpression, TypedExpression, negated: Bool)
        case negate(TypedExpression)
        case arithmetic(Arithmetic, TypedExpression, TypedExpression)
        case call(Builtin, [TypedExpression])
        case list([TypedExpression])
        /// `any`, `all`, `count` or `filter` over a list, with a condition evaluated per element.
        case quantifier(Quantifier, TypedExpression, TypedExpression)
    }

    /// The arithmetic operations, by operand types.
    enum Arithmetic: Sendable {
        case addNumbers, subtractNumbers, multiplyNumbers, divideNumbers, remainderNumbers
        case addDurations, subtractDurations, remainderDurations
        case multiplyDurationByNumber, multiplyNumberByDuration, divideDurationByNumber, divideDurations
        case addDurationToTimestamp, addTimestampToDuration, subtractDurationFromTimestamp, subtractTimestamps
        case concatenateStrings
    }

    /// The list operations that take a condition over `it`.
    enum Quantifier: String, Sendable {
        case any, all, count, filter
    }

    /// The built-in functions, resolved to their overload.
    enum Builtin: Sendable {
        case lengthOfString, lengthOfList
        case listContains, stringContains, startsWith, endsWith
        case matches(NSRegularExpression)
        case lower, upper, trim
        case join
        case durationIn(seconds: Double)
        case calendar(CalendarField, TimeZone)
        case startOfDay(TimeZone)
        case startOfMonth(TimeZone)
        case absNumber, absDuration
        case minimum, maximum
        case round, floor, ceil
        case coalesce
    }

    /// The calendar fields the calendar functions read.
    enum CalendarField: Sendable {
        case dayOfMonth, hourOfDay, minute, dayOfWeek, month, year, daysInMonth
    }
}
