import Foundation

/// A filter of a template placeholder, resolved for the type of its input: `| join(", ")`, `| humanize`.
///
/// | Filter | Input | Output |
/// |---|---|---|
/// | `join(sep = ", ")` | a list | its elements' text joined by `sep` |
/// | `humanize` | a duration or a number | `2d 3h`, `1.2k` |
/// | `humanizeBytes` | a number | `1.5 MiB` |
/// | `upper`, `lower` | a string | the string in upper or lower case |
/// | `default(value)` | anything | the input, or `value` when the input is absent |
/// | `printf(format)` | a number (or anything for `%s`) | see ``PrintfFormat`` |
/// | `date(layout = RFC 3339, zone)` | a timestamp | see ``DateLayout`` |
///
/// Every filter but `default` gives an absent result for an absent input, and an absent result renders as `<no value>`.
struct TemplateFilter: Sendable {
    /// Every filter, with how many arguments it takes.
    static let arities: [(name: String, arity: ClosedRange<Int>)] = [
        ("join", 0...1), ("humanize", 0...0), ("humanizeBytes", 0...0), ("upper", 0...0), ("lower", 0...0),
        ("default", 1...1), ("printf", 1...1), ("date", 0...2),
    ]

    /// A filter argument: a literal and where it is written.
    struct Argument {
        var value: FactValue
        var range: SourceRange
    }

    /// Transforms the value.
    let apply: @Sendable (FactValue) -> FactValue
    /// The type of the result.
    let output: ExpressionType

