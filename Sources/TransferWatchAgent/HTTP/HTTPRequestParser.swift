import Foundation

/// An incremental parser of HTTP/1.x request heads, with limits.
///
/// Bytes go in with ``append(_:)`` as they arrive; ``next()`` returns a head once one is complete (the bytes
/// after it stay buffered, so pipelined requests work), `nil` while more bytes are needed, and throws
/// ``HTTPRequestError`` for a request that must be refused. No body is ever read: a request announcing one
/// (`Content-Length` above 0, or `Transfer-Encoding`) is refused with 413, and the connection then closes.
///
/// ```swift
/// var parser = HTTPRequestParser()
/// parser.append(Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
/// let head = try parser.next()  // GET /healthz
/// ```
package struct HTTPRequestParser: Sendable {
    /// The most bytes a head (request line, header fields and the blank line) may take: 8 KiB.
    package static let defaultHeadLimit = 8 * 1024
    /// The most header fields a request may carry.
    package static let defaultFieldLimit = 100

    /// The head limit in bytes.
    package let headLimit: Int
    /// The field-count limit.
    package let fieldLimit: Int
    private var buffer: [UInt8] = []
    /// How far the buffer has been scanned for the end of the head, so each byte is scanned once.
    private var scanned = 0

    /// Creates a parser.
    ///
    /// - Parameters:
    ///   - headLimit: The most bytes a head may take.
    ///   - fieldLimit: The most header fields.
    package init(headLimit: Int = defaultHeadLimit, fieldLimit: Int = defaultFieldLimit) {
        self.headLimit = headLimit
        self.fieldLimit = fieldLimit
    }

    /// Whether bytes of an unfinished request are buffered (a request was started but not completed).
    package var hasPartialRequest: Bool { buffer.contains { $0 != cr && $0 != lf } }

    /// Adds received bytes.
    package mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete request head, or `nil` when more bytes are needed.
    ///
    /// - Throws: ``HTTPRequestError`` when the request is malformed or over a limit; the connection should be
    ///   answered with the error's status and closed.
    package mutating func next() throws(HTTPRequestError) -> HTTPRequestHead? {
        // RFC 9112 §2.2: ignore empty lines before the request line.
        var leading = 0
        while leading < buffer.count, buffer[leading] == cr || buffer[leading] == lf { leading += 1 }
        if leading > 0 {
            buffer.removeFirst(leading)
            scanned = 0
        }
        guard let end = endOfHead() else {
            if buffer.count > headLimit {
                if !buffer.prefix(headLimit).contains(lf) { throw .targetTooLong(limit: headLimit) }
                throw .headersTooLarge(limit: headLimit)
            }
            return nil
        }
        guard end <= headLimit else {
            if !buffer.prefix(headLimit).contains(lf) { throw .targetTooLong(limit: headLimit) }
            throw .headersTooLarge(limit: headLimit)
        }
        let headBytes = Array(buffer[..<end])
        buffer.removeFirst(end)
        scanned = 0
        return try parseHead(headBytes)
    }

    /// The index just past the blank line ending the head, if buffered.
    private mutating func endOfHead() -> Int? {
        var index = max(scanned, 0)
        while index < buffer.count {
            if buffer[index] == lf {
                // LF followed by LF, or by CR LF, ends the head.
                if index + 1 < buffer.count, buffer[index + 1] == lf { return index + 2 }
                if index + 2 < buffer.count, buffer[index + 1] == cr, buffer[index + 2] == lf { return index + 3 }
                if index + 2 >= buffer.count {
                    scanned = index  // not enough bytes yet to decide: rescan from this LF
                    return nil
                }
            }
            index += 1
        }
        scanned = index
        return nil
    }

    private func parseHead(_ bytes: [UInt8]) throws(HTTPRequestError) -> HTTPRequestHead {
        var lines = bytes.split(separator: lf, omittingEmptySubsequences: false).map { line in
            line.last == cr ? line.dropLast() : line
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let requestLine = lines.first else { throw .malformed("empty request") }
        guard let requestText = String(validating: requestLine, as: UTF8.self) else {
            throw .malformed("request line is not UTF-8")
        }
        let parts = requestText.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("request line must be METHOD TARGET VERSION") }
        let method = String(parts[0])
        let target = String(parts[1])
        let version = String(parts[2])
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw .malformed("invalid method")
        }
        guard target.hasPrefix("/") || target == "*",
            target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { throw .malformed("invalid request target") }
        guard version.hasPrefix("HTTP/"), version.count == 8 else { throw .malformed("invalid HTTP version") }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw .versionNotSupported(version) }

        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard headers.count < fieldLimit else { throw .headersTooLarge(limit: headLimit) }
            guard let first = line.first, first != space, first != tab else {
                throw .malformed("obsolete line folding or empty field line")
            }
            guard let colon = line.firstIndex(of: colonByte) else { throw .malformed("header field without ':'") }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.allSatisfy(Self.isTokenByte) else {
                throw .malformed("invalid header field name")
            }
            var value = line[line.index(after: colon)...]
            while let byte = value.first, byte == space || byte == tab { value = value.dropFirst() }
            while let byte = value.last, byte == space || byte == tab { value = value.dropLast() }
            guard value.allSatisfy({ $0 == tab || $0 >= 0x20 && $0 != 0x7F }) else {
                throw .malformed("control character in header field value")
            }
            headers.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        let head = HTTPRequestHead(method: method, target: target, version: version, headers: headers)
        try validateFraming(head)
        return head
    }

    private func validateFraming(_ head: HTTPRequestHead) throws(HTTPRequestError) {
        let hosts = head.headers.filter { $0.name.caseInsensitiveCompare("Host") == .orderedSame }
        if head.version == "HTTP/1.1" && hosts.count != 1 {
            throw .malformed(hosts.isEmpty ? "missing Host header" : "more than one Host header")
        }
        if head.value(of: "Transfer-Encoding") != nil { throw .bodyNotAccepted }
        let lengths = head.headers.filter { $0.name.caseInsensitiveCompare("Content-Length") == .orderedSame }
        for length in lengths {
            guard !length.value.isEmpty, length.value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw .malformed("invalid Content-Length")
            }
            if length.value.utf8.contains(where: { $0 != 0x30 }) { throw .bodyNotAccepted }
        }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}

private let cr = UInt8(ascii: "\r")
private let lf = UInt8(ascii: "\n")
private let space = UInt8(ascii: " ")
private let tab = UInt8(ascii: "\t")
private let colonByte = UInt8(ascii: ":")
