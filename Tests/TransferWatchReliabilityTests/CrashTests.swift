import Foundation
import Testing
import TransferWatchAWS
import TransferWatchWorkflows
import TransferWatchTestSupport

/// Issue 9 item 4: `kill -9` of the agent at seeded random points while provisioning runs and uploads pour in,
/// through the fault proxy, restart after restart; then one last agent drains the rest. Nothing may be lost,
/// counted twice, or provisioned twice. Reduced in `make test`; `make soak` runs at least 20 restarts.
@Suite(.requiresMoto, .serialized) struct CrashTests {
    /// Where a kill landed, from the agent's log and the buckets at the moment of the kill.
    struct KillPoints: CustomStringConvertible {
        var midProvision = 0
        var midCopy = 0
        var idle = 0
        var description: String { "mid-provision \(midProvision), mid-copy \(midCopy), neither \(idle)" }
    }

    /// The business clock runs a minute per real second, so a provisioning run killed after recording its intent
    /// is taken over after the intent's five-minute lease (five real seconds); intervals are business time, the
    /// leader lease and SQS visibility real time.
    static let clockRate = 60.0
    static let agentSettings = """
          lease: 6s
          tickInterval: 60s
          reconcileInterval: 5m
          visibilityTimeout: 2s
          maxReceiveCount: 20
        """

    @Test func killNineAtRandomPointsLosesNothingCountsOnceAndNeverMakesASecondServer() async throws {
        let size = SoakSize.crash
        let seed: UInt64 = 20
        var random = SplitMix(seed: seed)
        let fixture = try await ReliabilityFixture.start(
            uploaders: size.uploaders, seed: seed, agent: Self.agentSettings)
        defer { fixture.stop() }
        try await fixture.bootstrap()
        try await fixture.proxy.configure(rate: size.faultRate)

        // The business clock starts ten business seconds before provisioning is due (00:00 on the 28th); each
        // restart resumes it where the wall clock has got to.
        let base = try #require(AWSDate.parseISO8601("2026-11-27T23:59:50Z"))
        let wallStart = ContinuousClock.now
        let businessNow = { @Sendable in
            let elapsed = ContinuousClock.now - wallStart
            return base.addingTimeInterval(
                (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * Self.clockRate)
        }

        // The first lives are killed inside provisioning, the others while copies are in flight. The uploads start
        // once the window is open (no SFTP server exists before), in one wave per copy-phase life, a second apart,
        // so the storm spans those lives.
        let provisionLives = max(2, size.restarts / 4)
        let uploads = fixture.plannedUploads(perUploader: size.uploadsPerUploader)
        let storm = Task {
            guard await eventually(timeout: .seconds(120), { try await fixture.ledger.window("2026-11") != nil }) else {
                throw SoakError("the window never opened")
            }
            let keys = uploads.keys.sorted()
            let waves = size.restarts - provisionLives + 1
            let wave = (keys.count + waves - 1) / waves
            for start in stride(from: 0, to: keys.count, by: wave) {
                let part = Dictionary(
                    uniqueKeysWithValues: keys[start..<min(start + wave, keys.count)].map { ($0, uploads[$0]!) })
                try await fixture.upload(part, seed: seed &+ UInt64(start))
                try await Task.sleep(for: .seconds(1))
            }
        }

        var points = KillPoints()
        var logs: [String] = []
        var lives: [String] = []
        let longest = Int(size.maxLife.components.seconds * 1000)
        for life in 0..<size.restarts {
            let agent = try fixture.startAgent(name: "life-\(life)", now: businessNow(), clockRate: Self.clockRate)
            if life < provisionLives {
                // Soon after provisioning is due (a run, or a deferral while an earlier run's intent holds).
                _ = await agent.waitForLog("provisioning due", timeout: .seconds(30))
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...300, using: &random)))
            } else {
                // Once this life moves something (or after a while, if the storm is over), a little later.
                _ = await agent.waitForLog("upload moved", timeout: .seconds(30))
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...(longest / 4), using: &random)))
            }
            let log = agent.log
            let sourceLeft = (try? await fixture.keys(in: ReliabilityFixture.source).count) ?? 0
            let inFlight = (try? await fixture.sqs.getQueueAttributes(queueURL: fixture.queueURL))?
                .approximateNumberOfMessagesNotVisible ?? 0
            await agent.crash()
            #expect(!agent.isRunning)
            let provisioning = log.contains("provisioning due") && !log.contains("provisioning finished")
            let copying = log.contains("upload moved") && (sourceLeft > 0 || inFlight > 0)
            if provisioning { points.midProvision += 1 }
            if copying { points.midCopy += 1 }
            if !provisioning && !copying { points.idle += 1 }
            logs.append("--- life \(life)\n" + String(log.suffix(2000)))
            lives.append(
                "life \(life): provisioning due \(log.components(separatedBy: "provisioning due").count - 1), "
                    + "finished \(log.components(separatedBy: "provisioning finished").count - 1), "
                    + "moved \(log.components(separatedBy: "copy.result=moved").count - 1), "
                    + "source left \(sourceLeft), in flight \(inFlight)")
        }

        // The last life is not killed: it finishes provisioning if needed and drains what the storm still sends.
        let last = try fixture.startAgent(name: "last", now: businessNow(), clockRate: Self.clockRate)
        defer { _ = last }
        do {
            try await storm.value
        } catch {
            Issue.record("the uploads failed: \(error)\n\(logs.suffix(3).joined(separator: "\n"))\n\(last.log.suffix(2000))")
            throw error
        }
        let drained = await fixture.waitUntilDrained(timeout: size.isFull ? .seconds(600) : .seconds(180))
        let elapsed = ContinuousClock.now - wallStart
        try await fixture.proxy.configure(rate: 0)
        let faults = await fixture.faultSummary()
        let left = (try? await fixture.keys(in: ReliabilityFixture.source).count) ?? -1
        #expect(drained, "not drained: \(left) left\n\(last.log.suffix(3000))")
        #expect(await last.stop() == 0, "\(last.log.suffix(3000))")
        #expect(points.midProvision >= 1, "a kill landed in provisioning (\(points))")
        #expect(points.midCopy >= 1, "a kill landed while copies were in flight (\(points))")

        try await fixture.expectEverythingDeliveredOnce(
            uploads, context: "kills: \(points)\nproxy: \(faults)\n\(logs.suffix(3).joined(separator: "\n"))\n--- last\n\(last.log.suffix(3000))")
        #expect(try await fixture.registry.server("2026-11")?.state == .online, "provisioning completed after the kills")
        // After kills mid-flush: no corrupt spool record (the agent does not publish metrics yet).
        try fixture.expectSpoolIntact(drained: true)
        print("crash \(size): \(elapsed) wall; kills: \(points); proxy: \(faults)\n" + lives.joined(separator: "\n"))
    }
}
