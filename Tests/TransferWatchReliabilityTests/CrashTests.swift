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
        var description: String { "mid-provision \(midProvision), mid-copy \(midCopy), other \(idle)" }
    }

    @Test func killNineAtRandomPointsLosesNothingCountsOnceAndNeverMakesASecondServer() async throws {
        let size = SoakSize.crash
        let seed: UInt64 = 20
        var random = SplitMix(seed: seed)
        let fixture = try await ReliabilityFixture.start(
            uploaders: size.uploaders, seed: seed, agent: SoakTests.agentSettings)
        defer { fixture.stop() }
        try await fixture.bootstrap()
        try await fixture.proxy.configure(rate: size.faultRate)

        // The business clock runs at real speed from three seconds before provisioning is due (00:00 on the 28th);
        // each restart resumes it where the wall clock has got to.
        let base = try #require(AWSDate.parseISO8601("2026-11-27T23:59:57Z"))
        let wallStart = ContinuousClock.now
        let businessNow = { @Sendable in
            let elapsed = ContinuousClock.now - wallStart
            return base.addingTimeInterval(
                Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }

        // The uploads start once the window is open (no SFTP server exists before), in four waves so the storm
        // spans several lives.
        let uploads = fixture.plannedUploads(perUploader: size.uploadsPerUploader)
        let storm = Task {
            guard await eventually(timeout: .seconds(120), { try await fixture.ledger.window("2026-11") != nil }) else {
                throw SoakError("the window never opened")
            }
            let keys = uploads.keys.sorted()
            let wave = (keys.count + 3) / 4
            for start in stride(from: 0, to: keys.count, by: wave) {
                let part = Dictionary(uniqueKeysWithValues: keys[start..<min(start + wave, keys.count)].map { ($0, uploads[$0]!) })
                try await fixture.upload(part, seed: seed &+ UInt64(start))
                try await Task.sleep(for: size.maxLife / 2)
            }
        }

        var points = KillPoints()
        var logs: [String] = []
        for life in 0..<size.restarts {
            let agent = try fixture.startAgent(name: "life-\(life)", now: businessNow())
            if life == 0 {
                // The first kill lands inside provisioning: soon after it is due.
                #expect(await agent.waitForLog("provisioning due", timeout: .seconds(60)), "\(agent.log)")
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...300, using: &random)))
            } else {
                let longest = Int(size.maxLife.components.seconds * 1000)
                try await Task.sleep(for: .milliseconds(Int.random(in: (longest / 10)...longest, using: &random)))
            }
            let log = agent.log
            let sourceLeft = (try? await fixture.keys(in: ReliabilityFixture.source).count) ?? 0
            await agent.crash()
            #expect(!agent.isRunning)
            if log.contains("provisioning due") && !log.contains("provisioning finished") {
                points.midProvision += 1
            } else if sourceLeft > 0 && log.contains("upload moved") {
                points.midCopy += 1
            } else {
                points.idle += 1
            }
            logs.append("--- life \(life)\n" + String(log.suffix(2000)))
        }
        try await storm.value

        let last = try fixture.startAgent(name: "last", now: businessNow())
        defer { _ = last }
        let drained = await fixture.waitUntilDrained(timeout: size.isFull ? .seconds(600) : .seconds(180))
        let elapsed = ContinuousClock.now - wallStart
        try await fixture.proxy.configure(rate: 0)
        let faults = await fixture.faultSummary()
        let left = (try? await fixture.keys(in: ReliabilityFixture.source).count) ?? -1
        #expect(drained, "not drained: \(left) left\n\(last.log.suffix(3000))")
        #expect(await last.stop() == 0, "\(last.log.suffix(3000))")
        #expect(points.midProvision >= 1, "a kill landed in provisioning (\(points))")

        try await fixture.expectEverythingDeliveredOnce(
            uploads, context: "kills: \(points)\nproxy: \(faults)\n\(logs.suffix(3).joined(separator: "\n"))\n--- last\n\(last.log.suffix(3000))")
        #expect(try await fixture.registry.server("2026-11")?.state == .online, "provisioning completed after the kills")
        print("crash \(size): \(elapsed) wall; kills: \(points); proxy: \(faults)")
    }
}
