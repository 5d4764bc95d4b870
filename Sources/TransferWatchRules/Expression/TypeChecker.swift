import Foundation

/// Checks an ``Expression`` against a ``FactSchema`` and resolves it into a ``TypedExpression``.
///
/// It reports every type error it finds, but an operand that already failed does not produce a
/// second error in the node above it, so each mistake is reported once. The rules are documented
/// on ``Expression/compile(_:schema:environment:expecting:)``.
struct TypeChecker {
    /// The static type of a checked node.
    enum Checked: Equatable {
        /// A value; `optional` when it depends on an optional fact.
        case value(ValueType, optional: Bool)
        /// An object of the schema (its slot), which can only be compared with `null`.
        case object(slot: Int, optional: Bool)
        /// The literal `null`.
        case null
        /// A node that already has a diagnostic.
        case invalid

        var isOptional: Bool {
            switch self {
            case .value(_, let optional), .object(_, let optional): return optional
            case .null, .invalid: return false
            }
        }
    }

    let schema: FactSchema
    let environment: ExpressionEnvironment
    /// The text the ranges point into, for quoting operands in messages.
    let scalars: [Unicode.Scalar]
    var diagnostics: [ExpressionError.Diagnostic] = []
    /// The element types of the enclosing `any`/`all`/`count`/`filter` conditions, innermost last.
    var elementTypes: [Checked] = []
    /// Whether each slot can be absent: it is optional, or an enclosing object is.
    private let slotIsOptional: [Bool]

    init(schema: FactSchema, environment: ExpressionEnvironment, scalars: [Unicode.Scalar]) {
        self.schema = schema
        self.environment = environment
        self.scalars = scalars
        var optional: [Bool] = []
        for slot in schema.slots {
            optional.append(slot.field.isOptional || (slot.parent.map { optional[$0] } ?? false))
        }
        slotIsOptional = optional
    }

    // MARK: - Nodes

    mutating func check(_ expression: Expression) -> (TypedExpression, Checked) {
        switch expression {
        case .literal(let literal, let range):
            switch literal {
            case .number(let value): return (constant(.number(value), range), .value(.number, optional: false))
            case .string(let value): return (constant(.string(value), range), .value(.string, optional: false))
            case .duration(let value): return (constant(.duration(value), range), .value(.duration, optional: false))
            case .bool(let value): return (constant(.bool(value), range), .value(.bool, optional: false))
            case .null: return (constant(.null, range), .null)
            }
        case .name(let name, let range):
            if let index = schema.slotIndex(of: name) { return field(index, range) }
            if TypeChecker.functionNames.contains(name) {
                return invalid(.functionUsedAsValue(name), at: range)
            }
            let names = schema.entries.map(\.name)
            return invalid(.unknownField(name, suggestion: suggestion(for: name, among: names)), at: range)
        case .member(let base, let name, let nameRange, let range):
            return checkMember(base, name, nameRange: nameRange, range: range)
        case .element(let range):
            guard let type = elementTypes.last else { return invalid(.elementOutsideCondition, at: range) }
            return (TypedExpression(operation: .element, range: range), type)
        case .unary(.negate, let operand, let range):
            let (typed, type) = check(operand)
            switch type {
            case .value(.number, _), .value(.duration, _):
                return (TypedExpression(operation: .negate(typed), range: range), type)
            case .invalid:
                return placeholder(range)
            default:
                return invalid(.type("cannot negate \(describe(type)) \(quote(operand))"), at: range)
            }
        case .unary(.not, let operand, let range):
            let typed = condition(operand, role: "'not' needs a bool")
            return (TypedExpression(operation: .not(typed), range: range), .value(.bool, optional: false))
        case .binary(let op, let lhs, let rhs, let operatorRange, let range):
            switch op {
            case .and, .or:
                let left = condition(lhs, role: "'\(op.rawValue)' needs bool operands")
                let right = condition(rhs, role: "'\(op.rawValue)' needs bool operands")
                let operation: TypedExpression.Operation = op == .and ? .and(left, right) : .or(left, right)
                return (TypedExpression(operation: operation, range: range), .value(.bool, optional: false))
            case .equal, .notEqual:
                return checkEquality(op, lhs, rhs, operatorRange: operatorRange, range: range)
            case .less, .lessEqual, .greater, .greaterEqual:
                return checkOrder(op, lhs, rhs, operatorRange: operatorRange, range: range)
            case .in, .notIn:
                return checkMembership(op, lhs, rhs, operatorRange: operatorRange, range: range)
            case .add, .subtract, .multiply, .divide, .remainder:
                return checkArithmetic(op, lhs, rhs, operatorRange: operatorRange, range: range)
            }
        case .call(let name, let arguments, let nameRange, let range):
            return checkCall(name, arguments, nameRange: nameRange, range: range)
        case .list(let elements, let range):
            return checkList(elements, range: range)
        }
    }

