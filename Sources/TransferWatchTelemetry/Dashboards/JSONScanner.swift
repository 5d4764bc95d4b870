/// A strict JSON parser (RFC 8259) that keeps each value's line and column, for dashboard files.
///
/// ```swift
/// let document = try JSONScanner.parse(text)          // PositionedJSON
/// // or, on bad input: JSONScanError "3:17: expected ',' or '}' after an object member"
/// ```
///
/// Foundation's `JSONSerialization` reports only a byte offset, and loses positions of valid values; this
/// scanner gives both. Duplicate keys are an error (CloudWatch would silently keep one of them).
package struct JSONScanner {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1
    /// Nesting depth, bounded so a hostile file cannot exhaust the stack.
    private var depth = 0
    private static let maxDepth = 512

    private init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// Parses a whole document.
    ///
    /// - Throws: ``JSONScanError`` at the first problem, with its position.
    package static func parse(_ text: String) throws(JSONScanError) -> PositionedJSON {
        var scanner = JSONScanner(text)
        if scanner.current == "\u{FEFF}" { scanner.advance() }
        let value = try scanner.parseValue()
        scanner.skipWhitespace()
        guard scanner.index == scanner.scalars.count else {
            throw scanner.error("unexpected \(scanner.describeCurrent()) after the end of the document")
        }
        return value
    }

    private var position: TextPosition { TextPosition(line: line, column: column) }
    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private func error(_ message: String, at position: TextPosition? = nil) -> JSONScanError {
        JSONScanError(message: message, position: position ?? self.position)
    }

    private func describeCurrent() -> String {
        guard let current else { return "end of file" }
        if current.value < 0x20 || current.value == 0x7F { return "control character U+\(hex(current.value))" }
        return "'\(current)'"
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private mutating func skipWhitespace() {
        while let current, current == " " || current == "\t" || current == "\n" || current == "\r" { advance() }
    }

    private mutating func expect(_ scalar: Unicode.Scalar, _ message: String) throws(JSONScanError) {
        skipWhitespace()
        guard current == scalar else { throw error("\(message), found \(describeCurrent())") }
        advance()
    }

    private mutating func parseValue() throws(JSONScanError) -> PositionedJSON {
        skipWhitespace()
        let start = position
        guard let current else { throw error("expected a value, found end of file") }
        switch current {
        case "{": return try parseObject()
        case "[": return try parseArray()
        case "\"":
            let (text, raw) = try parseString()
            return PositionedJSON(value: .string(text, raw: raw), position: start)
        case "t": return try parseLiteral("true", .bool(true))
        case "f": return try parseLiteral("false", .bool(false))
        case "n": return try parseLiteral("null", .null)
        case "-", "0"..."9": return try parseNumber()
        default: throw error("expected a value, found \(describeCurrent())")
        }
    }

    private mutating func nest() throws(JSONScanError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
    }

    private mutating func parseObject() throws(JSONScanError) -> PositionedJSON {
        let start = position
        try nest()
        advance()
        var members: [PositionedJSON.Member] = []
        var seen: [String: TextPosition] = [:]
        skipWhitespace()
        if current == "}" {
            advance()
            depth -= 1
            return PositionedJSON(value: .object([]), position: start)
        }
        while true {
            skipWhitespace()
            let keyPosition = position
            guard current == "\"" else { throw error("expected a string key, found \(describeCurrent())") }
            let (key, _) = try parseString()
            if let first = seen[key] {
                throw error("duplicate key \"\(key)\" (first at \(first))", at: keyPosition)
            }
            seen[key] = keyPosition
            try expect(":", "expected ':' after the key \"\(key)\"")
            let value = try parseValue()
            members.append(PositionedJSON.Member(key: key, keyPosition: keyPosition, value: value))
            skipWhitespace()
            if current == "," {
                advance()
                continue
            }
            if current == "}" {
                advance()
                depth -= 1
                return PositionedJSON(value: .object(members), position: start)
            }
            throw error("expected ',' or '}' after an object member, found \(describeCurrent())")
        }
    }

    private mutating func parseArray() throws(JSONScanError) -> PositionedJSON {
        let start = position
        try nest()
        advance()
        var elements: [PositionedJSON] = []
        skipWhitespace()
        if current == "]" {
            advance()
            depth -= 1
            return PositionedJSON(value: .array([]), position: start)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            if current == "," {
                advance()
                continue
            }
            if current == "]" {
                advance()
                depth -= 1
                return PositionedJSON(value: .array(elements), position: start)
            }
            throw error("expected ',' or ']' after an array element, found \(describeCurrent())")
        }
    }

    private mutating func parseLiteral(
        _ word: String, _ value: PositionedJSON.Value
    ) throws(JSONScanError)
        -> PositionedJSON
    {
        let start = position
        for expected in word.unicodeScalars {
            guard current == expected else { throw error("invalid literal, expected '\(word)'", at: start) }
            advance()
        }
        return PositionedJSON(value: value, position: start)
    }

    private mutating func parseNumber() throws(JSONScanError) -> PositionedJSON {
        let start = position
        var text = ""
        func digits(_ scanner: inout JSONScanner, into text: inout String) -> Int {
            var count = 0
            while let current = scanner.current, ("0"..."9").contains(current) {
                text.unicodeScalars.append(current)
                scanner.advance()
                count += 1
            }
            return count
        }
        if current == "-" {
            text = "-"
            advance()
        }
        if current == "0" {
            text += "0"
            advance()
        } else if digits(&self, into: &text) == 0 {
            throw error("invalid number: expected a digit, found \(describeCurrent())")
        }
        if current == "." {
            text += "."
            advance()
            guard digits(&self, into: &text) > 0 else {
                throw error("invalid number: expected a digit after '.', found \(describeCurrent())")
            }
        }
        if current == "e" || current == "E" {
            text += "e"
            advance()
            if let sign = current, sign == "+" || sign == "-" {
                text.unicodeScalars.append(sign)
                advance()
            }
            guard digits(&self, into: &text) > 0 else {
                throw error("invalid number: expected a digit in the exponent, found \(describeCurrent())")
            }
        }
        guard let value = Double(text), value.isFinite else { throw error("number \(text) is out of range", at: start) }
        return PositionedJSON(value: .number(value), position: start)
    }

    private mutating func parseString() throws(JSONScanError) -> (String, raw: String) {
        advance()  // the opening quote
        var text = String.UnicodeScalarView()
        var raw = String.UnicodeScalarView()
        while true {
            guard let current else { throw error("unterminated string") }
            if current == "\"" {
                advance()
                return (String(text), String(raw))
            }
            if current.value < 0x20 {
                throw error("control character U+\(hex(current.value)) in a string (escape it)")
            }
            raw.append(current)
            if current != "\\" {
                text.append(current)
                advance()
                continue
            }
            let escapePosition = position
            advance()
            guard let escaped = self.current else { throw error("unterminated string") }
            raw.append(escaped)
            advance()
            switch escaped {
            case "\"": text.append("\"")
            case "\\": text.append("\\")
            case "/": text.append("/")
            case "b": text.append("\u{08}")
            case "f": text.append("\u{0C}")
            case "n": text.append("\n")
            case "r": text.append("\r")
            case "t": text.append("\t")
            case "u":
                var code = try parseHex4(into: &raw, escapeAt: escapePosition)
                if (0xD800...0xDBFF).contains(code) {
                    guard self.current == "\\", index + 1 < scalars.count, scalars[index + 1] == "u" else {
                        throw error("unpaired surrogate \\u\(hex(code))", at: escapePosition)
                    }
                    raw.append("\\")
                    raw.append("u")
                    advance()
                    advance()
                    let low = try parseHex4(into: &raw, escapeAt: escapePosition)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw error("unpaired surrogate \\u\(hex(code))", at: escapePosition)
                    }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(code) {
                    throw error("unpaired surrogate \\u\(hex(code))", at: escapePosition)
                }
                guard let scalar = Unicode.Scalar(code) else {
                    throw error("invalid escape \\u\(hex(code))", at: escapePosition)
                }
                text.append(scalar)
            default:
                throw error("invalid escape '\\\(escaped)'", at: escapePosition)
            }
        }
    }

    private mutating func parseHex4(
        into raw: inout String.UnicodeScalarView, escapeAt start: TextPosition
    )
        throws(JSONScanError) -> UInt32
    {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let current, current.isASCII, let digit = UInt32(String(current), radix: 16) else {
                throw error("invalid \\u escape: expected 4 hex digits", at: start)
            }
            raw.append(current)
            advance()
            code = code * 16 + digit
        }
        return code
    }
}

/// Why a JSON text did not parse, and where.
package struct JSONScanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    package var message: String
    /// Where.
    package var position: TextPosition

    /// `line:col: message`.
    package var description: String { "\(position): \(message)" }
}
