import Foundation

/// What one evaluation reads: the fact slots, the current list element, and an optional trace.
struct EvaluationFrame {
    let slots: ContiguousArray<FactValue>
    var element: FactValue
    let trace: EvaluationTrace?

    /// A frame with no facts, for folding constant subexpressions at compile time.
    static var empty: EvaluationFrame { EvaluationFrame(slots: [], element: .null, trace: nil) }
}

/// The values of the subexpressions an evaluation computed, in the order they completed.
final class EvaluationTrace {
    var steps: [(range: SourceRange, value: FactValue)] = []
}

/// A compiled node: computes its value from a frame, never throws, never traps.
typealias Thunk = @Sendable (EvaluationFrame) -> FactValue

/// Compiles a ``TypedExpression`` into a tree of closures, folding subexpressions that read no facts.
///
/// Absent values follow the language's null semantics: arithmetic and functions return absent when
/// an argument is absent (except `coalesce`); comparisons with an absent operand are false (`==` and
/// `!=` treat two absent values as equal); `and`, `or`, `not` count absent as false and short-circuit.
struct Evaluator {
    /// Whether every node records its value in the frame's trace.
    var tracing = false
    /// The zone timestamps are rendered in by `join`.
    var timeZone: TimeZone

    func build(_ node: TypedExpression) -> Thunk {
        compile(node).thunk
    }

    private func compile(_ node: TypedExpression) -> (thunk: Thunk, constant: FactValue?) {
        let (raw, constant) = compileOperation(node.operation)
        guard tracing else { return (raw, constant) }
        let range = node.range
        return (
            { frame in
                let value = raw(frame)
                frame.trace?.steps.append((range, value))
                return value
            }, constant
        )
    }

    /// Compiles the children, builds the node, and folds it when every child is constant.
    private func compileOperation(_ operation: TypedExpression.Operation) -> (Thunk, FactValue?) {
        var allConstant = true
        func childWithConstant(_ node: TypedExpression) -> (Thunk, FactValue?) {
            let (thunk, constant) = compile(node)
            if constant == nil { allConstant = false }
            return (thunk, constant)
        }
        func child(_ node: TypedExpression) -> Thunk {
            childWithConstant(node).0
        }
        let thunk: Thunk
        switch operation {
        case .constant(let value):
            return ({ _ in value }, value)
        case .slot(let index):
            return ({ frame in frame.slots[index] }, nil)
        case .element:
            return ({ frame in frame.element }, nil)
        case .not(let operand):
            let operand = child(operand)
            thunk = { frame in .bool(!isTrue(operand(frame))) }
        case .and(let lhs, let rhs):
            let (left, right) = (child(lhs), child(rhs))
            thunk = { frame in .bool(isTrue(left(frame)) && isTrue(right(frame))) }
        case .or(let lhs, let rhs):
            let (left, right) = (child(lhs), child(rhs))
            thunk = { frame in .bool(isTrue(left(frame)) || isTrue(right(frame))) }
        case .isNull(let operand, let negated):
            let operand = child(operand)
            thunk = { frame in .bool(operand(frame).isNull != negated) }
        case .equal(let lhs, let rhs, let negated):
            let left = child(lhs)
            let (right, constant) = childWithConstant(rhs)
            if let value = constant, !tracing {
                thunk = { frame in .bool((left(frame) == value) != negated) }
            } else {
                thunk = { frame in .bool((left(frame) == right(frame)) != negated) }
            }
        case .order(let op, let lhs, let rhs):
            let left = child(lhs)
            let (right, constant) = childWithConstant(rhs)
            thunk = compileOrder(op, left, right, constant: tracing ? nil : constant)
        case .membership(let lhs, let rhs, let negated):
            let (needle, list) = (child(lhs), child(rhs))
            thunk = { frame in
                let value = needle(frame)
                guard !value.isNull, case .list(let elements) = list(frame) else { return .bool(negated) }
                return .bool(elements.contains(value) != negated)
            }
        case .negate(let operand):
            thunk = unary(child(operand)) { value in
                switch value {
                case .number(let number): return .number(-number)
                case .duration(let duration): return .duration(DurationArithmetic.negate(duration))
                default: return .null
                }
            }
        case .arithmetic(let arithmetic, let lhs, let rhs):
            thunk = binary(child(lhs), child(rhs), Evaluator.arithmetic(arithmetic))
        case .call(let builtin, let arguments):
            thunk = compileCall(builtin, arguments.map { child($0) })
        case .list(let elements):
            let elements = elements.map { child($0) }
            thunk = { frame in .list(elements.map { $0(frame) }) }
        case .quantifier(let quantifier, let list, let condition):
            thunk = compileQuantifier(quantifier, child(list), child(condition))
        }
        guard allConstant else { return (thunk, nil) }
        let value = thunk(.empty)
        return ({ _ in value }, value)
    }

