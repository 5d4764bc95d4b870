import Foundation
import Testing
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchTestSupport
import TransferWatchWorkflows

/// Three `transferwatch agent` replicas on one queue and one state table.
@Suite(.requiresMoto) struct ReplicaEndToEndTests {
    /// Uploads: 60 by default, `TRANSFERWATCH_AGENT_UPLOADS` (e.g. 300) for the full size.
    static var uploads: Int {
        ProcessInfo.processInfo.environment["TRANSFERWATCH_AGENT_UPLOADS"].flatMap { Int($0) } ?? 60
    }

    @Test func threeReplicasMoveEachUploadOnceCountExactlyAndProvisionOneServer() async throws {
        let fixture = try await AgentFixture.start(
            agent: """
                  lease: 6s
                  tickInterval: 2s
                  visibilityTimeout: 60s
                """,
            copy: """
                  concurrency: 4
                  gracePeriod: 1d
                """)
        defer { fixture.stop() }
        // One more employee than upload, so the window stays open and its server stays.
        let uploaders = 20
        let employees = (0...uploaders).map { "emp\($0)" }
        try await fixture.bootstrap(employees: employees)
        let replicas = try (1...3).map {
            try fixture.startAgent(
                name: "replica\($0)", now: "2026-11-28T01:00:00Z", extra: ["--replica-id", "replica\($0)"])
        }
        #expect(await eventually { replicas.contains { $0.log.contains("provisioning finished") } })

        let clock = ContinuousClock()
        let started = clock.now
        var uploaded: Set<String> = []
        for index in 0..<Self.uploads {
            let key = "emp\(index % uploaders)/2026-11/invoice-\(index).pdf"
            try await fixture.upload(key)
            uploaded.insert(key)
        }
        #expect(await eventually(timeout: .seconds(300)) { try await fixture.keys(in: AgentFixture.source).isEmpty })
        let elapsed = clock.now - started
        #expect(try await fixture.keys(in: AgentFixture.destination) == uploaded)
        let window = try #require(try await fixture.ledger.window("2026-11"))
        #expect(window.delivered == uploaders)
        #expect(window.remaining == 1)
        #expect(try await fixture.transfer.listServers().count == 1, "exactly one server")
        let logs = replicas.map(\.log)
        #expect(logs.map { $0.components(separatedBy: "provisioning due").count - 1 }.reduce(0, +) == 1)
        #expect(logs.filter { $0.contains("leader lease acquired") }.count >= 1)
        let perReplica = replicas.map { $0.lines(containing: "upload moved").count }
        #expect(perReplica.filter { $0 > 0 }.count >= 2, "SQS spreads the copies: \(perReplica)")
        let moved = replicas.flatMap { $0.lines(containing: "upload moved") }.filter {
            $0.contains("copy.result=moved")
        }
        #expect(moved.count == Self.uploads, "each moved once (\(perReplica))")
        print("3 replicas: \(Self.uploads) uploads put and moved in \(elapsed) (per replica \(perReplica))")
        for replica in replicas { #expect(await replica.stop() == 0, "\(replica.name): \(replica.log.suffix(2000))") }
    }
}