    private mutating func checkMember(
        _ base: Expression,
        _ name: String,
        nameRange: SourceRange,
        range: SourceRange
    ) -> (TypedExpression, Checked) {
        let (_, baseType) = check(base)
        switch baseType {
        case .invalid:
            return placeholder(range)
        case .object(let slot, _):
            let parentPath = schema.slots[slot].path
            if let index = schema.slotIndex(of: parentPath + "." + name) { return field(index, range) }
            let siblings = childNames(of: slot)
            let nearest = suggestion(for: name, among: siblings).map { parentPath + "." + $0 }
            return invalid(.unknownField(parentPath + "." + name, suggestion: nearest), at: nameRange)
        case .value, .null:
            return invalid(.type("cannot read field '\(name)' of \(describe(baseType)) \(quote(base))"), at: nameRange)
        }
    }

    private mutating func checkEquality(
        _ op: Expression.BinaryOperator,
        _ lhs: Expression,
        _ rhs: Expression,
        operatorRange: SourceRange,
        range: SourceRange
    ) -> (TypedExpression, Checked) {
        let (left, leftType) = check(lhs)
        let (right, rightType) = check(rhs)
        let negated = op == .notEqual
        let bool = Checked.value(.bool, optional: false)
        switch (leftType, rightType) {
        case (.invalid, _), (_, .invalid):
            return placeholder(range, type: bool)
        case (.null, .null):
            return (constant(.bool(!negated), range), bool)
        case (.null, _), (_, .null):
            let (operand, typed, type) = leftType == .null ? (rhs, right, rightType) : (lhs, left, leftType)
            guard type.isOptional else {
                report(.type("'\(text(of: operand))' is never null"), at: operatorRange)
                return placeholder(range, type: bool)
            }
            return (TypedExpression(operation: .isNull(typed, negated: negated), range: range), bool)
        case (.object(let slot, _), _):
            return misusedObject(slot, lhs, type: bool)
        case (_, .object(let slot, _)):
            return misusedObject(slot, rhs, type: bool)
        case (.value(let a, _), .value(let b, _)):
            guard a == b else {
                report(.type("cannot compare \(a) with \(b) \(quote(rhs))"), at: operatorRange)
                return placeholder(range, type: bool)
            }
            return (TypedExpression(operation: .equal(left, right, negated: negated), range: range), bool)
        }
    }

    private mutating func checkOrder(
        _ op: Expression.BinaryOperator,
        _ lhs: Expression,
        _ rhs: Expression,
        operatorRange: SourceRange,
        range: SourceRange
    ) -> (TypedExpression, Checked) {
        let (left, leftType) = check(lhs)
        let (right, rightType) = check(rhs)
        let bool = Checked.value(.bool, optional: false)
        switch (leftType, rightType) {
        case (.invalid, _), (_, .invalid):
            return placeholder(range, type: bool)
        case (.object(let slot, _), _):
            return misusedObject(slot, lhs, type: bool)
        case (_, .object(let slot, _)):
            return misusedObject(slot, rhs, type: bool)
        case (.value(let a, _), .value(let b, _)) where a == b:
            switch a {
            case .number, .string, .duration, .timestamp:
                return (TypedExpression(operation: .order(op, left, right), range: range), bool)
            case .bool, .list:
                report(.type("'\(op.rawValue)' cannot order \(a) values"), at: operatorRange)
                return placeholder(range, type: bool)
            }
        default:
            report(
                .type("cannot compare \(describe(leftType)) with \(describe(rightType)) \(quote(rhs))"),
                at: operatorRange)
            return placeholder(range, type: bool)
        }
    }

