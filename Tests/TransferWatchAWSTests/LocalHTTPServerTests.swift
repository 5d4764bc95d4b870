import Foundation
import Glibc
import Testing
import TransferWatchLocking
import TransferWatchTestSupport

/// Every action of ``LocalHTTPServer`` against real clients: the `curl` tool, and raw sockets for what curl
/// cannot express (half-sent requests, pipelining, exact bytes on the wire).
///
/// Serialized because two tests measure process-wide state (open descriptors) and several measure
/// elapsed time, which parallel tests on a 2-core machine would blur.
@Suite(.serialized)
struct LocalHTTPServerTests {
    // MARK: - respond

    @Test func respondSendsStatusRepeatedHeadersAndBodyWithContentLengthAdded() async throws {
        let server = try LocalHTTPServer.start { _ in
            .respond(
                status: 201,
                headers: [("X-Multi", "a"), ("X-Multi", "b"), ("Content-Type", "application/octet-stream")],
                body: Data("hello body".utf8)
            )
        }
        defer { server.stop() }

        let result = try await curl([
            "--include", "--data-binary", "payload", "-H", "X-Test: 1", server.url("/items?x=1"),
        ])

        #expect(result.exitCode == 0)
        #expect(result.output.hasPrefix("HTTP/1.1 201 Created\r\n"))
        #expect(result.output.contains("X-Multi: a\r\nX-Multi: b\r\nContent-Type: application/octet-stream\r\n"))
        #expect(result.output.contains("Content-Length: 10\r\n"))
        #expect(result.output.hasSuffix("\r\n\r\nhello body"))
        let request = try #require(server.requests().first)
        #expect(request.method == "POST")
        #expect(request.target == "/items?x=1")
        #expect(request.path == "/items")
        #expect(request.query == "x=1")
        #expect(request.header("x-test") == "1")
        #expect(request.header("CONTENT-LENGTH") == "7")
        #expect(request.bodyText == "payload")
        #expect(request.sequenceNumber == 0)
        #expect(request.connectionID == 0)
    }

