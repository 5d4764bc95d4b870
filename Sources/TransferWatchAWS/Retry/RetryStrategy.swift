import Foundation
import TransferWatchLocking

/// The AWS SDKs' *standard* retry mode: which failures are retried, full-jitter exponential backoff, and a
/// client-side retry quota.
///
/// Time and randomness are injected (``Sleeper``, ``RandomSource``) so tests run in milliseconds.
package struct RetryStrategy: Sendable {
    /// Why a failure may be retried.
    package enum Classification: Sendable, Equatable {
        case notRetryable
        /// 5xx, connection failures, transient codes.
        case transient
        /// A timeout: retried, at a higher quota cost.
        case timeout
        /// A throttling code: retried.
        case throttling
    }

    /// Total attempts, the first included (standard mode: 3).
    package var maxAttempts: Int
    /// The backoff base (1 s) and cap (20 s).
    package var baseDelay: Duration
    package var maxBackoff: Duration
    package let quota: RetryQuota
    package let sleeper: any Sleeper
    package let random: any RandomSource

    package init(maxAttempts: Int = 3, baseDelay: Duration = .seconds(1), maxBackoff: Duration = .seconds(20),
                 quota: RetryQuota = RetryQuota(), sleeper: any Sleeper = ClockSleeper(), random: any RandomSource = SystemRandomSource()) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
        self.quota = quota
        self.sleeper = sleeper
        self.random = random
    }

    /// Throttling codes (botocore `retries/standard.py`).
    package static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException", "Throttled",
    ]
    /// Transient codes (botocore), plus modelled-retryable ones and our CRC mismatch.
    package static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalError", "InternalFailure",
        "InternalServerError", "InternalServiceError", "ServiceUnavailable", "ServiceUnavailableException",
        "ReplicatedWriteConflictException", "IDPCommunicationError", "CRC32Mismatch",
    ]
    /// Codes never retried, whatever their status (a conditional failure is an answer, not a fault).
    package static let permanentCodes: Set<String> = [
        "ConditionalCheckFailedException", "TransactionCanceledException", "ValidationException", "AccessDenied",
        "AccessDeniedException",
    ]

    /// How `error` should be treated.
    package static func classify(_ error: AWSError) -> Classification {
        switch error.kind {
        case .credentials, .malformedResponse, .invalidRequest:
            return .notRetryable
        case .transport(let kind):
            switch kind {
            case .tlsFailure: return .notRetryable
            case .timedOut: return .timeout
            case .connectFailed, .connectionReset, .truncated, .other: return .transient
            }
        case .service:
            if permanentCodes.contains(error.code) { return .notRetryable }
            if throttlingCodes.contains(error.code) || error.statusCode == 429 { return .throttling }
            if transientCodes.contains(error.code) { return .transient }
            if let status = error.statusCode, [500, 502, 503, 504].contains(status) { return .transient }
            return .notRetryable
        }
    }

    /// The delay before retry number `retry` (1 for the first retry): `random(0,1) × min(base × 2^(retry-1), cap)`.
    package func backoff(beforeRetry retry: Int) -> Duration {
        let exponent = min(retry - 1, 30)
        let ceiling = min(baseDelay * (1 << exponent), maxBackoff)
        let seconds = Double(ceiling.components.seconds) + Double(ceiling.components.attoseconds) / 1e18
        return .milliseconds(Int64((random.nextUnitInterval() * seconds * 1000).rounded(.down)))
    }
}

/// The client-side retry quota (a token bucket): retries spend tokens, successes refund them, and when the
/// bucket is empty failures are returned at once instead of piling retries onto a struggling service.
package final class RetryQuota: Sendable {
    package static let defaultCapacity = 500
    package static let retryCost = 5
    package static let timeoutRetryCost = 10
    package static let noRetryIncrement = 1

    private let capacity: Int
    private let available: Locked<Int>

    package init(capacity: Int = RetryQuota.defaultCapacity) {
        self.capacity = capacity
        available = Locked(capacity)
    }

    /// Tokens left.
    package var tokens: Int { available.withLock { $0 } }

    /// Takes the cost of one retry; `nil` when the quota cannot pay (no retry then).
    package func acquire(isTimeout: Bool) -> Int? {
        let cost = isTimeout ? Self.timeoutRetryCost : Self.retryCost
        return available.withLock { tokens in
            guard tokens >= cost else { return nil }
            tokens -= cost
            return cost
        }
    }

    /// Refunds after a success: the last retry's cost, or one token when there was no retry.
    package func release(lastRetryCost: Int?) {
        available.withLock { $0 = min(capacity, $0 + (lastRetryCost ?? Self.noRetryIncrement)) }
    }
}

/// Waits: the seam that lets tests skip real time.
package protocol Sleeper: Sendable {
    func sleep(for duration: Duration) async throws
}

/// Sleeps on a real clock.
package struct ClockSleeper<C: Clock>: Sleeper where C.Duration == Duration {
    package let clock: C
    package init(clock: C) { self.clock = clock }
    package func sleep(for duration: Duration) async throws { try await clock.sleep(for: duration) }
}

extension ClockSleeper where C == ContinuousClock {
    package init() { self.init(clock: ContinuousClock()) }
}

/// Uniform random numbers in [0, 1): the seam that makes jitter reproducible in tests.
package protocol RandomSource: Sendable {
    func nextUnitInterval() -> Double
}

/// The system's random numbers.
package struct SystemRandomSource: RandomSource {
    package init() {}
    package func nextUnitInterval() -> Double { Double.random(in: 0..<1) }
}

/// A seeded SplitMix64 generator: the same seed gives the same sequence.
package final class SeededRandomSource: RandomSource, @unchecked Sendable {
    // @unchecked: the state is only touched under `lock`.
    private let lock = Locked<UInt64>(0)

    package init(seed: UInt64) { lock.withLock { $0 = seed } }

    /// The next 64 random bits.
    package func next() -> UInt64 {
        lock.withLock { state in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    package func nextUnitInterval() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
