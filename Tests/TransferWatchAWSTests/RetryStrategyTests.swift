import Foundation
import Testing
@testable import TransferWatchAWS
import TransferWatchTestSupport

/// The standard retry mode, driven through a real ``AWSClient`` over a scripted transport: what is retried,
/// how long it waits, the retry quota, and what the final error says.
@Suite struct RetryStrategyTests {
    struct RetryCase: Sendable, CustomTestStringConvertible {
        var name: String
        var failure: ScriptedTransport.Step
        var retried: Bool
        var code: String
        var testDescription: String { name }
    }

    static let cases: [RetryCase] = [
        .init(name: "500", failure: .json(500, #"{"__type":"InternalServerError","message":"boom"}"#), retried: true, code: "InternalServerError"),
        .init(name: "502 without a body", failure: .status(502), retried: true, code: "HTTP502"),
        .init(name: "503 ServiceUnavailable", failure: .json(503, #"{"__type":"ServiceUnavailable"}"#), retried: true, code: "ServiceUnavailable"),
        .init(name: "504", failure: .status(504), retried: true, code: "HTTP504"),
        .init(name: "ThrottlingException", failure: .json(400, #"{"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate exceeded"}"#), retried: true, code: "ThrottlingException"),
        .init(name: "ProvisionedThroughputExceeded", failure: .json(400, #"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"}"#), retried: true, code: "ProvisionedThroughputExceededException"),
        .init(name: "SQS RequestThrottled via query error header", failure: .json(400, #"{"__type":"com.amazonaws.sqs#RequestThrottled"}"#, headers: [("x-amzn-query-error", "RequestThrottled;Sender")]), retried: true, code: "RequestThrottled"),
        .init(name: "429 TooManyRequests", failure: .json(429, #"{"__type":"TooManyRequestsException"}"#), retried: true, code: "TooManyRequestsException"),
        .init(name: "connection reset", failure: .fail(TransportError(.connectionReset, "Recv failure: Connection reset by peer")), retried: true, code: "ConnectionReset"),
        .init(name: "connection refused", failure: .fail(TransportError(.connectFailed, "Failed to connect")), retried: true, code: "ConnectionFailed"),
        .init(name: "truncated body", failure: .fail(TransportError(.truncated, "transfer closed with 10 bytes remaining")), retried: true, code: "TruncatedResponse"),
        .init(name: "timeout", failure: .fail(TransportError(.timedOut, "Operation timed out")), retried: true, code: "RequestTimedOut"),
        .init(name: "TLS verification failure", failure: .fail(TransportError(.tlsFailure, "SSL certificate problem")), retried: false, code: "TLSVerificationFailed"),
        .init(name: "AccessDenied", failure: .json(400, #"{"__type":"AccessDeniedException","message":"no"}"#), retried: false, code: "AccessDeniedException"),
        .init(name: "ConditionalCheckFailed", failure: .json(400, #"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}"#), retried: false, code: "ConditionalCheckFailedException"),
        .init(name: "ValidationException", failure: .json(400, #"{"__type":"com.amazon.coral.validate#ValidationException","message":"bad"}"#), retried: false, code: "ValidationException"),
        .init(name: "404 ResourceNotFound", failure: .json(400, #"{"__type":"ResourceNotFoundException"}"#), retried: false, code: "ResourceNotFoundException"),
    ]

    @Test(arguments: cases) func classifiesAndRetries(_ testCase: RetryCase) async throws {
        let transport = ScriptedTransport([testCase.failure, testCase.failure, testCase.failure])
        let sleeper = RecordingSleeper()
        let client = makeClient(transport: transport, sleeper: sleeper)
        let error = await #expect(throws: AWSError.self) { try await client.jsonCall(Self.operation, body: Data("{}".utf8)) }
        #expect(error?.code == testCase.code)
        #expect(error?.attempts == (testCase.retried ? 3 : 1))
        #expect(transport.requests.count == (testCase.retried ? 3 : 1))
        #expect(sleeper.delays.count == (testCase.retried ? 2 : 0))
        #expect(error?.description.contains(testCase.retried ? "after 3 attempts" : "after 1 attempt") == true)
    }

    @Test func succeedsAfterTransientFailuresAndRefundsTheQuota() async throws {
        let quota = RetryQuota()
        let transport = ScriptedTransport([.status(503), .fail(TransportError(.connectionReset, "reset")), .json(200, #"{"ok":true}"#)])
        let client = makeClient(transport: transport, quota: quota)
        let body = try await client.jsonCall(Self.operation, body: Data("{}".utf8))
        #expect(String(decoding: body, as: UTF8.self) == #"{"ok":true}"#)
        #expect(transport.requests.count == 3)
        // Two retries cost 5 each; the success refunds the last retry's cost.
        #expect(quota.tokens == 500 - 5 - 5 + 5)
    }

    @Test func everyAttemptIsSignedAfresh() async throws {
        let transport = ScriptedTransport([.status(500), .json(200, "{}")])
        let ticks = Ticker(start: Date(timeIntervalSince1970: 1_700_000_000))
        let client = makeClient(transport: transport, now: { ticks.next() })
        _ = try await client.jsonCall(Self.operation, body: Data("{}".utf8))
        let dates = transport.requests.compactMap { $0.headers["X-Amz-Date"] }
        #expect(dates == ["20231114T221320Z", "20231114T221330Z"])
        #expect(transport.requests.allSatisfy { $0.headers.values(for: "Authorization").count == 1 })
    }

    @Test func backoffIsFullJitterWithTheExpectedCeilings() {
        let sleeper = RecordingSleeper()
        let high = RetryStrategy(sleeper: sleeper, random: FixedRandom(0.999_999))
        #expect(high.backoff(beforeRetry: 1) == .milliseconds(999))
        #expect(high.backoff(beforeRetry: 2) == .milliseconds(1999))
        #expect(high.backoff(beforeRetry: 5) == .milliseconds(15_999))
        #expect(high.backoff(beforeRetry: 6) == .milliseconds(19_999), "capped at 20 s")
        #expect(high.backoff(beforeRetry: 40) == .milliseconds(19_999))
        let low = RetryStrategy(sleeper: sleeper, random: FixedRandom(0))
        #expect(low.backoff(beforeRetry: 3) == .zero)
    }

    @Test func seededJitterIsReproducible() async throws {
        func delays(seed: UInt64) async -> [Duration] {
            let sleeper = RecordingSleeper()
            let transport = ScriptedTransport([.status(500), .status(500), .status(500), .status(500)])
            let client = makeClient(transport: transport, sleeper: sleeper, maxAttempts: 4, seed: seed)
            _ = try? await client.jsonCall(Self.operation, body: Data())
            return sleeper.delays
        }
        let first = await delays(seed: 7)
        #expect(first.count == 3)
        #expect(await delays(seed: 7) == first)
        #expect(await delays(seed: 8) != first)
        for (index, delay) in first.enumerated() { #expect(delay < .seconds(1 << index)) }
    }

    @Test func maxAttemptsIsConfigurable() async throws {
        let transport = ScriptedTransport(handler: { _ in .status(503) })
        let client = makeClient(transport: transport, maxAttempts: 5)
        let error = await #expect(throws: AWSError.self) { try await client.jsonCall(Self.operation, body: Data()) }
        #expect(error?.attempts == 5)
        #expect(transport.requests.count == 5)
    }

    @Test func anEmptyQuotaFailsFastAndSaysSo() async throws {
        let quota = RetryQuota(capacity: 12)
        let transport = ScriptedTransport(handler: { _ in .status(500) })
        let client = makeClient(transport: transport, quota: quota)
        let first = await #expect(throws: AWSError.self) { try await client.jsonCall(Self.operation, body: Data()) }
        #expect(first?.attempts == 3)
        #expect(quota.tokens == 2)
        let second = await #expect(throws: AWSError.self) { try await client.jsonCall(Self.operation, body: Data()) }
        #expect(second?.attempts == 1)
        #expect(second?.message.contains("retry quota exhausted") == true)
        #expect(transport.requests.count == 4)
    }

    @Test func timeoutsCostTheQuotaMore() async throws {
        let quota = RetryQuota()
        let transport = ScriptedTransport(handler: { _ in .fail(TransportError(.timedOut, "timed out")) })
        let client = makeClient(transport: transport, quota: quota)
        _ = await #expect(throws: AWSError.self) { try await client.jsonCall(Self.operation, body: Data()) }
        #expect(quota.tokens == 500 - 10 - 10)
    }

    @Test func clockSkewIsCorrectedFromTheServersDateHeader() async throws {
        let transport = ScriptedTransport([
            .json(400, #"{"__type":"InvalidSignatureException","message":"Signature expired: 20231114T221320Z is now earlier than 20231114T231820Z"}"#,
                  headers: [("Date", "Tue, 14 Nov 2023 23:33:20 GMT")]),
            .json(200, "{}"),
        ])
        let client = makeClient(transport: transport, now: { Date(timeIntervalSince1970: 1_700_000_000) })
        _ = try await client.jsonCall(Self.operation, body: Data())
        #expect(transport.requests.map { $0.headers["X-Amz-Date"] } == ["20231114T221320Z", "20231114T233320Z"])
    }

    @Test func theFinalErrorCarriesServiceOperationStatusCodeAndRequestID() async throws {
        let transport = ScriptedTransport([.json(400, #"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException:http://internal","message":"Requested resource not found"}"#,
                                                 headers: [("x-amzn-RequestId", "REQ123")])])
        let client = makeClient(transport: transport)
        let error = try #require(await #expect(throws: AWSError.self) { try await client.jsonCall(Self.operation, body: Data()) })
        #expect(error.service == "DynamoDB")
        #expect(error.operation == "GetItem")
        #expect(error.statusCode == 400)
        #expect(error.code == "ResourceNotFoundException")
        #expect(error.requestID == "REQ123")
        #expect(error.description == "DynamoDB.GetItem failed: ResourceNotFoundException (HTTP 400, request REQ123) after 1 attempt: Requested resource not found")
    }

    @Test func aCRCMismatchIsRetried() async throws {
        let good = #"{"Item":{}}"#
        let crc = CRC32.checksum(Data(good.utf8))
        let transport = ScriptedTransport([
            .json(200, good, headers: [("x-amz-crc32", String(crc &+ 1))]),
            .json(200, good, headers: [("x-amz-crc32", String(crc))]),
        ])
        let client = makeClient(transport: transport)
        let body = try await client.jsonCall(Self.operation, body: Data())
        #expect(String(decoding: body, as: UTF8.self) == good)
        #expect(transport.requests.count == 2)
    }

    // MARK: - Helpers

    static let operation = AWSOperation(.dynamoDB, "GetItem")

    func makeClient(transport: ScriptedTransport, sleeper: RecordingSleeper = RecordingSleeper(), quota: RetryQuota = RetryQuota(),
                    maxAttempts: Int = 3, seed: UInt64 = 1, now: @escaping @Sendable () -> Date = { Date(timeIntervalSince1970: 1_700_000_000) }) -> AWSClient {
        var context = TestContexts.make(endpoint: URL(string: "http://127.0.0.1:1")!, transport: transport, maxAttempts: maxAttempts,
                                        sleeper: sleeper, seed: seed, now: now)
        context.retry = RetryStrategy(maxAttempts: maxAttempts, quota: quota, sleeper: sleeper, random: SeededRandomSource(seed: seed))
        return AWSClient(service: .dynamoDB, context: context)
    }
}

/// Always the same number.
struct FixedRandom: RandomSource {
    var value: Double
    init(_ value: Double) { self.value = value }
    func nextUnitInterval() -> Double { value }
}

/// A clock that moves 10 s per reading.
final class Ticker: @unchecked Sendable {
    // @unchecked: `current` is only touched under `lock`.
    private let lock = NSLock()
    private var current: Date
    init(start: Date) { current = start }
    func next() -> Date {
        lock.withLock {
            defer { current = current.addingTimeInterval(10) }
            return current
        }
    }
}