    /// Resolves a filter for an input type.
    ///
    /// - Parameters:
    ///   - inputText: How messages name the input: the placeholder's expression, or the filter before.
    /// - Returns: The filter, or the diagnostic that says why it does not apply.
    static func resolve(
        name: String,
        nameRange: SourceRange,
        arguments: [Argument],
        input: ExpressionType,
        inputText: String,
        environment: ExpressionEnvironment
    ) -> Result<TemplateFilter, ExpressionError.Diagnostic> {
        guard let arity = arities.first(where: { $0.name == name })?.arity else {
            let problem = ExpressionError.Problem.unknownFilter(
                name, suggestion: suggestion(for: name, among: arities.map(\.name)))
            return .failure(ExpressionError.Diagnostic(problem, at: nameRange))
        }
        guard arity.contains(arguments.count) else {
            let expected: String
            switch (arity.lowerBound, arity.upperBound) {
            case (0, 0): expected = "no arguments"
            case (0, let most): expected = most == 1 ? "at most 1 argument" : "at most \(most) arguments"
            case (let least, let most) where least == most: expected = least == 1 ? "1 argument" : "\(least) arguments"
            case (let least, let most): expected = "\(least) to \(most) arguments"
            }
            let problem = ExpressionError.Problem.argumentCount(
                callee: "filter '\(name)'", expected: expected, found: arguments.count)
            return .failure(ExpressionError.Diagnostic(problem, at: nameRange))
        }
        func inputMismatch(_ expected: String) -> Result<TemplateFilter, ExpressionError.Diagnostic> {
            let problem = ExpressionError.Problem.type(
                "filter '\(name)' needs \(expected), found \(input.valueType) (\(inputText))")
            return .failure(ExpressionError.Diagnostic(problem, at: nameRange))
        }
        func argumentMismatch(_ index: Int, _ expected: String) -> Result<TemplateFilter, ExpressionError.Diagnostic> {
            let argument = arguments[index]
            let found = argument.value.kindName
            let problem = ExpressionError.Problem.type(
                "argument \(index + 1) of filter '\(name)' must be \(expected), found \(found)")
            return .failure(ExpressionError.Diagnostic(problem, at: argument.range))
        }
        func string(_ index: Int) -> String? {
            guard index < arguments.count, case .string(let text) = arguments[index].value else { return nil }
            return text
        }
        let zone = environment.timeZone
        let optional = input.isOptional
        func strict(
            _ output: ValueType, _ transform: @escaping @Sendable (FactValue) -> FactValue
        ) -> Result<TemplateFilter, ExpressionError.Diagnostic> {
            .success(
                TemplateFilter(
                    apply: { $0.isNull ? .null : transform($0) }, output: ExpressionType(output, isOptional: optional)))
        }

        switch name {
        case "join":
            guard case .list = input.valueType else { return inputMismatch("a list") }
            if !arguments.isEmpty, string(0) == nil { return argumentMismatch(0, "a string") }
            let separator = string(0) ?? ", "
            return strict(.string) { value in
                guard case .list(let elements) = value else { return .null }
                return .string(elements.map { ValueFormatting.text($0, timeZone: zone) }.joined(separator: separator))
            }
        case "humanize":
            switch input.valueType {
            case .duration:
                return strict(.string) { value in
                    guard case .duration(let duration) = value else { return .null }
                    return .string(ValueFormatting.humanize(duration))
                }
            case .number:
                return strict(.string) { value in
                    guard case .number(let number) = value else { return .null }
                    return .string(ValueFormatting.humanize(number))
                }
            default:
                return inputMismatch("a duration or a number")
            }
        case "humanizeBytes":
            guard input.valueType == .number else { return inputMismatch("a number") }
            return strict(.string) { value in
                guard case .number(let number) = value else { return .null }
                return .string(ValueFormatting.humanizeBytes(number))
            }
        case "upper", "lower":
            guard input.valueType == .string else { return inputMismatch("a string") }
            let isUpper = name == "upper"
            return strict(.string) { value in
                guard case .string(let text) = value else { return .null }
                return .string(isUpper ? text.uppercased() : text.lowercased())
            }
        case "default":
            let fallback = arguments[0].value
            if fallback.conforms(to: input.valueType) {
                return .success(
                    TemplateFilter(apply: { $0.isNull ? fallback : $0 }, output: ExpressionType(input.valueType)))
            }
            guard case .string = fallback else { return argumentMismatch(0, "\(input.valueType) or a string") }
            let filter = TemplateFilter(
                apply: { $0.isNull ? fallback : .string(ValueFormatting.text($0, timeZone: zone)) },
                output: ExpressionType(.string))
            return .success(filter)
        case "printf":
            guard let format = string(0) else { return argumentMismatch(0, "a string") }
            let printf: PrintfFormat
            switch PrintfFormat.parse(format) {
            case .success(let parsed): printf = parsed
            case .failure(let error):
                return .failure(
                    ExpressionError.Diagnostic(.invalidFormat(format, reason: error.reason), at: arguments[0].range))
            }
            if printf.verb == .text {
                return strict(.string) { .string(printf.format(text: ValueFormatting.text($0, timeZone: zone))) }
            }
            guard input.valueType == .number else { return inputMismatch("a number for '\(format)'") }
            return strict(.string) { value in
                guard case .number(let number) = value else { return .null }
                return .string(printf.format(number: number))
            }
        case "date":
            guard input.valueType == .timestamp else { return inputMismatch("a timestamp") }
            var layout = DateLayout.rfc3339
            if !arguments.isEmpty {
                guard let text = string(0) else { return argumentMismatch(0, "a string") }
                guard let parsed = DateLayout(text) else {
                    return .failure(ExpressionError.Diagnostic(.invalidDateLayout(text), at: arguments[0].range))
                }
                layout = parsed
            }
            var timeZone = zone
            if arguments.count > 1 {
                guard let name = string(1) else { return argumentMismatch(1, "a string") }
                guard let named = TimeZone(identifier: name) else {
                    return .failure(ExpressionError.Diagnostic(.unknownTimeZone(name), at: arguments[1].range))
                }
                timeZone = named
            }
            let (chosenLayout, chosenZone) = (layout, timeZone)
            return strict(.string) { value in
                guard case .timestamp(let date) = value, let text = chosenLayout.format(date, in: chosenZone) else {
                    return .null
                }
                return .string(text)
            }
        default:
            return inputMismatch("a value")
        }
    }
}
