import Foundation

/// A typed SQS client (JSON 1.0, query-compatible): queues, sending, receiving with long polling, deleting and
/// changing visibility.
///
/// Received bodies are checked against `MD5OfBody` (and attributes against `MD5OfMessageAttributes`); a
/// mismatch is an ``AWSError`` with code `MD5Mismatch`. Errors carry the legacy query code from
/// `x-amzn-query-error` (`AWS.SimpleQueueService.NonExistentQueue`), as botocore reports them.
///
/// ```swift
/// let sqs = SQSClient(context: context)
/// for message in try await sqs.receiveMessage(queueURL: url, maxMessages: 10, waitTimeSeconds: 20) {
///     try await handle(message.body)
///     try await sqs.deleteMessage(queueURL: url, receiptHandle: message.receiptHandle)
/// }
/// ```
package struct SQSClient: Sendable {
    /// The operations this client calls, with their IAM actions.
    package enum Operations {
        /// `SQS.CreateQueue`.
        package static let createQueue = AWSOperation(.sqs, "CreateQueue")
        /// `SQS.GetQueueUrl`.
        package static let getQueueURL = AWSOperation(.sqs, "GetQueueUrl")
        /// `SQS.GetQueueAttributes`.
        package static let getQueueAttributes = AWSOperation(.sqs, "GetQueueAttributes")
        /// `SQS.SetQueueAttributes`.
        package static let setQueueAttributes = AWSOperation(.sqs, "SetQueueAttributes")
        /// `SQS.DeleteQueue`.
        package static let deleteQueue = AWSOperation(.sqs, "DeleteQueue")
        /// `SQS.PurgeQueue`.
        package static let purgeQueue = AWSOperation(.sqs, "PurgeQueue")
        /// `SQS.SendMessage`.
        package static let sendMessage = AWSOperation(.sqs, "SendMessage", idempotent: false)
        /// Authorised by `sqs:SendMessage` (there is no batch action).
        package static let sendMessageBatch = AWSOperation(
            .sqs, "SendMessageBatch", iam: ["sqs:SendMessage"], idempotent: false)
        /// `SQS.ReceiveMessage`.
        package static let receiveMessage = AWSOperation(.sqs, "ReceiveMessage")
        /// `SQS.DeleteMessage`.
        package static let deleteMessage = AWSOperation(.sqs, "DeleteMessage")
        /// Authorised by `sqs:DeleteMessage`.
        package static let deleteMessageBatch = AWSOperation(.sqs, "DeleteMessageBatch", iam: ["sqs:DeleteMessage"])
        /// `SQS.ChangeMessageVisibility`.
        package static let changeMessageVisibility = AWSOperation(.sqs, "ChangeMessageVisibility")

        /// Every operation above.
        package static let all: [AWSOperation] = [
            createQueue, getQueueURL, getQueueAttributes, setQueueAttributes, deleteQueue, purgeQueue, sendMessage,
            sendMessageBatch,
            receiveMessage, deleteMessage, deleteMessageBatch, changeMessageVisibility,
        ]
    }

    /// Queue attribute names (the set is open; these are the ones TransferWatch reads or sets).
    package enum QueueAttribute {
        /// `All`.
        package static let all = "All"
        /// `QueueArn`.
        package static let queueARN = "QueueArn"
        /// `ApproximateNumberOfMessages`.
        package static let approximateNumberOfMessages = "ApproximateNumberOfMessages"
        /// `ApproximateNumberOfMessagesNotVisible`.
        package static let approximateNumberOfMessagesNotVisible = "ApproximateNumberOfMessagesNotVisible"
        /// `ApproximateNumberOfMessagesDelayed`.
        package static let approximateNumberOfMessagesDelayed = "ApproximateNumberOfMessagesDelayed"
        /// `VisibilityTimeout`.
        package static let visibilityTimeout = "VisibilityTimeout"
        /// `MessageRetentionPeriod`.
        package static let messageRetentionPeriod = "MessageRetentionPeriod"
        /// `ReceiveMessageWaitTimeSeconds`.
        package static let receiveMessageWaitTimeSeconds = "ReceiveMessageWaitTimeSeconds"
        /// `DelaySeconds`.
        package static let delaySeconds = "DelaySeconds"
        /// `RedrivePolicy`.
        package static let redrivePolicy = "RedrivePolicy"
        /// `Policy`.
        package static let policy = "Policy"
    }

    /// The most messages one receive or batch call handles.
    package static let maxBatchSize = 10
    /// The longest long poll.
    package static let maxWaitTimeSeconds = 20
    /// The longest visibility timeout (12 hours).
    package static let maxVisibilityTimeout = 43_200
    /// The longest send delay (15 minutes).
    package static let maxDelaySeconds = 900
    /// How much longer than `WaitTimeSeconds` a long poll's HTTP deadline is.
    package static let longPollGrace: Duration = .seconds(10)

    /// The underlying AWS client.
    package let client: AWSClient

    /// A client for the context's SQS endpoint.
    package init(context: AWSClient.Context) {
        client = AWSClient(service: .sqs, context: context)
    }

    /// A client over an existing ``AWSClient`` (whose service must be SQS).
    package init(client: AWSClient) {
        precondition(client.service == .sqs, "SQSClient needs an SQS AWSClient")
        self.client = client
    }

    // MARK: Queues

    /// Creates a queue, or returns the existing one's URL when its attributes match.
    ///
    /// - Parameter attributes: e.g. `[QueueAttribute.redrivePolicy: SQSRedrivePolicy(...).jsonString]`.
    /// - Returns: the queue URL.
    /// - Throws: ``AWSError``; `QueueAlreadyExists` when a queue of that name has other attributes.
    @discardableResult
    package func createQueue(name: String, attributes: [String: String] = [:]) async throws(AWSError) -> String {
        let input = CreateQueueInput(queueName: name, attributes: attributes.isEmpty ? nil : attributes)
        return try await client.json(Operations.createQueue, input, as: QueueURLOutput.self).queueURL
    }

    /// The URL of the queue called `name`.
    ///
    /// - Throws: ``AWSError``; ``AWSError/isNotFound`` when there is no such queue.
    package func getQueueURL(name: String, ownerAccountID: String? = nil) async throws(AWSError) -> String {
        let input = GetQueueURLInput(queueName: name, queueOwnerAWSAccountId: ownerAccountID)
        return try await client.json(Operations.getQueueURL, input, as: QueueURLOutput.self).queueURL
    }

    /// Reads queue attributes (all of them by default).
    package func getQueueAttributes(
        queueURL: String,
        names: [String] = [QueueAttribute.all]
    ) async throws(AWSError) -> SQSQueueAttributes {
        let input = GetQueueAttributesInput(queueUrl: queueURL, attributeNames: names)
        let output = try await client.json(Operations.getQueueAttributes, input, as: AttributesOutput.self)
        return SQSQueueAttributes(output.attributes ?? [:])
    }

    /// Sets queue attributes.
    package func setQueueAttributes(queueURL: String, attributes: [String: String]) async throws(AWSError) {
        let input = SetQueueAttributesInput(queueUrl: queueURL, attributes: attributes)
        _ = try await client.json(Operations.setQueueAttributes, input, as: EmptyOutput.self)
    }

    /// Deletes every message in the queue (at most once per 60 seconds).
    package func purgeQueue(queueURL: String) async throws(AWSError) {
        _ = try await client.json(Operations.purgeQueue, QueueURLInput(queueUrl: queueURL), as: EmptyOutput.self)
    }

    /// Deletes the queue.
    package func deleteQueue(queueURL: String) async throws(AWSError) {
        _ = try await client.json(Operations.deleteQueue, QueueURLInput(queueUrl: queueURL), as: EmptyOutput.self)
    }

    /// The error for input refused before anything was sent.
    func refused(_ operation: AWSOperation, _ message: String) -> AWSError {
        AWSError(
            kind: .invalidRequest, service: client.service.id, operation: operation.name, code: "ParamValidationError",
            message: message, attempts: 0)
    }
}

