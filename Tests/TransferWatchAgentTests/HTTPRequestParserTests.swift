import Testing
import TransferWatchAgent

/// The request parser on byte strings: limits and errors, without sockets.
@Suite struct HTTPRequestParserTests {
    @Test func parsesAHeadAndKeepsPipelinedBytes() throws {
        var parser = HTTPRequestParser()
        parser.append(
            Array("GET /status?x=1 HTTP/1.1\r\nHost: a\r\nX-Thing:  v  \r\n\r\nGET /healthz HTTP/1.0\r\n\r\n".utf8))
        let first = try #require(try parser.next())
        #expect(first.method == "GET")
        #expect(first.target == "/status?x=1")
        #expect(first.path == "/status")
        #expect(first.value(of: "x-thing") == "v")
        #expect(first.isKeepAlive)
        let second = try #require(try parser.next())
        #expect(second.path == "/healthz")
        #expect(!second.isKeepAlive, "HTTP/1.0 closes by default")
        #expect(try parser.next() == nil)
        #expect(!parser.hasPartialRequest)
    }

    @Test func waitsForTheHeadByteByByte() throws {
        var parser = HTTPRequestParser()
        let bytes = Array("\r\nGET / HTTP/1.1\nHost: a\n\n".utf8)  // a leading empty line and bare LFs
        for (index, byte) in bytes.enumerated() {
            parser.append([byte])
            let head = try parser.next()
            if index < bytes.count - 1 {
                #expect(head == nil, "complete too early at byte \(index)")
            } else {
                #expect(head?.value(of: "Host") == "a")
            }
        }
    }

    @Test func connectionHeaderDecidesKeepAlive() throws {
        func head(_ text: String) throws -> HTTPRequestHead? {
            var parser = HTTPRequestParser()
            parser.append(Array(text.utf8))
            return try parser.next()
        }
        #expect(try head("GET / HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, Close\r\n\r\n")?.isKeepAlive == false)
        #expect(try head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")?.isKeepAlive == true)
    }

    /// One malformed or over-limit request and the error it must produce.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var request: String
        var error: HTTPRequestError
        var testDescription: String { name }
    }

    @Test(arguments: [
        Case(
            name: "two parts", request: "GET /\r\n\r\n", error: .malformed("request line must be METHOD TARGET VERSION")
        ),
        Case(
            name: "double space", request: "GET  / HTTP/1.1\r\n\r\n",
            error: .malformed("request line must be METHOD TARGET VERSION")),
        Case(
            name: "method with a slash", request: "G/T / HTTP/1.1\r\nHost: a\r\n\r\n",
            error: .malformed("invalid method")),
        Case(
            name: "relative target", request: "GET status HTTP/1.1\r\nHost: a\r\n\r\n",
            error: .malformed("invalid request target")),
        Case(name: "not HTTP", request: "GET / FTP/1.1\r\n\r\n", error: .malformed("invalid HTTP version")),
        Case(name: "HTTP/2", request: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", error: .versionNotSupported("HTTP/2.0")),
        Case(name: "no Host", request: "GET / HTTP/1.1\r\n\r\n", error: .malformed("missing Host header")),
        Case(
            name: "two Hosts", request: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            error: .malformed("more than one Host header")),
        Case(
            name: "space before colon", request: "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
            error: .malformed("invalid header field name")),
        Case(
            name: "no colon", request: "GET / HTTP/1.1\r\nHost a\r\n\r\n", error: .malformed("header field without ':'")
        ),
        Case(
            name: "folded line", request: "GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n",
            error: .malformed("obsolete line folding or empty field line")),
        Case(
            name: "NUL in value", request: "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n",
            error: .malformed("control character in header field value")),
        Case(
            name: "body", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", error: .bodyNotAccepted
        ),
        Case(
            name: "chunked", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
            error: .bodyNotAccepted),
        Case(
            name: "bad length", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
            error: .malformed("invalid Content-Length")),
        Case(
            name: "head over 8 KiB",
            request: "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "x", count: 8200)
                + "\r\n\r\n", error: .headersTooLarge(limit: 8192)),
        Case(
            name: "unfinished head over 8 KiB", request: "GET / HTTP/1.1\r\nX: " + String(repeating: "x", count: 8200),
            error: .headersTooLarge(limit: 8192)),
        Case(
            name: "request line over 8 KiB", request: "GET /" + String(repeating: "x", count: 8200),
            error: .targetTooLong(limit: 8192)),
        Case(
            name: "101 fields",
            request: "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X: 1\r\n", count: 100)
                + "\r\n", error: .headersTooLarge(limit: 8192)),
    ])
    func refuses(_ refusal: Case) {
        var parser = HTTPRequestParser()
        parser.append(Array(refusal.request.utf8))
        #expect(throws: refusal.error) { _ = try parser.next() }
    }

    @Test func errorsCarryTheirStatus() {
        #expect(HTTPRequestError.malformed("x").status == 400)
        #expect(HTTPRequestError.targetTooLong(limit: 1).status == 414)
        #expect(HTTPRequestError.headersTooLarge(limit: 1).status == 431)
        #expect(HTTPRequestError.bodyNotAccepted.status == 413)
        #expect(HTTPRequestError.versionNotSupported("HTTP/2.0").status == 505)
    }

    @Test func aHeadExactlyAtTheLimitIsAccepted() throws {
        let prefix = "GET / HTTP/1.1\r\nHost: a\r\nX: "
        let filler = String(repeating: "x", count: 8192 - prefix.utf8.count - 4)
        var parser = HTTPRequestParser()
        parser.append(Array((prefix + filler + "\r\n\r\n").utf8))
        #expect(try parser.next()?.value(of: "X")?.count == filler.count)
    }
}
