import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

/// The SNS client against moto: a topic fanning out to SQS queues (raw and enveloped), message attributes
/// read back from the queue, subscription listing, and errors.
@Suite(.requiresMoto, .suiteMoto("test.sns")) struct SNSIntegrationTests {
    @Test func publishesWithAttributesToARawSQSSubscription() async throws {
        try await withClients { sns, sqs in
            let topic = try await sns.createTopic(name: uniqueName("oncall"))
            #expect(topic.hasPrefix("arn:aws:sns:us-east-1:"))
            #expect(
                try await sns.createTopic(name: String(topic.split(separator: ":").last ?? "")) == topic,
                "CreateTopic is idempotent")
            let (queueURL, queueARN) = try await makeQueue(sqs, "alerts-raw")
            let subscription = try await sns.subscribe(
                topicARN: topic, protocol: "sqs", endpoint: queueARN,
                attributes: ["RawMessageDelivery": "true"])
            #expect(subscription.hasPrefix(topic + ":"))

            let messageID = try await sns.publish(
                topicARN: topic, message: "copy failed: alice/inv-1.pdf", subject: "copy-failed",
                messageAttributes: ["severity": .string("critical"), "attempts": .number("3")])
            #expect(!messageID.isEmpty)

            let delivered = try #require(
                try await sqs.receiveMessage(queueURL: queueURL, maxMessages: 10, waitTimeSeconds: 1).first)
            #expect(delivered.body == "copy failed: alice/inv-1.pdf")
            #expect(delivered.messageAttributes["severity"] == .string("critical"))
            #expect(delivered.messageAttributes["attempts"] == .number("3"))

            let listed = try await sns.listSubscriptionsByTopic(topicARN: topic)
            #expect(listed.map(\.subscriptionARN) == [subscription])
            #expect(listed.first?.protocol == "sqs")
            #expect(listed.first?.endpoint == queueARN)
        }
    }

    @Test func anEnvelopedDeliveryCarriesSubjectAndAttributesInJSON() async throws {
        try await withClients { sns, sqs in
            let topic = try await sns.createTopic(name: uniqueName("oncall"))
            let (queueURL, queueARN) = try await makeQueue(sqs, "alerts-json")
            try await sns.subscribe(topicARN: topic, protocol: "sqs", endpoint: queueARN)
            let messageID = try await sns.publish(
                topicARN: topic, message: #"{"alert":"stale-server"}"#, subject: "stale-server firing",
                messageAttributes: ["severity": .string("warning")])

            let delivered = try #require(try await sqs.receiveMessage(queueURL: queueURL, waitTimeSeconds: 1).first)
            let envelope = try #require(
                try JSONSerialization.jsonObject(with: Data(delivered.body.utf8)) as? [String: Any])
            #expect(envelope["Type"] as? String == "Notification")
            #expect(envelope["MessageId"] as? String == messageID)
            #expect(envelope["TopicArn"] as? String == topic)
            #expect(envelope["Subject"] as? String == "stale-server firing")
            #expect(envelope["Message"] as? String == #"{"alert":"stale-server"}"#)
            let attributes = envelope["MessageAttributes"] as? [String: [String: String]]
            #expect(attributes?["severity"] == ["Type": "String", "Value": "warning"])
        }
    }

    @Test func publishingToAMissingTopicIsNotFound() async throws {
        try await withClients { sns, _ in
            let error = try #require(
                await #expect(throws: AWSError.self) {
                    try await sns.publish(
                        topicARN: "arn:aws:sns:us-east-1:123456789012:\(uniqueName("missing"))", message: "m")
                })
            #expect(error.code == "NotFound")
            #expect(error.statusCode == 404)
            #expect(error.attempts == 1)
        }
    }

    @Test func unsubscribingAndDeletingTheTopicLeaveNothingBehind() async throws {
        try await withClients { sns, sqs in
            let topic = try await sns.createTopic(name: uniqueName("teardown"))
            let (_, queueARN) = try await makeQueue(sqs, "teardown")
            let subscription = try await sns.subscribe(topicARN: topic, protocol: "sqs", endpoint: queueARN)
            try await sns.unsubscribe(subscriptionARN: subscription)
            #expect(try await sns.listSubscriptionsByTopic(topicARN: topic).isEmpty)
            try await sns.deleteTopic(arn: topic)
            let error = try #require(
                await #expect(throws: AWSError.self) { try await sns.publish(topicARN: topic, message: "m") })
            #expect(error.isNotFound)
        }
    }

    // MARK: Helpers

    private func withClients(_ body: (SNSClient, SQSClient) async throws -> Void) async throws {
        let endpoint = try #require(SuiteMoto.endpoint, "the suite's moto is not running")
        let context = TestContexts.make(endpoint: endpoint)
        try await body(SNSClient(context: context), SQSClient(context: context))
    }

    private func makeQueue(_ sqs: SQSClient, _ prefix: String) async throws -> (url: String, arn: String) {
        let url = try await sqs.createQueue(name: uniqueName(prefix))
        let arn = try #require(
            try await sqs.getQueueAttributes(queueURL: url, names: [SQSClient.QueueAttribute.queueARN]).queueARN)
        return (url, arn)
    }

    private func uniqueName(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }
}
