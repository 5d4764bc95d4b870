import Foundation

/// An incremental HTTP/1.x request parser: feed it bytes, ask it for events.
///
/// It does no I/O, so the connection decides what to do between events (for example answer
/// `Expect: 100-continue` after ``Event/head(_:)`` and before the body arrives). Leftover bytes after a
/// request stay buffered for the next one, so pipelined requests work.
struct LocalHTTPRequestParser {
    /// The request line and headers of a request, with the framing decisions taken from them.
    struct Head {
        var method: String
        var target: String
        var version: String
        var headers: [(name: String, value: String)]
        /// `Transfer-Encoding: chunked` was sent.
        var isChunked: Bool
        /// The declared body length; 0 when neither `Content-Length` nor chunked framing was sent.
        var contentLength: Int
        /// The client asked for `100 Continue` and has a body to send.
        var expectsContinue: Bool
        /// The client will accept more requests on this connection after the response.
        var isKeepAlive: Bool
    }

    /// What ``next()`` found.
    enum Event {
        /// More bytes are needed before anything else can be reported.
        case needMoreData
        /// The head of a request is complete; its body (if any) has not necessarily arrived.
        case head(Head)
        /// A whole request, body de-chunked.
        case request(Head, body: Data, trailers: [(name: String, value: String)])
    }

    /// A request the parser refuses, with the status the server answers before closing.
    struct Failure: Error {
        var status: Int
        var reason: String
    }

    /// Largest request line plus headers accepted, and likewise for trailers.
    static let maximumHeadBytes = 64 * 1024
    /// Largest body accepted, either framing.
    static let maximumBodyBytes = 256 * 1024 * 1024
    /// Longest chunk-size line accepted.
    static let maximumChunkLineBytes = 4096

    private enum Phase {
        case head
        case fixedBody(Head, remaining: Int)
        case chunkSize(Head)
        case chunkData(Head, remaining: Int)
        case chunkDataEnd(Head)
        case trailers(Head)
    }

    private var buffer: [UInt8] = []
    private var start = 0
    private var phase = Phase.head
    private var body = Data()
    private var trailers: [(name: String, value: String)] = []
    private var trailerBytes = 0

