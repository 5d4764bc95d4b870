import TransferWatchConfig

/// Turns the text of an expression into ``Token``s, reporting every bad token without stopping.
///
/// A token that is wrong but whose kind is clear (a malformed duration, a string with a bad escape)
/// is still produced, with a diagnostic, so the parser and the type checker can look at the rest.
/// A character that starts no token is reported and skipped.
///
/// ```swift
/// var lexer = Lexer("server.age > 6h")
/// let (tokens, diagnostics) = lexer.tokenize()   // server . age > 6h <end>
/// ```
package struct Lexer {
    /// Whether the lexer reads a whole expression, or the inside of a template placeholder up to its `}}`.
    package enum Mode: Sendable {
        case expression
        case placeholder
    }

    private let scalars: [Unicode.Scalar]
    private let mode: Mode
    private var index: Int
    private var line: Int
    private var column: Int
    private var tokens: [Token] = []
    private var diagnostics: [ExpressionError.Diagnostic] = []

    /// Creates a lexer for a whole expression.
    package init(_ source: String) {
        self.init(scalars: Array(source.unicodeScalars), from: 0, at: .start, mode: .expression)
    }

    /// Creates a lexer that starts at `index` of `scalars`, whose position is `position`.
    ///
    /// In ``Mode/placeholder`` it stops after the first `}}` outside a string literal and ends the
    /// tokens with ``Token/Kind/closeBraces``; at the end of the input it ends them with ``Token/Kind/end``.
    package init(scalars: [Unicode.Scalar], from index: Int, at position: SourcePosition, mode: Mode) {
        self.scalars = scalars
        self.mode = mode
        self.index = index
        self.line = position.line
        self.column = position.column
    }

    /// Reads every token.
    ///
    /// - Returns: The tokens, always ending with `.end` or `.closeBraces`; the diagnostics, in source order;
    ///   and the index of the first scalar after the last token (after `}}` in placeholder mode).
    package mutating func tokenize() -> (tokens: [Token], diagnostics: [ExpressionError.Diagnostic], endIndex: Int) {
        while true {
            skipWhitespace()
            guard let scalar = peek() else {
                let here = position
                tokens.append(Token(.end, text: "", range: SourceRange(start: here, end: here)))
                break
            }
            if mode == .placeholder, scalar == "}", peek(1) == "}" {
                let start = position
                advance(2)
                tokens.append(Token(.closeBraces, text: "}}", range: SourceRange(start: start, end: position)))
                break
            }
            lexToken(startingWith: scalar)
        }
        return (tokens, diagnostics, index)
    }

    // MARK: - Tokens

    private mutating func lexToken(startingWith scalar: Unicode.Scalar) {
        if isDigit(scalar) {
            lexNumberOrDuration()
        } else if isIdentifierStart(scalar) {
            lexWord()
        } else if scalar == "\"" || scalar == "'" {
            lexString(quote: scalar)
        } else {
            lexPunctuation(scalar)
        }
    }

    private mutating func lexWord() {
        let start = position
        let text = readIdentifier()
        let kind: Token.Kind = Token.Keyword(rawValue: text).map { .keyword($0) } ?? .identifier(text)
        tokens.append(Token(kind, text: text, range: SourceRange(start: start, end: position)))
    }

    private mutating func lexNumberOrDuration() {
        let start = position
        let startIndex = index
        var isWholeNumber = true
        while let scalar = peek(), isDigit(scalar) { advance() }
        if peek() == ".", let next = peek(1), isDigit(next) {
            isWholeNumber = false
            advance()
            while let scalar = peek(), isDigit(scalar) { advance() }
        }
        if peek() == "e" || peek() == "E" {
            let signed = peek(1) == "+" || peek(1) == "-"
            if let digit = peek(signed ? 2 : 1), isDigit(digit) {
                isWholeNumber = false
                advance(signed ? 2 : 1)
                while let scalar = peek(), isDigit(scalar) { advance() }
            }
        }
        // Letters right after the number make a duration: 30s, 1h30m (and 1.5h, 2days are malformed ones).
        if let scalar = peek(), isIdentifierStart(scalar) {
            while let scalar = peek(), isIdentifierContinue(scalar) { advance() }
            let text = self.text(from: startIndex)
            let range = SourceRange(start: start, end: position)
            if isWholeNumber, let duration = parseDuration(text) {
                tokens.append(Token(.duration(duration), text: text, range: range))
            } else {
                report(.malformedDuration(text), at: range)
                tokens.append(Token(.duration(.zero), text: text, range: range))
            }
            return
        }
        // A number, a space and a unit word (`2 days`, `5 min`) is a duration written the wrong way.
        if let unitEnd = unitWordEnd() {
            let end = unitEnd
            while index < end { advance() }
            let text = self.text(from: startIndex)
            let range = SourceRange(start: start, end: position)
            report(.malformedDuration(text), at: range)
            tokens.append(Token(.duration(.zero), text: text, range: range))
            return
        }
        let text = self.text(from: startIndex)
        let range = SourceRange(start: start, end: position)
        if let value = Double(text), value.isFinite {
            tokens.append(Token(.number(value), text: text, range: range))
        } else {
            report(.numberOutOfRange(text), at: range)
            tokens.append(Token(.number(0), text: text, range: range))
        }
    }

    /// The index just after a unit word that follows the current position after spaces on the same line, if any.
    private func unitWordEnd() -> Int? {
        var cursor = index
        while cursor < scalars.count, scalars[cursor] == " " || scalars[cursor] == "\t" { cursor += 1 }
        guard cursor > index, cursor < scalars.count, isIdentifierStart(scalars[cursor]) else { return nil }
        var word = ""
        while cursor < scalars.count, isIdentifierContinue(scalars[cursor]) {
            word.unicodeScalars.append(scalars[cursor])
            cursor += 1
        }
        return Lexer.unitWords.contains(word.lowercased()) ? cursor : nil
    }

    /// Words that, after a number and a space, show that a duration was meant.
    private static let unitWords: Set<String> = [
        "ms", "millisecond", "milliseconds", "s", "sec", "secs", "second", "seconds",
        "m", "min", "mins", "minute", "minutes", "h", "hr", "hrs", "hour", "hours",
        "d", "day", "days", "w", "wk", "wks", "week", "weeks", "mo", "month", "months", "y", "yr", "year", "years",
    ]

    /// Reads a string literal. Double-quoted strings resolve escapes; single-quoted ones are raw (every
    /// character stands for itself, which suits regular expressions: `'[a-z]+\.pdf'`).
    private mutating func lexString(quote: Unicode.Scalar) {
        let start = position
        let startIndex = index
        advance()
        var value = ""
        while true {
            guard let scalar = peek(), scalar != "\n" else {
                report(.unterminatedString, at: SourceRange(start: start, end: position))
                tokens.append(
                    Token(.string(value), text: text(from: startIndex), range: SourceRange(start: start, end: position))
                )
                return
            }
            if scalar == quote {
                advance()
                break
            }
            if scalar == "\\", quote == "\"" {
                lexEscape(into: &value)
                continue
            }
            value.unicodeScalars.append(scalar)
            advance()
        }
        tokens.append(
            Token(.string(value), text: text(from: startIndex), range: SourceRange(start: start, end: position)))
    }

    /// Reads one escape sequence (the current scalar is the backslash) and appends what it stands for.
    private mutating func lexEscape(into value: inout String) {
        let start = position
        let startIndex = index
        advance()
        guard let scalar = peek(), scalar != "\n" else { return }  // the string is unterminated; reported by the caller
        advance()
        switch scalar {
        case "\\": value.append("\\")
        case "\"": value.append("\"")
        case "'": value.append("'")
        case "n": value.append("\n")
        case "t": value.append("\t")
        case "r": value.append("\r")
        case "0": value.append("\u{0}")
        case "u":
            if peek() == "{" {
                advance()
                var hex = ""
                while let digit = peek(), digit.properties.isASCIIHexDigit, hex.unicodeScalars.count < 8 {
                    hex.unicodeScalars.append(digit)
                    advance()
                }
                if peek() == "}", !hex.isEmpty, let code = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(code) {
                    advance()
                    value.unicodeScalars.append(decoded)
                    return
                }
            }
            report(.unknownEscape(text(from: startIndex)), at: SourceRange(start: start, end: position))
        default:
            report(.unknownEscape(text(from: startIndex)), at: SourceRange(start: start, end: position))
        }
    }

    private mutating func lexPunctuation(_ scalar: Unicode.Scalar) {
        let start = position
        let next = peek(1)
        func emit(_ kind: Token.Kind, length: Int) {
            let startIndex = index
            advance(length)
            tokens.append(Token(kind, text: text(from: startIndex), range: SourceRange(start: start, end: position)))
        }
        func reject(_ text: String, hint: String?) {
            advance(text.unicodeScalars.count)
            report(.unexpectedCharacter(text, hint: hint), at: SourceRange(start: start, end: position))
        }
        switch scalar {
        case "(": emit(.leftParen, length: 1)
        case ")": emit(.rightParen, length: 1)
        case "[": emit(.leftBracket, length: 1)
        case "]": emit(.rightBracket, length: 1)
        case ",": emit(.comma, length: 1)
        case ".": emit(.dot, length: 1)
        case "+": emit(.plus, length: 1)
        case "-": emit(.minus, length: 1)
        case "*": emit(.star, length: 1)
        case "/": emit(.slash, length: 1)
        case "%": emit(.percent, length: 1)
        case "<": next == "=" ? emit(.lessEqual, length: 2) : emit(.less, length: 1)
        case ">": next == "=" ? emit(.greaterEqual, length: 2) : emit(.greater, length: 1)
        case "=":
            if next == "=" {
                emit(.equal, length: 2)
            } else if next == "~" {
                reject("=~", hint: "use matches(text, \"pattern\")")
            } else {
                reject("=", hint: "use '==' to compare")
            }
        case "!":
            if next == "=" {
                emit(.notEqual, length: 2)
            } else if next == "~" {
                reject("!~", hint: "use not matches(text, \"pattern\")")
            } else {
                reject("!", hint: "use 'not'")
            }
        case "&": reject(next == "&" ? "&&" : "&", hint: "use 'and'")
        case "|": next == "|" ? reject("||", hint: "use 'or'") : emit(.pipe, length: 1)
        default: reject(String(scalar), hint: nil)
        }
    }

    // MARK: - Scalars

    private var position: SourcePosition {
        SourcePosition(line: line, column: column, offset: index)
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let target = index + ahead
        return target < scalars.count ? scalars[target] : nil
    }

    private mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where index < scalars.count {
            if scalars[index] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += 1
        }
    }

    private mutating func skipWhitespace() {
        while let scalar = peek(), scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            advance()
        }
    }

    private mutating func readIdentifier() -> String {
        let startIndex = index
        while let scalar = peek(), isIdentifierContinue(scalar) { advance() }
        return text(from: startIndex)
    }

    private func text(from startIndex: Int) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[startIndex..<index])
        return text
    }

    private mutating func report(_ problem: ExpressionError.Problem, at range: SourceRange) {
        diagnostics.append(ExpressionError.Diagnostic(problem, at: range))
    }
}

private func isDigit(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value >= 0x30 && scalar.value <= 0x39
}

private func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
    (scalar.value >= 0x41 && scalar.value <= 0x5A) || (scalar.value >= 0x61 && scalar.value <= 0x7A) || scalar == "_"
}

private func isIdentifierContinue(_ scalar: Unicode.Scalar) -> Bool {
    isIdentifierStart(scalar) || isDigit(scalar)
}
