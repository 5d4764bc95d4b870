import Foundation

/// An annotation template: text with `{{ expression }}` and `{{ expression | filter(args) | … }}`
/// placeholders over the same facts and schema as rule expressions, compiled and type-checked once.
///
/// A placeholder's value renders as its default text: numbers without a needless fraction, durations as
/// `1h30m`, timestamps as RFC 3339 in the environment's zone, lists joined by `, `, and an absent value as
/// `<no value>`. Text outside placeholders is copied; to write `{{` itself, use `{{ "{{" }}`.
///
/// Filters apply left to right; arguments are literals, checked when the template is compiled:
///
/// | Filter | Input | Output |
/// |---|---|---|
/// | `join(sep = ", ")` | a list | its elements' text joined by `sep` |
/// | `humanize` | a duration or a number | `2d 3h` (two largest units, truncated), `1.2k` |
/// | `humanizeBytes` | a number | `1.5 MiB` |
/// | `upper`, `lower` | a string | the string in upper or lower case |
/// | `default(value)` | anything | the input, or `value` when the input is absent |
/// | `printf(format)` | a number (anything for `%s`) | one conversion, see ``PrintfFormat`` |
/// | `date(layout = RFC 3339, zone)` | a timestamp | Go's reference-time layouts, see ``DateLayout`` |
///
/// Every filter but `default` passes an absent input through as absent.
///
/// ```swift
/// let summary = try Template.compile(
///     "Server {{ server.id }} has been online for {{ server.age | humanize }}, "
///         + "cost so far: ${{ hours(server.age) * 0.30 | printf(\"%.2f\") }}",
///     schema: schema)
/// summary.render(facts)   // Server s-01 has been online for 3d 2h, cost so far: $22.20
/// ```
package struct Template: Sendable {
    /// The template's text.
    package let source: String
    /// The schema it was checked against.
    package let schema: FactSchema
    private let parts: [Part]
    private let timeZone: TimeZone

    /// Text to copy, or a compiled placeholder with its filters.
    enum Part: Sendable {
        case text(String)
        case placeholder(Thunk, [TemplateFilter])
    }

    /// Parses and checks a template.
    ///
    /// - Throws: ``ExpressionError`` with every problem in every placeholder, positioned in the template's text.
    package static func compile(
        _ source: String,
        schema: FactSchema,
        environment: ExpressionEnvironment = ExpressionEnvironment()
    ) throws(ExpressionError) -> Template {
        var compiler = TemplateCompiler(source: source, schema: schema, environment: environment)
        let parts = compiler.compile()
        guard compiler.diagnostics.isEmpty else { throw ExpressionError(compiler.diagnostics) }
        return Template(source: source, schema: schema, parts: parts, timeZone: environment.timeZone)
    }

    /// Renders the template with one set of facts.
    ///
    /// - Precondition: `facts` were built for this template's schema.
    package func render(_ facts: FactValues) -> String {
        precondition(
            facts.schema.isIdentical(to: schema) || facts.schema == schema, "facts were built for another schema")
        let frame = EvaluationFrame(slots: facts.slots, element: .null, trace: nil)
        var output = ""
        for part in parts {
            switch part {
            case .text(let text):
                output += text
            case .placeholder(let thunk, let filters):
                var value = thunk(frame)
                for filter in filters { value = filter.apply(value) }
                output += ValueFormatting.text(value, timeZone: timeZone)
            }
        }
        return output
    }
}

/// Splits a template into text and placeholders and compiles each placeholder, collecting diagnostics.
struct TemplateCompiler {
    typealias Part = Template.Part

    let schema: FactSchema
    let environment: ExpressionEnvironment
    private let scalars: [Unicode.Scalar]
    private(set) var diagnostics: [ExpressionError.Diagnostic] = []

    init(source: String, schema: FactSchema, environment: ExpressionEnvironment) {
        self.scalars = Array(source.unicodeScalars)
        self.schema = schema
        self.environment = environment
    }

    mutating func compile() -> [Part] {
        var parts: [Part] = []
        var text = ""
        var index = 0
        var position = SourcePosition.start
        func advance(to end: Int) {
            while index < end {
                if scalars[index] == "\n" {
                    position.line += 1
                    position.column = 1
                } else {
                    position.column += 1
                }
                index += 1
                position.offset = index
            }
        }
        while index < scalars.count {
            guard scalars[index] == "{", index + 1 < scalars.count, scalars[index + 1] == "{" else {
                text.unicodeScalars.append(scalars[index])
                advance(to: index + 1)
                continue
            }
            if !text.isEmpty { parts.append(.text(text)) }
            text = ""
            let open = position
            advance(to: index + 2)
            var lexer = Lexer(scalars: scalars, from: index, at: position, mode: .placeholder)
            let (tokens, lexical, end) = lexer.tokenize()
            guard case .closeBraces = tokens.last?.kind else {
                diagnostics.append(
                    ExpressionError.Diagnostic(.unclosedPlaceholder, at: SourceRange(start: open, end: position)))
                return parts
            }
            advance(to: end)
            diagnostics += lexical
            if let placeholder = compilePlaceholder(tokens, open: open, close: position) {
                parts.append(placeholder)
            }
        }
        if !text.isEmpty { parts.append(.text(text)) }
        return parts
    }