    /// Adds received bytes.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Parses as far as the buffered bytes allow and reports the next event.
    ///
    /// - Throws: ``Failure`` for a request that cannot be served; the connection must then close.
    mutating func next() throws(Failure) -> Event {
        while true {
            switch phase {
            case .head:
                // Tolerate empty lines before a request line (RFC 9112 §2.2).
                while buffer.count - start >= 2 && buffer[start] == 13 && buffer[start + 1] == 10 {
                    start += 2
                }
                guard let end = find([13, 10, 13, 10], limit: Self.maximumHeadBytes) else {
                    if buffer.count - start > Self.maximumHeadBytes {
                        throw Failure(status: 431, reason: "request head larger than \(Self.maximumHeadBytes) bytes")
                    }
                    return .needMoreData
                }
                let text = String(decoding: buffer[start..<end], as: UTF8.self)
                start = end + 4
                let head = try Self.parseHead(text)
                body = Data()
                trailers = []
                trailerBytes = 0
                if head.isChunked {
                    phase = .chunkSize(head)
                } else {
                    phase = .fixedBody(head, remaining: head.contentLength)
                }
                return .head(head)

            case .fixedBody(let head, let remaining):
                let take = min(remaining, buffer.count - start)
                body.append(contentsOf: buffer[start..<start + take])
                start += take
                if remaining - take > 0 {
                    phase = .fixedBody(head, remaining: remaining - take)
                    return .needMoreData
                }
                return finish(head)

            case .chunkSize(let head):
                guard let end = find([13, 10], limit: Self.maximumChunkLineBytes) else {
                    if buffer.count - start > Self.maximumChunkLineBytes {
                        throw Failure(status: 400, reason: "chunk-size line too long")
                    }
                    return .needMoreData
                }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = end + 2
                let sizeText = line.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces)
                guard !sizeText.isEmpty, sizeText.count <= 15, let size = Int(sizeText, radix: 16), size >= 0 else {
                    throw Failure(status: 400, reason: "invalid chunk size \"\(line)\"")
                }
                if size == 0 {
                    phase = .trailers(head)
                } else {
                    guard body.count + size <= Self.maximumBodyBytes else {
                        throw Failure(status: 413, reason: "body larger than \(Self.maximumBodyBytes) bytes")
                    }
                    phase = .chunkData(head, remaining: size)
                }

            case .chunkData(let head, let remaining):
                let take = min(remaining, buffer.count - start)
                body.append(contentsOf: buffer[start..<start + take])
                start += take
                if remaining - take > 0 {
                    phase = .chunkData(head, remaining: remaining - take)
                    return .needMoreData
                }
                phase = .chunkDataEnd(head)

            case .chunkDataEnd(let head):
                guard buffer.count - start >= 2 else { return .needMoreData }
                guard buffer[start] == 13 && buffer[start + 1] == 10 else {
                    throw Failure(status: 400, reason: "chunk data not followed by CRLF")
                }
                start += 2
                phase = .chunkSize(head)

            case .trailers(let head):
                guard let end = find([13, 10], limit: Self.maximumHeadBytes) else {
                    if buffer.count - start > Self.maximumHeadBytes {
                        throw Failure(status: 431, reason: "trailer section too large")
                    }
                    return .needMoreData
                }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                trailerBytes += end + 2 - start
                start = end + 2
                if line.isEmpty {
                    return finish(head)
                }
                guard trailerBytes <= Self.maximumHeadBytes else {
                    throw Failure(status: 431, reason: "trailer section too large")
                }
                trailers.append(try Self.parseField(line))
            }
        }
    }

    private mutating func finish(_ head: Head) -> Event {
        phase = .head
        let event = Event.request(head, body: body, trailers: trailers)
        body = Data()
        trailers = []
        return event
    }

    /// The index where `pattern` starts at or after `start`, looking no further than `limit` bytes past
    /// `start` (plus the pattern), or `nil`.
    private func find(_ pattern: [UInt8], limit: Int) -> Int? {
        let last = min(buffer.count - pattern.count, start + limit)
        guard last >= start else { return nil }
        var index = start
        while index <= last {
            if buffer[index] == pattern[0] {
                var matches = true
                for offset in 1..<pattern.count where buffer[index + offset] != pattern[offset] {
                    matches = false
                    break
                }
                if matches { return index }
            }
            index += 1
        }
        return nil
    }

    private static func parseHead(_ text: String) throws(Failure) -> Head {
        let lines = text.components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, !requestLine[0].isEmpty, !requestLine[1].isEmpty else {
            throw Failure(status: 400, reason: "malformed request line \"\(lines[0])\"")
        }
        let version = String(requestLine[2])
        guard version.hasPrefix("HTTP/") else {
            throw Failure(status: 400, reason: "malformed request line \"\(lines[0])\"")
        }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            throw Failure(status: 505, reason: "unsupported version \(version)")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            headers.append(try parseField(line))
        }

        func tokens(_ name: String) -> [String] {
            headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }
                .flatMap { $0.value.split(separator: ",") }
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                .filter { !$0.isEmpty }
        }

        let codings = tokens("Transfer-Encoding")
        let isChunked = !codings.isEmpty
        if isChunked && codings != ["chunked"] {
            throw Failure(status: 501, reason: "unsupported transfer coding \(codings.joined(separator: ", "))")
        }
        var contentLength = 0
        let lengths = Set(tokens("Content-Length"))
        if !isChunked, let text = lengths.first {
            guard lengths.count == 1, text.allSatisfy(\.isASCII), let length = Int(text), length >= 0 else {
                throw Failure(status: 400, reason: "invalid Content-Length")
            }
            guard length <= maximumBodyBytes else {
                throw Failure(status: 413, reason: "body larger than \(maximumBodyBytes) bytes")
            }
            contentLength = length
        }
        let connection = tokens("Connection")
        let isKeepAlive = version == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
        let expectsContinue =
            version == "HTTP/1.1" && tokens("Expect").contains("100-continue") && (isChunked || contentLength > 0)
        return Head(
            method: String(requestLine[0]),
            target: String(requestLine[1]),
            version: version,
            headers: headers,
            isChunked: isChunked,
            contentLength: contentLength,
            expectsContinue: expectsContinue,
            isKeepAlive: isKeepAlive
        )
    }

    private static func parseField(_ line: String) throws(Failure) -> (name: String, value: String) {
        guard let colon = line.firstIndex(of: ":") else {
            throw Failure(status: 400, reason: "header line without a colon \"\(line)\"")
        }
        let name = String(line[..<colon])
        guard !name.isEmpty, !name.contains(where: { $0 == " " || $0 == "\t" }) else {
            throw Failure(status: 400, reason: "invalid header name \"\(name)\"")
        }
        let value = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        return (name, value)
    }
}
