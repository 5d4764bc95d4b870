import Foundation
import Testing
import TransferWatchAWS
import TransferWatchLocking
import TransferWatchTestSupport
import TransferWatchWorkflows

/// ``RequestRateLimiter`` on a stepped clock: slots `1 / rate` apart, bursts after a quiet period, no limit at
/// zero, and concurrent callers served in distinct slots.
@Suite struct RequestRateLimiterTests {
    @Test func spacesRequestsAtTheRate() async throws {
        let sleeper = RecordingSleeper()
        let limiter = RequestRateLimiter(requestsPerSecond: 10, sleeper: sleeper, elapsed: { .zero })
        for _ in 0..<5 { try await limiter.acquire() }
        #expect(sleeper.delays == [.milliseconds(100), .milliseconds(200), .milliseconds(300), .milliseconds(400)])
        #expect(await limiter.totalWait == .milliseconds(1_000))
    }

    @Test func letsABurstThroughAfterAQuietPeriod() async throws {
        let sleeper = RecordingSleeper()
        let clock = Locked(Duration.zero)
        let limiter = RequestRateLimiter(
            requestsPerSecond: 2, burst: 3, sleeper: sleeper, elapsed: { clock.withLock { $0 } })
        for _ in 0..<4 { try await limiter.acquire() }
        #expect(sleeper.delays == [.milliseconds(500)], "three at once, the fourth waits one interval")
        clock.withLock { $0 = .seconds(10) }
        for _ in 0..<3 { try await limiter.acquire() }
        #expect(sleeper.delays == [.milliseconds(500)], "quiet for 10 s: a new burst of three")
    }

    @Test func doesNotLimitAtZero() async throws {
        let sleeper = RecordingSleeper()
        let limiter = RequestRateLimiter(requestsPerSecond: 0, sleeper: sleeper, elapsed: { .zero })
        for _ in 0..<100 { try await limiter.acquire() }
        #expect(sleeper.delays.isEmpty)
        #expect(limiter.interval == nil)
    }

    @Test func givesConcurrentCallersDistinctSlots() async throws {
        let sleeper = RecordingSleeper()
        let limiter = RequestRateLimiter(requestsPerSecond: 10, sleeper: sleeper, elapsed: { .zero })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { try await limiter.acquire() } }
            try await group.waitForAll()
        }
        #expect(Set(sleeper.delays) == Set((1..<20).map { Duration.milliseconds(100 * $0) }))
    }
}
