/// Every problem found in one expression or template, each with its position.
///
/// The lexer reports every bad token, the parser its first syntax error, and the type checker every
/// type error it can find without cascading, so one `compile` shows an author as much as possible.
/// The diagnostics are sorted by position; there is always at least one.
///
/// ```
/// 1:12: type error: cannot compare duration with string ("x")
/// 1:5: unknown field 'sever' (did you mean 'server'?)
/// ```
package struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, in source order.
    package var diagnostics: [Diagnostic]

    /// Creates an error from diagnostics, sorting them by position.
    package init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.enumerated()
            .sorted { ($0.element.range.start, $0.offset) < ($1.element.range.start, $1.offset) }
            .map(\.element)
    }

    /// One line per diagnostic, `line:col: message`.
    package var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }

    /// One problem at one place.
    package struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong.
        package var problem: Problem
        /// Where: the token or expression at fault.
        package var range: SourceRange

        /// Creates a diagnostic.
        package init(_ problem: Problem, at range: SourceRange) {
            self.problem = problem
            self.range = range
        }

        /// The message without the position, e.g. `unknown field 'sever' (did you mean 'server'?)`.
        package var message: String { problem.message }

        /// `line:col: message`.
        package var description: String { "\(range.start): \(message)" }
    }

    /// The kinds of problem, each with the details its message needs.
    package enum Problem: Sendable, Equatable {
        // MARK: Tokens

        /// A character (or a pair, such as `&&`) that starts no token; `hint` says what to write instead.
        case unexpectedCharacter(String, hint: String?)
        /// A string literal without its closing quote on the same line.
        case unterminatedString
        /// A backslash escape that strings do not support, such as `\q`.
        case unknownEscape(String)
        /// A duration that does not parse, such as `2 days` or `1.5h`.
        case malformedDuration(String)
        /// A number literal too large for a `Double`, such as `1e999`.
        case numberOutOfRange(String)

        // MARK: Syntax

        /// An expression was expected; `found` describes the token there instead.
        case expectedExpression(found: String)
        /// A bracket was not closed: `expected ')' to close '(' at 1:4`.
        case unclosed(open: String, close: String, openedAt: SourcePosition)
        /// `.` not followed by a field name.
        case expectedFieldName(found: String)
        /// A token left over after a complete expression.
        case unexpectedToken(String)
        /// `a < b < c`.
        case chainedComparison(String)
        /// `server.age(1)`: only functions can be called.
        case notCallable(String)
        /// More nesting than the parser allows.
        case tooDeep(limit: Int)
        /// `|` in an expression outside a template.
        case pipeOutsideTemplate
        /// `{{` without its `}}`.
        case unclosedPlaceholder
        /// `{{ }}`.
        case emptyPlaceholder
        /// `|` not followed by a filter name.
        case expectedFilterName(found: String)
        /// A filter argument that is not a literal.
        case filterArgumentNotLiteral(filter: String)

        // MARK: Names

        /// A field the schema does not have, with the nearest name that it does have.
        case unknownField(String, suggestion: String?)
        /// A function that does not exist, with the nearest one that does.
        case unknownFunction(String, suggestion: String?)
        /// A template filter that does not exist, with the nearest one that does.
        case unknownFilter(String, suggestion: String?)
        /// A function name used without a call, such as `len`.
        case functionUsedAsValue(String)
        /// `it` outside the condition of `any`, `all`, `count` or `filter`.
        case elementOutsideCondition

        // MARK: Types and arguments

        /// An operand, argument or result of the wrong type; the text follows `type error: `.
        case type(String)
        /// A function or filter called with the wrong number of arguments.
        case argumentCount(callee: String, expected: String, found: Int)
        /// An argument that must be a literal (a regular expression, a time zone, a format) is not one.
        case literalRequired(callee: String, argument: Int, kind: String)
        /// A regular expression that does not compile.
        case invalidRegex(String)
        /// A time zone name the system does not know.
        case unknownTimeZone(String)
        /// A `printf` format that is not exactly one supported conversion.
        case invalidFormat(String, reason: String)
        /// A `date` layout with no element of Go's reference time in it.
        case invalidDateLayout(String)

        /// The message, without a position.
        package var message: String {
            switch self {
            case .unexpectedCharacter(let text, let hint):
                return hint.map { "unexpected '\(text)' (\($0))" } ?? "unexpected character '\(text)'"
            case .unterminatedString:
                return "unterminated string"
            case .unknownEscape(let escape):
                return "unknown escape '\(escape)' in string"
            case .malformedDuration(let text):
                return "malformed duration '\(text)'"
            case .numberOutOfRange(let text):
                return "number '\(text)' is out of range"
            case .expectedExpression(let found):
                return "expected an expression, found \(found)"
            case .unclosed(let open, let close, let openedAt):
                return "expected '\(close)' to close '\(open)' at \(openedAt)"
            case .expectedFieldName(let found):
                return "expected a field name after '.', found \(found)"
            case .unexpectedToken(let found):
                return "unexpected \(found) after the expression"
            case .chainedComparison(let op):
                return "'\(op)' cannot follow another comparison (join comparisons with 'and')"
            case .notCallable(let text):
                return "'\(text)' is not a function"
            case .tooDeep(let limit):
                return "expression is nested too deeply (at most \(limit) levels)"
            case .pipeOutsideTemplate:
                return "'|' is only allowed in templates (use 'or')"
            case .unclosedPlaceholder:
                return "unclosed '{{' (expected '}}')"
            case .emptyPlaceholder:
                return "empty placeholder '{{ }}'"
            case .expectedFilterName(let found):
                return "expected a filter name after '|', found \(found)"
            case .filterArgumentNotLiteral(let filter):
                return "arguments of filter '\(filter)' must be literals"
            case .unknownField(let name, let suggestion):
                return "unknown field '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
            case .unknownFunction(let name, let suggestion):
                return "unknown function '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
            case .unknownFilter(let name, let suggestion):
                return "unknown filter '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
            case .functionUsedAsValue(let name):
                return "'\(name)' is a function: call it as \(name)(...)"
            case .elementOutsideCondition:
                return "'it' is only defined inside the condition of any, all, count or filter"
            case .type(let text):
                return "type error: \(text)"
            case .argumentCount(let callee, let expected, let found):
                return "\(callee) takes \(expected), found \(found)"
            case .literalRequired(let callee, let argument, let kind):
                return "argument \(argument) of \(callee) must be a \(kind) literal"
            case .invalidRegex(let pattern):
                return "invalid regular expression '\(pattern)'"
            case .unknownTimeZone(let name):
                return "unknown time zone '\(name)'"
            case .invalidFormat(let format, let reason):
                return "invalid printf format '\(format)': \(reason)"
            case .invalidDateLayout(let layout):
                return "date layout '\(layout)' has no element of the reference time 2006-01-02 15:04:05"
            }
        }
    }
}
