import Foundation
import TransferWatchAWS

/// The agent's business clock: the instant the pipeline lives at (windows, schedules, ages), and how to wait
/// for a stretch of it.
///
/// It starts at `start` (the global `--now`, else the real time) and runs `rate` times faster than the real
/// clock (`--clock-rate`, 1 by default), so `rate: 3600` makes one real second one business hour: the 28th,
/// the 1st and "2 days" happen in seconds for demos and end-to-end tests. Waiting for a business duration
/// waits `duration / rate` of real time on the injected ``Sleeper``.
///
/// AWS-facing times (SigV4, the leader lease, SQS visibility) stay on the real clock.
///
/// ```swift
/// let clock = AgentClock(start: fixedStart, rate: 3600)
/// try await clock.sleep(for: .seconds(3600))   // one real second
/// clock.now()                                  // an hour after `fixedStart`
/// ```
package struct AgentClock: Sendable {
    /// The business instant.
    package let now: @Sendable () -> Date
    /// Business seconds per real second (> 0).
    package let rate: Double
    /// The real clock the business clock derives from.
    package let realNow: @Sendable () -> Date
    private let sleeper: any Sleeper

    /// A clock starting at `start` (`nil`: the real time at creation) running `rate` times real time.
    ///
    /// - Parameters:
    ///   - realNow: the real clock (tests pass a fake).
    ///   - sleeper: real-time waits.
    package init(
        start: Date?, rate: Double = 1, realNow: @escaping @Sendable () -> Date = { Date() },
        sleeper: any Sleeper = ClockSleeper()
    ) {
        let rate = rate > 0 ? rate : 1
        let realStart = realNow()
        let businessStart = start ?? realStart
        self.rate = rate
        self.realNow = realNow
        self.sleeper = sleeper
        self.now = { businessStart.addingTimeInterval(realNow().timeIntervalSince(realStart) * rate) }
    }

    /// The real time a business duration takes.
    package func realDuration(of business: Duration) -> Duration {
        rate == 1 ? business : business * (1 / rate)
    }

    /// The business duration a real one amounts to.
    package func businessDuration(of real: Duration) -> Duration {
        rate == 1 ? real : real * rate
    }

    /// Waits for `business` of business time.
    /// - Throws: `CancellationError` when the task is cancelled.
    package func sleep(for business: Duration) async throws {
        guard business > .zero else { return }
        try await sleeper.sleep(for: realDuration(of: business))
    }

    /// The business duration between two instants (`later - earlier`), never negative.
    package static func between(_ earlier: Date, _ later: Date) -> Duration {
        let seconds = max(0, later.timeIntervalSince(earlier))
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
