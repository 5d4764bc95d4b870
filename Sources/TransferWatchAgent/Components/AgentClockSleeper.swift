import Foundation
import TransferWatchAWS

/// A ``Sleeper`` that waits business durations on the ``AgentClock``, for timers that must follow the agent's
/// clock (the alert dispatcher's ticks against `groupWait`, the metrics flush interval, the outcome flush).
///
/// On an accelerated clock (`--clock-rate 3600`) a 5 s tick is 1.4 ms of real time; `minimumRealWait` keeps such
/// loops from spinning against AWS: a wait lasts at least that much real time (never more than the business
/// duration itself), so the loop still runs many business ticks per business minute.
///
/// ```swift
/// let sleeper = AgentClockSleeper(clock: clock)          // clock.rate 3600
/// try await sleeper.sleep(for: .seconds(60))              // about 200 ms of real time
/// ```
package struct AgentClockSleeper: Sleeper {
    /// The business clock.
    package let clock: AgentClock
    /// The shortest real wait (unless the business duration itself is shorter).
    package let minimumRealWait: Duration
    /// Where real waits happen.
    package let realSleeper: any Sleeper

    /// A sleeper on `clock`.
    package init(clock: AgentClock, minimumRealWait: Duration = .milliseconds(200), realSleeper: any Sleeper = ClockSleeper()) {
        self.clock = clock
        self.minimumRealWait = minimumRealWait
        self.realSleeper = realSleeper
    }

    /// The real time a wait for `business` takes.
    package func realWait(for business: Duration) -> Duration {
        guard business > .zero else { return .zero }
        return max(clock.realDuration(of: business), min(business, minimumRealWait))
    }

    /// Waits `business` of business time (see ``realWait(for:)``).
    package func sleep(for business: Duration) async throws {
        let wait = realWait(for: business)
        guard wait > .zero else { return }
        try await realSleeper.sleep(for: wait)
    }
}
