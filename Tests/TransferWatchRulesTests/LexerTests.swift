import Testing
import TransferWatchRules

@Suite struct LexerTests {
    struct TokenCase: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        /// Each token as `kind:text`, without the end token.
        let tokens: [String]
        var testDescription: String { name }
    }

    @Test(arguments: [
        TokenCase(
            name: "field access and comparison", source: "server.age > 6h",
            tokens: ["id:server", ".:.", "id:age", ">:>", "duration:6h=21600s"]),
        TokenCase(
            name: "every duration unit", source: "500ms 30s 15m 6h 2d 1w",
            tokens: [
                "duration:500ms=0.5s", "duration:30s=30s", "duration:15m=900s", "duration:6h=21600s",
                "duration:2d=172800s", "duration:1w=604800s",
            ]),
        TokenCase(name: "compound duration", source: "1h30m", tokens: ["duration:1h30m=5400s"]),
        TokenCase(name: "zero duration", source: "0s", tokens: ["duration:0s=0s"]),
        TokenCase(
            name: "numbers: whole, fraction, exponent", source: "3 0.30 1e6 2.5E-3",
            tokens: [
                "number:3=3.0", "number:0.30=0.3", "number:1e6=1000000.0", "number:2.5E-3=0.0025",
            ]),
        TokenCase(
            name: "double- and single-quoted strings", source: #""failed" 'ok'"#,
            tokens: [#"string:"failed"=failed"#, "string:'ok'=ok"]),
        TokenCase(
            name: "single-quoted strings are raw", source: #"'[a-z]+\.pdf\n'"#,
            tokens: [#"string:'[a-z]+\.pdf\n'=[a-z]+\.pdf\n"#]),
        TokenCase(
            name: "string escapes", source: #""a\"b\\c\nd\te\u{1F600}'""#,
            tokens: [#"string:"a\"b\\c\nd\te\u{1F600}'"=a"b\c"# + "\nd\te😀'"]),
        TokenCase(
            name: "keywords and identifiers", source: "not x and y or true in false null it",
            tokens: [
                "keyword:not", "id:x", "keyword:and", "id:y", "keyword:or", "keyword:true", "keyword:in",
                "keyword:false", "keyword:null", "keyword:it",
            ]),
        TokenCase(
            name: "two-character operators before one-character ones", source: "a<=b>=c<d>e==f!=g",
            tokens: [
                "id:a", "<=:<=", "id:b", ">=:>=", "id:c", "<:<", "id:d", ">:>", "id:e", "==:==", "id:f", "!=:!=",
                "id:g",
            ]),
        TokenCase(
            name: "arithmetic and punctuation", source: "(a+b)*-c/d%e,[f]|g",
            tokens: [
                "(:(", "id:a", "+:+", "id:b", "):)", "*:*", "-:-", "id:c", "/:/", "id:d", "%:%", "id:e", ",:,", "[:[",
                "id:f", "]:]", "|:|", "id:g",
            ]),
        TokenCase(
            name: "a number then a dot is a member access", source: "1.x", tokens: ["number:1=1.0", ".:.", "id:x"]),
        TokenCase(
            name: "a number and a word that is not a unit stay apart", source: "2 and",
            tokens: ["number:2=2.0", "keyword:and"]),
        TokenCase(name: "underscores and digits in names", source: "_a1 b_2", tokens: ["id:_a1", "id:b_2"]),
    ])
    func tokenizes(_ test: TokenCase) {
        var lexer = Lexer(test.source)
        let (tokens, diagnostics, _) = lexer.tokenize()
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(tokens.last?.kind == .end)
        #expect(tokens.dropLast().map(describe) == test.tokens)
    }

    @Test func recordsLineAndColumnOfEveryToken() {
        var lexer = Lexer("a and\n  bb >= 3")
        let (tokens, _, _) = lexer.tokenize()
        #expect(tokens.map(\.range.start.description) == ["1:1", "1:3", "2:3", "2:6", "2:9", "2:10"])
        #expect(tokens.map(\.range.end.description) == ["1:2", "1:6", "2:5", "2:8", "2:10", "2:10"])
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        let errors: [String]
        var testDescription: String { name }
    }

    @Test(arguments: [
        ErrorCase(
            name: "duration written with a space", source: "2 days", errors: ["1:1: malformed duration '2 days'"]),
        ErrorCase(name: "duration with a fraction", source: "x > 1.5h", errors: ["1:5: malformed duration '1.5h'"]),
        ErrorCase(name: "duration units out of order", source: "30m1h", errors: ["1:1: malformed duration '30m1h'"]),
        ErrorCase(name: "unknown duration unit", source: "5x", errors: ["1:1: malformed duration '5x'"]),
        ErrorCase(name: "duration unit as a word", source: "3days", errors: ["1:1: malformed duration '3days'"]),
        ErrorCase(
            name: "duration too long", source: "99999999999999999999s",
            errors: ["1:1: malformed duration '99999999999999999999s'"]),
        ErrorCase(name: "number out of range", source: "1e999", errors: ["1:1: number '1e999' is out of range"]),
        ErrorCase(name: "unterminated string", source: #"copy.result == "fail"#, errors: ["1:16: unterminated string"]),
        ErrorCase(
            name: "string ends at the line's end", source: "'a\nb'",
            errors: ["1:1: unterminated string", "2:2: unterminated string"]),
        ErrorCase(name: "unknown escape", source: #""a\qb""#, errors: [#"1:3: unknown escape '\q' in string"#]),
        ErrorCase(
            name: "bad unicode escape", source: #""\u{110000}""#,
            errors: [#"1:2: unknown escape '\u{110000' in string"#]),
        ErrorCase(name: "C-style and", source: "a && b", errors: ["1:3: unexpected '&&' (use 'and')"]),
        ErrorCase(name: "C-style or", source: "a || b", errors: ["1:3: unexpected '||' (use 'or')"]),
        ErrorCase(name: "C-style not", source: "!a", errors: ["1:1: unexpected '!' (use 'not')"]),
        ErrorCase(name: "single equals", source: "a = b", errors: ["1:3: unexpected '=' (use '==' to compare)"]),
        ErrorCase(
            name: "regex match operator", source: "a =~ 'x'",
            errors: [#"1:3: unexpected '=~' (use matches(text, "pattern"))"#]),
        ErrorCase(
            name: "stray characters, all reported", source: "a @ b # c",
            errors: ["1:3: unexpected character '@'", "1:7: unexpected character '#'"]),
        ErrorCase(
            name: "closing braces outside a template", source: "a }}",
            errors: ["1:3: unexpected character '}'", "1:4: unexpected character '}'"]),
    ])
    func reportsEveryBadToken(_ test: ErrorCase) {
        var lexer = Lexer(test.source)
        let (_, diagnostics, _) = lexer.tokenize()
        #expect(diagnostics.map(\.description) == test.errors)
    }

    @Test func keepsAMalformedDurationAsADurationToken() {
        var lexer = Lexer("server.age > 2 days")
        let (tokens, _, _) = lexer.tokenize()
        #expect(tokens.map(\.text) == ["server", ".", "age", ">", "2 days", ""])
        #expect(tokens[4].kind == .duration(.zero))
    }

    @Test func stopsAfterClosingBracesInPlaceholderMode() {
        let scalars = Array("{{ a | join(\"}}\") }} tail".unicodeScalars)
        var lexer = Lexer(
            scalars: scalars, from: 2, at: SourcePosition(line: 1, column: 3, offset: 2), mode: .placeholder)
        let (tokens, diagnostics, end) = lexer.tokenize()
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.text) == ["a", "|", "join", "(", "\"}}\"", ")", "}}"])
        #expect(tokens.last?.kind == .closeBraces)
        #expect(tokens.last?.range.start.description == "1:19")
        #expect(end == 20)
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .number(let value): return "number:\(token.text)=\(value)"
        case .string(let value): return "string:\(token.text)=\(value)"
        case .duration(let value): return "duration:\(token.text)=\(formatSeconds(value))"
        case .identifier(let name): return "id:\(name)"
        case .keyword(let keyword): return "keyword:\(keyword.rawValue)"
        default: return "\(token.text):\(token.text)"
        }
    }

    private func formatSeconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return attoseconds == 0 ? "\(seconds)s" : "\(Double(seconds) + Double(attoseconds) / 1e18)s"
    }
}