/// A queue's attributes as SQS returns them (all values are strings), with typed accessors.
package struct SQSQueueAttributes: Sendable, Equatable {
    /// Every attribute returned.
    package var values: [String: String]

    /// Wraps the attributes SQS returned.
    package init(_ values: [String: String]) { self.values = values }

    /// One attribute's raw value.
    package subscript(name: String) -> String? { values[name] }

    /// `QueueArn`.
    package var queueARN: String? { values[SQSClient.QueueAttribute.queueARN] }
    /// `ApproximateNumberOfMessages`: messages available to receive.
    package var approximateNumberOfMessages: Int? {
        values[SQSClient.QueueAttribute.approximateNumberOfMessages].flatMap { Int($0) }
    }
    /// `ApproximateNumberOfMessagesNotVisible`: messages received and not yet deleted.
    package var approximateNumberOfMessagesNotVisible: Int? {
        values[SQSClient.QueueAttribute.approximateNumberOfMessagesNotVisible].flatMap { Int($0) }
    }
    /// `ApproximateNumberOfMessagesDelayed`: messages not yet visible because of a delay.
    package var approximateNumberOfMessagesDelayed: Int? {
        values[SQSClient.QueueAttribute.approximateNumberOfMessagesDelayed].flatMap { Int($0) }
    }
    /// `VisibilityTimeout`, in seconds.
    package var visibilityTimeout: Int? { values[SQSClient.QueueAttribute.visibilityTimeout].flatMap { Int($0) } }
    /// The dead-letter redrive policy, when one is set and parses.
    package var redrivePolicy: SQSRedrivePolicy? {
        values[SQSClient.QueueAttribute.redrivePolicy].flatMap(SQSRedrivePolicy.init(json:))
    }
}

