import Foundation
import Testing
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchTestSupport
import TransferWatchWorkflows

#if canImport(Glibc)
    import Glibc
#endif

/// `transferwatch agent` as a process against moto, after `transferwatch bootstrap`.
@Suite(.requiresMoto) struct AgentEndToEndTests {
    /// Started on the 28th after midnight, the agent catches up provisioning; uploads arrive through the bucket
    /// notification and are moved and counted; the last employee's delivery tears the window down (counter); a
    /// poison message lands in the dead-letter queue and is reported; SIGTERM stops it cleanly.
    @Test func movesUploadsCountsThemTearsDownByCounterAndDeadLettersPoison() async throws {
        let fixture = try await AgentFixture.start(
            agent: """
                  lease: 6s
                  tickInterval: 1s
                  reconcileInterval: 2s
                  visibilityTimeout: 2s
                  maxReceiveCount: 2
                """,
            copy: """
                  concurrency: 4
                  gracePeriod: 1d
                """)
        defer { fixture.stop() }
        try await fixture.bootstrap(employees: ["alice", "bob"])
        let agent = try fixture.startAgent(name: "agent", now: "2026-11-28T01:00:00Z", logFormat: "json")
        defer { _ = agent }

        // Catch-up provisioning of window 2026-11.
        #expect(await agent.waitForLog("provisioning finished"), "\(agent.log)")
        #expect(agent.log.contains("\"provision.reason\":\"windowMissing\""))
        let servers = try await fixture.transfer.listServers()
        #expect(servers.count == 1)
        let serverID = try #require(servers.first?.serverID)

        // A poison message, and two uploads through the bucket notification.
        let poison = try await fixture.sqs.sendMessage(
            queueURL: fixture.queueURL, body: "{\"Records\": [{\"eventVersion\": \"9.0\"}]}")
        try await fixture.upload("alice/2026-11/invoice-1.pdf")
        try await fixture.upload("bob/2026-11/invoice-7.pdf")

        #expect(await eventually { try await fixture.keys(in: AgentFixture.source).isEmpty })
        #expect(
            try await fixture.keys(in: AgentFixture.destination) == [
                "alice/2026-11/invoice-1.pdf", "bob/2026-11/invoice-7.pdf",
            ])
        // The window completes; the counter trigger tears it down.
        #expect(await eventually { try await fixture.ledger.window("2026-11")?.isOpen == false }, "\(agent.log)")
        let window = try #require(try await fixture.ledger.window("2026-11"))
        #expect(window.delivered == 2)
        #expect(window.closedReason == "counter")
        #expect(try await fixture.registry.server("2026-11")?.state == .deleted)
        #expect(try await fixture.transfer.listServers().contains { $0.serverID == serverID } == false)

        // The poison message is reported with its ID, then dead-lettered, and the DLQ depth is reported.
        #expect(await agent.waitForLog("upload events in the dead-letter queue"), "\(agent.log)")
        let malformed = agent.lines(containing: "malformed upload event left for the dead-letter queue")
        #expect(!malformed.isEmpty)
        #expect(malformed.allSatisfy { $0.contains("\"sqs.message_id\":\"\(poison.messageID)\"") })
        #expect(malformed.first?.contains("unsupported event version") == true)
        let dlq = try await fixture.sqs.getQueueURL(name: "invoice-uploads-dlq")
        #expect(try await fixture.depth(dlq) == 1)

        // Logs are JSON lines carrying the object key and window.
        let moved = agent.lines(containing: "\"message\":\"upload moved\"")
        #expect(moved.count == 2)
        #expect(moved.allSatisfy { $0.contains("\"window\":\"2026-11\"") && $0.contains("\"s3.key\":") })
        #expect(!agent.log.contains("testing-secret-key"), "no secret in the logs")

