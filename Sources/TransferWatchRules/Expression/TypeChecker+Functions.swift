import Foundation

extension TypeChecker {
    /// Every function, with how many arguments it takes.
    static let functions: [(name: String, arity: ClosedRange<Int>)] = [
        ("len", 1...1), ("count", 1...2), ("any", 2...2), ("all", 2...2), ("filter", 2...2),
        ("contains", 2...2), ("startsWith", 2...2), ("endsWith", 2...2), ("matches", 2...2),
        ("lower", 1...1), ("upper", 1...1), ("trim", 1...1), ("join", 1...2),
        ("days", 1...1), ("hours", 1...1), ("minutes", 1...1), ("seconds", 1...1),
        ("dayOfMonth", 1...2), ("hourOfDay", 1...2), ("minuteOfHour", 1...2), ("dayOfWeek", 1...2),
        ("month", 1...2), ("year", 1...2), ("daysInMonth", 1...2), ("startOfDay", 1...2), ("startOfMonth", 1...2),
        ("abs", 1...1), ("min", 2...2), ("max", 2...2), ("round", 1...1), ("floor", 1...1), ("ceil", 1...1),
        ("coalesce", 2...2),
    ]

    static let functionNames: Set<String> = Set(functions.map(\.name))

    mutating func checkCall(
        _ name: String,
        _ arguments: [Expression],
        nameRange: SourceRange,
        range: SourceRange
    ) -> (TypedExpression, Checked) {
        guard let arity = TypeChecker.functions.first(where: { $0.name == name })?.arity else {
            for argument in arguments { _ = check(argument) }
            let nearest = suggestion(for: name, among: TypeChecker.functions.map(\.name))
            return invalid(.unknownFunction(name, suggestion: nearest), at: nameRange)
        }
        guard arity.contains(arguments.count) else {
            for argument in arguments { _ = check(argument) }
            let expected: String
            if arity.lowerBound == arity.upperBound {
                expected = arity.lowerBound == 1 ? "1 argument" : "\(arity.lowerBound) arguments"
            } else {
                expected = "\(arity.lowerBound) or \(arity.upperBound) arguments"
            }
            return invalid(
                .argumentCount(callee: "'\(name)'", expected: expected, found: arguments.count), at: nameRange)
        }
        if ["any", "all", "filter"].contains(name) || (name == "count" && arguments.count == 2) {
            return checkQuantifier(TypedExpression.Quantifier(rawValue: name) ?? .any, arguments, range: range)
        }
        let checked = arguments.map { check($0) }
        guard !checked.contains(where: { $0.1 == .invalid }) else { return placeholder(range) }
        var call = Call(checker: self, name: name, arguments: arguments, checked: checked, range: range)
        let result = call.resolve()
        diagnostics.append(contentsOf: call.diagnostics)
        return result
    }

    private mutating func checkQuantifier(
        _ quantifier: TypedExpression.Quantifier,
        _ arguments: [Expression],
        range: SourceRange
    ) -> (TypedExpression, Checked) {
        let (list, listType) = check(arguments[0])
        var elementType = Checked.invalid
        var isOptional = false
        switch listType {
        case .value(.list(let element), let optional):
            elementType = .value(element, optional: false)
            isOptional = optional
        case .invalid:
            break
        case .object(let slot, _):
            _ = misusedObject(slot, arguments[0], type: .invalid)
        default:
            let message =
                "argument 1 of '\(quantifier.rawValue)' must be a list, found \(describe(listType)) \(quote(arguments[0]))"
            report(.type(message), at: arguments[0].range)
        }
        elementTypes.append(elementType)
        let condition = condition(
            arguments[1], role: "argument 2 of '\(quantifier.rawValue)' must be a bool condition on 'it'")
        elementTypes.removeLast()
        guard case .value(let element, _) = elementType else { return placeholder(range) }
        let result: ValueType
        switch quantifier {
        case .any, .all: result = .bool
        case .count: result = .number
        case .filter: result = .list(element)
        }
        let typed = TypedExpression(operation: .quantifier(quantifier, list, condition), range: range)
        return (typed, .value(result, optional: isOptional))
    }
}

/// Resolves a call of a function other than the quantifiers, once its arguments are known to be well typed.
private struct Call {
    let checker: TypeChecker
    let name: String
    let arguments: [Expression]
    let checked: [(TypedExpression, TypeChecker.Checked)]
    let range: SourceRange
    var diagnostics: [ExpressionError.Diagnostic] = []

    init(
        checker: TypeChecker, name: String, arguments: [Expression], checked: [(TypedExpression, TypeChecker.Checked)],
        range: SourceRange
    ) {
        self.checker = checker
        self.name = name
        self.arguments = arguments
        self.checked = checked
        self.range = range
    }

    /// Whether any argument may be absent, which makes the result optional.
    private var anyOptional: Bool { checked.contains { $0.1.isOptional } }

    private func type(_ index: Int) -> ValueType? {
        if case .value(let type, _) = checked[index].1 { return type }
        return nil
    }

    private func result(
        _ builtin: TypedExpression.Builtin, _ type: ValueType, optional: Bool? = nil
    ) -> (TypedExpression, TypeChecker.Checked) {
        let typed = TypedExpression(operation: .call(builtin, checked.map(\.0)), range: range)
        return (typed, .value(type, optional: optional ?? anyOptional))
    }

