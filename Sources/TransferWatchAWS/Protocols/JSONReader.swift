import Foundation

/// Why a JSON document could not be read: what was wrong, and the byte offset where it was found.
package struct JSONReaderError: Error, Equatable, CustomStringConvertible {
    /// The offset of the byte at fault, from the start of the document.
    package var offset: Int
    /// What was wrong, e.g. `expected ':' after an object key`.
    package var message: String

    /// Makes an error from its parts.
    package init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// `byte 12: expected ':' after an object key`.
    package var description: String { "byte \(offset): \(message)" }
}

/// Reads JSON straight from its UTF-8 bytes, for the answers on the hot path (`JSONDecoder` builds a generic
/// tree and containers first, which cost more CPU than the rest of a DynamoDB Query).
///
/// The reader is strict (RFC 8259): no trailing commas, comments, single quotes, leading zeros, `NaN`, or
/// unescaped control characters; strings must be valid UTF-8 and surrogate escapes must pair; nesting deeper
/// than ``maxDepth`` is refused (the limit `JSONDecoder` has). A UTF-8 byte order mark at the start is skipped,
/// as `JSONDecoder` skips it. Values the caller does not want are skipped with ``skipValue()``, which checks
/// them just as strictly. Errors carry the byte offset.
///
/// The caller pulls values in document order:
///
/// ```swift
/// let count = try JSONReader.read(data) { (json) throws(JSONReaderError) -> Int? in
///     var count: Int?
///     try json.beginObject()
///     while let key = try json.nextKey() {
///         if key == "Count", count == nil { count = try json.readInt() } else { try json.skipValue() }
///     }
///     return count
/// }
/// ```
package struct JSONReader {
    /// The deepest nesting of objects and arrays accepted (512, as `JSONDecoder`).
    package static let maxDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var offset: Int
    private var depth = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        offset = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { offset = 3 }
    }

    /// Reads one document: `body` reads its single top-level value, then only whitespace may follow.
    ///
    /// - Throws: ``JSONReaderError`` from `body`, or for anything after the value.
    package static func read<Output>(
        _ data: Data, _ body: (inout JSONReader) throws(JSONReaderError) -> Output
    ) throws(JSONReaderError) -> Output {
        let result: Result<Output, JSONReaderError> = data.withUnsafeBytes { raw in
            var reader = JSONReader(bytes: raw.bindMemory(to: UInt8.self))
            do throws(JSONReaderError) {
                let output = try body(&reader)
                reader.skipWhitespace()
                if reader.offset < reader.bytes.count {
                    throw reader.error("unexpected \(reader.describeByte()) after the document")
                }
                return .success(output)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    // MARK: Structure

    /// The kind of the next value, without reading it.
    package enum Kind: Sendable, Equatable {
        case object, array, string, number, bool, null
    }

    /// The kind of the next value.
    ///
    /// - Throws: ``JSONReaderError`` at the end of the document or on a byte that starts no value.
    package mutating func peekKind() throws(JSONReaderError) -> Kind {
        skipWhitespace()
        guard offset < bytes.count else { throw error("unexpected end of the document, expected a value") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        default: throw error("unexpected \(describeByte()), expected a value")
        }
    }

    /// Reads `{`; then call ``nextKey()`` until it returns `nil`, reading each member's value in between.
    package mutating func beginObject() throws(JSONReaderError) {
        try expectOpening(UInt8(ascii: "{"), "an object")
    }

    /// The next member's name (its value is next to read), or `nil` after reading the object's `}`.
    package mutating func nextKey() throws(JSONReaderError) -> String? {
        skipWhitespace()
        guard offset < bytes.count else { throw error("unexpected end of the document inside an object") }
        if bytes[offset] == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return nil
        }
        if !followsOpening(UInt8(ascii: "{")) {
            guard bytes[offset] == UInt8(ascii: ",") else { throw error("expected ',' or '}' after an object member") }
            offset += 1
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                throw offset < bytes.count && bytes[offset] == UInt8(ascii: "}")
                    ? error("a trailing ',' before '}'") : error("expected a member name (a string) after ','")
            }
        } else {
            guard bytes[offset] == UInt8(ascii: "\"") else { throw error("expected a member name (a string) or '}'") }
        }
        let key = try readString()
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
            throw error("expected ':' after an object key")
        }
        offset += 1
        return key
    }

    /// Reads `[`; then call ``nextElement()`` until it returns `false`, reading each element when it is `true`.
    package mutating func beginArray() throws(JSONReaderError) {
        try expectOpening(UInt8(ascii: "["), "an array")
    }

    /// Whether another element follows (read it next); `false` after reading the array's `]`.
    package mutating func nextElement() throws(JSONReaderError) -> Bool {
        skipWhitespace()
        guard offset < bytes.count else { throw error("unexpected end of the document inside an array") }
        if bytes[offset] == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return false
        }
        if !followsOpening(UInt8(ascii: "[")) {
            guard bytes[offset] == UInt8(ascii: ",") else { throw error("expected ',' or ']' after an array element") }
            offset += 1
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") { throw error("a trailing ',' before ']'") }
        } else if bytes[offset] == UInt8(ascii: ",") {
            throw error("a ',' before the first array element")
        }
        return true
    }

    // MARK: Scalars

    /// Reads `null` if it is next, and says whether it was.
    package mutating func readNullIfPresent() throws(JSONReaderError) -> Bool {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "n") else { return false }
        try expectLiteral("null")
        return true
    }

    /// Reads `true` or `false`.
    package mutating func readBool() throws(JSONReaderError) -> Bool {
        skipWhitespace()
        guard offset < bytes.count else { throw error("unexpected end of the document, expected true or false") }
        switch bytes[offset] {
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return true
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return false
        default: throw try mismatch("true or false")
        }
    }

    /// Reads a string, unescaping it.
    package mutating func readString() throws(JSONReaderError) -> String {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw try mismatch("a string") }
        let start = offset
        offset += 1
        var isASCII = true
        var index = offset
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[offset..<index])
                let text: String
                if isASCII {
                    text = String(decoding: run, as: UTF8.self)
                } else {
                    guard let valid = String(validating: run, as: UTF8.self) else {
                        throw JSONReaderError(offset: start, message: "a string that is not valid UTF-8")
                    }
                    text = valid
                }
                offset = index + 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 {
                throw JSONReaderError(offset: index, message: "an unescaped control character in a string")
            }
            if byte >= 0x80 { isASCII = false }
            index += 1
        }
        guard index < bytes.count else { throw JSONReaderError(offset: start, message: "an unterminated string") }
        return try readEscapedString(start: start, escapeAt: index)
    }

    /// Reads a number and returns its text exactly as written (after checking its grammar).
    package mutating func readNumberText() throws(JSONReaderError) -> String {
        let range = try scanNumber()
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Reads a number as an `Int`: an integer (exact from `Int.min` to `Int.max`), or a fraction or exponent
    /// form with an integral value below 2^53 (`1.0`, `1e2`), as `JSONDecoder` accepts them.
    ///
    /// - Throws: ``JSONReaderError`` for a non-number, a value with a fractional part, or one out of range.
    package mutating func readInt() throws(JSONReaderError) -> Int {
        skipWhitespace()
        let start = offset
        let range = try scanNumber()
        let run = UnsafeBufferPointer(rebasing: bytes[range])
        var value = 0
        var isIntegral = true
        let negative = run[0] == UInt8(ascii: "-")
        for byte in run.dropFirst(negative ? 1 : 0) {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                isIntegral = false
                break
            }
            let digit = Int(byte - UInt8(ascii: "0"))
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) =
                negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else {
                throw JSONReaderError(offset: start, message: "a number out of range for an integer")
            }
            value = next
        }
        if isIntegral { return value }
        // `JSONDecoder` reads such a form through a Double: exact below 2^53, its value here too. Above, it
        // takes a Decimal's value without the fraction (92233720368547758.7 reads as 92233720368547758); no
        // service writes a count that way, so it is refused rather than truncated.
        let text = String(decoding: run, as: UTF8.self)
        guard let double = Double(text), let exact = Int(exactly: double) else {
            throw JSONReaderError(offset: start, message: "a number that is not an integer: \(text)")
        }
        guard abs(double) < 9_007_199_254_740_992 else {
            throw JSONReaderError(
                offset: start, message: "an integer of 2^53 or more written with a fraction or exponent: \(text)")
        }
        return exact
    }

    // MARK: Skipping

    /// Reads the next value, whatever it is, checking it strictly, and drops it.
    package mutating func skipValue() throws(JSONReaderError) {
        switch try peekKind() {
        case .object:
            try beginObject()
            while try nextKey() != nil { try skipValue() }
        case .array:
            try beginArray()
            while try nextElement() { try skipValue() }
        case .string: try skipString()
        case .number: _ = try scanNumber()
        case .bool: _ = try readBool()
        case .null: try expectLiteral("null")
        }
    }

    // MARK: Errors

    /// An error at the start of the next value (for callers that find a value of the wrong shape).
    package mutating func error(expected: String) -> JSONReaderError {
        skipWhitespace()
        return JSONReaderError(offset: offset, message: "expected \(expected)")
    }

    /// The offset of the next value (after whitespace), for errors a caller reports about it later.
    package mutating func valueOffset() -> Int {
        skipWhitespace()
        return offset
    }

    // MARK: Private

    private func error(_ message: String) -> JSONReaderError { JSONReaderError(offset: offset, message: message) }

    private mutating func mismatch(_ expected: String) throws(JSONReaderError) -> JSONReaderError {
        guard offset < bytes.count else { return error("unexpected end of the document, expected \(expected)") }
        let found: String
        switch try peekKind() {
        case .object: found = "an object"
        case .array: found = "an array"
        case .string: found = "a string"
        case .number: found = "a number"
        case .bool: found = "a Boolean"
        case .null: found = "null"
        }
        return error("expected \(expected), found \(found)")
    }

    private func describeByte() -> String {
        let byte = bytes[offset]
        return (0x21..<0x7F).contains(byte)
            ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09: offset += 1
            default: return
            }
        }
    }

    private mutating func expectOpening(_ opening: UInt8, _ what: String) throws(JSONReaderError) {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == opening else { throw try mismatch(what) }
        guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
        offset += 1
        depth += 1
    }

    /// Whether the last byte before the current one, whitespace aside, is `opening`: no member or element has
    /// been read yet in the container being read (every value ends with a byte other than `{` or `[`).
    private func followsOpening(_ opening: UInt8) -> Bool {
        var index = offset - 1
        while index >= 0 {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index -= 1
            default: return bytes[index] == opening
            }
        }
        return false
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONReaderError) {
        let start = offset
        let count = literal.utf8CodeUnitCount
        guard bytes.count - offset >= count else {
            throw JSONReaderError(offset: start, message: "an incomplete literal, expected \(literal)")
        }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for index in 0..<count where bytes[offset + index] != expected[index] {
            throw JSONReaderError(offset: start, message: "an invalid literal, expected \(literal)")
        }
        offset += count
    }

    /// Checks a number's grammar (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`) and returns its bytes.
    private mutating func scanNumber() throws(JSONReaderError) -> Range<Int> {
        skipWhitespace()
        let start = offset
        func digits(_ reader: inout JSONReader) -> Int {
            let first = reader.offset
            while reader.offset < reader.bytes.count, reader.bytes[reader.offset] >= UInt8(ascii: "0"),
                reader.bytes[reader.offset] <= UInt8(ascii: "9")
            {
                reader.offset += 1
            }
            return reader.offset - first
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        guard offset < bytes.count, bytes[offset] >= UInt8(ascii: "0"), bytes[offset] <= UInt8(ascii: "9") else {
            if offset == start { throw try mismatch("a number") }
            throw JSONReaderError(offset: start, message: "a '-' without digits")
        }
        if bytes[offset] == UInt8(ascii: "0") {
            offset += 1
            if offset < bytes.count, bytes[offset] >= UInt8(ascii: "0"), bytes[offset] <= UInt8(ascii: "9") {
                throw JSONReaderError(offset: start, message: "a number with a leading zero")
            }
        } else {
            _ = digits(&self)
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard digits(&self) > 0 else {
                throw JSONReaderError(offset: start, message: "a '.' without digits after it")
            }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") {
                offset += 1
            }
            guard digits(&self) > 0 else { throw JSONReaderError(offset: start, message: "an exponent without digits") }
        }
        return start..<offset
    }

    private mutating func skipString() throws(JSONReaderError) {
        // Strings are rarely skipped in DynamoDB answers; reading checks escapes and UTF-8 the same way.
        _ = try readString()
    }

    /// The slow path of ``readString()``: `escapeAt` is the first backslash.
    private mutating func readEscapedString(start: Int, escapeAt: Int) throws(JSONReaderError) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(escapeAt - offset + 16)
        utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[offset..<escapeAt]))
        var index = escapeAt
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                offset = index + 1
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw JSONReaderError(offset: start, message: "a string that is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else { break }
                let escape = bytes[index + 1]
                index += 2
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    let escapeStart = index - 2
                    var scalar = try hex4(at: index)
                    index += 4
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        else {
                            throw JSONReaderError(
                                offset: escapeStart, message: "a high surrogate escape without its low half")
                        }
                        let low = try hex4(at: index + 2)
                        guard (0xDC00..<0xE000).contains(low) else {
                            throw JSONReaderError(
                                offset: escapeStart, message: "a high surrogate escape without its low half")
                        }
                        index += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw JSONReaderError(
                            offset: escapeStart, message: "a low surrogate escape without its high half")
                    }
                    // Every value left is a valid scalar (surrogates were paired above).
                    utf8.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
                default:
                    throw JSONReaderError(
                        offset: index - 2, message: "an invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
                }
                continue
            case 0..<0x20:
                throw JSONReaderError(offset: index, message: "an unescaped control character in a string")
            default:
                // The run up to the next quote, backslash or control byte is copied at once.
                var end = index + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"),
                    bytes[end] >= 0x20
                {
                    end += 1
                }
                utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                index = end
                continue
            }
            break
        }
        throw JSONReaderError(offset: start, message: "an unterminated string")
    }

    private func hex4(at index: Int) throws(JSONReaderError) -> UInt32 {
        guard index + 4 <= bytes.count else {
            throw JSONReaderError(offset: index - 2, message: "an incomplete \\u escape")
        }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONReaderError(offset: index - 2, message: "an invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
