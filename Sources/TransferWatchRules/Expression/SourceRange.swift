/// A position in the text of an expression or a template.
///
/// Lines and columns are 1-based and count Unicode scalars, so `1:12` is the twelfth scalar of the
/// first line. `offset` is the 0-based index of the same scalar in the whole text.
package struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 1-based line.
    package var line: Int
    /// The 1-based column, in Unicode scalars.
    package var column: Int
    /// The 0-based offset from the start of the text, in Unicode scalars.
    package var offset: Int

    /// The first scalar of a text: `1:1`, offset 0.
    package static let start = SourcePosition(line: 1, column: 1, offset: 0)

    /// Creates a position.
    package init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `line:column`, as in `1:12`.
    package var description: String { "\(line):\(column)" }

    /// Whether `lhs` comes first in the text.
    package static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        lhs.offset < rhs.offset
    }
}

/// The span of text a token, an expression node or an error refers to: from `start` up to, not including, `end`.
package struct SourceRange: Sendable, Hashable, CustomStringConvertible {
    /// The first scalar of the span.
    package var start: SourcePosition
    /// The position just after the last scalar of the span.
    package var end: SourcePosition

    /// Creates a range.
    package init(start: SourcePosition, end: SourcePosition) {
        self.start = start
        self.end = end
    }

    /// The range from the start of `self` to the end of `other`.
    package func through(_ other: SourceRange) -> SourceRange {
        SourceRange(start: min(start, other.start), end: max(end, other.end))
    }

    /// The start position, `line:column`: what diagnostics print.
    package var description: String { start.description }
}