    private mutating func mismatch(_ index: Int, expected: String) -> (TypedExpression, TypeChecker.Checked) {
        let found = checker.describe(checked[index].1)
        let text =
            "argument \(index + 1) of '\(name)' must be \(expected), found \(found) \(checker.quote(arguments[index]))"
        if case .object(let slot, _) = checked[index].1 {
            diagnostics.append(
                ExpressionError.Diagnostic(checker.misusedObjectProblem(slot), at: arguments[index].range))
            return checker.placeholder(range)
        }
        diagnostics.append(ExpressionError.Diagnostic(.type(text), at: arguments[index].range))
        return checker.placeholder(range)
    }

    /// The string literal at `index`, or a diagnostic.
    private mutating func stringLiteral(_ index: Int) -> String? {
        guard case .literal(.string(let text), _) = arguments[index] else {
            let problem = ExpressionError.Problem.literalRequired(
                callee: "'\(name)'", argument: index + 1, kind: "string")
            diagnostics.append(ExpressionError.Diagnostic(problem, at: arguments[index].range))
            return nil
        }
        return text
    }

    /// The time zone named by the optional argument at `index`, or the environment's.
    private mutating func timeZone(_ index: Int) -> TimeZone? {
        guard index < arguments.count else { return checker.environment.timeZone }
        guard let name = stringLiteral(index) else { return nil }
        guard let zone = TimeZone(identifier: name) else {
            diagnostics.append(ExpressionError.Diagnostic(.unknownTimeZone(name), at: arguments[index].range))
            return nil
        }
        return zone
    }

    mutating func resolve() -> (TypedExpression, TypeChecker.Checked) {
        switch name {
        case "len":
            switch type(0) {
            case .string: return result(.lengthOfString, .number)
            case .list: return result(.lengthOfList, .number)
            default: return mismatch(0, expected: "a string or a list")
            }
        case "count":
            guard case .list = type(0) else { return mismatch(0, expected: "a list") }
            return result(.lengthOfList, .number)
        case "contains":
            switch type(0) {
            case .list(let element):
                guard type(1) == element else { return mismatch(1, expected: "\(element) to search list<\(element)>") }
                return result(.listContains, .bool)
            case .string:
                guard type(1) == .string else { return mismatch(1, expected: "a string") }
                return result(.stringContains, .bool)
            default:
                return mismatch(0, expected: "a list or a string")
            }
        case "startsWith", "endsWith":
            for index in 0..<2 where type(index) != .string { return mismatch(index, expected: "a string") }
            return result(name == "startsWith" ? .startsWith : .endsWith, .bool)
        case "matches":
            guard type(0) == .string else { return mismatch(0, expected: "a string") }
            guard let pattern = stringLiteral(1) else { return checker.placeholder(range) }
            guard (try? NSRegularExpression(pattern: pattern)) != nil,
                let anchored = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$")
            else {
                diagnostics.append(ExpressionError.Diagnostic(.invalidRegex(pattern), at: arguments[1].range))
                return checker.placeholder(range)
            }
            return result(.matches(anchored), .bool)
        case "lower", "upper", "trim":
            guard type(0) == .string else { return mismatch(0, expected: "a string") }
            return result(name == "lower" ? .lower : (name == "upper" ? .upper : .trim), .string)
        case "join":
            guard case .list = type(0) else { return mismatch(0, expected: "a list") }
            if arguments.count == 2, type(1) != .string { return mismatch(1, expected: "a string") }
            return result(.join, .string)
        case "days", "hours", "minutes", "seconds":
            guard type(0) == .duration else { return mismatch(0, expected: "a duration") }
            let unit: Double = ["days": 86_400, "hours": 3600, "minutes": 60][name] ?? 1
            return result(.durationIn(seconds: unit), .number)
        case "dayOfMonth", "hourOfDay", "minuteOfHour", "dayOfWeek", "month", "year", "daysInMonth", "startOfDay",
            "startOfMonth":
            guard type(0) == .timestamp else { return mismatch(0, expected: "a timestamp") }
            guard let zone = timeZone(1) else { return checker.placeholder(range) }
            let optional = checked[0].1.isOptional
            switch name {
            case "startOfDay": return result(.startOfDay(zone), .timestamp, optional: optional)
            case "startOfMonth": return result(.startOfMonth(zone), .timestamp, optional: optional)
            default:
                let fields: [String: TypedExpression.CalendarField] = [
                    "dayOfMonth": .dayOfMonth, "hourOfDay": .hourOfDay, "minuteOfHour": .minute,
                    "dayOfWeek": .dayOfWeek,
                    "month": .month, "year": .year, "daysInMonth": .daysInMonth,
                ]
                return result(.calendar(fields[name] ?? .dayOfMonth, zone), .number, optional: optional)
            }
        case "abs":
            switch type(0) {
            case .number: return result(.absNumber, .number)
            case .duration: return result(.absDuration, .duration)
            default: return mismatch(0, expected: "a number or a duration")
            }
        case "min", "max":
            guard let first = type(0), [.number, .duration, .timestamp, .string].contains(first) else {
                return mismatch(0, expected: "a number, a duration, a timestamp or a string")
            }
            guard type(1) == first else { return mismatch(1, expected: "\(first) like argument 1") }
            return result(name == "min" ? .minimum : .maximum, first)
        case "round", "floor", "ceil":
            guard type(0) == .number else { return mismatch(0, expected: "a number") }
            return result(name == "round" ? .round : (name == "floor" ? .floor : .ceil), .number)
        case "coalesce":
            guard let first = type(0) else { return mismatch(0, expected: "a value") }
            guard type(1) == first else { return mismatch(1, expected: "\(first) like argument 1") }
            return result(.coalesce, first, optional: checked[1].1.isOptional)
        default:
            return checker.placeholder(range)
        }
    }
}