    private func compileOrder(
        _ op: Expression.BinaryOperator, _ left: @escaping Thunk, _ right: @escaping Thunk, constant: FactValue?
    ) -> Thunk {
        let accepts: @Sendable (Int) -> Bool
        switch op {
        case .less: accepts = { $0 < 0 }
        case .lessEqual: accepts = { $0 <= 0 }
        case .greater: accepts = { $0 > 0 }
        default: accepts = { $0 >= 0 }
        }
        // The common shapes `fact > 3` and `fact > 6h`, without a second closure call or a generic comparison.
        switch (op, constant) {
        case (.greater, .number(let bound)?):
            return { frame in
                if case .number(let value) = left(frame) { return .bool(value > bound) }
                return .bool(false)
            }
        case (.less, .number(let bound)?):
            return { frame in
                if case .number(let value) = left(frame) { return .bool(value < bound) }
                return .bool(false)
            }
        case (.greater, .duration(let bound)?):
            return { frame in
                if case .duration(let value) = left(frame) { return .bool(value > bound) }
                return .bool(false)
            }
        case (.less, .duration(let bound)?):
            return { frame in
                if case .duration(let value) = left(frame) { return .bool(value < bound) }
                return .bool(false)
            }
        default:
            return { frame in
                guard let order = compareOrdered(left(frame), right(frame)) else { return .bool(false) }
                return .bool(accepts(order))
            }
        }
    }

    private func compileQuantifier(
        _ quantifier: TypedExpression.Quantifier, _ list: @escaping Thunk, _ condition: @escaping Thunk
    ) -> Thunk {
        switch quantifier {
        case .any:
            return { frame in
                guard case .list(let elements) = list(frame) else { return .null }
                var inner = frame
                for element in elements {
                    inner.element = element
                    if isTrue(condition(inner)) { return .bool(true) }
                }
                return .bool(false)
            }
        case .all:
            return { frame in
                guard case .list(let elements) = list(frame) else { return .null }
                var inner = frame
                for element in elements {
                    inner.element = element
                    if !isTrue(condition(inner)) { return .bool(false) }
                }
                return .bool(true)
            }
        case .count:
            return { frame in
                guard case .list(let elements) = list(frame) else { return .null }
                var inner = frame
                var count = 0
                for element in elements {
                    inner.element = element
                    if isTrue(condition(inner)) { count += 1 }
                }
                return .number(Double(count))
            }
        case .filter:
            return { frame in
                guard case .list(let elements) = list(frame) else { return .null }
                var inner = frame
                return .list(
                    elements.filter { element in
                        inner.element = element
                        return isTrue(condition(inner))
                    })
            }
        }
    }