    @Test func jsonAndTextSetContentTypeAndStatus() async throws {
        let server = try LocalHTTPServer.start { request in
            request.path == "/json"
                ? .json(status: 202, #"{"ok":true}"#, headers: [("X-Request-Id", "r1")])
                : .text(status: 404, "no such thing")
        }
        defer { server.stop() }

        let json = try await curl(["--include", server.url("/json")])
        let text = try await curl(["--include", server.url("/other")])

        #expect(json.output.hasPrefix("HTTP/1.1 202 Accepted\r\n"))
        #expect(json.output.contains("Content-Type: application/json\r\nX-Request-Id: r1\r\n"))
        #expect(json.output.hasSuffix("\r\n\r\n{\"ok\":true}"))
        #expect(text.output.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        #expect(text.output.contains("Content-Type: text/plain; charset=utf-8\r\n"))
        #expect(text.output.hasSuffix("\r\n\r\nno such thing"))
    }

    @Test func respondKeepsGivenContentLengthAndSendsNoBodyForHEADOr204() async throws {
        let server = try LocalHTTPServer.start { request in
            switch request.path {
            case "/given": .respond(status: 200, headers: [("Content-Length", "3")], body: Data("abc".utf8))
            case "/empty": .respond(status: 204)
            default: .text("head body")
            }
        }
        defer { server.stop() }

        let (given, noContent, head, afterHead) = try await onDedicatedThread {
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /given HTTP/1.1\r\nHost: t\r\n\r\n")
            let given = try client.readResponse()
            try client.send("GET /empty HTTP/1.1\r\nHost: t\r\n\r\n")
            let noContent = try client.readResponse()
            try client.send("HEAD /head HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try client.readResponse(bodyExpected: false)
            // Anything sent for HEAD or 204 would show up here, ahead of this response.
            try client.send("GET /given HTTP/1.1\r\nHost: t\r\n\r\n")
            return (given, noContent, head, try client.readResponse())
        }

        #expect(given.headerValues("Content-Length") == ["3"])
        #expect(given.bodyText == "abc")
        #expect(noContent.status == 204)
        #expect(noContent.headerValues("Content-Length").isEmpty)
        #expect(head.header("Content-Length") == "9")
        #expect(afterHead.bodyText == "abc")
        #expect(server.connectionCount() == 1)
    }

    @Test func requestKeepsHeaderOrderRepeatsSpellingAndRawTarget() async throws {
        let server = try LocalHTTPServer.start { _ in .text("ok") }
        defer { server.stop() }

        let response = try await onDedicatedThread {
            let client = try RawHTTPClient(port: server.port)
            try client.send(
                "GET /a%2Fb/../c?x=1&y=%20&x=2 HTTP/1.1\r\nHost: t\r\nX-B: 1\r\nx-a:2\r\nX-B:  3 \r\n\r\n"
            )
            return try client.readResponse()
        }

        #expect(response.status == 200)
        let request = try #require(server.requests().first)
        #expect(request.target == "/a%2Fb/../c?x=1&y=%20&x=2")
        #expect(request.path == "/a%2Fb/../c")
        #expect(request.query == "x=1&y=%20&x=2")
        #expect(request.headers.map(\.name) == ["Host", "X-B", "x-a", "X-B"])
        #expect(request.headers.map(\.value) == ["t", "1", "2", "3"])
        #expect(request.header("x-b") == "1")
        #expect(request.headerValues("X-b") == ["1", "3"])
        #expect(request.header("X-A") == "2")
        #expect(request.header("missing") == nil)
        #expect(request.body.isEmpty)
    }

    // MARK: - Request bodies

    @Test func chunkedRequestBodyFromCurlIsDecoded() async throws {
        let server = try LocalHTTPServer.start { request in .text("\(request.body.count)") }
        defer { server.stop() }
        let payload = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let file = try TemporaryFile(contents: payload)

        let result = try await curl([
            "-H", "Transfer-Encoding: chunked", "--data-binary", "@\(file.path)", server.url("/upload"),
        ])

        #expect(result.exitCode == 0)
        #expect(result.output == "100000")
        let request = try #require(server.requests().first)
        #expect(request.header("transfer-encoding") == "chunked")
        #expect(request.header("content-length") == nil)
        #expect(request.body == payload)
    }

    @Test func chunkedBodyWithExtensionsAndTrailersSentByteByByteIsDecoded() async throws {
        let server = try LocalHTTPServer.start { request in .text(request.bodyText) }
        defer { server.stop() }

        let response = try await onDedicatedThread {
            let client = try RawHTTPClient(port: server.port)
            let wire =
                "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;name=value\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Checksum: abc\r\n\r\n"
            for byte in Array(wire.utf8) {
                try client.send([byte])
            }
            return try client.readResponse()
        }

        #expect(response.bodyText == "Wikipedia in\r\n\r\nchunks.")
        let request = try #require(server.requests().first)
        #expect(request.bodyText == "Wikipedia in\r\n\r\nchunks.")
        #expect(request.trailers.map(\.name) == ["X-Checksum"])
        #expect(request.trailers.map(\.value) == ["abc"])
    }

    @Test func expectContinueIsAnsweredBeforeTheBodyIsSent() async throws {
        let server = try LocalHTTPServer.start { request in .text("got \(request.bodyText)") }
        defer { server.stop() }

        let (interim, recordedBeforeBody, final) = try await onDedicatedThread {
            let client = try RawHTTPClient(port: server.port)
            try client.send("PUT /k HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = try client.readResponse(bodyExpected: false)
            let recordedBeforeBody = server.requests().count
            try client.send("hello")
            return (interim, recordedBeforeBody, try client.readResponse())
        }

        #expect(interim.status == 100)
        #expect(interim.headers.isEmpty)
        #expect(recordedBeforeBody == 0)
        #expect(final.status == 200)
        #expect(final.bodyText == "got hello")
    }

    @Test func curlWaitingForContinueGetsItPromptly() async throws {
        let server = try LocalHTTPServer.start { request in .text("\(request.body.count)") }
        defer { server.stop() }
        let file = try TemporaryFile(contents: Data(repeating: 0x61, count: 2000))

        // Without an interim response curl would wait the full 30 s before sending the body.
        let result = try await curl([
            "--verbose", "--expect100-timeout", "30", "-H", "Expect: 100-continue",
            "--data-binary", "@\(file.path)", server.url("/big"),
        ])

        #expect(result.exitCode == 0)
        #expect(result.output == "2000")
        #expect(result.errors.contains("HTTP/1.1 100 Continue"))
        #expect(result.elapsed < .seconds(10))
        #expect(server.requests().first?.header("expect") == "100-continue")
    }

    // MARK: - Connections

    @Test func keepAliveRequestsOnOneSocketShareAConnectionID() async throws {
        let server = try LocalHTTPServer.start { request in .text(request.target) }
        defer { server.stop() }

        let bodies = try await onDedicatedThread {
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /one HTTP/1.1\r\nHost: t\r\n\r\n")
            let first = try client.readResponse().bodyText
            try client.send("POST /two HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc")
            let second = try client.readResponse().bodyText
            return [first, second]
        }
        let second = try await onDedicatedThread {
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /three HTTP/1.1\r\nHost: t\r\n\r\n")
            return try client.readResponse().bodyText
        }

        #expect(bodies == ["/one", "/two"])
        #expect(second == "/three")
        let requests = server.requests()
        #expect(requests.map(\.target) == ["/one", "/two", "/three"])
        #expect(requests.map(\.sequenceNumber) == [0, 1, 2])
        #expect(requests.map(\.connectionID) == [0, 0, 1])
        #expect(server.connectionCount() == 2)
    }

    @Test func curlReusesItsConnectionForTwoURLs() async throws {
        let server = try LocalHTTPServer.start { request in .text(request.target) }
        defer { server.stop() }

        let result = try await curl([server.url("/a"), server.url("/b")])

        #expect(result.exitCode == 0)
        #expect(result.output == "/a/b")
        let requests = server.requests()
        #expect(requests.count == 2)
        #expect(requests[0].connectionID == requests[1].connectionID)
        #expect(server.connectionCount() == 1)
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let server = try LocalHTTPServer.start { request in .text(request.target) }
        defer { server.stop() }

        let bodies = try await onDedicatedThread {
            let client = try RawHTTPClient(port: server.port)
            try client.send(
                "GET /first HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "PUT /second HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nxy"
                    + "GET /third HTTP/1.1\r\nHost: t\r\n\r\n"
            )
            return try (0..<3).map { _ in try client.readResponse().bodyText }
        }

        #expect(bodies == ["/first", "/second", "/third"])
        #expect(server.requests()[1].bodyText == "xy")
        #expect(Set(server.requests().map(\.connectionID)).count == 1)
    }

    @Test func connectionCloseIsHonoured() async throws {
        let server = try LocalHTTPServer.start { _ in .text("bye") }
        defer { server.stop() }

        let (response, rest) = try await onDedicatedThread {
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            return (try client.readResponse(), try client.readUntilClosed())
        }

        #expect(response.bodyText == "bye")
        #expect(response.header("connection") == "close")
        #expect(rest.bytes.isEmpty)
        #expect(rest.ending == .closed)
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() async throws {
        let server = try LocalHTTPServer.start { _ in .text("old") }
        defer { server.stop() }

        let (plain, plainRest, kept, keptAgain) = try await onDedicatedThread {
            let plainClient = try RawHTTPClient(port: server.port)
            try plainClient.send("GET / HTTP/1.0\r\n\r\n")
            let plain = try plainClient.readResponse()
            let plainRest = try plainClient.readUntilClosed()

            let keptClient = try RawHTTPClient(port: server.port)
            try keptClient.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let kept = try keptClient.readResponse()
            try keptClient.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            return (plain, plainRest, kept, try keptClient.readResponse())
        }

        #expect(plain.header("connection") == "close")
        #expect(plainRest.ending == .closed)
        #expect(kept.header("connection") == "keep-alive")
        #expect(keptAgain.bodyText == "old")
        #expect(server.requests().map(\.version) == ["HTTP/1.0", "HTTP/1.0", "HTTP/1.0"])
        #expect(server.connectionCount() == 2)
    }

    struct MalformedCase: Sendable, CustomStringConvertible {
        var name: String
        var wire: String
        var status: Int
        var description: String { name }
    }

    @Test(arguments: [
        // Not a request line at all.
        MalformedCase(name: "garbage", wire: "NONSENSE\r\n\r\n", status: 400),
        // A version this server does not speak.
        MalformedCase(name: "HTTP/2.0", wire: "GET / HTTP/2.0\r\n\r\n", status: 505),
        // Only chunked framing is understood.
        MalformedCase(
            name: "gzip coding", wire: "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", status: 501),
        // Two different lengths: the framing is ambiguous.
        MalformedCase(
            name: "conflicting lengths", wire: "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            status: 400),
        // A header line without a colon.
        MalformedCase(name: "no colon", wire: "GET / HTTP/1.1\r\nHost t\r\n\r\n", status: 400),
        // obs-fold continuation lines are rejected (RFC 9112 §5.2).
        MalformedCase(name: "folded header", wire: "GET / HTTP/1.1\r\nX-A: 1\r\n 2\r\n\r\n", status: 400),
        // A chunk size that is not hexadecimal.
        MalformedCase(
            name: "bad chunk size", wire: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", status: 400),
    ])
    func malformedRequestIsRejectedAndClosed(_ malformed: MalformedCase) async throws {
        let server = try LocalHTTPServer.start { _ in .text("should not be reached") }
        defer { server.stop() }

        let (response, rest) = try await onDedicatedThread {
            let client = try RawHTTPClient(port: server.port)
            try client.send(malformed.wire)
            return (try client.readResponse(), try client.readUntilClosed())
        }

        #expect(response.status == malformed.status)
        #expect(response.header("connection") == "close")
        #expect(rest.ending == .closed)
        #expect(server.requests().isEmpty)
    }

    // MARK: - Misbehaviour

    @Test func resetConnectionMakesCurlSeeAConnectionReset() async throws {
        let server = try LocalHTTPServer.start { _ in .resetConnection }
        defer { server.stop() }

        let result = try await curl([server.url("/reset")])
        let raw = try await onDedicatedThread {
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /reset HTTP/1.1\r\nHost: t\r\n\r\n")
            return try client.readUntilClosed()
        }

        #expect(result.exitCode == 56)
        #expect(result.errors.contains("Recv failure: Connection reset by peer"))
        #expect(raw.ending == .reset)
        #expect(raw.bytes.isEmpty)
        #expect(server.requests().map(\.target) == ["/reset", "/reset"])
    }

    @Test func closeWithoutResponseMakesCurlSeeAnEmptyReply() async throws {
        let server = try LocalHTTPServer.start { _ in .closeWithoutResponse }
        defer { server.stop() }

        let result = try await curl([server.url("/empty")])
        let raw = try await onDedicatedThread {
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /empty HTTP/1.1\r\nHost: t\r\n\r\n")
            return try client.readUntilClosed()
        }

        #expect(result.exitCode == 52)
        #expect(result.errors.contains("Empty reply from server"))
        #expect(raw.ending == .closed)
        #expect(raw.bytes.isEmpty)
    }

    @Test func truncatedDeclaresTheFullLengthButSendsOnlyPartOfTheBody() async throws {
        let body = Data(repeating: 0x7A, count: 100)
        let server = try LocalHTTPServer.start { _ in
            .truncated(status: 200, headers: [("Content-Type", "application/octet-stream")], body: body, sendBytes: 10)
        }
        defer { server.stop() }

        let result = try await curl([server.url("/object")])
        let raw = try await onDedicatedThread {
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /object HTTP/1.1\r\nHost: t\r\n\r\n")
            return try client.readUntilClosed()
        }

        #expect(result.exitCode == 18)
        #expect(result.errors.contains("transfer closed with 90 bytes remaining to read"))
        #expect(result.stdout == Data(repeating: 0x7A, count: 10))
        #expect(raw.ending == .closed)
        let text = String(decoding: raw.bytes, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.contains("Content-Length: 100\r\n"))
        #expect(text.hasSuffix("\r\n\r\n" + String(repeating: "z", count: 10)))
    }

    @Test func stallMakesCurlTimeOutAndStopReturnsPromptly() async throws {
        let server = try LocalHTTPServer.start { _ in .stall(seconds: 30) }

        let result = try await curl(["--max-time", "1", server.url("/slow")])
        let stopStarted = ContinuousClock.now
        server.stop()
        let stopTook = ContinuousClock.now - stopStarted

        #expect(result.exitCode == 28)
        #expect(result.errors.contains("Operation timed out"))
        #expect(result.elapsed >= .milliseconds(900))
        #expect(result.elapsed < .seconds(10))
        #expect(stopTook < .seconds(5), "stop() cuts the 30 s stall short")
        #expect(server.requests().map(\.target) == ["/slow"])
    }

    @Test func stopWakesStalledAndIdleConnectionsAndRefusesNewOnes() async throws {
        let server = try LocalHTTPServer.start { request in
            request.path == "/stall" ? .stall(seconds: 60) : .text("idle now")
        }
        let port = server.port
        let readers = try await onDedicatedThread {
            let idle = try RawHTTPClient(port: port)
            try idle.send("GET /idle HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try idle.readResponse()
            let stalled = try RawHTTPClient(port: port)
            try stalled.send("GET /stall HTTP/1.1\r\nHost: t\r\n\r\n")
            return (idle: idle, stalled: stalled)
        }
        try await eventually { server.requests().count == 2 }

        let stopStarted = ContinuousClock.now
        server.stop()
        let stopTook = ContinuousClock.now - stopStarted

        #expect(stopTook < .seconds(5))
        let idleRest = try readers.idle.readUntilClosed(timeout: .seconds(2))
        let stalledRest = try readers.stalled.readUntilClosed(timeout: .seconds(2))
        #expect(idleRest.ending == .closed)
        #expect(stalledRest.ending == .closed)
        #expect(stalledRest.bytes.isEmpty)
        #expect(server.openConnectionCount() == 0)
        #expect(throws: RawClientError.connectFailed(errno: ECONNREFUSED)) { try RawHTTPClient(port: port) }
    }

    @Test func delayAnswersLateWithTheInnerAction() async throws {
        let server = try LocalHTTPServer.start(script: [
            .delay(seconds: 0.5, then: .text("late")),
            .delay(seconds: 0.2, then: .closeWithoutResponse),
        ])
        defer { server.stop() }

        let late = try await curl([server.url("/1")])
        let empty = try await curl([server.url("/2")])

        #expect(late.exitCode == 0)
        #expect(late.output == "late")
        #expect(late.elapsed >= .milliseconds(500))
        #expect(empty.exitCode == 52)
        #expect(empty.elapsed >= .milliseconds(200))
    }

    @Test func scriptPlaysInOrderThenReportsExhaustion() async throws {
        let server = try LocalHTTPServer.start(script: [
            .text("first"),
            .json(status: 202, #"{"n":2}"#),
            .text(status: 503, "third"),
        ])
        defer { server.stop() }

        var results: [CurlResult] = []
        for index in 1...4 {
            results.append(try await curl(["--write-out", " %{http_code}", server.url("/req/\(index)")]))
        }

        #expect(results.map(\.output) == [
            "first 200",
            #"{"n":2} 202"#,
            "third 503",
            "script exhausted: request #3 (GET /req/4) arrived after all 3 scripted actions were used\n 599",
        ])
        #expect(server.requests().map(\.sequenceNumber) == [0, 1, 2, 3])
        #expect(server.requests().map(\.target) == ["/req/1", "/req/2", "/req/3", "/req/4"])
    }

    @Test func asyncHandlerIsAwaitedPerRequest() async throws {
        let counter = Counter()
        let server = try LocalHTTPServer.start(asyncHandler: { request in
            let count = await counter.increment()
            return .text("\(request.path) \(count)")
        })
        defer { server.stop() }

        let result = try await curl([server.url("/a"), server.url("/b")])

        #expect(result.output == "/a 1/b 2")
        #expect(await counter.value == 2)
    }

    @Test func stopFromInsideAHandlerDoesNotDeadlock() async throws {
        let holder = ServerHolder()
        let server = try LocalHTTPServer.start { _ in
            holder.server.withLock { $0 }?.stop()
            return .text("stopping")
        }
        holder.server.withLock { $0 = server }
        defer { holder.server.withLock { $0 = nil } }

        let result = try await curl(["--max-time", "5", server.url("/stop")])

        #expect(result.exitCode == 0)
        #expect(result.output == "stopping")
        #expect(throws: RawClientError.connectFailed(errno: ECONNREFUSED)) { try RawHTTPClient(port: server.port) }
    }

    @Test func deinitStopsTheServer() async throws {
        var server: LocalHTTPServer? = try LocalHTTPServer.start { _ in .text("hi") }
        let port = try #require(server?.port)
        let greeting = try await curl([try #require(server?.url("/"))])
        #expect(greeting.output == "hi")

        server = nil

        #expect(throws: RawClientError.connectFailed(errno: ECONNREFUSED)) { try RawHTTPClient(port: port) }
    }

    // MARK: - Robustness

    @Test func clientsThatDisconnectMidRequestDoNotWedgeTheServer() async throws {
        let server = try LocalHTTPServer.start { _ in .text("fine") }
        defer { server.stop() }

        let response = try await onDedicatedThread {
            let partials = [
                "GET /partial-head HTTP/1.1\r\nHost: t\r\nX-Half",
                "POST /partial-body HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789",
                "POST /partial-chunk HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
            ]
            for (index, partial) in partials.enumerated() {
                let client = try RawHTTPClient(port: server.port)
                try client.send(partial)
                if index == 1 { client.closeWithReset() } else { client.close() }
            }
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /whole HTTP/1.1\r\nHost: t\r\n\r\n")
            return try client.readResponse()
        }

        #expect(response.bodyText == "fine")
        #expect(server.requests().map(\.target) == ["/whole"])
        #expect(server.connectionCount() == 4)
        try await eventually { server.openConnectionCount() == 0 }
    }

    /// Clients that go away before or while the response is sent make the server's sends fail
    /// (`EPIPE`/`ECONNRESET`); the server must drop the connection and carry on.
    ///
    /// This does not prove `MSG_NOSIGNAL` is needed: Linux reports the first failed send after a reset as
    /// `ECONNRESET` without a signal, and the server never sends again on a failed connection.
    @Test func clientsThatLeaveBeforeOrDuringTheResponseDoNotBreakTheServer() async throws {
        let large = Data(repeating: 0x41, count: 16 * 1024 * 1024)
        let server = try LocalHTTPServer.start { request in
            request.path == "/late" ? .delay(seconds: 0.2, then: .text("too late")) : .respond(status: 200, body: large)
        }
        defer { server.stop() }

        try await onDedicatedThread {
            for reset in [false, true] {
                let client = try RawHTTPClient(port: server.port)
                try client.send("GET /large HTTP/1.1\r\nHost: t\r\n\r\n")
                _ = try client.readSome()
                if reset { client.closeWithReset() } else { client.close() }
            }
            let client = try RawHTTPClient(port: server.port)
            try client.send("GET /late HTTP/1.1\r\nHost: t\r\n\r\n")
            client.closeWithReset()
        }
        try await eventually { server.requests().count == 3 && server.openConnectionCount() == 0 }

        let result = try await curl(["--output", "/dev/null", "--write-out", "%{size_download}", server.url("/again")])
        #expect(result.exitCode == 0)
        #expect(result.output == "\(large.count)")
    }

    @Test func fileDescriptorsAreReleasedAfterManyConnections() async throws {
        let before = openDescriptorCount()
        let server = try LocalHTTPServer.start { request in
            switch request.path {
            case "/reset": .resetConnection
            case "/empty": .closeWithoutResponse
            case "/cut": .truncated(status: 200, body: Data(count: 50), sendBytes: 5)
            default: .text("ok")
            }
        }
        let port = server.port

        try await onDedicatedThread {
            for index in 0..<200 {
                let client = try RawHTTPClient(port: port)
                switch index % 5 {
                case 0:
                    try client.send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\n")
                    _ = try client.readResponse()
                    client.close()
                case 1:
                    try client.send("GET /reset HTTP/1.1\r\nHost: t\r\n\r\n")
                    _ = try client.readUntilClosed()
                case 2:
                    try client.send("GET /empty HTTP/1.1\r\nHost: t\r\n\r\n")
                    _ = try client.readUntilClosed()
                case 3:
                    try client.send("GET /cut HTTP/1.1\r\nHost: t\r\n\r\n")
                    _ = try client.readUntilClosed()
                default:
                    try client.send("GET /ok HTTP/1.1\r\nHost: t\r\nContent-Len")
                    client.close()
                }
            }
        }
        // The last clients may still sit in the listen backlog when the loop above ends.
        try await eventually { server.connectionCount() == 200 && server.openConnectionCount() == 0 }

        // Exact: of this process's descriptors, only the listener is still bound to the server's port.
        #expect(serverSideSocketCount(port: port) == 1)
        server.stop()
        #expect(serverSideSocketCount(port: port) == 0)

        // Coarse, because suites running in parallel open descriptors meanwhile (moto pipes, pooled connections:
        // dozens at once under `make test`): a leak per connection would add 200.
        for _ in 0..<50 {
            try LocalHTTPServer.start { _ in .text("") }.stop()
        }
        let after = openDescriptorCount()
        #expect(after - before < 150, "descriptors before: \(before), after 200 connections and 51 servers: \(after)")
    }
}

// MARK: - Helpers

/// What a `curl` run produced.
struct CurlResult: Sendable {
    var exitCode: Int32
    var stdout: Data
    var errors: String
    var elapsed: Duration

    var output: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs the `curl` tool without blocking a cooperative thread; stdout and stderr go to temporary files so a
/// large output can never fill a pipe and hang it.
func curl(_ arguments: [String]) async throws -> CurlResult {
    let stdoutFile = try TemporaryFile(contents: Data())
    let stderrFile = try TemporaryFile(contents: Data())
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    // -q: ignore any ~/.curlrc; --noproxy: never send 127.0.0.1 through a proxy from the environment.
    process.arguments = ["curl", "-q", "--silent", "--show-error", "--noproxy", "*"] + arguments
    let stdoutHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutFile.path))
    let stderrHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrFile.path))
    defer {
        try? stdoutHandle.close()
        try? stderrHandle.close()
    }
    process.standardOutput = stdoutHandle
    process.standardError = stderrHandle
    process.standardInput = FileHandle.nullDevice
    let started = ContinuousClock.now
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        process.terminationHandler = { _ in continuation.resume() }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    let elapsed = ContinuousClock.now - started
    return CurlResult(
        exitCode: process.terminationStatus,
        stdout: try Data(contentsOf: URL(fileURLWithPath: stdoutFile.path)),
        errors: String(decoding: try Data(contentsOf: URL(fileURLWithPath: stderrFile.path)), as: UTF8.self),
        elapsed: elapsed
    )
}

/// A file under the temporary directory, removed when the value is released.
final class TemporaryFile: Sendable {
    let path: String

    init(contents: Data) throws {
        let name = "LocalHTTPServerTests-\(UUID().uuidString)"
        path = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        try contents.write(to: URL(fileURLWithPath: path))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}


/// Polls `condition` every 10 ms for up to `timeout`; records an issue if it never holds.
///
/// Real sockets close asynchronously on the server's threads, so some states can only be waited for.
func eventually(
    timeout: Duration = .seconds(5),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition still false after \(timeout)", sourceLocation: sourceLocation)
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// Counts this process's open file descriptors (entries of /proc/self/fd).
func openDescriptorCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
}

/// Counts this process's descriptors that are TCP sockets bound locally to `port` (the server's side of
/// its connections, and its listener), by matching socket inodes from /proc/self/fd with /proc/net/tcp.
func serverSideSocketCount(port: Int) -> Int {
    guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return -1 }
    let portSuffix = String(format: ":%04X", port)
    var inodes = Set<String>()
    for line in table.split(separator: "\n").dropFirst() {
        let columns = line.split(separator: " ")
        if columns.count > 9 && columns[1].hasSuffix(portSuffix) {
            inodes.insert(String(columns[9]))
        }
    }
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return entries.filter { entry in
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(entry)"),
            target.hasPrefix("socket:[")
        else { return false }
        return inodes.contains(String(target.dropFirst("socket:[".count).dropLast()))
    }.count
}

/// Counts calls, for the async handler test.
actor Counter {
    private(set) var value = 0

    func increment() -> Int {
        value += 1
        return value
    }
}

/// Lets a handler reach the server it belongs to.
final class ServerHolder: Sendable {
    let server = Locked<LocalHTTPServer?>(nil)
}

/// Why a raw client call failed.
enum RawClientError: Error, Equatable {
    case connectFailed(errno: Int32)
    case sendFailed(errno: Int32)
    case receiveFailed(errno: Int32)
    case timedOut
    case closedEarly
    case malformedResponse(String)
}

/// A response read by ``RawHTTPClient``.
struct RawResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }
}

/// A blocking TCP client that sends exactly the bytes it is given, for what `curl` cannot express.
final class RawHTTPClient {
    /// How a connection ended, from the client's side.
    enum Ending: Equatable {
        /// Orderly close (FIN): `recv` returned 0.
        case closed
        /// `recv` failed with `ECONNRESET`.
        case reset
    }

    private var fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws(RawClientError) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .connectFailed(errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            fd = -1
            throw .connectFailed(errno: code)
        }
        // Without this, byte-by-byte sends would wait on delayed ACKs.
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    func send(_ text: String) throws(RawClientError) {
        try send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws(RawClientError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw .sendFailed(errno: errno) }
            offset += sent
        }
    }

    /// Reads one response. For 1xx, 204 and 304, or with `bodyExpected: false` (HEAD), only the head is read;
    /// otherwise the body is read by Content-Length, or up to the close when there is none.
    func readResponse(
        bodyExpected: Bool = true,
        timeout: Duration = .seconds(5)
    ) throws(RawClientError) -> RawResponse {
        let deadline = ContinuousClock.now + timeout
        var headEnd: Int?
        while true {
            headEnd = buffer.indices.dropLast(3).first {
                buffer[$0] == 13 && buffer[$0 + 1] == 10 && buffer[$0 + 2] == 13 && buffer[$0 + 3] == 10
            }
            if headEnd != nil { break }
            guard try fill(until: deadline) else { throw .closedEarly }
        }
        let end = headEnd!
        let lines = String(decoding: buffer[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        buffer.removeFirst(end + 4)
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw .malformedResponse(lines[0])
        }
        let headers = lines.dropFirst().map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            let value = colon < line.endIndex ? line[line.index(after: colon)...] : ""
            return (String(line[..<colon]), value.trimmingCharacters(in: .whitespaces))
        }
        var response = RawResponse(status: status, headers: headers, body: [])
        guard bodyExpected, !(100..<200).contains(status), status != 204, status != 304 else { return response }
        if let length = response.header("Content-Length").flatMap({ Int($0) }) {
            while buffer.count < length {
                guard try fill(until: deadline) else { throw .closedEarly }
            }
            response.body = Array(buffer.prefix(length))
            buffer.removeFirst(length)
        } else {
            response.body = try readUntilClosed(timeout: deadline - .now).bytes
        }
        return response
    }

    /// Reads whatever arrives first.
    func readSome(timeout: Duration = .seconds(5)) throws(RawClientError) -> [UInt8] {
        guard try fill(until: .now + timeout) else { throw .closedEarly }
        defer { buffer.removeAll() }
        return buffer
    }

    /// Reads until the server closes or resets the connection; returns what arrived and how it ended.
    func readUntilClosed(timeout: Duration = .seconds(5)) throws(RawClientError) -> (bytes: [UInt8], ending: Ending) {
        let deadline = ContinuousClock.now + timeout
        do {
            while try fill(until: deadline) {}
        } catch .receiveFailed(let code) where code == ECONNRESET {
            defer { buffer.removeAll() }
            return (buffer, .reset)
        }
        defer { buffer.removeAll() }
        return (buffer, .closed)
    }

    /// Closes normally (FIN).
    func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    /// Closes with a TCP reset.
    func closeWithReset() {
        guard fd >= 0 else { return }
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close()
    }

    /// Appends received bytes to the buffer; `false` on an orderly close.
    private func fill(until deadline: ContinuousClock.Instant) throws(RawClientError) -> Bool {
        while true {
            let left = deadline - .now
            guard left > .zero else { throw .timedOut }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let (seconds, attoseconds) = left.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count == 0 { return false }
            if errno == EINTR { continue }
            throw .receiveFailed(errno: errno)
        }
    }
}
