import Foundation
import Logging
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchWorkflows

/// `transferwatch bootstrap`: creates what the configuration names and is missing, idempotently — the source
/// and destination buckets, the employees and state tables, the upload queue with its dead-letter queue and
/// redrive policy, the queue policy that lets S3 send to it, the bucket notification (S3 → SQS on
/// ObjectCreated), and the SNS topic.
///
/// Each resource is checked first, so the report says what was created and what existed; a second run creates
/// nothing. A failure stops the run at that resource (what follows may depend on it) and is reported with what
/// was done before it.
package struct Bootstrapper: Sendable {
    /// What happened to one resource.
    package struct Step: Sendable, Equatable, Codable, CustomStringConvertible {
        /// What was done.
        package enum Outcome: String, Sendable, Equatable, Codable {
            case created, existed, updated
            /// Made sure of with an idempotent create that does not say which (SNS `CreateTopic`).
            case ensured
        }
        /// `bucket`, `table`, `queue`, `dead-letter queue`, `redrive policy`, `queue policy`, `notification`, `topic`.
        package var kind: String
        /// The resource's name.
        package var name: String
        package var outcome: Outcome
        /// Details (e.g. the maxReceiveCount).
        package var detail: String?

        /// `created bucket invoices-incoming`.
        package var description: String {
            "\(outcome.rawValue) \(kind) \(name)\(detail.map { " (\($0))" } ?? "")"
        }
    }

    /// A bootstrap that stopped at a resource.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        /// What was done before the failure.
        package var steps: [Step]
        /// The resource at fault (`queue invoice-uploads`).
        package var resource: String
        package var error: AWSError

        package var description: String { "bootstrap stopped at \(resource): \(error)" }
    }

    package let configuration: Configuration
    package let s3: S3Client
    package let dynamo: DynamoDBClient
    package let sqs: SQSClient
    package let sns: SNSClient
    package let logger: Logger

    /// A bootstrapper for `configuration`'s resources.
    package init(
        configuration: Configuration, s3: S3Client, dynamo: DynamoDBClient, sqs: SQSClient, sns: SNSClient,
        logger: Logger
    ) {
        self.configuration = configuration
        self.s3 = s3
        self.dynamo = dynamo
        self.sqs = sqs
        self.sns = sns
        self.logger = logger
    }

    /// The dead-letter queue's name for a queue: `<name>-dlq` (`.fifo` queues keep their suffix last).
    package static func deadLetterQueueName(for queue: String) -> String {
        queue.hasSuffix(".fifo") ? String(queue.dropLast(5)) + "-dlq.fifo" : queue + "-dlq"
    }

    /// The queue policy that lets the source bucket's notifications reach the queue.
    package static func queuePolicy(queueARN: String, sourceBucket: String) -> String {
        let policy: [String: Any] = [
            "Version": "2012-10-17",
            "Statement": [
                [
                    "Sid": "transferwatch-s3-notifications",
                    "Effect": "Allow",
                    "Principal": ["Service": "s3.amazonaws.com"],
                    "Action": "sqs:SendMessage",
                    "Resource": queueARN,
                    "Condition": ["ArnLike": ["aws:SourceArn": "arn:aws:s3:::\(sourceBucket)"]],
                ] as [String: Any]
            ],
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: policy, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Creates what is missing.
    /// - Returns: one step per resource, in order.
    /// - Throws: ``Failure`` at the first resource that could not be checked or created.
    package func run() async throws(Failure) -> [Step] {
        let log = StepLog(logger: logger)
        func record(_ step: Step) { log.record(step) }
        func attempt(_ resource: String, _ body: () async throws(AWSError) -> Void) async throws(Failure) {
            try await log.attempt(resource, body)
        }
        for bucket in [configuration.buckets.source, configuration.buckets.destination] {
            try await attempt("bucket \(bucket)") { () async throws(AWSError) in
                if try await s3.headBucket(bucket) {
                    record(Step(kind: "bucket", name: bucket, outcome: .existed))
                } else {
                    try await s3.createBucket(bucket)
                    record(Step(kind: "bucket", name: bucket, outcome: .created))
                }
            }
        }
        for (table, isState) in [(configuration.tables.employees, false), (configuration.tables.state, true)] {
            try await attempt("table \(table)") { () async throws(AWSError) in
                let exists: Bool
                do throws(AWSError) {
                    _ = try await dynamo.describeTable(name: table)
                    exists = true
                } catch  where error.code == "ResourceNotFoundException" {
                    exists = false
                }
                if exists {
                    record(Step(kind: "table", name: table, outcome: .existed))
                } else {
                    if isState {
                        try await StateTable.create(named: table, using: dynamo)
                    } else {
                        try await StateTable.createEmployees(named: table, using: dynamo)
                    }
                    record(Step(kind: "table", name: table, outcome: .created))
                }
            }
        }
        if let queue = configuration.queue {
            try await bootstrapQueue(queue, log: log)
        }
        if let topic = configuration.alerts.snsTopicArn {
            let name = String(topic.description.split(separator: ":").last ?? "")
            try await attempt("topic \(name)") { () async throws(AWSError) in
                // CreateTopic is idempotent and answers the same ARN for an existing topic.
                let arn = try await sns.createTopic(name: name)
                record(Step(kind: "topic", name: name, outcome: .ensured, detail: arn))
            }
        }
        return log.steps
    }

    private func bootstrapQueue(_ queue: URL, log: StepLog) async throws(Failure) {
        func record(_ step: Step) { log.record(step) }
        func attempt(_ resource: String, _ body: () async throws(AWSError) -> Void) async throws(Failure) {
            try await log.attempt(resource, body)
        }
        let name = queue.lastPathComponent
        let dlqName = Self.deadLetterQueueName(for: name)
        let maxReceiveCount = configuration.agent.maxReceiveCount
        var dlqARN = ""
        var queueURL = queue.absoluteString
        var queueARN = ""
        try await attempt("dead-letter queue \(dlqName)") { () async throws(AWSError) in
            let (url, created) = try await ensureQueue(
                dlqName, attributes: [SQSClient.QueueAttribute.messageRetentionPeriod: "1209600"])
            dlqARN =
                try await sqs.getQueueAttributes(queueURL: url, names: [SQSClient.QueueAttribute.queueARN]).queueARN
                ?? ""
            record(Step(kind: "dead-letter queue", name: dlqName, outcome: created ? .created : .existed))
        }
        try await attempt("queue \(name)") { () async throws(AWSError) in
            let (url, created) = try await ensureQueue(name, attributes: [:])
            queueURL = url
            let attributes = try await sqs.getQueueAttributes(queueURL: url)
            queueARN = attributes.queueARN ?? ""
            record(Step(kind: "queue", name: name, outcome: created ? .created : .existed))
            let wanted = SQSRedrivePolicy(deadLetterTargetARN: dlqARN, maxReceiveCount: maxReceiveCount)
            if attributes.redrivePolicy == wanted {
                record(
                    Step(
                        kind: "redrive policy", name: name, outcome: .existed,
                        detail: "maxReceiveCount \(maxReceiveCount)"))
            } else {
                try await sqs.setQueueAttributes(
                    queueURL: url, attributes: [SQSClient.QueueAttribute.redrivePolicy: wanted.jsonString])
                record(
                    Step(
                        kind: "redrive policy", name: name,
                        outcome: attributes.redrivePolicy == nil ? .created : .updated,
                        detail: "maxReceiveCount \(maxReceiveCount) to \(dlqName)"))
            }
            let policy = Self.queuePolicy(queueARN: queueARN, sourceBucket: configuration.buckets.source)
            if attributes.values[SQSClient.QueueAttribute.policy].map(Self.normalizedJSON)
                == Self.normalizedJSON(policy)
            {
                record(Step(kind: "queue policy", name: name, outcome: .existed))
            } else {
                try await sqs.setQueueAttributes(queueURL: url, attributes: [SQSClient.QueueAttribute.policy: policy])
                record(
                    Step(
                        kind: "queue policy", name: name,
                        outcome: attributes.values[SQSClient.QueueAttribute.policy] == nil ? .created : .updated,
                        detail: "s3.amazonaws.com may send from \(configuration.buckets.source)"))
            }
        }
        _ = queueURL
        let bucket = configuration.buckets.source
        try await attempt("notification \(bucket)") { () async throws(AWSError) in
            let rules = try await s3.getBucketNotificationConfiguration(bucket: bucket)
            if rules.contains(where: {
                $0.queueARN == queueARN && $0.events.contains { $0.hasPrefix("s3:ObjectCreated:") }
            }) {
                record(Step(kind: "notification", name: bucket, outcome: .existed, detail: "ObjectCreated to \(name)"))
            } else {
                // The notification configuration is one document: keep the other queues' rules.
                try await s3.putBucketNotificationConfiguration(
                    bucket: bucket,
                    rules: rules + [
                        S3QueueNotification(
                            id: "transferwatch-uploads", queueARN: queueARN, events: ["s3:ObjectCreated:*"])
                    ])
                record(Step(kind: "notification", name: bucket, outcome: .created, detail: "ObjectCreated to \(name)"))
            }
        }
    }

    /// The queue's URL, creating it when missing; `created` says which.
    private func ensureQueue(
        _ name: String, attributes: [String: String]
    ) async throws(AWSError) -> (url: String, created: Bool) {
        do throws(AWSError) {
            return (try await sqs.getQueueURL(name: name), false)
        } catch  where error.isNotFound || error.code.contains("NonExistentQueue") {
            return (try await sqs.createQueue(name: name, attributes: attributes), true)
        }
    }

    private static func normalizedJSON(_ text: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return text }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The steps of one bootstrap run, logged as they happen.
private final class StepLog {
    private(set) var steps: [Bootstrapper.Step] = []
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func record(_ step: Bootstrapper.Step) {
        steps.append(step)
        logger.info("bootstrap", metadata: ["bootstrap.step": "\(step)"])
    }

    func attempt(_ resource: String, _ body: () async throws(AWSError) -> Void) async throws(Bootstrapper.Failure) {
        do {
            try await body()
        } catch {
            throw Bootstrapper.Failure(steps: steps, resource: resource, error: error)
        }
    }
}