    private static func arithmetic(
        _ arithmetic: TypedExpression.Arithmetic
    ) -> @Sendable (FactValue, FactValue) -> FactValue {
        switch arithmetic {
        case .addNumbers: return numbers(+)
        case .subtractNumbers: return numbers(-)
        case .multiplyNumbers: return numbers(*)
        case .divideNumbers: return numbers(/)
        case .remainderNumbers: return numbers { $0.truncatingRemainder(dividingBy: $1) }
        case .addDurations:
            return { a, b in
                guard case .duration(let x) = a, case .duration(let y) = b else { return .null }
                return .duration(DurationArithmetic.add(x, y))
            }
        case .subtractDurations:
            return { a, b in
                guard case .duration(let x) = a, case .duration(let y) = b else { return .null }
                return .duration(DurationArithmetic.subtract(x, y))
            }
        case .remainderDurations:
            return { a, b in
                guard case .duration(let x) = a, case .duration(let y) = b,
                    let result = DurationArithmetic.remainder(x, y)
                else { return .null }
                return .duration(result)
            }
        case .multiplyDurationByNumber:
            return { a, b in
                guard case .duration(let x) = a, case .number(let y) = b else { return .null }
                return .duration(DurationArithmetic.multiply(x, by: y))
            }
        case .multiplyNumberByDuration:
            return { a, b in
                guard case .number(let x) = a, case .duration(let y) = b else { return .null }
                return .duration(DurationArithmetic.multiply(y, by: x))
            }
        case .divideDurationByNumber:
            return { a, b in
                guard case .duration(let x) = a, case .number(let y) = b,
                    let result = DurationArithmetic.divide(x, by: y)
                else { return .null }
                return .duration(result)
            }
        case .divideDurations:
            return { a, b in
                guard case .duration(let x) = a, case .duration(let y) = b else { return .null }
                return .number(DurationArithmetic.ratio(x, y))
            }
        case .addDurationToTimestamp, .addTimestampToDuration:
            return { a, b in
                switch (a, b) {
                case (.timestamp(let date), .duration(let duration)), (.duration(let duration), .timestamp(let date)):
                    return .timestamp(DurationArithmetic.add(date, duration))
                default: return .null
                }
            }
        case .subtractDurationFromTimestamp:
            return { a, b in
                guard case .timestamp(let date) = a, case .duration(let duration) = b else { return .null }
                return .timestamp(DurationArithmetic.add(date, DurationArithmetic.negate(duration)))
            }
        case .subtractTimestamps:
            return { a, b in
                guard case .timestamp(let x) = a, case .timestamp(let y) = b else { return .null }
                return .duration(DurationArithmetic.difference(x, y))
            }
        case .concatenateStrings:
            return { a, b in
                guard case .string(let x) = a, case .string(let y) = b else { return .null }
                return .string(x + y)
            }
        }
    }

    private static func numbers(
        _ operation: @escaping @Sendable (Double, Double) -> Double
    ) -> @Sendable (FactValue, FactValue) -> FactValue {
        { a, b in
            guard case .number(let x) = a, case .number(let y) = b else { return .null }
            return .number(operation(x, y))
        }
    }

    /// A node of one operand that is absent when its operand is.
    func unary(_ operand: @escaping Thunk, _ operation: @escaping @Sendable (FactValue) -> FactValue) -> Thunk {
        { frame in
            let value = operand(frame)
            return value.isNull ? .null : operation(value)
        }
    }

    /// A node of two operands that is absent when either is.
    func binary(
        _ left: @escaping Thunk, _ right: @escaping Thunk,
        _ operation: @escaping @Sendable (FactValue, FactValue) -> FactValue
    ) -> Thunk {
        { frame in
            let a = left(frame)
            if a.isNull { return .null }
            let b = right(frame)
            if b.isNull { return .null }
            return operation(a, b)
        }
    }
}

/// Whether a condition holds: only `true` does; `false` and absent do not.
@inline(__always)
func isTrue(_ value: FactValue) -> Bool {
    if case .bool(true) = value { return true }
    return false
}

/// -1, 0 or 1 for two values of one ordered type, or `nil` when either is absent, they are of different
/// types, or a number is NaN.
func compareOrdered(_ a: FactValue, _ b: FactValue) -> Int? {
    func order<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
    switch (a, b) {
    case (.number(let x), .number(let y)): return x.isNaN || y.isNaN ? nil : order(x, y)
    case (.string(let x), .string(let y)): return order(x, y)
    case (.duration(let x), .duration(let y)): return order(x, y)
    case (.timestamp(let x), .timestamp(let y)):
        let (p, q) = (x.timeIntervalSinceReferenceDate, y.timeIntervalSinceReferenceDate)
        return p.isNaN || q.isNaN ? nil : order(p, q)
    default: return nil
    }
}
