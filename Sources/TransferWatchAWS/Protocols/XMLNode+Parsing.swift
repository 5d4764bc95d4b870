import Foundation

extension XMLNode {
    /// The deepest element nesting ``parse(_:)`` accepts (AWS responses nest fewer than ten levels; the limit keeps
    /// the recursive `Equatable`, ``serialized()`` and deinitialisation of a hostile tree off the end of the stack).
    package static let maximumDepth = 1_000

    /// Parses a whole document and returns its root element.
    ///
    /// A hand-written parser over the bytes (it replaced FoundationXML's `XMLParser`, which cost 4.7% of the
    /// agent's CPU in the pipeline benchmark and crashed the process on some inputs). It reads XML 1.0 as AWS
    /// sends it and refuses anything else with a ``ParseError`` naming the line and byte:
    /// - the input must be valid UTF-8; a byte order mark is allowed, and a leading XML declaration whose
    ///   encoding, if named, is UTF-8;
    /// - no document type declaration (so no entity can be declared, let alone expanded) and no processing
    ///   instruction other than that declaration;
    /// - comments are skipped; CDATA sections are text; the five predefined entities and numeric character
    ///   references are decoded; line ends are normalised to `\n` (except inside CDATA, as FoundationXML did),
    ///   and tabs and line ends in attribute values to spaces, as XML requires;
    /// - element and attribute names are kept as written, prefix included (namespaces are not resolved), and
    ///   `xmlns` declarations are attributes; a declaration FoundationXML refused (an empty or reserved
    ///   namespace) throws, and `xmlns:xml` bound to its own namespace is left out, as FoundationXML left it out;
    /// - unclosed or mismatched tags, a document cut short anywhere, content after the root element, an
    ///   undefined or malformed reference, `<` in an attribute value, a duplicate attribute, `]]>` in text, `--`
    ///   in a comment, or a character XML does not allow all throw. ``S3Client`` relies on a cut-short body
    ///   failing (it retries a `200` whose body did not arrive whole).
    ///
    /// ``text`` is the character data directly inside an element, concatenated; it is emptied when the element
    /// has children and that text is only whitespace (indentation).
    package static func parse(_ data: Data) throws(ParseError) -> XMLNode {
        guard String(validating: data, as: UTF8.self) != nil else { throw ParseError(message: "not valid UTF-8") }
        let result = data.withUnsafeBytes { raw -> Result<XMLNode, ParseError> in
            var parser = XMLByteParser(bytes: raw.bindMemory(to: UInt8.self))
            return Result { () throws(ParseError) in try parser.document() }
        }
        return try result.get()
    }
}