/// A queue's `RedrivePolicy`: after `maxReceiveCount` receives, a message moves to the dead-letter queue.
package struct SQSRedrivePolicy: Sendable, Equatable {
    /// The ARN of the dead-letter queue.
    package var deadLetterTargetARN: String
    /// Receives allowed before a message moves to the dead-letter queue.
    package var maxReceiveCount: Int

    /// Makes a value from its parts.
    package init(deadLetterTargetARN: String, maxReceiveCount: Int) {
        self.deadLetterTargetARN = deadLetterTargetARN
        self.maxReceiveCount = maxReceiveCount
    }

    /// Parses the attribute's JSON text; `maxReceiveCount` may be a number or a string (both are seen).
    package init?(json: String) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
            let arn = object["deadLetterTargetArn"] as? String
        else { return nil }
        let count: Int?
        switch object["maxReceiveCount"] {
        case let number as NSNumber: count = number.intValue
        case let text as String: count = Int(text)
        default: count = nil
        }
        guard let count else { return nil }
        self.init(deadLetterTargetARN: arn, maxReceiveCount: count)
    }

    /// The attribute value: `{"deadLetterTargetArn":"…","maxReceiveCount":"5"}`.
    package var jsonString: String {
        let arn = String(decoding: (try? JSONEncoder().encode(deadLetterTargetARN)) ?? Data("\"\"".utf8), as: UTF8.self)
        return "{\"deadLetterTargetArn\":\(arn),\"maxReceiveCount\":\"\(maxReceiveCount)\"}"
    }
}

// MARK: Wire shapes

private struct EmptyOutput: Decodable {}

private struct CreateQueueInput: Encodable {
    var queueName: String
    var attributes: [String: String]?
    enum CodingKeys: String, CodingKey {
        case queueName = "QueueName"
        case attributes = "Attributes"
    }
}

private struct GetQueueURLInput: Encodable {
    var queueName: String
    var queueOwnerAWSAccountId: String?
    enum CodingKeys: String, CodingKey {
        case queueName = "QueueName"
        case queueOwnerAWSAccountId = "QueueOwnerAWSAccountId"
    }
}

private struct QueueURLOutput: Decodable {
    var queueURL: String
    enum CodingKeys: String, CodingKey { case queueURL = "QueueUrl" }
}

private struct QueueURLInput: Encodable {
    var queueUrl: String
    enum CodingKeys: String, CodingKey { case queueUrl = "QueueUrl" }
}

private struct GetQueueAttributesInput: Encodable {
    var queueUrl: String
    var attributeNames: [String]
    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case attributeNames = "AttributeNames"
    }
}

private struct AttributesOutput: Decodable {
    var attributes: [String: String]?
    enum CodingKeys: String, CodingKey { case attributes = "Attributes" }
}

private struct SetQueueAttributesInput: Encodable {
    var queueUrl: String
    var attributes: [String: String]
    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case attributes = "Attributes"
    }
}
