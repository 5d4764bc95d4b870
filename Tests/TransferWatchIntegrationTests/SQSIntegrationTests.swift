import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

/// The SQS client against moto: a queue with a dead-letter redrive policy, send/receive/delete with MD5
/// checks, visibility changes, batches with per-entry failures, and a long poll that comes back empty.
@Suite(.requiresMoto, .suiteMoto("test.sqs")) struct SQSIntegrationTests {
    @Test func createsAQueueWithADeadLetterRedrivePolicy() async throws {
        try await withSQS { sqs in
            let dlqURL = try await sqs.createQueue(name: uniqueName("uploads-dlq"))
            let dlqARN = try #require(
                try await sqs.getQueueAttributes(queueURL: dlqURL, names: [SQSClient.QueueAttribute.queueARN]).queueARN)
            let policy = SQSRedrivePolicy(deadLetterTargetARN: dlqARN, maxReceiveCount: 3)
            let name = uniqueName("uploads")
            let url = try await sqs.createQueue(
                name: name,
                attributes: [
                    SQSClient.QueueAttribute.redrivePolicy: policy.jsonString,
                    SQSClient.QueueAttribute.visibilityTimeout: "45",
                ])
            #expect(url.hasSuffix("/\(name)"))
            #expect(try await sqs.getQueueURL(name: name) == url)

            let attributes = try await sqs.getQueueAttributes(queueURL: url)
            #expect(attributes.redrivePolicy == policy)
            #expect(attributes.visibilityTimeout == 45)
            #expect(attributes.approximateNumberOfMessages == 0)
            #expect(attributes.queueARN?.hasSuffix(":\(name)") == true)

            try await sqs.setQueueAttributes(
                queueURL: url, attributes: [SQSClient.QueueAttribute.visibilityTimeout: "60"])
            #expect(try await sqs.getQueueAttributes(queueURL: url).visibilityTimeout == 60)
        }
    }

    @Test func aMissingQueueIsNotFoundWithTheLegacyCode() async throws {
        try await withSQS { sqs in
            let error = try #require(
                await #expect(throws: AWSError.self) { try await sqs.getQueueURL(name: uniqueName("nope")) })
            #expect(error.code == "AWS.SimpleQueueService.NonExistentQueue")
            #expect(error.isNotFound)
            #expect(error.attempts == 1)
        }
    }

    @Test func sendsReceivesAndDeletesWithAttributes() async throws {
        try await withSQS { sqs in
            let url = try await sqs.createQueue(name: uniqueName("events"))
            let body =
                #"{"Records":[{"s3":{"bucket":{"name":"invoices-incoming"},"object":{"key":"alice/inv%201.pdf"}}}]} — ünïcode"#
            let sent = try await sqs.sendMessage(
                queueURL: url, body: body,
                attributes: ["uploader": .string("alice"), "size": .number("1024"), "raw": .binary(Data([1, 2, 3]))])
            #expect(sent.md5OfBody == SQSClient.md5OfBody(body))
            #expect(try await sqs.getQueueAttributes(queueURL: url).approximateNumberOfMessages == 1)

            let received = try await sqs.receiveMessage(queueURL: url, maxMessages: 10, waitTimeSeconds: 1)
            let message = try #require(received.first)
            #expect(received.count == 1)
            #expect(message.messageID == sent.messageID)
            #expect(message.body == body)
            #expect(message.approximateReceiveCount == 1)
            #expect(abs((message.sentTimestamp ?? .distantPast).timeIntervalSinceNow) < 300)
            #expect(
                message.messageAttributes == [
                    "uploader": .string("alice"), "size": .number("1024"), "raw": .binary(Data([1, 2, 3])),
                ])

            try await sqs.deleteMessage(queueURL: url, receiptHandle: message.receiptHandle)
            let attributes = try await sqs.getQueueAttributes(queueURL: url)
            #expect(attributes.approximateNumberOfMessages == 0)
            #expect(attributes.approximateNumberOfMessagesNotVisible == 0)
        }
    }

    @Test func aVisibilityChangeMakesAMessageVisibleAgainAndCountsTheReceive() async throws {
        try await withSQS { sqs in
            let url = try await sqs.createQueue(name: uniqueName("visibility"))
            try await sqs.sendMessage(queueURL: url, body: "retry me")
            let first = try #require(try await sqs.receiveMessage(queueURL: url, visibilityTimeout: 300).first)
            // Hidden now: another receive finds nothing.
            #expect(try await sqs.receiveMessage(queueURL: url).isEmpty)
            try await sqs.changeMessageVisibility(
                queueURL: url, receiptHandle: first.receiptHandle, visibilityTimeout: 0)
            let second = try #require(try await sqs.receiveMessage(queueURL: url, visibilityTimeout: 300).first)
            #expect(second.messageID == first.messageID)
            #expect(second.approximateReceiveCount == 2)
            try await sqs.deleteMessage(queueURL: url, receiptHandle: second.receiptHandle)
            #expect(try await sqs.getQueueAttributes(queueURL: url).approximateNumberOfMessagesNotVisible == 0)
        }
    }

    @Test func aMessageReceivedTooOftenMovesToTheDeadLetterQueue() async throws {
        try await withSQS { sqs in
            let dlqURL = try await sqs.createQueue(name: uniqueName("poison-dlq"))
            let dlqARN = try #require(try await sqs.getQueueAttributes(queueURL: dlqURL).queueARN)
            let url = try await sqs.createQueue(
                name: uniqueName("poison"),
                attributes: [
                    SQSClient.QueueAttribute.redrivePolicy: SQSRedrivePolicy(
                        deadLetterTargetARN: dlqARN, maxReceiveCount: 1
                    ).jsonString
                ])
            try await sqs.sendMessage(queueURL: url, body: "poison pill")
            let first = try #require(try await sqs.receiveMessage(queueURL: url).first)
            try await sqs.changeMessageVisibility(
                queueURL: url, receiptHandle: first.receiptHandle, visibilityTimeout: 0)
            // The second receive exceeds maxReceiveCount: the message goes to the DLQ instead.
            #expect(try await sqs.receiveMessage(queueURL: url).isEmpty)
            let dead = try await sqs.receiveMessage(queueURL: dlqURL)
            #expect(dead.map(\.body) == ["poison pill"])
        }
    }

    @Test func batchesReportPerEntryOutcomes() async throws {
        try await withSQS { sqs in
            let url = try await sqs.createQueue(name: uniqueName("batch"))
            let sent = try await sqs.sendMessageBatch(
                queueURL: url, entries: (1...3).map { SQSSendBatchEntry(id: "m\($0)", body: "body \($0)") })
            #expect(sent.isComplete)
            #expect(sent.successful.compactMap(\.id).sorted() == ["m1", "m2", "m3"])

            var received: [SQSMessage] = []
            for _ in 0..<5 where received.count < 3 {
                received += try await sqs.receiveMessage(queueURL: url, maxMessages: 10, waitTimeSeconds: 1)
            }
            #expect(received.map(\.body).sorted() == ["body 1", "body 2", "body 3"])

            var entries = received.enumerated().map {
                SQSDeleteBatchEntry(id: "d\($0.offset)", receiptHandle: $0.element.receiptHandle)
            }
            entries.append(SQSDeleteBatchEntry(id: "bogus", receiptHandle: "not-a-receipt-handle"))
            let deleted = try await sqs.deleteMessageBatch(queueURL: url, entries: entries)
            #expect(deleted.successful.sorted() == ["d0", "d1", "d2"])
            #expect(deleted.failed.map(\.id) == ["bogus"])
            #expect(deleted.failed.first?.code == "ReceiptHandleIsInvalid")
            #expect(deleted.failed.first?.senderFault == true)
            #expect(try await sqs.getQueueAttributes(queueURL: url).approximateNumberOfMessagesNotVisible == 0)
        }
    }

    @Test func aLongPollOfOneSecondOnAnEmptyQueueReturnsNothing() async throws {
        try await withSQS { sqs in
            let url = try await sqs.createQueue(name: uniqueName("quiet"))
            let clock = ContinuousClock()
            let started = clock.now
            let messages = try await sqs.receiveMessage(queueURL: url, maxMessages: 10, waitTimeSeconds: 1)
            let elapsed = clock.now - started
            #expect(messages.isEmpty)
            #expect(elapsed >= .milliseconds(900), "the server held the poll for the wait time")
            #expect(sqs.receiveTimeout(waitTimeSeconds: 1) > .seconds(1))
        }
    }

    @Test func purgeEmptiesTheQueue() async throws {
        try await withSQS { sqs in
            let url = try await sqs.createQueue(name: uniqueName("purge"))
            for index in 0..<3 { try await sqs.sendMessage(queueURL: url, body: "m\(index)") }
            try await sqs.purgeQueue(queueURL: url)
            #expect(try await sqs.getQueueAttributes(queueURL: url).approximateNumberOfMessages == 0)
            try await sqs.deleteQueue(queueURL: url)
        }
    }

    // MARK: Helpers

    private func withSQS(_ body: (SQSClient) async throws -> Void) async throws {
        let endpoint = try #require(SuiteMoto.endpoint, "the suite's moto is not running")
        try await body(SQSClient(context: TestContexts.make(endpoint: endpoint)))
    }

    private func uniqueName(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }
}
