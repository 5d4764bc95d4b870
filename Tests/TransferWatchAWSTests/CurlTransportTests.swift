import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import TransferWatchAWS
import TransferWatchTestSupport

/// The libcurl multi transport against a real loopback server: bytes on the wire, connection reuse, timeouts,
/// failures mapped to their kinds, TLS verification, cancellation.
@Suite(.serialized) struct CurlTransportTests {
    let transport: CurlTransport

    init() throws {
        transport = try CurlTransport(configuration: .init(connectTimeout: .seconds(2), maxConnectionsPerHost: 4))
    }

    func request(_ server: LocalHTTPServer, method: String = "GET", path: String = "/", query: String = "", headers: HTTPHeaders = [:], body: Data = Data()) -> HTTPRequest {
        HTTPRequest(method: method, scheme: "http", host: "127.0.0.1", port: server.port, path: path, query: query, headers: headers, body: body)
    }

    @Test func sendsExactlyWhatItIsGivenAndReadsTheWholeResponse() async throws {
        let server = try LocalHTTPServer.start { request in
            .respond(status: 201, headers: [("X-Echo-Method", request.method), ("x-amz-request-id", "R1"), ("X-Dup", "a"), ("X-Dup", "b")],
                     body: request.body + Data(request.target.utf8))
        }
        defer { server.stop() }
        let body = Data((0..<5_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let sent = request(server, method: "PUT", path: "/bucket/a%20b/../%2F/~x", query: "uploads=&a=b%20c",
                           headers: ["X-Amz-Date": "20261128T000000Z", "x-amz-meta-empty": ""], body: body)
        let response = try await transport.send(sent, timeout: .seconds(10))
        #expect(response.status == 201)
        #expect(response.headers["x-echo-method"] == "PUT")
        #expect(response.headers.values(for: "X-Dup") == ["a", "b"])
        #expect(response.body == body + Data("/bucket/a%20b/../%2F/~x?uploads=&a=b%20c".utf8))
        let received = try #require(server.requests().first)
        #expect(received.target == "/bucket/a%20b/../%2F/~x?uploads=&a=b%20c", "the path is sent as-is, never normalised")
        #expect(received.header("X-Amz-Date") == "20261128T000000Z")
        #expect(received.headerValues("x-amz-meta-empty") == [""])
        #expect(received.header("Expect") == nil, "no 100-continue round trip")
        #expect(received.header("Content-Type") == nil, "curl's default form content type is removed")
        #expect(received.header("Accept") == nil)
        #expect(received.header("Content-Length") == "5000000")
    }

    @Test(arguments: ["GET", "HEAD", "DELETE", "POST", "PUT"])
    func sendsEveryMethod(method: String) async throws {
        let server = try LocalHTTPServer.start { request in .respond(status: 200, headers: [("X-Method", request.method)], body: Data("ok".utf8)) }
        defer { server.stop() }
        let response = try await transport.send(request(server, method: method, path: "/m"), timeout: .seconds(5))
        #expect(response.headers["X-Method"] == method)
        #expect(response.body == (method == "HEAD" ? Data() : Data("ok".utf8)))
        let received = try #require(server.requests().first)
        #expect(received.method == method)
        if method == "POST" || method == "PUT" { #expect(received.header("Content-Length") == "0") }
    }

    @Test func reusesConnections() async throws {
        let server = try LocalHTTPServer.start { _ in .text("ok") }
        defer { server.stop() }
        let before = transport.statistics
        for index in 0..<20 { _ = try await transport.send(request(server, path: "/\(index)"), timeout: .seconds(5)) }
        #expect(server.connectionCount() == 1)
        #expect(Set(server.requests().map(\.connectionID)).count == 1)
        #expect(transport.statistics.connectionsOpened - before.connectionsOpened == 1)
        #expect(transport.statistics.requests - before.requests == 20)
    }

    @Test func runsManyRequestsAtOnceWithinTheConnectionLimit() async throws {
        let server = try LocalHTTPServer.start { request in .delay(seconds: 0.05, then: .text(request.target)) }
        defer { server.stop() }
        let targets = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<50 {
                group.addTask { String(decoding: try await transport.send(request(server, path: "/r\(index)"), timeout: .seconds(10)).body, as: UTF8.self) }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(targets.count == 50)
        #expect(server.connectionCount() <= 4, "maxConnectionsPerHost is 4")
    }

    /// The stall outlasts the test, so only our timeout can end the request as `.timedOut`.
    @Test func aStalledServerTimesOutOnTime() async throws {
        let server = try LocalHTTPServer.start(script: [.stall(seconds: 30)])
        defer { server.stop() }
        let started = ContinuousClock.now
        let error = try #require(await #expect(throws: TransportError.self) {
            try await transport.send(request(server), timeout: .milliseconds(300))
        })
        #expect(error.kind == .timedOut)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func failuresMapToTheirKinds() async throws {
        let server = try LocalHTTPServer.start(script: [
            .resetConnection, .closeWithoutResponse,
            .truncated(status: 200, body: Data(repeating: 65, count: 100), sendBytes: 10),
        ])
        defer { server.stop() }
        var kinds: [TransportError.Kind] = []
        for _ in 0..<3 {
            do {
                _ = try await transport.send(request(server), timeout: .seconds(5))
            } catch let error as TransportError {
                kinds.append(error.kind)
                #expect(error.message.contains("GET http://127.0.0.1:\(server.port)/"))
            }
        }
        #expect(kinds == [.connectionReset, .connectionReset, .truncated])
    }

    @Test func aRefusedConnectionIsAConnectFailure() async throws {
        let server = try LocalHTTPServer.start(script: [])
        let port = server.port
        server.stop()
        let error = try #require(await #expect(throws: TransportError.self) {
            try await transport.send(HTTPRequest(method: "GET", scheme: "http", host: "127.0.0.1", port: port), timeout: .seconds(2))
        })
        #expect(error.kind == .connectFailed)
    }

