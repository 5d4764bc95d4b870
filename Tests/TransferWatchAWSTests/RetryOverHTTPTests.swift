import Foundation
import Testing
@testable import TransferWatchAWS
import TransferWatchTestSupport

/// The retry mode end to end: a real ``AWSClient`` over libcurl against a local server that answers 500/503,
/// `ThrottlingException`, `SlowDown`, resets connections, truncates and stalls.
@Suite struct RetryOverHTTPTests {
    static let dynamoGet = AWSOperation(.dynamoDB, "GetItem")
    static let s3Head = AWSOperation(.s3, "HeadObject", iam: ["s3:GetObject"])

    /// This suite's own transport, so other suites' traffic on the shared one cannot delay its timeouts.
    let transport: CurlTransport

    init() throws { transport = try CurlTransport() }

    func client(_ server: LocalHTTPServer, service: AWSService = .dynamoDB, maxAttempts: Int = 3, timeout: Duration = .seconds(5),
                sleeper: RecordingSleeper = RecordingSleeper()) -> AWSClient {
        AWSClient(service: service, context: TestContexts.make(endpoint: URL(string: server.baseURL)!, transport: transport,
                                                                 maxAttempts: maxAttempts, sleeper: sleeper, timeout: timeout))
    }

    @Test func retriesServerErrorsThrottlingAndBrokenConnectionsThenSucceeds() async throws {
        let server = try LocalHTTPServer.start(script: [
            .json(status: 500, #"{"__type":"InternalServerError"}"#),
            // `Connection: close` so the reset below hits a fresh connection: libcurl transparently re-sends once
            // when a *reused* connection turns out dead, which would hide an attempt from this count.
            .json(status: 400, #"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}"#,
                  headers: [("Connection", "close")]),
            .resetConnection,
            .truncated(status: 200, body: Data(#"{"Item":{}}"#.utf8), sendBytes: 3),
            .json(status: 200, #"{"Item":{"pk":{"S":"a"}}}"#),
        ])
        defer { server.stop() }
        let sleeper = RecordingSleeper()
        let body = try await client(server, maxAttempts: 5, sleeper: sleeper).jsonCall(Self.dynamoGet, body: Data("{}".utf8))
        #expect(String(decoding: body, as: UTF8.self) == #"{"Item":{"pk":{"S":"a"}}}"#)
        #expect(sleeper.delays.count == 4)
        #expect(server.requests().count == 5)
        // Each attempt was signed afresh and carried one Authorization header.
        #expect(server.requests().allSatisfy { $0.headerValues("Authorization").count == 1 })
    }

    @Test func givesUpAfterMaxAttemptsAndSaysHowManyWereMade() async throws {
        let server = try LocalHTTPServer.start { _ in .json(status: 503, #"{"__type":"ServiceUnavailable","message":"try later"}"#, headers: [("x-amzn-RequestId", "REQ-9")]) }
        defer { server.stop() }
        let error = try #require(await #expect(throws: AWSError.self) { try await client(server).jsonCall(Self.dynamoGet, body: Data()) })
        #expect(error.attempts == 3)
        #expect(error.statusCode == 503)
        #expect(error.requestID == "REQ-9")
        #expect(error.description == "DynamoDB.GetItem failed: ServiceUnavailable (HTTP 503, request REQ-9) after 3 attempts: try later")
        #expect(server.requests().count == 3)
    }

    @Test func retriesS3SlowDown() async throws {
        let slowDown = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>S3REQ</RequestId></Error>"
        let server = try LocalHTTPServer.start(script: [
            .respond(status: 503, headers: [("Content-Type", "application/xml")], body: Data(slowDown.utf8)),
            .respond(status: 200, headers: [("ETag", "\"abc\"")]),
        ])
        defer { server.stop() }
        let s3 = client(server, service: .s3)
        let request = HTTPRequest(method: "HEAD", endpoint: URL(string: server.baseURL)!, path: "/bucket/key")
        let response = try await s3.send(Self.s3Head, request, signing: .s3) { AWSClient.decodeXMLError($0, service: .s3, operation: Self.s3Head) }
        #expect(response.headers["ETag"] == "\"abc\"")
        #expect(server.requests().count == 2)
        #expect(server.requests().allSatisfy { $0.header("x-amz-content-sha256") == SHA256.emptyHex })
    }

    /// The stall outlasts the test: an attempt can only end as `RequestTimedOut` if our timeout fired (otherwise
    /// it would end, 60 s later, as an empty reply). No tight wall-clock bound: other suites' blocking calls on
    /// the shared test thread pool can delay when this task resumes, not when libcurl times out.
    @Test func aStalledServerCostsTimeoutsThenAClearError() async throws {
        let server = try LocalHTTPServer.start { _ in .stall(seconds: 60) }
        defer { server.stop() }
        let started = ContinuousClock.now
        let error = try #require(await #expect(throws: AWSError.self) {
            try await client(server, timeout: .milliseconds(250)).jsonCall(Self.dynamoGet, body: Data())
        })
        #expect(error.code == "RequestTimedOut")
        #expect(error.kind == .transport(.timedOut))
        #expect(error.attempts == 3)
        #expect(server.requests().count == 3)
        // Without our timeout the three stalls alone would take 180 s; 60 s leaves room for a loaded CI box.
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(error.description.hasPrefix("DynamoDB.GetItem failed: RequestTimedOut after 3 attempts: POST http://127.0.0.1:"))
    }

    @Test func aNonRetryableErrorIsReturnedAtOnce() async throws {
        let server = try LocalHTTPServer.start { _ in .json(status: 400, #"{"__type":"com.amazon.coral.validate#ValidationException","message":"1 validation error"}"#) }
        defer { server.stop() }
        let error = try #require(await #expect(throws: AWSError.self) { try await client(server).jsonCall(Self.dynamoGet, body: Data()) })
        #expect(error.code == "ValidationException")
        #expect(error.attempts == 1)
        #expect(server.requests().count == 1)
    }

    @Test func secretsNeverReachTheErrorText() async throws {
        let server = try LocalHTTPServer.start { request in
            // A hostile server echoing the request's Authorization header back in its message.
            .json(status: 400, #"{"__type":"AccessDeniedException","message":"denied for \#(request.header("Authorization") ?? "")"}"#)
        }
        defer { server.stop() }
        let credentials = AWSCredentials(accessKeyID: "AKIASECRETTEST000001", secretAccessKey: "SUPERSECRETKEYVALUE123456", sessionToken: "SESSIONTOKENSECRET")
        let context = TestContexts.make(endpoint: URL(string: server.baseURL)!, credentials: credentials)
        let error = try #require(await #expect(throws: AWSError.self) {
            try await AWSClient(service: .dynamoDB, context: context).jsonCall(Self.dynamoGet, body: Data())
        })
        let text = "\(error)"
        #expect(!text.contains("SUPERSECRETKEYVALUE123456"))
        #expect(!text.contains("SESSIONTOKENSECRET"))
        #expect(text.range(of: "Signature=[0-9a-f]{64}", options: .regularExpression) == nil)
        #expect(text.contains("Signature=<redacted>"))
    }
}
