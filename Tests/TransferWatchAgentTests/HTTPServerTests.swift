import Foundation
import Glibc
import Testing
import TransferWatchAgent
import TransferWatchConfig
import TransferWatchTestSupport
import TransferWatchWorkflows

/// The HTTP server over real sockets: every route, HEAD, errors, limits, keep-alive, slow clients.
@Suite struct HTTPServerTests {
    @Test func servesEveryRoute() async throws {
        let readiness = ReadinessProbe(now: { StatusFixtures.now })
        readiness.addCheck("credentials") { .ready("valid until 2026-11-29T11:00:00Z") }
        let server = try StatusFixtures.startServer(readiness: readiness)
        defer { server.server.stop() }

        let health = try await fetch("/healthz", port: server.port)
        #expect(health.status == 200)
        #expect(health.text == "ok\n")

        let ready = try await fetch("/readyz", port: server.port)
        #expect(ready.status == 200)
        #expect(ready.text == "ok   credentials: valid until 2026-11-29T11:00:00Z\nready\n")

        let metrics = try await fetch("/metrics", port: server.port)
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(metrics.text.contains("# TYPE transferwatch_copy_succeeded_total counter\n"))

        let json = try await fetch("/status.json", port: server.port)
        #expect(json.status == 200)
        #expect(json.headers["content-type"] == "application/json")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(PipelineStatus.self, from: Data(json.body)) == StatusFixtures.status())
        let lines = json.text.split(separator: "\n").map(String.init)
        #expect(lines.first == "{")
        #expect(lines.contains(#"  "window" : "2026-11""#))
        #expect(lines.contains(#"  "now" : "2026-11-29T10:00:00Z","#))
        #expect(lines.firstIndex(of: #"  "alerts" : ["#)! < lines.firstIndex(of: #"  "window" : "2026-11""#)!)
        #expect(json.text.hasSuffix("}\n"))

        for path in ["/status", "/", "/status?refresh=1"] {
            let page = try await fetch(path, port: server.port)
            #expect(page.status == 200, "\(path)")
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(page.text.hasPrefix("<!DOCTYPE html>"))
            #expect(page.text.contains("8 of 12 employees delivered (66%)"))
        }
    }

    @Test func readyzIs503WhenACheckFails() async throws {
        let readiness = ReadinessProbe(now: { StatusFixtures.now })
        readiness.addCheck("credentials") { .notReady("ExpiredToken") }
        readiness.addHeartbeat("queue-consumer", interval: .seconds(20))
        let server = try StatusFixtures.startServer(readiness: readiness)
        defer { server.server.stop() }
        let ready = try await fetch("/readyz", port: server.port)
        #expect(ready.status == 503)
        #expect(ready.text == "FAIL credentials: ExpiredToken\nFAIL queue-consumer: no heartbeat yet\nnot ready\n")
    }

    @Test func statusBeforeTheFirstReadingIs503() async throws {
        let server = try StatusFixtures.startServer(status: nil)
        defer { server.server.stop() }
        let json = try await fetch("/status.json", port: server.port)
        #expect(json.status == 503)
        #expect(json.text == "{\"error\":\"status not available yet\"}\n")
        let page = try await fetch("/status", port: server.port)
        #expect(page.status == 503)
        #expect(page.text.contains("Status not available yet"))
    }

    @Test func headAnnouncesTheBodyWithoutSendingItAndKeepsTheConnection() async throws {
        let server = try StatusFixtures.startServer()
        defer { server.server.stop() }
        let get = try await fetch("/status", port: server.port)
        let (head, next) = try await onDedicatedThread {
            let connection = try HTTPTestConnection(port: server.port)
            connection.send("HEAD /status HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try connection.readResponse(isHead: true)
            // Had the body been sent, this would read its first bytes as a status line.
            connection.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            return (head, try connection.readResponse())
        }
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["content-length"] == String(get.body.count))
        #expect(head.headers["connection"] == "keep-alive")
        #expect(next.status == 200)
        #expect(next.text == "ok\n")
    }

