/// Splits a command line into words as Python's `shlex.split` does in POSIX mode: what botocore uses for
/// `credential_process` (which runs without a shell) and for `[profile "quoted name"]` headers.
///
/// Whitespace separates words; `'…'` is literal; inside `"…"` a backslash escapes only `"` and `\`; outside
/// quotes a backslash escapes any character; quoted and unquoted parts next to each other form one word;
/// `''` is an empty word. There are no comments, variables or globs.
package enum ShellWords {
    /// Why a line could not be split.
    package enum SplitError: Error, Sendable, Equatable, CustomStringConvertible {
        /// A `'` or `"` is never closed.
        case unclosedQuote
        /// The line ends with a lone backslash.
        case trailingBackslash

        /// The reason, as `shlex` words it.
        package var description: String {
            switch self {
            case .unclosedQuote: "no closing quotation"
            case .trailingBackslash: "no escaped character after the final backslash"
            }
        }
    }

    /// The words of `line`.
    package static func split(_ line: String) throws(SplitError) -> [String] {
        enum State { case between, word, single, double }
        var words: [String] = []
        var word = ""
        var state = State.between
        var characters = line.unicodeScalars.makeIterator()
        while let scalar = characters.next() {
            switch state {
            case .between, .word:
                switch scalar {
                case " ", "\t", "\n", "\r":
                    if state == .word {
                        words.append(word)
                        word = ""
                    }
                    state = .between
                case "'":
                    state = .single
                case "\"":
                    state = .double
                case "\\":
                    guard let escaped = characters.next() else { throw .trailingBackslash }
                    word.unicodeScalars.append(escaped)
                    state = .word
                default:
                    word.unicodeScalars.append(scalar)
                    state = .word
                }
            case .single:
                if scalar == "'" { state = .word } else { word.unicodeScalars.append(scalar) }
            case .double:
                switch scalar {
                case "\"":
                    state = .word
                case "\\":
                    guard let escaped = characters.next() else { throw .unclosedQuote }
                    if escaped != "\"" && escaped != "\\" { word.unicodeScalars.append("\\") }
                    word.unicodeScalars.append(escaped)
                default:
                    word.unicodeScalars.append(scalar)
                }
            }
        }
        switch state {
        case .single, .double: throw .unclosedQuote
        case .word: words.append(word)
        case .between: break
        }
        return words
    }
}