    private mutating func checkMembership(
        _ op: Expression.BinaryOperator,
        _ lhs: Expression,
        _ rhs: Expression,
        operatorRange: SourceRange,
        range: SourceRange
    ) -> (TypedExpression, Checked) {
        let (left, leftType) = check(lhs)
        let (right, rightType) = check(rhs)
        let bool = Checked.value(.bool, optional: false)
        switch (leftType, rightType) {
        case (.invalid, _), (_, .invalid):
            return placeholder(range, type: bool)
        case (_, .object(let slot, _)):
            return misusedObject(slot, rhs, type: bool)
        case (.object(let slot, _), _):
            return misusedObject(slot, lhs, type: bool)
        case (.value(let needle, _), .value(.list(let element), _)) where needle == element:
            let operation = TypedExpression.Operation.membership(left, right, negated: op == .notIn)
            return (TypedExpression(operation: operation, range: range), bool)
        case (_, .value(.list(let element), _)):
            report(.type("cannot look for \(describe(leftType)) \(quote(lhs)) in list<\(element)>"), at: operatorRange)
            return placeholder(range, type: bool)
        default:
            report(
                .type("'\(op.rawValue)' needs a list on its right, found \(describe(rightType)) \(quote(rhs))"),
                at: operatorRange)
            return placeholder(range, type: bool)
        }
    }

    private mutating func checkArithmetic(
        _ op: Expression.BinaryOperator,
        _ lhs: Expression,
        _ rhs: Expression,
        operatorRange: SourceRange,
        range: SourceRange
    ) -> (TypedExpression, Checked) {
        let (left, leftType) = check(lhs)
        let (right, rightType) = check(rhs)
        switch (leftType, rightType) {
        case (.invalid, _), (_, .invalid):
            return placeholder(range)
        case (.object(let slot, _), _):
            return misusedObject(slot, lhs, type: .invalid)
        case (_, .object(let slot, _)):
            return misusedObject(slot, rhs, type: .invalid)
        case (.value(let a, let optionalA), .value(let b, let optionalB)):
            if let (arithmetic, result) = TypeChecker.arithmetic(op, a, b) {
                let typed = TypedExpression(operation: .arithmetic(arithmetic, left, right), range: range)
                return (typed, .value(result, optional: optionalA || optionalB))
            }
            fallthrough
        default:
            let message =
                "cannot apply '\(op.rawValue)' to \(describe(leftType)) and \(describe(rightType)) \(quote(rhs))"
            return invalid(.type(message), at: operatorRange)
        }
    }

    /// The operation and result type of an arithmetic operator on two value types, if it is defined.
    private static func arithmetic(
        _ op: Expression.BinaryOperator,
        _ a: ValueType,
        _ b: ValueType
    ) -> (TypedExpression.Arithmetic, ValueType)? {
        switch (op, a, b) {
        case (.add, .number, .number): return (.addNumbers, .number)
        case (.add, .duration, .duration): return (.addDurations, .duration)
        case (.add, .timestamp, .duration): return (.addDurationToTimestamp, .timestamp)
        case (.add, .duration, .timestamp): return (.addTimestampToDuration, .timestamp)
        case (.add, .string, .string): return (.concatenateStrings, .string)
        case (.subtract, .number, .number): return (.subtractNumbers, .number)
        case (.subtract, .duration, .duration): return (.subtractDurations, .duration)
        case (.subtract, .timestamp, .duration): return (.subtractDurationFromTimestamp, .timestamp)
        case (.subtract, .timestamp, .timestamp): return (.subtractTimestamps, .duration)
        case (.multiply, .number, .number): return (.multiplyNumbers, .number)
        case (.multiply, .duration, .number): return (.multiplyDurationByNumber, .duration)
        case (.multiply, .number, .duration): return (.multiplyNumberByDuration, .duration)
        case (.divide, .number, .number): return (.divideNumbers, .number)
        case (.divide, .duration, .number): return (.divideDurationByNumber, .duration)
        case (.divide, .duration, .duration): return (.divideDurations, .number)
        case (.remainder, .number, .number): return (.remainderNumbers, .number)
        case (.remainder, .duration, .duration): return (.remainderDurations, .duration)
        default: return nil
        }
    }

    private mutating func checkList(_ elements: [Expression], range: SourceRange) -> (TypedExpression, Checked) {
        guard !elements.isEmpty else {
            return invalid(
                .type("an empty list has no element type (test for an empty list with len(x) == 0)"), at: range)
        }
        let checked = elements.map { check($0) }
        guard !checked.contains(where: { $0.1 == .invalid }) else { return placeholder(range) }
        var elementType: ValueType?
        for (expression, (_, type)) in zip(elements, checked) {
            switch type {
            case .object(let slot, _):
                return misusedObject(slot, expression, type: .invalid)
            case .null:
                return invalid(.type("a list cannot contain null"), at: expression.range)
            case .value(_, optional: true):
                return invalid(
                    .type("a list cannot contain '\(text(of: expression))', which may be absent"), at: expression.range)
            case .value(let type, optional: false):
                if let expected = elementType, expected != type {
                    return invalid(
                        .type("list elements must all be \(expected), found \(type) \(quote(expression))"),
                        at: expression.range)
                }
                elementType = type
            case .invalid:
                return placeholder(range)
            }
        }
        let type = elementType ?? .bool
        return (TypedExpression(operation: .list(checked.map(\.0)), range: range), .value(.list(type), optional: false))
    }

