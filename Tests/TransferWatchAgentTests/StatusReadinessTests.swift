import Foundation
import Testing
import TransferWatchAgent
import TransferWatchLocking

/// The readiness probe with an injected clock: heartbeats go stale after tolerance × interval.
@Suite struct StatusReadinessTests {
    @Test func heartbeatsGoStaleAfterTheirTolerance() async {
        let clock = Locked(StatusFixtures.now)
        let probe = ReadinessProbe(now: { clock.withLock { $0 } })
        probe.addHeartbeat("scheduler", interval: .seconds(60))
        var report = await probe.evaluate()
        #expect(!report.isReady)
        #expect(report.text == "FAIL scheduler: no heartbeat yet\nnot ready\n")

        probe.beat("scheduler")
        clock.withLock { $0 += 180 }
        report = await probe.evaluate()
        #expect(report.isReady)
        #expect(report.text == "ok   scheduler: last heartbeat 180s ago (limit 180s)\nready\n")

        clock.withLock { $0 += 1 }
        report = await probe.evaluate()
        #expect(!report.isReady)
        #expect(report.text == "FAIL scheduler: last heartbeat 181s ago (limit 180s)\nnot ready\n")
    }

    @Test func checksRunInRegistrationOrderAndReplaceByName() async {
        let probe = ReadinessProbe(now: { StatusFixtures.now })
        probe.addCheck("credentials") { .notReady("expired") }
        probe.addCheck("queue") { .ready() }
        probe.addCheck("credentials") { .ready("valid") }
        let report = await probe.evaluate()
        #expect(report.checks.map(\.name) == ["credentials", "queue"])
        #expect(report.isReady)
    }

    @Test func noChecksMeansReady() async {
        #expect(await ReadinessProbe(now: { Date() }).evaluate().isReady)
    }
}
