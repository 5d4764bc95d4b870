import Foundation
import Testing
import TransferWatchAWS
import TransferWatchTestSupport
import TransferWatchWorkflows

/// Issue 9 item 3, the metrics half: through 10% faults, a CloudWatch outage and restarts, the published
/// `CopySucceeded` datapoints sum exactly to the objects moved once the spool has replayed, and the spool is
/// left drained and intact.
///
/// The restarts here are SIGTERMs: a `kill -9` loses the samples aggregated in memory since the last flush
/// (at most `metrics.flushInterval` of them; what reached the spool survives, CrashTests checks the spool
/// after twenty kills), so an exact sum is a promise only across clean stops.
@Suite(.requiresMoto, .serialized) struct MetricsSoakTests {
    @Test func copySucceededSumsToTheObjectsMovedAfterAnOutageAndKills() async throws {
        let fixture = try await ReliabilityFixture.start(uploaders: 10, seed: 33, agent: CrashTests.agentSettings)
        defer { fixture.stop() }
        try await fixture.bootstrap()
        try await fixture.proxy.configure(rate: 0.1)
        let base = try #require(AWSDate.parseISO8601("2026-11-28T01:00:00Z"))
        let wallStart = ContinuousClock.now
        let businessNow = { @Sendable in
            let elapsed = ContinuousClock.now - wallStart
            return base.addingTimeInterval(Double(elapsed.components.seconds) * CrashTests.clockRate)
        }
        var agent = try fixture.startAgent(name: "first", now: businessNow(), clockRate: CrashTests.clockRate)
        #expect(await eventually(timeout: .seconds(60)) { try await fixture.ledger.window("2026-11")?.isOpen == true }, "\(agent.log.suffix(3000))")
        let uploads = fixture.plannedUploads(perUploader: 3)
        let keys = uploads.keys.sorted()
        let thirds = [keys[0..<10], keys[10..<20], keys[20...]].map { part in
            Dictionary(uniqueKeysWithValues: part.map { ($0, uploads[$0]!) })
        }

        // A third through the faults, then stopped; a third while every request fails (outage: the metrics go to
        // the spool), stopped; the last third after the outage (the spool replays, the final flush runs).
        try await fixture.upload(thirds[0], seed: 1)
        _ = await agent.waitForLog("upload moved", timeout: .seconds(30))
        #expect(await agent.stop() == 0, "\(agent.log.suffix(3000))")
        agent = try fixture.startAgent(name: "second", now: businessNow(), clockRate: CrashTests.clockRate)
        try await fixture.upload(thirds[1], seed: 2)
        _ = await agent.waitForLog("upload moved", timeout: .seconds(30))
        try await fixture.proxy.configure(down: true)
        try await Task.sleep(for: .seconds(3))
        _ = await agent.stop()  // its final flush fails (outage): the batch stays in the spool
        try await fixture.proxy.configure(down: false)
        agent = try fixture.startAgent(name: "third", now: businessNow(), clockRate: CrashTests.clockRate)
        try await fixture.upload(thirds[2], seed: 3)
        #expect(await fixture.waitUntilDrained(timeout: .seconds(120)), "\(agent.log.suffix(3000))")
        try await fixture.proxy.configure(rate: 0)
        try await Task.sleep(for: .seconds(3))
        #expect(await agent.stop() == 0, "\(agent.log.suffix(3000))")
        let faults = await fixture.faultSummary()
        try await fixture.expectEverythingDeliveredOnce(uploads, context: faults)

        let copySucceeded = try await fixture.metricSum("CopySucceeded")
        #expect(copySucceeded == Double(uploads.count), "CopySucceeded sums to \(copySucceeded); proxy: \(faults)")
        try fixture.expectSpoolIntact(drained: true)
    }
}
