import TransferWatchConfig

/// The syntax tree of an expression, as the ``Parser`` builds it: every node knows its ``SourceRange``.
///
/// An `Expression` is untyped; ``TypeChecker`` checks it against a ``FactSchema`` and ``Evaluator`` compiles
/// the result. Most callers go straight from text to a ``CompiledExpression`` with
/// ``compile(_:schema:environment:expecting:)``.
package indirect enum Expression: Sendable, Equatable, CustomStringConvertible {
    /// A literal: `3`, `"failed"`, `6h`, `true`, `null`.
    case literal(Literal, SourceRange)
    /// A top-level name: `now`, `server`, or a function name used without a call.
    case name(String, SourceRange)
    /// A member of an object: `server.age` is `.member(.name("server"), "age", …)`.
    case member(Expression, String, nameRange: SourceRange, SourceRange)
    /// `it`: the list element inside the condition of `any`, `all`, `count` or `filter`.
    case element(SourceRange)
    /// A prefix operator applied to an operand.
    case unary(UnaryOperator, Expression, SourceRange)
    /// An infix operator; `operatorRange` is where the operator is written.
    case binary(BinaryOperator, Expression, Expression, operatorRange: SourceRange, SourceRange)
    /// A function call: `len(counter.missing)`.
    case call(String, [Expression], nameRange: SourceRange, SourceRange)
    /// A list literal: `["ONLINE", "STARTING"]`.
    case list([Expression], SourceRange)

    /// A literal value as written.
    package enum Literal: Sendable, Equatable {
        /// `3`, `0.30`.
        case number(Double)
        /// `"failed"`.
        case string(String)
        /// `6h`, `1h30m`.
        case duration(Duration)
        /// `true`, `false`.
        case bool(Bool)
        /// `null`.
        case null
    }

    /// A prefix operator.
    package enum UnaryOperator: String, Sendable {
        /// `-x`, for numbers and durations.
        case negate = "-"
        /// `not x`, for bools.
        case not = "not"
    }

    /// An infix operator; each case's raw value is the operator as written.
    package enum BinaryOperator: String, Sendable {
        case or = "or"
        case and = "and"
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessEqual = "<="
        case greater = ">"
        case greaterEqual = ">="
        case `in` = "in"
        case notIn = "not in"
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"
        case remainder = "%"

        /// Higher binds tighter: `or` 1, `and` 2, comparisons 4, `+ -` 5, `* / %` 6 (`not` is 3).
        package var precedence: Int {
            switch self {
            case .or: return 1
            case .and: return 2
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .in, .notIn: return 4
            case .add, .subtract: return 5
            case .multiply, .divide, .remainder: return 6
            }
        }

        /// Whether the operator compares its operands (and so cannot be chained).
        package var isComparison: Bool { precedence == 4 }
    }

    /// The text the node covers.
    package var range: SourceRange {
        switch self {
        case .literal(_, let range), .name(_, let range), .member(_, _, _, let range), .element(let range),
            .unary(_, _, let range), .binary(_, _, _, _, let range), .call(_, _, _, let range), .list(_, let range):
            return range
        }
    }

    /// A fully parenthesized rendering that shows how the expression was grouped:
    /// `a + b * c` is `(a + (b * c))`.
    package var description: String {
        switch self {
        case .literal(let literal, _):
            switch literal {
            case .number(let value): return formatNumber(value)
            case .string(let value): return stringLiteral(value)
            case .duration(let value): return formatDuration(value)
            case .bool(let value): return value ? "true" : "false"
            case .null: return "null"
            }
        case .name(let name, _): return name
        case .member(let base, let name, _, _): return "\(base).\(name)"
        case .element: return "it"
        case .unary(.negate, let operand, _): return "(-\(operand))"
        case .unary(.not, let operand, _): return "(not \(operand))"
        case .binary(let op, let lhs, let rhs, _, _): return "(\(lhs) \(op.rawValue) \(rhs))"
        case .call(let name, let arguments, _, _):
            return "\(name)(\(arguments.map(\.description).joined(separator: ", ")))"
        case .list(let elements, _): return "[\(elements.map(\.description).joined(separator: ", "))]"
        }
    }
}