/// The parser behind ``XMLNode/parse(_:)``: one pass over UTF-8 bytes already known to be valid.
private struct XMLByteParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: - Document

    mutating func document() throws(XMLNode.ParseError) -> XMLNode {
        if starts(with: "\u{FEFF}") { index = 3 }
        if starts(with: "<?xml"), index + 5 < bytes.count, isSpace(bytes[index + 5]) {
            try declaration()
        }
        try skipMisc()
        guard index < bytes.count else { throw failure("no root element", at: index) }
        guard bytes[index] == .lessThan else { throw failure("text before the root element", at: index) }
        let root = try rootElement()
        try skipMisc(afterRoot: true)
        guard index == bytes.count else { throw failure("content after the root element", at: index) }
        return root
    }

    /// Reads `<?xml version="1.x" encoding="UTF-8" standalone="yes"?>` (encoding and standalone optional).
    mutating func declaration() throws(XMLNode.ParseError) {
        let start = index
        index += 5
        var lastRank = -1  // version 0, encoding 1, standalone 2: each at most once, in that order
        while true {
            let hadSpace = skipSpace()
            guard index < bytes.count else { throw failure("unclosed XML declaration", at: start) }
            if starts(with: "?>") {
                index += 2
                break
            }
            let nameStart = index
            while index < bytes.count, isASCIILetter(bytes[index]) { index += 1 }
            let name = string(nameStart, index)
            // libxml2 lets `standalone` follow the encoding without a space; FoundationXML accepted that.
            let rank: Int? =
                switch name {
                case "version": 0
                case "encoding": 1
                case "standalone": 2
                default: nil
                }
            guard hadSpace || (rank == 2 && lastRank == 1) else {
                throw failure("expected a space in the XML declaration", at: nameStart)
            }
            guard let rank, rank > lastRank, rank == 0 || lastRank >= 0 else {
                throw failure("unexpected \"\(name)\" in the XML declaration", at: nameStart)
            }
            lastRank = rank
            skipSpace()
            guard index < bytes.count, bytes[index] == .equals else {
                throw failure("expected '=' after \"\(name)\" in the XML declaration", at: index)
            }
            index += 1
            skipSpace()
            guard index < bytes.count, bytes[index] == .quote || bytes[index] == .apostrophe else {
                throw failure("expected a quoted value for \"\(name)\" in the XML declaration", at: index)
            }
            let quote = bytes[index]
            let valueStart = index + 1
            guard let valueEnd = self.index(of: quote, from: valueStart) else {
                throw failure("unclosed XML declaration", at: start)
            }
            let value = string(valueStart, valueEnd)
            index = valueEnd + 1
            switch rank {
            case 0:
                // `1.` and then digits; libxml2 (so FoundationXML) also took `1.` alone.
                guard value.hasPrefix("1."), value.utf8.dropFirst(2).allSatisfy(isDigit) else {
                    throw failure("unsupported XML version \"\(value)\"", at: valueStart)
                }
            case 1:
                let lowercased = value.lowercased()
                guard lowercased == "utf-8" || lowercased == "utf8" else {
                    throw failure("encoding \"\(value)\" is not UTF-8", at: valueStart)
                }
            default:
                guard value == "yes" || value == "no" else {
                    throw failure("standalone must be \"yes\" or \"no\", not \"\(value)\"", at: valueStart)
                }
            }
        }
        guard lastRank >= 0 else { throw failure("the XML declaration has no version", at: start) }
    }

    /// Skips whitespace and comments outside the root element, refusing processing instructions and document
    /// type declarations.
    mutating func skipMisc(afterRoot: Bool = false) throws(XMLNode.ParseError) {
        while index < bytes.count {
            if isSpace(bytes[index]) {
                index += 1
            } else if starts(with: "<!--") {
                try comment()
            } else if starts(with: "<?") {
                throw failure("processing instruction: AWS responses have none", at: index)
            } else if starts(with: "<!") {
                let what =
                    afterRoot ? "content after the root element" : "document type declaration: AWS responses have none"
                throw failure(what, at: index)
            } else {
                return
            }
        }
    }

    // MARK: - Elements

    /// Reads the root element and everything inside it, without recursion.
    mutating func rootElement() throws(XMLNode.ParseError) -> XMLNode {
        var open: [XMLNode] = []
        var openNames: [Range<Int>] = []
        while true {
            // At '<' of a start tag.
            let (node, nameRange, empty) = try startTag()
            if empty {
                if let closed = close(node, into: &open) { return closed }
            } else {
                guard open.count < XMLNode.maximumDepth else {
                    throw failure("elements nested deeper than \(XMLNode.maximumDepth)", at: nameRange.lowerBound - 1)
                }
                open.append(node)
                openNames.append(nameRange)
            }
            // Content until the next start tag.
            while true {
                try characterData(into: &open[open.count - 1].text)
                guard index < bytes.count else {
                    let name = string(
                        openNames[openNames.count - 1].lowerBound, openNames[openNames.count - 1].upperBound)
                    throw failure("element <\(name)> is not closed at the end of the document", at: index)
                }
                // At '<'.
                if starts(with: "</") {
                    let tagStart = index
                    index += 2
                    let name = try readName()
                    let expected = openNames.removeLast()
                    guard equalBytes(name, expected) else {
                        throw failure(
                            "end tag </\(string(name.lowerBound, name.upperBound))> does not match "
                                + "<\(string(expected.lowerBound, expected.upperBound))>", at: tagStart)
                    }
                    skipSpace()
                    guard index < bytes.count, bytes[index] == .greaterThan else {
                        throw failure("unclosed end tag </\(string(name.lowerBound, name.upperBound))>", at: tagStart)
                    }
                    index += 1
                    let node = open.removeLast()
                    if let closed = close(node, into: &open) { return closed }
                } else if starts(with: "<!--") {
                    try comment()
                } else if starts(with: "<![CDATA[") {
                    try cdata(into: &open[open.count - 1].text)
                } else if starts(with: "<?") {
                    throw failure("processing instruction: AWS responses have none", at: index)
                } else if starts(with: "<!") {
                    throw failure("unexpected '<!'", at: index)
                } else {
                    break
                }
            }
        }
    }

    /// Finishes an element: drops indentation-only text beside children, then attaches it to its parent.
    /// Returns the element when it is the root.
    @inline(__always)
    func close(_ node: consuming XMLNode, into open: inout [XMLNode]) -> XMLNode? {
        if !node.children.isEmpty && !node.text.isEmpty && node.text.allSatisfy(\.isWhitespace) { node.text = "" }
        guard !open.isEmpty else { return node }
        // Room for a typical AWS member list at once, rather than growing 1, 2, 4, 8.
        if open[open.count - 1].children.isEmpty { open[open.count - 1].children.reserveCapacity(8) }
        open[open.count - 1].children.append(node)
        return nil
    }

    /// Reads `<name attr="value" ...>` or `<name .../>` from its `<`.
    mutating func startTag() throws(XMLNode.ParseError) -> (XMLNode, Range<Int>, empty: Bool) {
        let tagStart = index
        index += 1
        let nameRange = try readName()
        var attributes: [String: String] = [:]
        while true {
            let hadSpace = skipSpace()
            guard index < bytes.count else {
                throw failure(
                    "unclosed start tag <\(string(nameRange.lowerBound, nameRange.upperBound))>", at: tagStart)
            }
            if bytes[index] == .greaterThan {
                index += 1
                return (
                    XMLNode(name: string(nameRange.lowerBound, nameRange.upperBound), attributes: attributes),
                    nameRange, false
                )
            }
            if bytes[index] == .slash {
                guard index + 1 < bytes.count else {
                    throw failure(
                        "unclosed start tag <\(string(nameRange.lowerBound, nameRange.upperBound))>", at: tagStart)
                }
                guard bytes[index + 1] == .greaterThan else { throw failure("expected '>' after '/'", at: index + 1) }
                index += 2
                return (
                    XMLNode(name: string(nameRange.lowerBound, nameRange.upperBound), attributes: attributes),
                    nameRange, true
                )
            }
            guard hadSpace else { throw failure("expected a space, '>' or '/>' in a start tag", at: index) }
            let attributeStart = index
            let attributeName = try readName()
            skipSpace()
            guard index < bytes.count, bytes[index] == .equals else {
                throw failure(
                    "expected '=' after attribute \(string(attributeName.lowerBound, attributeName.upperBound))",
                    at: index)
            }
            index += 1
            skipSpace()
            guard index < bytes.count, bytes[index] == .quote || bytes[index] == .apostrophe else {
                throw failure("expected a quoted attribute value", at: index)
            }
            let value = try attributeValue()
            let name = string(attributeName.lowerBound, attributeName.upperBound)
            if name.hasPrefix("xmlns"), try !keepsNamespaceDeclaration(name, value, at: attributeStart) { continue }
            guard attributes.updateValue(value, forKey: name) == nil else {
                throw failure("duplicate attribute \(name)", at: attributeStart)
            }
        }
    }

    /// Checks a namespace declaration as FoundationXML (libxml2) did, though names are otherwise kept as written:
    /// it refused an empty namespace for a prefix and declarations of the reserved `xml` and `xmlns` namespaces,
    /// and left out `xmlns:xml` bound to its own namespace (returns `false` for that one).
    func keepsNamespaceDeclaration(_ name: String, _ value: String, at position: Int) throws(XMLNode.ParseError) -> Bool
    {
        let xmlNamespace = "http://www.w3.org/XML/1998/namespace"
        let xmlnsNamespace = "http://www.w3.org/2000/xmlns/"
        if name == "xmlns" {
            guard value != xmlNamespace && value != xmlnsNamespace else {
                throw failure("the default namespace cannot be \(value)", at: position)
            }
            return true
        }
        guard name.hasPrefix("xmlns:") else { return true }
        let prefix = name.dropFirst(6)
        // Not a namespace declaration to libxml2 unless the prefix is a name without a colon.
        guard let first = prefix.utf8.first, first >= 0x80 || (isASCIINameStart(first) && first != UInt8(ascii: ":")),
            !prefix.contains(":")
        else { return true }
        if prefix == "xml" {
            guard value == xmlNamespace else {
                throw failure("the xml prefix cannot be bound to \"\(value)\"", at: position)
            }
            return false
        }
        guard prefix != "xmlns" else { throw failure("the xmlns prefix cannot be declared", at: position) }
        guard !value.isEmpty else { throw failure("empty namespace for prefix \(prefix)", at: position) }
        guard value != xmlNamespace && value != xmlnsNamespace else {
            throw failure("prefix \(prefix) cannot be bound to \(value)", at: position)
        }
        return true
    }

    /// Reads a quoted attribute value from its opening quote, decoding references and normalising whitespace.
    mutating func attributeValue() throws(XMLNode.ParseError) -> String {
        let quote = bytes[index]
        index += 1
        var value = ""
        var runStart = index
        while true {
            guard index < bytes.count else { throw failure("unclosed attribute value", at: runStart) }
            let byte = bytes[index]
            switch byte {
            case quote:
                append(runStart, index, to: &value)
                index += 1
                return value
            case .lessThan:
                throw failure("'<' in an attribute value", at: index)
            case .ampersand:
                append(runStart, index, to: &value)
                try reference(into: &value)
                runStart = index
            case 0x09, 0x0A, 0x0D:
                append(runStart, index, to: &value)
                value.append(" ")
                index += (byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A) ? 2 : 1
                runStart = index
            default:
                try checkCharacter(byte)
                index += 1
            }
        }
    }

    /// Reads text up to the next `<` (or the end), decoding references into `text`.
    mutating func characterData(into text: inout String) throws(XMLNode.ParseError) {
        var runStart = index
        while index < bytes.count {
            let byte = bytes[index]
            if isPlainText(byte) {
                index += 1
                continue
            }
            switch byte {
            case .lessThan:
                append(runStart, index, to: &text)
                return
            case .ampersand:
                append(runStart, index, to: &text)
                try reference(into: &text)
                runStart = index
            case 0x0D:
                append(runStart, index, to: &text)
                text.append("\n")
                index += (index + 1 < bytes.count && bytes[index + 1] == 0x0A) ? 2 : 1
                runStart = index
            case .closeBracket:
                if starts(with: "]]>") {
                    throw failure("']]>' in text", at: index)
                }
                index += 1
            default:
                try checkCharacter(byte)
                index += 1
            }
        }
        append(runStart, index, to: &text)
    }

    /// Reads `<![CDATA[...]]>` into `text`, as written: carriage returns are kept, as FoundationXML (libxml2) kept
    /// them (XML would have them normalised like the text around them).
    mutating func cdata(into text: inout String) throws(XMLNode.ParseError) {
        let start = index
        index += 9
        let runStart = index
        while true {
            guard index < bytes.count else { throw failure("unclosed CDATA section", at: start) }
            let byte = bytes[index]
            if byte == .closeBracket, starts(with: "]]>") {
                append(runStart, index, to: &text)
                index += 3
                return
            }
            try checkCharacter(byte)
            index += 1
        }
    }

    /// Skips `<!-- ... -->`, refusing `--` inside it.
    mutating func comment() throws(XMLNode.ParseError) {
        let start = index
        index += 4
        while true {
            guard index < bytes.count else { throw failure("unclosed comment", at: start) }
            let byte = bytes[index]
            if byte == .dash, index + 1 < bytes.count, bytes[index + 1] == .dash {
                guard index + 2 < bytes.count else { throw failure("unclosed comment", at: start) }
                guard bytes[index + 2] == .greaterThan else { throw failure("'--' inside a comment", at: index) }
                index += 3
                return
            }
            try checkCharacter(byte)
            index += 1
        }
    }

    /// Decodes `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#NN;` or `&#xHH;` from its `&`.
    mutating func reference(into text: inout String) throws(XMLNode.ParseError) {
        let start = index
        index += 1
        guard index < bytes.count else { throw failure("document cut short in an entity reference", at: start) }
        if bytes[index] == .hash {
            index += 1
            let radix: UInt32 = index < bytes.count && bytes[index] == UInt8(ascii: "x") ? 16 : 10
            if radix == 16 { index += 1 }
            let digitsStart = index
            var value: UInt32 = 0
            while index < bytes.count, let digit = digitValue(bytes[index], radix: radix) {
                value = value * radix + digit
                guard value <= 0x10FFFF else { throw failure("character reference out of range", at: start) }
                index += 1
            }
            guard index > digitsStart, index < bytes.count, bytes[index] == .semicolon else {
                throw failure("malformed character reference", at: start)
            }
            index += 1
            guard isXMLCharacter(value), let scalar = Unicode.Scalar(value) else {
                throw failure(
                    "character reference to a character XML does not allow (#x\(String(value, radix: 16, uppercase: true)))",
                    at: start)
            }
            text.unicodeScalars.append(scalar)
            return
        }
        let name = try readName()
        guard index < bytes.count, bytes[index] == .semicolon else {
            throw failure("entity reference without ';'", at: start)
        }
        index += 1
        switch string(name.lowerBound, name.upperBound) {
        case "amp": text.append("&")
        case "lt": text.append("<")
        case "gt": text.append(">")
        case "quot": text.append("\"")
        case "apos": text.append("'")
        case let other: throw failure("undefined entity &\(other);", at: start)
        }
    }

    // MARK: - Names and characters

    /// Reads an XML name and returns its byte range.
    mutating func readName() throws(XMLNode.ParseError) -> Range<Int> {
        let start = index
        var first = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                let ok = first ? isASCIINameStart(byte) : isASCIINameCharacter(byte)
                guard ok else { break }
                index += 1
                first = false
                // The rest of an ASCII name, in a tight loop.
                while index < bytes.count, bytes[index] < 0x80, isASCIINameCharacter(bytes[index]) { index += 1 }
                continue
            } else {
                let (scalar, length) = decodeScalar(at: index)
                let ok = first ? isNameStart(scalar) : isNameCharacter(scalar)
                guard ok else { break }
                index += length
            }
            first = false
        }
        guard index > start else {
            throw failure(
                index < bytes.count ? "expected a name" : "document cut short where a name was expected", at: index)
        }
        return start..<index
    }

    /// Refuses a character XML does not allow (control characters other than tab and line ends, U+FFFE, U+FFFF).
    /// `byte` is the one at `index`; the input is valid UTF-8, so surrogates cannot occur.
    func checkCharacter(_ byte: UInt8) throws(XMLNode.ParseError) {
        if byte < 0x20 {
            guard byte == 0x09 || byte == 0x0A || byte == 0x0D else {
                throw failure("character XML does not allow (#x\(String(byte, radix: 16)))", at: index)
            }
        } else if byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE {
            throw failure("character XML does not allow (#xFFF\(bytes[index + 2] == 0xBE ? "E" : "F"))", at: index)
        }
    }

    func decodeScalar(at position: Int) -> (UInt32, Int) {
        let lead = UInt32(bytes[position])
        func continuation(_ offset: Int) -> UInt32 { UInt32(bytes[position + offset] & 0x3F) }
        switch lead {
        case 0xC0..<0xE0: return ((lead & 0x1F) << 6 | continuation(1), 2)
        case 0xE0..<0xF0: return ((lead & 0x0F) << 12 | continuation(1) << 6 | continuation(2), 3)
        default: return ((lead & 0x07) << 18 | continuation(1) << 12 | continuation(2) << 6 | continuation(3), 4)
        }
    }

    /// `A-Z a-z _ :` (a bit per ASCII byte: bits 0-63 in the first word, 64-127 in the second).
    @inline(__always)
    func isASCIINameStart(_ byte: UInt8) -> Bool {
        Self.inMask(byte, 0x0400_0000_0000_0000, 0x07FF_FFFE_87FF_FFFE)
    }

    /// A name start, or `- . 0-9`.
    @inline(__always)
    func isASCIINameCharacter(_ byte: UInt8) -> Bool {
        Self.inMask(byte, 0x07FF_6000_0000_0000, 0x07FF_FFFE_87FF_FFFE)
    }

    @inline(__always)
    static func inMask(_ byte: UInt8, _ low: UInt64, _ high: UInt64) -> Bool {
        byte < 64 ? (low >> UInt64(byte)) & 1 == 1 : (high >> UInt64(byte & 63)) & 1 == 1
    }

    /// XML 1.0 (fifth edition) NameStartChar above ASCII.
    func isNameStart(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D,
            0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD, 0x10000...0xEFFFF:
            true
        default: false
        }
    }

    /// XML 1.0 (fifth edition) NameChar above ASCII.
    func isNameCharacter(_ scalar: UInt32) -> Bool {
        isNameStart(scalar) || scalar == 0xB7 || (0x300...0x36F).contains(scalar) || (0x203F...0x2040).contains(scalar)
    }

    func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// A byte text can hold as it is: not markup (`<`, `&`, `]`), a carriage return, another control character, or
    /// the lead byte of U+FFFE/U+FFFF (0xEF), which all need a closer look.
    @inline(__always)
    func isPlainText(_ byte: UInt8) -> Bool {
        if byte >= 0x80 { return byte != 0xEF }
        if byte >= 0x20 { return byte != .lessThan && byte != .ampersand && byte != .closeBracket }
        return byte == 0x0A || byte == 0x09
    }

    func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
    func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    func isASCIILetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    func digitValue(_ byte: UInt8, radix: UInt32) -> UInt32? {
        if isDigit(byte) { return UInt32(byte - 0x30) }
        guard radix == 16 else { return nil }
        let lower = byte | 0x20
        return lower >= 0x61 && lower <= 0x66 ? UInt32(lower - 0x61 + 10) : nil
    }

    // MARK: - Byte helpers

    @discardableResult
    mutating func skipSpace() -> Bool {
        let start = index
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        return index > start
    }

    /// Whether the bytes at `index` are `literal`'s UTF-8.
    func starts(with literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return memcmp(bytes.baseAddress! + index, literal.utf8Start, count) == 0
    }

    /// The position of `byte` at or after `start` (within `limit` bytes when given).
    func index(of byte: UInt8, from start: Int, limit: Int = .max) -> Int? {
        var position = start
        let end = limit == .max ? bytes.count : min(bytes.count, start + limit)
        while position < end {
            if bytes[position] == byte { return position }
            position += 1
        }
        return nil
    }

    func equalBytes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.count == b.count && memcmp(bytes.baseAddress! + a.lowerBound, bytes.baseAddress! + b.lowerBound, a.count) == 0
    }

    func string(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    func append(_ start: Int, _ end: Int, to text: inout String) {
        guard end > start else { return }
        text.append(string(start, end))
    }

    /// A parse error naming the line and byte offset of `position`.
    func failure(_ what: String, at position: Int) -> XMLNode.ParseError {
        let clamped = min(position, bytes.count)
        var line = 1
        for byte in bytes[0..<clamped] where byte == 0x0A { line += 1 }
        return XMLNode.ParseError(message: "\(what) at line \(line), byte \(clamped)")
    }
}

extension UInt8 {
    fileprivate static let lessThan = UInt8(ascii: "<")
    fileprivate static let greaterThan = UInt8(ascii: ">")
    fileprivate static let ampersand = UInt8(ascii: "&")
    fileprivate static let semicolon = UInt8(ascii: ";")
    fileprivate static let hash = UInt8(ascii: "#")
    fileprivate static let slash = UInt8(ascii: "/")
    fileprivate static let question = UInt8(ascii: "?")
    fileprivate static let bang = UInt8(ascii: "!")
    fileprivate static let dash = UInt8(ascii: "-")
    fileprivate static let equals = UInt8(ascii: "=")
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let apostrophe = UInt8(ascii: "'")
    fileprivate static let closeBracket = UInt8(ascii: "]")
}