        #expect(await agent.stop() == 0, "\(agent.log)")
        #expect(agent.log.contains("agent stopped"))
        #expect(agent.log.contains("leader lease released"))
    }

    /// On a clock running 7200× (one real second is two business hours) from 23:00 on the 27th, provisioning
    /// runs at midnight on the 28th and the teardown schedule (noon on the 28th here) tears the window down.
    @Test func provisionsAndTearsDownAtTheirScheduledTimes() async throws {
        let fixture = try await AgentFixture.start(
            sftp: """
                  provision: "cron(0 0 28 * ? *)"
                  teardown: "cron(0 12 28 * ? *)"
                """,
            agent: """
                  lease: 6s
                  tickInterval: 1h
                """)
        defer { fixture.stop() }
        try await fixture.bootstrap(employees: ["alice", "bob", "carol"])
        let agent = try fixture.startAgent(name: "agent", now: "2026-11-27T23:00:00Z", clockRate: 7200)
        defer { _ = agent }

        #expect(await agent.waitForLog("provisioning finished"), "\(agent.log)")
        #expect(await eventually { try await fixture.registry.server("2026-11")?.state == .deleted }, "\(agent.log)")
        let server = try #require(try await fixture.registry.server("2026-11"))
        let midnight = try #require(AWSDate.parseISO8601("2026-11-28T00:00:00Z"))
        let noon = try #require(AWSDate.parseISO8601("2026-11-28T12:00:00Z"))
        let createdAt = try #require(server.createdAt)
        #expect(createdAt >= midnight, "provisioned at or after its time, not before")
        #expect(createdAt < noon)
        #expect(try #require(server.deletedAt) >= noon, "torn down at or after the teardown schedule")
        #expect(server.deleteReason == "scheduled")
        let window = try #require(try await fixture.ledger.window("2026-11"))
        #expect(window.closedReason == "scheduled")
        #expect(window.expected == 3)
        #expect(agent.lines(containing: "provisioning due").count == 1, "\(agent.log)")
        #expect(try await fixture.transfer.listServers().isEmpty)
        #expect(await agent.stop() == 0)
    }

    /// SIGTERM in the middle of a burst: in-flight copies finish, nothing is lost or counted twice; after a
    /// restart every upload is moved exactly once and the counter is exact.
    @Test func sigtermDuringABurstLosesNothing() async throws {
        let fixture = try await AgentFixture.start(
            agent: """
                  lease: 6s
                  tickInterval: 5s
                  visibilityTimeout: 30s
                """,
            copy: """
                  concurrency: 1
                  gracePeriod: 1d
                """)
        defer { fixture.stop() }
        let employees = (1...13).map { "employee\($0)" }
        try await fixture.bootstrap(employees: employees)
        let first = try fixture.startAgent(name: "first", now: "2026-11-28T01:00:00Z")
        #expect(await first.waitForLog("provisioning finished"), "\(first.log)")

        // 12 of 13 employees upload 4 invoices each (the window stays open), all at once; SIGTERM as soon as the
        // first is moved, while the burst is still arriving.
        let keys = (0..<48).map { "\(employees[$0 % 12])/2026-11/invoice-\($0).pdf" }
        let uploads = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for key in keys { group.addTask { try await fixture.upload(key) } }
                try await group.waitForAll()
            }
        }
        #expect(await first.waitForLog("upload moved"), "\(first.log)")
        first.send(SIGTERM)
        try await uploads.value
        let uploaded = Set(keys)
        #expect(await first.waitForExit() == 0, "\(first.log)")
        #expect(first.log.contains("shutting down gracefully"))
        let movedBefore = first.lines(containing: "upload moved").count
        print("SIGTERM during a burst: \(movedBefore) of 48 moved before the first agent stopped")
        #expect(movedBefore < 48, "the burst was interrupted (\(movedBefore) moved before SIGTERM's shutdown)")
        // The copy in flight at SIGTERM finished (none was abandoned half-way).
        #expect(first.lines(containing: "copy interrupted").isEmpty, "\(first.log)")

        let second = try fixture.startAgent(name: "second", now: "2026-11-28T02:00:00Z")
        #expect(await eventually { try await fixture.keys(in: AgentFixture.source).isEmpty }, "\(second.log)")
        #expect(try await fixture.keys(in: AgentFixture.destination) == uploaded)
        #expect(await eventually { try await fixture.depth(fixture.queueURL) == 0 }, "every event acknowledged")
        let window = try #require(try await fixture.ledger.window("2026-11"))
        #expect(window.delivered == 12, "each employee counted once")
        #expect(window.remaining == 1)
        #expect(window.isOpen)
        let moved = (first.lines(containing: "upload moved") + second.lines(containing: "upload moved"))
            .filter { $0.contains("copy.result=moved") }
        #expect(moved.count == 48, "each upload moved once")
        #expect(await second.stop() == 0)
    }

    /// An upload whose event was lost (the queue purged) is moved by reconciliation after the grace period, and
    /// reported; it counts like any delivery.
    @Test func reconciliationMovesAnUploadWhoseEventWasLost() async throws {
        let fixture = try await AgentFixture.start(
            agent: """
                  lease: 6s
                  tickInterval: 5s
                  reconcileInterval: 1s
                """,
            copy: """
                  concurrency: 2
                  gracePeriod: 2s
                """)
        defer { fixture.stop() }
        try await fixture.bootstrap(employees: ["alice", "bob"])
        // A first run provisions the window, and stops.
        let first = try fixture.startAgent(name: "first", now: "2026-11-28T01:00:00Z")
        #expect(await first.waitForLog("provisioning finished"), "\(first.log)")
        #expect(await first.stop() == 0)
        try await fixture.upload("alice/2026-11/lost.pdf")
        // The event arrives, and is lost.
        #expect(await eventually { try await fixture.depth(fixture.queueURL) >= 1 })
        try await fixture.sqs.purgeQueue(queueURL: fixture.queueURL)
        #expect(try await fixture.depth(fixture.queueURL) == 0)

        let agent = try fixture.startAgent(name: "agent", now: "2026-11-28T02:00:00Z")
        defer { _ = agent }
        #expect(await agent.waitForLog("upload moved by reconciliation"), "\(agent.log)")
        let reported = agent.lines(containing: "upload moved by reconciliation")
        #expect(reported.count == 1)
        #expect(reported.first?.contains("s3.key=alice/2026-11/lost.pdf") == true)
        #expect(try await fixture.keys(in: AgentFixture.source).isEmpty)
        #expect(try await fixture.keys(in: AgentFixture.destination) == ["alice/2026-11/lost.pdf"])
        #expect(try await fixture.ledger.window("2026-11")?.delivered == 1)
        #expect(await agent.stop() == 0)
    }
}
