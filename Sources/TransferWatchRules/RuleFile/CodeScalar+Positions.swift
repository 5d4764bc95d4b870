import TransferWatchConfig
import Yams

extension CodeScalar {
    /// Maps a position inside the scalar's text (an expression's or template's `line:col`) onto the file.
    ///
    /// A plain or quoted scalar's first line starts at the node's column (one further for the quote); later
    /// lines of a multi-line flow scalar are taken as written. A literal block (`|`) keeps its lines, so
    /// line *k* of the text is line *k* below the indicator, shifted by the block's indentation. A folded block
    /// (`>`) joins its lines with spaces, so the position is found by walking the source lines.
    ///
    /// - Parameters:
    ///   - position: The position in ``text``.
    ///   - lines: The file's lines, for block scalars.
    func location(of position: SourcePosition, lines: [Substring]) -> SourceLocation {
        let mark = location
        switch scalar.style {
        case .literal:
            let line = mark.line + position.line
            return SourceLocation(
                file: mark.file, line: line, column: blockIndent(lines: lines) + position.column)
        case .folded:
            return foldedLocation(of: position, lines: lines)
        case .singleQuoted, .doubleQuoted:
            guard position.line == 1 else { return continuation(position) }
            return SourceLocation(file: mark.file, line: mark.line, column: mark.column + position.column)
        case .plain, .any:
            guard position.line == 1 else { return continuation(position) }
            return SourceLocation(file: mark.file, line: mark.line, column: mark.column + position.column - 1)
        }
    }

    private func continuation(_ position: SourcePosition) -> SourceLocation {
        SourceLocation(file: location.file, line: location.line + position.line - 1, column: position.column)
    }

    /// The number of spaces before the first non-blank line of the block below the indicator.
    private func blockIndent(lines: [Substring]) -> Int {
        var index = location.line  // the line after the indicator, 0-based
        while index < lines.count {
            let line = lines[index]
            if !line.allSatisfy({ $0 == " " }) { return line.prefix { $0 == " " }.count }
            index += 1
        }
        return 0
    }

    private func foldedLocation(of position: SourcePosition, lines: [Substring]) -> SourceLocation {
        let indent = blockIndent(lines: lines)
        var textLine = 1
        var textColumn = 1
        var index = location.line
        var last = SourceLocation(file: location.file, line: location.line + 1, column: indent + 1)
        while index < lines.count {
            let line = lines[index]
            let isBlank = line.allSatisfy { $0 == " " }
            if !isBlank && line.prefix(while: { $0 == " " }).count < indent { break }
            if isBlank {
                textLine += 1
                textColumn = 1
            } else {
                if textColumn > 1 { textColumn += 1 }  // the space the fold put between lines
                let content = line.dropFirst(indent)
                let length = content.unicodeScalars.count
                if position.line == textLine, position.column >= textColumn, position.column <= textColumn + length {
                    return SourceLocation(
                        file: location.file, line: index + 1, column: indent + 1 + position.column - textColumn)
                }
                last = SourceLocation(file: location.file, line: index + 1, column: indent + 1 + length)
                textColumn += length
            }
            index += 1
        }
        return last
    }
}
