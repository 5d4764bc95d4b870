import Foundation
import Logging
import ServiceLifecycle
import Testing
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchLocking
import TransferWatchTestSupport
import TransferWatchWorkflows

/// How the consumer batches its queue traffic, against moto's SQS over real HTTP: full receives while copies
/// run, deletions in tens, a quiet queue's upload acknowledged at once, and messages still waiting for a slot
/// handed back at shutdown.
@Suite(.requiresMoto) struct UploadEventConsumerBatchingTests {
    typealias Harness = UploadEventConsumerTests.Harness

    @Test func aBacklogIsReceivedAndDeletedInBatchesOfTen() async throws {
        let harness = try await Harness.start(maxReceiveCount: 5)
        defer { harness.moto.stop() }
        for index in 0..<30 {
            try await harness.sqs.sendMessage(
                queueURL: harness.queue, body: UploadEventConsumerTests.event(key: "grace/invoice-\(index).pdf"))
        }
        let context = TestContexts.make(endpoint: harness.moto.endpoint)
        let mover = ScriptedMover { _ in
            try await Task.sleep(for: .milliseconds(20))
            return .moved
        }
        // A flush interval far longer than the test: every deletion here goes in a batch of ten, or because the
        // consumer held nothing else.
        let (group, environment) = makeGroup(
            harness, sqs: SQSClient(context: context), mover: mover, concurrency: 4, flushInterval: .seconds(600))
        let running = Task { try await group.run() }
        #expect(await eventually(timeout: .seconds(60)) { environment.counters.snapshot.messagesDeleted == 30 })
        let requests = context.requestCounter.snapshot
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(Set(mover.keys).count == 30)
        #expect(mover.keys.count == 30, "each copied once")
        #expect(try await harness.depth(harness.queue) == 0)
        #expect(requests["SQS.DeleteMessageBatch"] == 3, "three full batches: \(requests)")
        // Three full receives (plus at most one more, open when the last batch came in, and one retry of it);
        // asking only for free slots, concurrency 4 would have taken at least eight.
        #expect((requests["SQS.ReceiveMessage"] ?? 0) <= 5, "\(requests)")
    }

    @Test func aQuietQueuesUploadIsDeletedWithoutWaitingForTheFlushInterval() async throws {
        let harness = try await Harness.start(maxReceiveCount: 5)
        defer { harness.moto.stop() }
        let mover = ScriptedMover { _ in .moved }
        // The interval in effect is a third of the visibility timeout, 100 s: far beyond the wait below.
        let (group, environment) = makeGroup(
            harness, sqs: harness.sqs, mover: mover, concurrency: 8, flushInterval: .seconds(600),
            visibilityTimeout: 300)
        let running = Task { try await group.run() }
        try await harness.sqs.sendMessage(
            queueURL: harness.queue, body: UploadEventConsumerTests.event(key: "heidi/alone.pdf"))
        #expect(await eventually(timeout: .seconds(30)) { environment.counters.snapshot.messagesDeleted == 1 })
        #expect(try await harness.depth(harness.queue) == 0)
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(mover.keys == ["heidi/alone.pdf"])
    }

    @Test func messagesWaitingForASlotAreHandedBackAtShutdown() async throws {
        let harness = try await Harness.start(maxReceiveCount: 5)
        defer { harness.moto.stop() }
        for index in 0..<5 {
            try await harness.sqs.sendMessage(
                queueURL: harness.queue, body: UploadEventConsumerTests.event(key: "ivan/invoice-\(index).pdf"))
        }
        let started = Locked(false)
        let release = Locked(false)
        let mover = ScriptedMover { _ in
            started.withLock { $0 = true }
            // Finishes only once the consumer's own tasks see the shutdown (the group tells its services one by
            // one, so right after `triggerGracefulShutdown` the consumer may not know yet, and a freed slot
            // would start a waiting message: CI saw two copies that way).
            while !(release.withLock({ $0 }) && Task.isShuttingDownGracefully) {
                try await Task.sleep(for: .milliseconds(20))
            }
            return .moved
        }
        let (group, environment) = makeGroup(
            harness, sqs: harness.sqs, mover: mover, concurrency: 1, flushInterval: .seconds(600),
            visibilityTimeout: 300)
        let running = Task { try await group.run() }
        #expect(await eventually(timeout: .seconds(30)) { started.withLock { $0 } })
        #expect(await eventually(timeout: .seconds(30)) { environment.counters.snapshot.messagesReceived == 5 })
        await group.triggerGracefulShutdown()
        release.withLock { $0 = true }
        try await running.value
        #expect(mover.keys.count == 1, "only the running copy finished: \(mover.keys)")
        #expect(environment.counters.snapshot.messagesDeleted == 1)
        let attributes = try await harness.sqs.getQueueAttributes(queueURL: harness.queue)
        #expect(attributes.approximateNumberOfMessages == 4, "visible again at once, not after 300 s")
    }

    private func makeGroup(
        _ harness: Harness, sqs: SQSClient, mover: ScriptedMover, concurrency: Int, flushInterval: Duration,
        visibilityTimeout: Int = 30
    ) -> (ServiceGroup, AgentEnvironment) {
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let environment = harness.makeEnvironment()
        let consumer = UploadEventConsumer(
            sqs: sqs, mover: mover,
            settings: .init(
                queueURL: harness.queue, concurrency: concurrency, visibilityTimeout: visibilityTimeout,
                waitTimeSeconds: 1, flushInterval: flushInterval),
            environment: environment, logger: quiet)
        return (ServiceGroup(configuration: .init(services: [consumer], logger: quiet)), environment)
    }
}