    @Test func cancellationStopsARequestInFlight() async throws {
        let server = try LocalHTTPServer.start(script: [.stall(seconds: 30)])
        defer { server.stop() }
        let task = Task { try await transport.send(request(server), timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(200))
        let started = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(15), "well before the 30 s stall or the 60 s timeout")
    }

    @Test func verifiesTLSAlwaysAndTrustsAConfiguredCABundle() async throws {
        guard let tls = try LocalTLSServer.start() else {
            Issue.record("openssl or python3 missing: cannot run the TLS test")
            return
        }
        defer { tls.stop() }
        let https = HTTPRequest(method: "GET", scheme: "https", host: "localhost", port: tls.port, path: "/tls")
        let untrusted = try #require(await #expect(throws: TransportError.self) { try await transport.send(https, timeout: .seconds(5)) })
        #expect(untrusted.kind == .tlsFailure)
        #expect(untrusted.isRetryable == false)
        let trusting = try CurlTransport(configuration: .init(caBundle: tls.certificatePath))
        let response = try await trusting.send(https, timeout: .seconds(5))
        #expect(response.status == 200)
        #expect(response.bodyText == "secure")
    }

    @Test func shutdownFailsPendingRequestsInsteadOfHanging() async throws {
        let server = try LocalHTTPServer.start(script: [.stall(seconds: 10)])
        defer { server.stop() }
        let local = try CurlTransport()
        let task = Task { try await local.send(request(server), timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(200))
        local.shutdown()
        await #expect(throws: TransportError.self) { try await task.value }
        await #expect(throws: TransportError.self) { try await local.send(request(server), timeout: .seconds(1)) }
    }
}

/// A one-file HTTPS server (python3's ssl module) with a fresh self-signed certificate for `localhost`.
final class LocalTLSServer: Sendable {
    let port: Int
    let certificatePath: String
    private let process: Process

    private init(port: Int, certificatePath: String, process: Process) {
        self.port = port
        self.certificatePath = certificatePath
        self.process = process
    }

    static func start() throws -> LocalTLSServer? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tw-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
        openssl.standardError = FileHandle.nullDevice
        openssl.standardOutput = FileHandle.nullDevice
        guard (try? openssl.run()) != nil else { return nil }
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { return nil }
        let script = """
            import http.server, ssl, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.send_header("Content-Length", "6"); self.end_headers(); self.wfile.write(b"secure")
                def log_message(self, *a): pass
            s = http.server.HTTPServer(("127.0.0.1", 0), H)
            c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain(sys.argv[1], sys.argv[2])
            s.socket = c.wrap_socket(s.socket, server_side=True)
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script, cert, key]
        let output = Pipe()
        python.standardOutput = output
        python.standardError = FileHandle.nullDevice
        guard (try? python.run()) != nil else { return nil }
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line.append(byte) }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            python.terminate()
            return nil
        }
        return LocalTLSServer(port: port, certificatePath: cert, process: python)
    }

    func stop() {
        // SIGKILL and a bounded wait: Foundation's waitUntilExit can miss the exit of a child it started on
        // another thread.
        kill(process.processIdentifier, SIGKILL)
        for _ in 0..<200 where process.isRunning { usleep(10_000) }
    }
}
