import Foundation
import Logging
import TransferWatchLocking

/// Sends signed requests to one AWS service with the standard retry mode: the engine under every typed
/// service client (``S3Client``, ``DynamoDBClient``, …).
///
/// It signs each attempt afresh (a retry after a clock-skew error uses the corrected time), decodes every
/// error into one ``AWSError``, and never lets a secret reach a log line.
package struct AWSClient: Sendable {
    /// Everything a client is built from; one of these serves all services.
    package struct Context: Sendable {
        package var region: String
        package var endpoints: EndpointResolver
        package var credentials: any CredentialProvider
        package var transport: any HTTPTransport
        package var retry: RetryStrategy
        /// The time used for signatures.
        package var now: @Sendable () -> Date
        /// Each attempt's deadline.
        package var timeout: Duration
        package var logger: Logger
        /// gzip request bodies of at least this many bytes, for operations that allow it (PutMetricData).
        package var minCompressionSize: Int
        /// Counts requests per operation (for benchmarks and tests).
        package let requestCounter: RequestCounter

        package init(region: String, endpoints: EndpointResolver? = nil, credentials: any CredentialProvider, transport: any HTTPTransport,
                     retry: RetryStrategy = RetryStrategy(), now: @escaping @Sendable () -> Date = { Date() }, timeout: Duration = .seconds(60),
                     logger: Logger = Logger(label: "transferwatch.aws"), minCompressionSize: Int = 10_240,
                     requestCounter: RequestCounter = RequestCounter()) {
            self.region = region
            self.endpoints = endpoints ?? EndpointResolver(region: region)
            self.credentials = credentials
            self.transport = transport
            self.retry = retry
            self.now = now
            self.timeout = timeout
            self.logger = logger
            self.minCompressionSize = minCompressionSize
            self.requestCounter = requestCounter
        }
    }

    package let service: AWSService
    package let context: Context
    package let endpoint: URL
    /// ``endpoint`` split once, for building requests.
    package let endpointParts: HTTPEndpoint
    package let isCustomEndpoint: Bool
    private let signer: SigV4Signer
    private let clockSkew: ClockSkew

    package init(service: AWSService, context: Context) {
        self.service = service
        self.context = context
        (endpoint, isCustomEndpoint) = context.endpoints.endpoint(for: service)
        endpointParts = HTTPEndpoint(endpoint)
        signer = SigV4Signer(region: context.endpoints.signingRegion(for: service), service: service.signingName)
        clockSkew = ClockSkew()
    }

    /// Decides whether a response is a failure: returns the error it carries, or `nil` for success.
    package typealias ErrorDecoder = @Sendable (HTTPResponse) -> AWSError?

    /// Sends `request` (signed per attempt), retrying per ``RetryStrategy``.
    ///
    /// - Parameters:
    ///   - signing: the signing rules (S3's differ).
    ///   - unsigned: send without a signature (STS AssumeRoleWithWebIdentity).
    ///   - timeout: each attempt's deadline for this call only (a long poll must outlast its wait); `nil` uses the context's.
    ///   - decodeError: the protocol's error decoder.
    /// - Throws: ``AWSError`` carrying the attempts made.
    package func send(_ operation: AWSOperation, _ request: HTTPRequest, signing: SigV4Signer.Options = .standard, unsigned: Bool = false,
                      timeout: Duration? = nil, decodeError: ErrorDecoder) async throws(AWSError) -> HTTPResponse {
        let strategy = context.retry
        var attempt = 0
        var lastRetryCost: Int?
        var skewRetried = false
        var secrets: [String] = []
        context.requestCounter.count(operation)
        var once = request
        if !operation.isIdempotent { once.sendsOnce = true }
        while true {
            attempt += 1
            var wire = once
            if !unsigned {
                let credentials: AWSCredentials
                do {
                    credentials = try await context.credentials.credentials()
                } catch {
                    throw AWSError(kind: .credentials, service: service.id, operation: operation.name, code: "CredentialsNotFound",
                                   message: "\(error)", attempts: attempt)
                }
                signer.sign(&wire, credentials: credentials, at: context.now().addingTimeInterval(clockSkew.offset), options: signing)
                secrets = [credentials.secretAccessKey, credentials.sessionToken ?? ""]
            }
            var failure: AWSError
            do {
                let response = try await context.transport.send(wire, timeout: timeout ?? context.timeout)
                if let error = decodeError(response) {
                    failure = withAttempts(error, attempt)
                } else {
                    strategy.quota.release(lastRetryCost: lastRetryCost)
                    return response
                }
                // Clock skew: correct our offset from the server's Date header and try once more at no quota cost.
                if !skewRetried, Self.isClockSkewError(failure), let serverDate = response.headers["Date"].flatMap(AWSDate.parseHTTPDate) {
                    skewRetried = true
                    clockSkew.offset = serverDate.timeIntervalSince(context.now())
                    context.logger.warning("clock skew corrected", metadata: ["aws.operation": "\(operation)", "aws.skew_seconds": "\(Int(clockSkew.offset))"])
                    attempt -= 1
                    continue
                }
            } catch let error as TransportError {
                failure = AWSError(kind: .transport(error.kind), service: service.id, operation: operation.name,
                                   code: Self.transportCode(error.kind), message: error.message, attempts: attempt)
            } catch is CancellationError {
                throw AWSError(kind: .transport(.other), service: service.id, operation: operation.name, code: "Cancelled",
                               message: "the request was cancelled", attempts: attempt)
            } catch {
                failure = AWSError(kind: .transport(.other), service: service.id, operation: operation.name, code: "TransportError",
                                   message: "\(error)", attempts: attempt)
            }

            // What a server echoes back must not carry our secrets into logs or error messages.
            failure.message = Redaction.scrub(failure.message, secrets: secrets)
            let classification = RetryStrategy.classify(failure)
            guard classification != .notRetryable, attempt < strategy.maxAttempts else { throw failure }
            guard let cost = strategy.quota.acquire(isTimeout: classification == .timeout) else {
                var exhausted = failure
                exhausted.message += exhausted.message.isEmpty ? "retry quota exhausted" : " (retry quota exhausted)"
                throw exhausted
            }
            lastRetryCost = cost
            let delay = strategy.backoff(beforeRetry: attempt)
            context.logger.debug("retrying AWS request", metadata: [
                "aws.operation": "\(operation)", "aws.error_code": "\(failure.code)", "aws.attempt": "\(attempt)",
                "retry.delay_ms": "\(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)",
            ])
            do {
                try await strategy.sleeper.sleep(for: delay)
            } catch {
                throw failure
            }
        }
    }

    private func withAttempts(_ error: AWSError, _ attempts: Int) -> AWSError {
        var error = error
        error.attempts = attempts
        return error
    }

    private static func isClockSkewError(_ error: AWSError) -> Bool {
        ["RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture"].contains(error.code)
            || (error.code == "InvalidSignatureException" && error.message.contains("Signature expired"))
    }

    private static func transportCode(_ kind: TransportError.Kind) -> String {
        switch kind {
        case .connectFailed: "ConnectionFailed"
        case .timedOut: "RequestTimedOut"
        case .connectionReset: "ConnectionReset"
        case .truncated: "TruncatedResponse"
        case .tlsFailure: "TLSVerificationFailed"
        case .other: "TransportError"
        }
    }

    /// The `AWSError` for a response that could not be decoded.
    package func malformed(_ operation: AWSOperation, _ response: HTTPResponse, _ detail: String) -> AWSError {
        AWSError(kind: .malformedResponse, service: service.id, operation: operation.name, statusCode: response.status,
                 code: "MalformedResponse", message: detail, requestID: Self.requestID(response.headers))
    }

    /// The request ID from whichever header the service uses.
    package static func requestID(_ headers: HTTPHeaders) -> String? {
        headers["x-amzn-RequestId"] ?? headers["x-amz-request-id"] ?? headers["x-amzn-requestid"]
    }
}

/// The measured difference between AWS's clock and ours.
private final class ClockSkew: Sendable {
    private let value = Locked<TimeInterval>(0)
    var offset: TimeInterval {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// Counts the requests made per operation (each logical call once, however many attempts).
package final class RequestCounter: Sendable {
    private let counts = Locked<[String: Int]>([:])
    package init() {}
    package func count(_ operation: AWSOperation) { counts.withLock { $0["\(operation)", default: 0] += 1 } }
    /// Calls so far, by `Service.Operation`.
    package var snapshot: [String: Int] { counts.withLock { $0 } }
    /// All calls so far.
    package var total: Int { counts.withLock { $0.values.reduce(0, +) } }
}
