import Foundation
import TransferWatchAWS

/// Spaces requests to at most `requestsPerSecond`, so a provisioning of 10,000 users stays under Transfer
/// Family's low request rates instead of leaning on throttling and retries.
///
/// It is the generic cell rate algorithm: each request reserves the next free slot, `1 / rate` after the
/// previous one (a `burst` of requests may start at once), and sleeps until its slot. Reservations are made
/// inside the actor and the sleeping outside it, so concurrent callers queue in order without holding it.
/// Throttling that still happens is retried by ``AWSClient``.
///
/// ```swift
/// let limiter = RequestRateLimiter(requestsPerSecond: 10)
/// try await limiter.acquire()   // then send one request
/// ```
package actor RequestRateLimiter {
    /// The time between two slots; `nil` when unlimited.
    package nonisolated let interval: Duration?
    /// Requests that may start together after a pause.
    package nonisolated let burst: Int
    private let sleeper: any Sleeper
    private let elapsed: @Sendable () -> Duration
    /// The theoretical arrival time of the next request (GCRA's TAT).
    private var nextSlot: Duration?
    private var waited: Duration = .zero

    /// A limiter of `requestsPerSecond` (≤ 0: unlimited).
    ///
    /// - Parameters:
    ///   - burst: requests that may go at once after a quiet period (at least 1).
    ///   - sleeper: how to wait (tests pass one that records instead of sleeping).
    ///   - elapsed: a monotonic clock, as the time since any fixed start; by default a `ContinuousClock`.
    ///     Never the `--now` business clock, which may stand still.
    package init(
        requestsPerSecond: Double, burst: Int = 1, sleeper: any Sleeper = ClockSleeper(clock: ContinuousClock()),
        elapsed: (@Sendable () -> Duration)? = nil
    ) {
        interval =
            requestsPerSecond > 0 && requestsPerSecond.isFinite
            ? .nanoseconds(Int64((1e9 / requestsPerSecond).rounded())) : nil
        self.burst = max(1, burst)
        self.sleeper = sleeper
        if let elapsed {
            self.elapsed = elapsed
        } else {
            let clock = ContinuousClock()
            let start = clock.now
            self.elapsed = { clock.now - start }
        }
    }

    /// Waits for the next slot.
    ///
    /// - Throws: `CancellationError` (or the sleeper's error) when the wait is cancelled.
    package func acquire() async throws {
        let wait = reserve()
        if wait > .zero { try await sleeper.sleep(for: wait) }
    }

    /// The total time callers were asked to wait so far.
    package var totalWait: Duration { waited }

    /// Reserves a slot and returns how long until it.
    private func reserve() -> Duration {
        guard let interval else { return .zero }
        let now = elapsed()
        let slot = max(nextSlot ?? now, now)
        let allowedAt = slot - interval * (burst - 1)
        nextSlot = slot + interval
        let wait = allowedAt > now ? allowedAt - now : .zero
        waited += wait
        return wait
    }
}
