import Foundation
import Logging
import ServiceLifecycle
import Testing
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchLocking
import TransferWatchTestSupport
import TransferWatchWorkflows

/// The consumer in-process against moto's SQS, with a scripted mover: what is deleted, what is left for
/// redelivery and the dead-letter queue, and what a shutdown past its deadline does to a stalled copy.
@Suite(.requiresMoto) struct UploadEventConsumerTests {
    @Test func movedMessagesAreDeletedAndTestEventsAcknowledged() async throws {
        let harness = try await Harness.start(maxReceiveCount: 3)
        defer { harness.moto.stop() }
        let mover = ScriptedMover { _ in .moved }
        for index in 0..<12 {
            try await harness.sqs.sendMessage(
                queueURL: harness.queue, body: Self.event(key: "alice/invoice-\(index).pdf"))
        }
        try await harness.sqs.sendMessage(
            queueURL: harness.queue,
            body: #"{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"invoices-incoming"}"#)
        // The same kind of event wrapped in an SNS notification (raw delivery off).
        let wrapped = try JSONSerialization.data(
            withJSONObject: ["Type": "Notification", "Message": Self.event(key: "alice/via-sns.pdf")])
        try await harness.sqs.sendMessage(queueURL: harness.queue, body: String(decoding: wrapped, as: UTF8.self))
        let (group, counters) = harness.makeGroup(mover: mover)
        let running = Task { try await group.run() }
        #expect(await eventually(timeout: .seconds(60)) { try await harness.depth(harness.queue) == 0 })
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(mover.keys.count == 13)
        #expect(Set(mover.keys).count == 13)
        #expect(mover.keys.contains("alice/via-sns.pdf"))
        #expect(counters.snapshot.messagesDeleted == 14)
        #expect(counters.snapshot.objectsMoved == 13)
    }

    @Test func aFailedCopyIsLeftForRedeliveryThenDeadLettered() async throws {
        let harness = try await Harness.start(maxReceiveCount: 2)
        defer { harness.moto.stop() }
        let mover = ScriptedMover { _ in .failed }
        try await harness.sqs.sendMessage(queueURL: harness.queue, body: Self.event(key: "bob/invoice.pdf"))
        let (group, counters) = harness.makeGroup(mover: mover, visibilityTimeout: 1)
        let running = Task { try await group.run() }
        #expect(await eventually(timeout: .seconds(60)) { try await harness.depth(harness.deadLetters) == 1 })
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(mover.keys == ["bob/invoice.pdf", "bob/invoice.pdf"], "tried on each of its two receives")
        #expect(counters.snapshot.messagesRetried == 2)
        #expect(counters.snapshot.messagesDeleted == 0)
        #expect(try await harness.depth(harness.queue) == 0)
    }

    @Test func aStalledCopyIsCancelledAtTheShutdownDeadlineAndItsMessageKept() async throws {
        let harness = try await Harness.start(maxReceiveCount: 5)
        defer { harness.moto.stop() }
        let started = Locked(false)
        let mover = ScriptedMover { _ in
            started.withLock { $0 = true }
            try await Task.sleep(for: .seconds(3600))  // outlasts the shutdown deadline by far
            return .moved
        }
        try await harness.sqs.sendMessage(queueURL: harness.queue, body: Self.event(key: "carol/invoice.pdf"))
        let (group, counters) = harness.makeGroup(mover: mover, visibilityTimeout: 30, shutdownTimeout: .seconds(1))
        let running = Task { try await group.run() }
        #expect(await eventually(timeout: .seconds(60)) { started.withLock { $0 } })
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        #expect(counters.snapshot.messagesDeleted == 0, "the interrupted copy's message is not deleted")
        #expect(try await harness.depth(harness.queue) == 1, "it stays for redelivery")
    }

    @Test func aLongCopyKeepsItsMessageHiddenUntilItIsDeleted() async throws {
        let harness = try await Harness.start(maxReceiveCount: 5)
        defer { harness.moto.stop() }
        // The copy outlasts the 4 s visibility timeout more than twice over; without the heartbeat the message
        // would come back and be received (and moved) again.
        let mover = ScriptedMover { _ in
            try await Task.sleep(for: .seconds(10))
            return .moved
        }
        try await harness.sqs.sendMessage(queueURL: harness.queue, body: Self.event(key: "erin/big.pdf"))
        let (group, counters) = harness.makeGroup(mover: mover, visibilityTimeout: 4)
        let running = Task { try await group.run() }
        #expect(await eventually(timeout: .seconds(60)) { counters.snapshot.messagesDeleted == 1 })
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(mover.keys == ["erin/big.pdf"], "received once")
        #expect(counters.snapshot.messagesReceived == 1)
        #expect(try await harness.depth(harness.queue) == 0)
    }

    /// Found by the soak test: when extending the visibility fails (faults, throttling), SQS hands the message
    /// out again while its copy still runs. The consumer must not start a second copy of it, and must delete
    /// it with the newest receipt handle, the only one SQS still honours.
    @Test func aMessageReceivedAgainWhileItsCopyRunsIsNotCopiedTwice() async throws {
        let harness = try await Harness.start(maxReceiveCount: 10)
        defer { harness.moto.stop() }
        let transport = InterceptingTransport()
        transport.intercept { request in
            request.target == "AmazonSQS.ChangeMessageVisibility"
                ? .awsError(400, code: "AWS.SimpleQueueService.NonExistentQueue", message: "refused by the test")
                : nil
        }
        let sqs = SQSClient(context: TestContexts.make(endpoint: harness.moto.endpoint, transport: transport))
        let mover = ScriptedMover { _ in
            try await Task.sleep(for: .seconds(5))  // outlasts the 1 s visibility timeout several times
            return .moved
        }
        try await harness.sqs.sendMessage(queueURL: harness.queue, body: Self.event(key: "frank/slow.pdf"))
        let environment = harness.makeEnvironment()
        let consumer = UploadEventConsumer(
            sqs: sqs, mover: mover,
            settings: .init(
                queueURL: harness.queue, concurrency: 4, visibilityTimeout: 1, waitTimeSeconds: 1,
                flushInterval: .milliseconds(200)),
            environment: environment, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let group = ServiceGroup(
            configuration: .init(
                services: [consumer], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
        let running = Task { try await group.run() }
        #expect(await eventually(timeout: .seconds(60)) { environment.counters.snapshot.messagesDeleted == 1 })
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(transport.interceptedCount > 0, "the visibility extensions were refused")
        #expect(environment.counters.snapshot.messagesReceived >= 2, "SQS handed the message out again")
        #expect(mover.keys == ["frank/slow.pdf"], "copied once")
        #expect(try await harness.depth(harness.queue) == 0, "deleted with its newest receipt handle")
    }

    @Test func aMalformedMessageIsReportedAndNotDeleted() async throws {
        let harness = try await Harness.start(maxReceiveCount: 5)
        defer { harness.moto.stop() }
        let mover = ScriptedMover { _ in .moved }
        let consumer = harness.makeConsumer(mover: mover, environment: harness.makeEnvironment())
        let message = SQSMessage(
            messageID: "m-1", receiptHandle: "r", body: "{\"Records\": 7}", md5OfBody: "", attributes: [:],
            messageAttributes: [:])
        #expect(await consumer.handle(message) == .malformed)
        let good = SQSMessage(
            messageID: "m-2", receiptHandle: "r", body: Self.event(key: "dave/x.pdf"), md5OfBody: "", attributes: [:],
            messageAttributes: [:])
        #expect(await consumer.handle(good) == .delete)
        #expect(mover.keys == ["dave/x.pdf"])
    }

    static func event(key: String) -> String {
        """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put",\
        "eventTime":"2026-11-28T10:00:00.000Z","s3":{"bucket":{"name":"invoices-incoming"},\
        "object":{"key":"\(key)","size":12,"eTag":"0123456789abcdef0123456789abcdef"}}}]}
        """
    }

    /// A queue with a dead-letter queue on moto.
    struct Harness {
        let moto: MotoServer
        let sqs: SQSClient
        let queue: String
        let deadLetters: String

        static func start(maxReceiveCount: Int) async throws -> Harness {
            let moto = try await MotoServer.start(
                logger: Logger(label: "moto", factory: { _ in SwiftLogNoOpLogHandler() }))
            let sqs = SQSClient(context: TestContexts.make(endpoint: moto.endpoint))
            let deadLetters = try await sqs.createQueue(name: "uploads-dlq")
            let arn = try #require(try await sqs.getQueueAttributes(queueURL: deadLetters).queueARN)
            let queue = try await sqs.createQueue(
                name: "uploads",
                attributes: [
                    SQSClient.QueueAttribute.redrivePolicy:
                        SQSRedrivePolicy(deadLetterTargetARN: arn, maxReceiveCount: maxReceiveCount).jsonString
                ])
            return Harness(moto: moto, sqs: sqs, queue: queue, deadLetters: deadLetters)
        }

        func makeEnvironment() -> AgentEnvironment {
            AgentEnvironment(clock: AgentClock(start: nil), leadership: .always(), environmentName: "test")
        }

        func makeConsumer(
            mover: ScriptedMover, environment: AgentEnvironment, visibilityTimeout: Int = 30
        )
            -> UploadEventConsumer
        {
            UploadEventConsumer(
                sqs: sqs, mover: mover,
                settings: .init(
                    queueURL: queue, concurrency: 4, visibilityTimeout: visibilityTimeout, waitTimeSeconds: 1,
                    flushInterval: .milliseconds(200)),
                environment: environment, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        }

        func makeGroup(
            mover: ScriptedMover, visibilityTimeout: Int = 30, shutdownTimeout: Duration = .seconds(20)
        )
            -> (ServiceGroup, AgentCounters)
        {
            let environment = makeEnvironment()
            let consumer = makeConsumer(mover: mover, environment: environment, visibilityTimeout: visibilityTimeout)
            var configuration = ServiceGroupConfiguration(
                services: [consumer], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            configuration.maximumGracefulShutdownDuration = shutdownTimeout
            return (ServiceGroup(configuration: configuration), environment.counters)
        }

        func depth(_ url: String) async throws -> Int {
            let attributes = try await sqs.getQueueAttributes(queueURL: url)
            return (attributes.approximateNumberOfMessages ?? 0)
                + (attributes.approximateNumberOfMessagesNotVisible ?? 0)
        }
    }
}

/// An ``UploadMover`` that records the keys it was asked to move and answers with a scripted result.
final class ScriptedMover: UploadMover {
    private let calls = Locked<[String]>([])
    private let script: @Sendable (String) async throws -> CopyStepRecord.Result

    init(_ script: @escaping @Sendable (String) async throws -> CopyStepRecord.Result) {
        self.script = script
    }

    var keys: [String] { calls.withLock { $0 } }

    func move(_ event: S3ObjectEvent) async throws -> CopyStepRecord {
        try await move(bucket: event.bucket, key: event.key)
    }

    func move(bucket: String, key: String) async throws -> CopyStepRecord {
        calls.withLock { $0.append(key) }
        var record = CopyStepRecord(
            source: .init(bucket: bucket, key: key), destination: .init(bucket: "archive", key: key), startedAt: Date())
        record.result = try await script(key)
        if record.result == .failed { record.errorCode = "InternalError" }
        return record
    }
}
