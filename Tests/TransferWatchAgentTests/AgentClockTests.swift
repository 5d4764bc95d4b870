import Foundation
import Testing
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchLocking
import TransferWatchTestSupport

/// The business clock: `--now` sets its start, `--clock-rate` its speed; waits shrink by the rate.
@Suite struct AgentClockTests {
    @Test func runsFromTheGivenStartAtTheGivenRate() {
        let real = FakeRealClock(Date(timeIntervalSince1970: 1_000_000))
        let start = Date(timeIntervalSince1970: 0)
        let clock = AgentClock(start: start, rate: 3600, realNow: real.now)
        #expect(clock.now() == start)
        real.advance(by: 2)
        #expect(clock.now() == start.addingTimeInterval(7200), "two real seconds are two business hours")
    }

    @Test func withoutAStartItIsTheRealClock() {
        let real = FakeRealClock(Date(timeIntervalSince1970: 5_000))
        let clock = AgentClock(start: nil, realNow: real.now)
        real.advance(by: 30)
        #expect(clock.now() == Date(timeIntervalSince1970: 5_030))
    }

    @Test func sleepsTheRealShareOfABusinessDuration() async throws {
        let sleeper = RecordingSleeper()
        let clock = AgentClock(start: nil, rate: 3600, sleeper: sleeper)
        try await clock.sleep(for: .seconds(7200))
        try await clock.sleep(for: .zero)
        #expect(sleeper.delays == [.seconds(2)], "zero waits do not sleep")
        #expect(clock.businessDuration(of: .milliseconds(500)) == .seconds(1800))
    }

    @Test func aNonPositiveRateFallsBackToRealTime() {
        #expect(AgentClock(start: nil, rate: 0).rate == 1)
        #expect(AgentClock(start: nil, rate: -5).rate == 1)
    }
}

/// A settable real clock.
final class FakeRealClock: Sendable {
    private let current: Locked<Date>

    init(_ start: Date) { current = Locked(start) }

    var now: @Sendable () -> Date { { self.current.withLock { $0 } } }

    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
