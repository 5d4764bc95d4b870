/// One token of an expression, with the text it came from and where.
package struct Token: Sendable, Equatable, CustomStringConvertible {
    /// What the token is.
    package enum Kind: Sendable, Equatable {
        /// A number literal: `3`, `0.30`, `1e6`.
        case number(Double)
        /// A string literal: `"failed"`, `"a\tb"` (escapes resolved), `'[a-z]+\.pdf'` (raw).
        case string(String)
        /// A duration literal: `500ms`, `30s`, `1h30m`, `2d`, `1w`.
        case duration(Duration)
        /// A name: a field (`server`), a member (`age` in `server.age`) or a function (`len`).
        case identifier(String)
        /// A reserved word.
        case keyword(Keyword)
        /// `(` `)` `[` `]`.
        case leftParen, rightParen, leftBracket, rightBracket
        /// `,` `.` and `|` (which only templates use, before a filter).
        case comma, dot, pipe
        /// `+` `-` `*` `/` `%`.
        case plus, minus, star, slash, percent
        /// `==` `!=` `<` `<=` `>` `>=`.
        case equal, notEqual, less, lessEqual, greater, greaterEqual
        /// `}}`, which ends a template placeholder (only produced in template mode).
        case closeBraces
        /// The end of the input.
        case end
    }

    /// The reserved words of the language.
    package enum Keyword: String, Sendable, CaseIterable {
        /// `and`, `or`, `not`, `in`, `true`, `false`, `null`, `it`.
        case and, or, not, `in`, `true`, `false`, null, it
    }

    /// What the token is.
    package var kind: Kind
    /// Where it is.
    package var range: SourceRange
    /// The source text it was read from.
    package var text: String

    /// Creates a token.
    package init(_ kind: Kind, text: String, range: SourceRange) {
        self.kind = kind
        self.text = text
        self.range = range
    }

    /// How messages name the token: `'server'`, `'('`, `end of input`.
    package var description: String {
        switch kind {
        case .end: return "end of input"
        case .closeBraces: return "'}}'"
        default: return "'\(text)'"
        }
    }
}