    /// One case of a request the server must refuse or route away.
    struct RefusalCase: Sendable, CustomTestStringConvertible {
        var name: String
        var request: String
        var status: Int
        var bodyPrefix: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        RefusalCase(
            name: "unknown path", request: "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n", status: 404,
            bodyPrefix: "not found: /nope"),
        RefusalCase(
            name: "POST without body", request: "POST /status HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n",
            status: 405, bodyPrefix: "method not allowed: POST"),
        RefusalCase(
            name: "DELETE", request: "DELETE /metrics HTTP/1.1\r\nHost: t\r\n\r\n", status: 405,
            bodyPrefix: "method not allowed: DELETE"),
        RefusalCase(
            name: "body", request: "POST /status HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello",
            status: 413, bodyPrefix: "request bodies are not accepted"),
        RefusalCase(
            name: "chunked body", request: "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n",
            status: 413, bodyPrefix: "request bodies are not accepted"),
        RefusalCase(name: "garbage", request: "HELLO\r\n\r\n", status: 400, bodyPrefix: "bad request: request line"),
        RefusalCase(
            name: "no Host", request: "GET / HTTP/1.1\r\n\r\n", status: 400,
            bodyPrefix: "bad request: missing Host header"),
        RefusalCase(
            name: "HTTP/2.0", request: "GET / HTTP/2.0\r\nHost: t\r\n\r\n", status: 505,
            bodyPrefix: "HTTP version not supported"),
        RefusalCase(
            name: "oversized header",
            request: "GET / HTTP/1.1\r\nHost: t\r\nX-Big: "
                + String(repeating: "a", count: 9000) + "\r\n\r\n", status: 431,
            bodyPrefix: "request header fields larger than 8192 bytes"),
        RefusalCase(
            name: "oversized target", request: "GET /" + String(repeating: "a", count: 9000), status: 414,
            bodyPrefix: "request line longer than 8192 bytes"),
    ])
    func refusesWithTheRightStatus(_ refusal: RefusalCase) async throws {
        let server = try StatusFixtures.startServer()
        defer { server.server.stop() }
        let (response, closed) = try await onDedicatedThread {
            let connection = try HTTPTestConnection(port: server.port)
            connection.send(refusal.request)
            let response = try connection.readResponse()
            let closed = refusal.status == 404 || refusal.status == 405 ? true : connection.waitForClose()
            return (response, closed)
        }
        #expect(response.status == refusal.status)
        #expect(response.text.hasPrefix(refusal.bodyPrefix), "\(response.text)")
        if refusal.status == 405 { #expect(response.headers["allow"] == "GET, HEAD") }
        #expect(closed, "a refused request closes the connection")
    }

    @Test func keepAliveServesPipelinedRequestsAndHonoursConnectionClose() async throws {
        let server = try StatusFixtures.startServer()
        defer { server.server.stop() }
        let (first, second, third, closed) = try await onDedicatedThread {
            let connection = try HTTPTestConnection(port: server.port)
            connection.send(
                "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\nGET /status.json HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            let first = try connection.readResponse()
            let second = try connection.readResponse()
            let third = try connection.readResponse()
            return (first, second, third, connection.waitForClose())
        }
        #expect([first.status, second.status, third.status] as [Int] == [200, 200, 200])
        #expect(first.headers["connection"] == "keep-alive")
        #expect(second.text.hasPrefix("{\n  \"alerts\" : ["))
        #expect(third.headers["connection"] == "close")
        #expect(closed)
        #expect(server.server.statistics.accepted == 1)
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() async throws {
        let server = try StatusFixtures.startServer()
        defer { server.server.stop() }
        let (response, closed) = try await onDedicatedThread {
            let connection = try HTTPTestConnection(port: server.port)
            connection.send("GET /healthz HTTP/1.0\r\n\r\n")
            return (try connection.readResponse(), connection.waitForClose())
        }
        #expect(response.status == 200)
        #expect(response.headers["connection"] == "close")
        #expect(closed)
    }

    /// A client trickling one byte every 50 ms for up to 20 s would hold a naive server for ever; the head
    /// deadline (0.5 s) ends it with 408 long before the trickle ends, and other clients are served meanwhile.
    @Test func slowClientIsTimedOutAndDoesNotBlockOthers() async throws {
        let configuration = HTTPServerConfiguration(headTimeout: .milliseconds(500))
        let server = try StatusFixtures.startServer(configuration: configuration)
        defer { server.server.stop() }
        async let slow: (Int, [UInt8]) = onDedicatedThread {
            let connection = try HTTPTestConnection(port: server.port)
            var sent = 0
            for byte in Array("GET /status HTTP/1.1\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 400)
            {
                // Stop trickling once the server has answered (or closed).
                guard !connection.hasDataAvailable(), connection.send([byte]) else { break }
                sent += 1
                usleep(50_000)
            }
            return (sent, try connection.readUntilClose())
        }
        let other = try await fetch("/healthz", port: server.port)
        #expect(other.status == 200)
        let (sent, answer) = try await slow
        #expect(String(decoding: answer, as: UTF8.self).hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        #expect(sent < 431, "the server cut the trickle short")
        #expect(server.server.statistics.timedOut >= 1)
    }

    @Test func idleConnectionIsClosedAfterTheIdleTimeout() async throws {
        let server = try StatusFixtures.startServer(
            configuration: HTTPServerConfiguration(idleTimeout: .milliseconds(200)))
        defer { server.server.stop() }
        let (closed, data) = try await onDedicatedThread {
            let connection = try HTTPTestConnection(port: server.port)
            let data = try connection.readUntilClose()
            return (true, data)
        }
        #expect(closed)
        #expect(data.isEmpty, "an idle close sends nothing")
    }

    @Test func connectionsBeyondTheLimitGet503() async throws {
        let server = try StatusFixtures.startServer(configuration: HTTPServerConfiguration(maxConnections: 2))
        defer { server.server.stop() }
        let (rejected, afterwards) = try await onDedicatedThread {
            var first: HTTPTestConnection? = try HTTPTestConnection(port: server.port)
            let second = try HTTPTestConnection(port: server.port)
            // Both are served (so counted) before the third arrives.
            first?.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            second.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try first?.readResponse()
            _ = try second.readResponse()
            let third = try HTTPTestConnection(port: server.port)
            third.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            let rejected = try third.readResponse()
            // Freeing a slot lets the next connection in.
            first?.send("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            _ = try first?.readResponse()
            _ = first?.waitForClose()
            first = nil  // closes our end, so the server's lingering close finishes
            var afterwards = 0
            for _ in 0..<100 {
                let fourth = try HTTPTestConnection(port: server.port)
                fourth.send("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                afterwards = try fourth.readResponse().status
                if afterwards == 200 { break }
                usleep(20_000)
            }
            return (rejected, afterwards)
        }
        #expect(rejected.status == 503)
        #expect(rejected.headers["retry-after"] == "1")
        #expect(rejected.text == "too many connections\n")
        #expect(afterwards == 200)
        #expect(server.server.statistics.rejected >= 1)
    }

    /// The provider hangs 60× longer than the response timeout; the timeout is generous enough that a
    /// quick handler on a loaded CI machine still meets it.
    @Test func aHandlerThatHangsIsAnswered503() async throws {
        let server = try StatusFixtures.startServer(
            configuration: HTTPServerConfiguration(responseTimeout: .seconds(2)), statusDelay: .seconds(120))
        defer { server.server.stop() }
        let response = try await fetch("/status.json", port: server.port)
        #expect(response.status == 503)
        #expect(response.text == "response not ready in time\n")
        let health = try await fetch("/healthz", port: server.port)
        #expect(health.status == 200, "\(health.text)")
    }

    @Test func closesAfterTheRequestCapPerConnection() async throws {
        let server = try StatusFixtures.startServer(configuration: HTTPServerConfiguration(maxRequestsPerConnection: 2))
        defer { server.server.stop() }
        let (first, second, closed) = try await onDedicatedThread {
            let connection = try HTTPTestConnection(port: server.port)
            connection.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            let first = try connection.readResponse()
            connection.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            return (first, try connection.readResponse(), connection.waitForClose())
        }
        #expect(first.headers["connection"] == "keep-alive")
        #expect(second.headers["connection"] == "close")
        #expect(closed)
    }

    /// Clients that vanish (a reset while their answer is being prepared, a close half-way through a head)
    /// cost the server nothing: no SIGPIPE, no stuck connection, and the next client is served.
    @Test func survivesClientsThatVanish() async throws {
        let server = try StatusFixtures.startServer(statusDelay: .milliseconds(200))
        defer { server.server.stop() }
        try await onDedicatedThread {
            let reset = try HTTPTestConnection(port: server.port)
            reset.send("GET /status HTTP/1.1\r\nHost: t\r\n\r\n")
            var option = linger(l_onoff: 1, l_linger: 0)
            _ = setsockopt(reset.fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
            let halfway = try HTTPTestConnection(port: server.port)
            halfway.send("GET /status HTTP/1.1\r\nHo")
        }  // both connections are closed here (the first with a reset)
        while server.server.statistics.accepted < 2 || server.server.statistics.open > 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        let page = try await fetch("/status", port: server.port)
        #expect(page.status == 200)
        #expect(server.server.statistics.open <= 1)
    }

    @Test func servesManyConcurrentKeepAliveClients() async throws {
        let server = try StatusFixtures.startServer()
        defer { server.server.stop() }
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await onDedicatedThread {
                        let connection = try HTTPTestConnection(port: server.port)
                        var statuses: [Int] = []
                        for path in ["/status", "/metrics", "/status.json", "/healthz", "/readyz"] {
                            connection.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
                            statuses.append(try connection.readResponse().status)
                        }
                        return statuses
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(statuses.count == 100)
        #expect(statuses.allSatisfy { $0 == 200 })
        #expect(server.server.statistics.requests == 100)
        #expect(server.server.statistics.accepted == 20)
    }

    @Test func listensOnIPv6() async throws {
        let server = try StatusFixtures.startServer(host: "::1")
        defer { server.server.stop() }
        #expect(server.port > 0)
        let response = try await fetch("/healthz", port: server.port, host: "::1")
        #expect(response.status == 200)
    }

    @Test func aPortInUseIsReportedWithTheAddress() throws {
        let first = try StatusFixtures.startServer()
        defer { first.server.stop() }
        #expect {
            _ = try StatusHTTPServer(
                address: ListenAddress(host: "127.0.0.1", port: first.port),
                statusProvider: { nil }, recentCopiesProvider: { [] },
                metrics: PrometheusMetricStore(environment: "test"),
                readiness: ReadinessProbe(now: { Date() }), logger: StatusFixtures.logger)
        } throws: { error in
            (error as? HTTPServerError)
                == .socketFailed(
                    operation: "bind", address: "127.0.0.1:\(first.port)", errno: EADDRINUSE)
                && "\(error)" == "cannot listen on 127.0.0.1:\(first.port): bind failed: Address already in use"
        }
    }

    @Test func anUnresolvableHostIsReported() throws {
        #expect(throws: HTTPServerError.self) {
            _ = try HTTPServer(
                address: ListenAddress(host: "no-such-host.invalid", port: 0), logger: StatusFixtures.logger
            ) { _ in .text("") }
        }
    }
}