    private mutating func compilePlaceholder(_ tokens: [Token], open: SourcePosition, close: SourcePosition) -> Part? {
        if case .closeBraces = tokens.first?.kind {
            diagnostics.append(ExpressionError.Diagnostic(.emptyPlaceholder, at: SourceRange(start: open, end: close)))
            return nil
        }
        var parser = Parser(tokens: tokens)
        let expression: Expression
        var filters: [(name: String, nameRange: SourceRange, arguments: [TemplateFilter.Argument])] = []
        do throws(ExpressionError.Diagnostic) {
            expression = try parser.parseExpression()
            try parser.expectEnd(allowingPipe: true)
            while case .pipe = parser.current.kind {
                parser.consume()
                guard case .identifier(let name) = parser.current.kind else {
                    throw ExpressionError.Diagnostic(
                        .expectedFilterName(found: parser.current.description), at: parser.current.range)
                }
                let nameToken = parser.consume()
                var arguments: [TemplateFilter.Argument] = []
                if case .leftParen = parser.current.kind {
                    arguments = try parseFilterArguments(&parser, filter: name)
                }
                filters.append((name, nameToken.range, arguments))
                try parser.expectEnd(allowingPipe: true)
            }
        } catch {
            diagnostics.append(error)
            return nil
        }
        var checker = TypeChecker(schema: schema, environment: environment, scalars: scalars)
        let (typed, type) = checker.checkRoot(expression, expecting: nil)
        diagnostics += checker.diagnostics
        guard var current = type else { return nil }
        var inputText = checker.text(of: expression)
        var resolved: [TemplateFilter] = []
        for filter in filters {
            let result = TemplateFilter.resolve(
                name: filter.name, nameRange: filter.nameRange, arguments: filter.arguments, input: current,
                inputText: inputText, environment: environment)
            switch result {
            case .success(let resolvedFilter):
                resolved.append(resolvedFilter)
                current = resolvedFilter.output
                inputText = "after '\(filter.name)'"
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
                return nil
            }
        }
        let thunk = Evaluator(timeZone: environment.timeZone).build(typed)
        return .placeholder(thunk, resolved)
    }

    /// Parses `(literal, …)` after a filter name; the cursor is on `(`.
    private func parseFilterArguments(
        _ parser: inout Parser, filter: String
    ) throws(ExpressionError.Diagnostic) -> [TemplateFilter.Argument] {
        let open = parser.consume()
        var arguments: [TemplateFilter.Argument] = []
        let unclosed = ExpressionError.Problem.unclosed(open: "(", close: ")", openedAt: open.range.start)
        while true {
            switch parser.current.kind {
            case .rightParen:
                parser.consume()
                return arguments
            case .end, .closeBraces:
                throw ExpressionError.Diagnostic(unclosed, at: parser.current.range)
            default:
                break
            }
            let argument = try parser.parseExpression()
            guard let value = literalValue(argument) else {
                throw ExpressionError.Diagnostic(.filterArgumentNotLiteral(filter: filter), at: argument.range)
            }
            arguments.append(TemplateFilter.Argument(value: value, range: argument.range))
            switch parser.current.kind {
            case .comma: parser.consume()
            case .rightParen: break
            default: throw ExpressionError.Diagnostic(unclosed, at: parser.current.range)
            }
        }
    }

    /// The value of a literal, or of `-` and a number or duration literal.
    private func literalValue(_ expression: Expression) -> FactValue? {
        switch expression {
        case .literal(.number(let number), _): return .number(number)
        case .literal(.string(let text), _): return .string(text)
        case .literal(.duration(let duration), _): return .duration(duration)
        case .literal(.bool(let bool), _): return .bool(bool)
        case .literal(.null, _): return .null
        case .unary(.negate, .literal(.number(let number), _), _): return .number(-number)
        case .unary(.negate, .literal(.duration(let duration), _), _):
            return .duration(DurationArithmetic.negate(duration))
        default: return nil
        }
    }
}