    // MARK: - Helpers

    /// Checks an operand of `and`, `or`, `not`: a bool, possibly absent (absent counts as false).
    mutating func condition(_ expression: Expression, role: String) -> TypedExpression {
        let (typed, type) = check(expression)
        switch type {
        case .value(.bool, _), .invalid:
            return typed
        case .object(let slot, _):
            return misusedObject(slot, expression, type: .invalid).0
        default:
            report(.type("\(role), found \(describe(type)) \(quote(expression))"), at: expression.range)
            return typed
        }
    }

    private func field(_ index: Int, _ range: SourceRange) -> (TypedExpression, Checked) {
        let typed = TypedExpression(operation: .slot(index), range: range)
        switch schema.slots[index].field.shape {
        case .value(let type): return (typed, .value(type, optional: slotIsOptional[index]))
        case .object: return (typed, .object(slot: index, optional: slotIsOptional[index]))
        }
    }

    private func childNames(of slot: Int) -> [String] {
        let prefix = schema.slots[slot].path + "."
        return schema.slots.filter { $0.parent == slot }.map { String($0.path.dropFirst(prefix.count)) }
    }

    /// Reports an object used where a value is needed, listing its fields.
    mutating func misusedObject(_ slot: Int, _ expression: Expression, type: Checked) -> (TypedExpression, Checked) {
        report(misusedObjectProblem(slot), at: expression.range)
        return placeholder(expression.range, type: type)
    }

    /// The problem of an object used where a value is needed, listing its fields.
    func misusedObjectProblem(_ slot: Int) -> ExpressionError.Problem {
        let fields = childNames(of: slot).joined(separator: ", ")
        let path = schema.slots[slot].path
        return .type(
            slotIsOptional[slot]
                ? "'\(path)' is an object: compare it with null or use one of its fields (\(fields))"
                : "'\(path)' is an object: use one of its fields (\(fields))"
        )
    }

    func describe(_ type: Checked) -> String {
        switch type {
        case .value(let value, _): return value.description
        case .object: return "object"
        case .null: return "null"
        case .invalid: return "invalid"
        }
    }

    /// The source of an expression in parentheses, for messages: `("x")`, `(server.age)`.
    func quote(_ expression: Expression) -> String {
        "(\(text(of: expression)))"
    }

    /// The source of an expression on one line, cut to 40 characters.
    func text(of expression: Expression) -> String {
        let range = expression.range
        let start = max(0, min(range.start.offset, scalars.count))
        let end = max(start, min(range.end.offset, scalars.count))
        var text = ""
        var lastWasSpace = false
        for scalar in scalars[start..<end] {
            let isSpace = scalar == "\n" || scalar == "\r" || scalar == "\t" || scalar == " "
            if isSpace, lastWasSpace { continue }
            text.unicodeScalars.append(isSpace ? " " : scalar)
            lastWasSpace = isSpace
        }
        if text.unicodeScalars.count > 40 {
            var cut = ""
            cut.unicodeScalars.append(contentsOf: text.unicodeScalars.prefix(39))
            return cut + "…"
        }
        return text
    }

    func constant(_ value: FactValue, _ range: SourceRange) -> TypedExpression {
        TypedExpression(operation: .constant(value), range: range)
    }

    /// A stand-in for a node that has a diagnostic; it is never evaluated.
    func placeholder(_ range: SourceRange, type: Checked = .invalid) -> (TypedExpression, Checked) {
        (constant(.null, range), type)
    }

    mutating func invalid(_ problem: ExpressionError.Problem, at range: SourceRange) -> (TypedExpression, Checked) {
        report(problem, at: range)
        return placeholder(range)
    }

    mutating func report(_ problem: ExpressionError.Problem, at range: SourceRange) {
        diagnostics.append(ExpressionError.Diagnostic(problem, at: range))
    }
}
