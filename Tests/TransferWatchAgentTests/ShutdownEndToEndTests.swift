import Foundation
import Testing
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Shutdown with a copy that never finishes (S3 stalls): it is bounded by `agent.shutdownTimeout`, a second
/// signal exits at once, and the stalled upload's event stays in the queue for the next run.
@Suite(.requiresMoto) struct ShutdownEndToEndTests {
    @Test func aStalledCopyCannotHoldShutdownPastItsTimeout() async throws {
        let (fixture, stalled, agent) = try await Self.startWithStalledCopy(shutdownTimeout: "2s")
        defer { fixture.stop() }
        defer { stalled.stop() }
        agent.send(SIGTERM)
        // The stall lasts 600 s and requests may take 300 s: only the 2 s shutdown budget can end it this soon.
        let status = await agent.waitForExit(timeout: .seconds(90))
        #expect(status != nil, "stopped within its shutdown budget: \(agent.log.suffix(3000))")
        #expect(status == 0)
        #expect(agent.log.contains("copy interrupted by shutdown; the event is left for redelivery"), "\(agent.log)")
        #expect(
            !agent.log.contains("copy failed; the event is left for redelivery"),
            "an interrupted copy is no failed copy")
        #expect(agent.log.contains("shutting down gracefully"))
        #expect(try await fixture.depth(fixture.queueURL) == 1, "the stalled upload's event is kept")
    }

    @Test func aSecondSignalExitsAtOnce() async throws {
        let (fixture, stalled, agent) = try await Self.startWithStalledCopy(shutdownTimeout: "10m")
        defer { fixture.stop() }
        defer { stalled.stop() }
        agent.send(SIGTERM)
        #expect(await agent.waitForLog("shutting down gracefully"), "\(agent.log)")
        agent.send(SIGTERM)
        #expect(await agent.waitForExit(timeout: .seconds(60)) == 128 + SIGTERM, "\(agent.log.suffix(3000))")
        #expect(agent.log.contains("second signal: exiting now"))
        #expect(try await fixture.depth(fixture.queueURL) == 1, "the stalled upload's event is kept")
    }

    /// moto for everything but S3, whose endpoint never answers; one upload event in the queue, its copy stalled.
    static func startWithStalledCopy(
        shutdownTimeout: String
    ) async throws -> (AgentFixture, LocalHTTPServer, AgentProcess) {
        let fixture = try await AgentFixture.start(
            agent: """
                  lease: 6s
                  tickInterval: 1h
                  reconcileInterval: 1h
                  visibilityTimeout: 5m
                  shutdownTimeout: \(shutdownTimeout)
                """)
        try await fixture.bootstrap(employees: ["alice"])
        let stalled = try LocalHTTPServer.start { _ in .stall(seconds: 600) }
        // Only the one event: drop the s3:TestEvent the bucket notification sent.
        try await fixture.sqs.purgeQueue(queueURL: fixture.queueURL)
        try await fixture.sqs.sendMessage(
            queueURL: fixture.queueURL, body: UploadEventConsumerTests.event(key: "alice/2026-11/stuck.pdf"))
        let config = try String(contentsOf: fixture.config, encoding: .utf8)
        try (config + "\naws: {requestTimeout: 300s, maxAttempts: 1}\n").write(
            to: fixture.config, atomically: true, encoding: .utf8)
        let agent = try AgentProcess(
            name: "agent",
            arguments: ["--config", fixture.config.path, "--now", "2026-11-28T01:00:00Z", "agent", "--no-lease"],
            environment: AgentFixture.environment.merging(["AWS_ENDPOINT_URL_S3": stalled.baseURL]) { _, new in new },
            directory: fixture.directory)
        guard await eventually(timeout: .seconds(120), { stalled.requests().count >= 1 }) else {
            throw FixtureError("the copy never reached S3: \(agent.log)")
        }
        return (fixture, stalled, agent)
    }
}
