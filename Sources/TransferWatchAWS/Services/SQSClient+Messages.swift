import Foundation

/// A received message.
package struct SQSMessage: Sendable, Equatable {
    /// The ID SQS gave the message.
    package var messageID: String
    /// The handle to delete the message or change its visibility with: each receive issues a new one.
    package var receiptHandle: String
    /// The message body.
    package var body: String
    /// The hex MD5 of the body's UTF-8 bytes, as SQS computed it (already checked).
    package var md5OfBody: String
    /// System attributes (`ApproximateReceiveCount`, `SentTimestamp`, `SenderId`, …).
    package var attributes: [String: String]
    /// The message attributes sent with the message.
    package var messageAttributes: [String: SQSMessageAttribute]

    /// Makes a value from its parts.
    package init(
        messageID: String, receiptHandle: String, body: String, md5OfBody: String, attributes: [String: String] = [:],
        messageAttributes: [String: SQSMessageAttribute] = [:]
    ) {
        self.messageID = messageID
        self.receiptHandle = receiptHandle
        self.body = body
        self.md5OfBody = md5OfBody
        self.attributes = attributes
        self.messageAttributes = messageAttributes
    }

    /// How many times the message has been received (1 on the first receive).
    package var approximateReceiveCount: Int? { attributes["ApproximateReceiveCount"].flatMap { Int($0) } }
    /// When the message was sent (epoch milliseconds on the wire).
    package var sentTimestamp: Date? { attributes["SentTimestamp"].flatMap(Self.millisecondDate) }
    /// When the message was first received.
    package var approximateFirstReceiveTimestamp: Date? {
        attributes["ApproximateFirstReceiveTimestamp"].flatMap(Self.millisecondDate)
    }

    private static func millisecondDate(_ text: String) -> Date? {
        Double(text).map { Date(timeIntervalSince1970: $0 / 1000) }
    }
}

/// One message of a `SendMessageBatch` call.
package struct SQSSendBatchEntry: Sendable, Equatable {
    /// Unique within the batch: up to 80 letters, digits, `-` and `_`.
    package var id: String
    /// The message body.
    package var body: String
    /// 0–900 seconds before the message can be received; `nil` for the queue's delay.
    package var delaySeconds: Int?
    /// Message attributes.
    package var attributes: [String: SQSMessageAttribute]

    /// Makes a value from its parts.
    package init(id: String, body: String, delaySeconds: Int? = nil, attributes: [String: SQSMessageAttribute] = [:]) {
        self.id = id
        self.body = body
        self.delaySeconds = delaySeconds
        self.attributes = attributes
    }
}

/// One receipt handle of a `DeleteMessageBatch` call.
package struct SQSDeleteBatchEntry: Sendable, Equatable {
    /// Unique within the batch.
    package var id: String
    /// The receipt handle of the message to delete.
    package var receiptHandle: String

    /// Makes a value from its parts.
    package init(id: String, receiptHandle: String) {
        self.id = id
        self.receiptHandle = receiptHandle
    }
}

/// A sent message.
package struct SQSSentMessage: Sendable, Equatable {
    /// The batch entry ID (`nil` for a single send).
    package var id: String?
    /// The ID SQS gave the message.
    package var messageID: String
    /// The hex MD5 of the body's UTF-8 bytes, as SQS computed it (already checked).
    package var md5OfBody: String
    /// FIFO queues only.
    package var sequenceNumber: String?

    /// Makes a value from its parts.
    package init(id: String? = nil, messageID: String, md5OfBody: String, sequenceNumber: String? = nil) {
        self.id = id
        self.messageID = messageID
        self.md5OfBody = md5OfBody
        self.sequenceNumber = sequenceNumber
    }
}

/// One failed entry of a batch call.
package struct SQSBatchFailure: Sendable, Equatable, Decodable {
    /// The batch entry ID.
    package var id: String
    /// e.g. `ReceiptHandleIsInvalid`, `InternalError`.
    package var code: String
    /// AWS's explanation, when it gave one.
    package var message: String?
    /// Whether the caller is at fault (resending the same entry will fail again).
    package var senderFault: Bool

    /// Makes a value from its parts.
    package init(id: String, code: String, message: String? = nil, senderFault: Bool) {
        self.id = id
        self.code = code
        self.message = message
        self.senderFault = senderFault
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case code = "Code"
        case message = "Message"
        case senderFault = "SenderFault"
    }

    /// Decodes the wire form.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        code = try container.decode(String.self, forKey: .code)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        senderFault = try container.decodeIfPresent(Bool.self, forKey: .senderFault) ?? false
    }
}

/// What a batch call did, entry by entry: a batch call succeeds as a whole even when some entries fail.
package struct SQSBatchResult<Success: Sendable & Equatable>: Sendable, Equatable {
    /// The entries that succeeded.
    package var successful: [Success]
    /// The entries that failed, with why.
    package var failed: [SQSBatchFailure]

    /// Makes a value from its parts.
    package init(successful: [Success], failed: [SQSBatchFailure]) {
        self.successful = successful
        self.failed = failed
    }

    /// Whether every entry succeeded.
    package var isComplete: Bool { failed.isEmpty }
}

extension SQSClient {
    /// Sends one message.
    ///
    /// - Parameters:
    ///   - delaySeconds: 0–900 seconds before the message can be received.
    /// - Throws: ``AWSError``; `MD5Mismatch` when SQS's digest of the body differs from ours.
    @discardableResult
    package func sendMessage(
        queueURL: String, body: String, delaySeconds: Int? = nil,
        attributes: [String: SQSMessageAttribute] = [:]
    ) async throws(AWSError) -> SQSSentMessage {
        let operation = Operations.sendMessage
        try validateDelay(delaySeconds, operation)
        let input = SendMessageInput(
            queueUrl: queueURL, messageBody: body, delaySeconds: delaySeconds,
            messageAttributes: attributes.isEmpty ? nil : attributes)
        let output = try await client.json(operation, input, as: SendMessageOutput.self)
        try verifyMD5(of: body, expected: output.md5OfMessageBody, operation, messageID: output.messageId)
        if !attributes.isEmpty, let digest = output.md5OfMessageAttributes {
            try verifyAttributesMD5(attributes, expected: digest, operation, messageID: output.messageId)
        }
        return SQSSentMessage(
            messageID: output.messageId, md5OfBody: output.md5OfMessageBody, sequenceNumber: output.sequenceNumber)
    }

    /// Sends up to 10 messages in one call; each entry succeeds or fails on its own.
    ///
    /// - Throws: ``AWSError`` when the call itself fails, or `MD5Mismatch` when a successful entry's digest differs.
    package func sendMessageBatch(
        queueURL: String,
        entries: [SQSSendBatchEntry]
    ) async throws(AWSError) -> SQSBatchResult<SQSSentMessage> {
        let operation = Operations.sendMessageBatch
        try validateBatch(entries.map(\.id), operation)
        for entry in entries { try validateDelay(entry.delaySeconds, operation) }
        let input = SendMessageBatchInput(
            queueUrl: queueURL,
            entries: entries.map {
                SendMessageBatchInput.Entry(
                    id: $0.id, messageBody: $0.body, delaySeconds: $0.delaySeconds,
                    messageAttributes: $0.attributes.isEmpty ? nil : $0.attributes)
            })
        let output = try await client.json(operation, input, as: SendMessageBatchOutput.self)
        let bodies = Dictionary(entries.map { ($0.id, $0.body) }, uniquingKeysWith: { first, _ in first })
        var sent: [SQSSentMessage] = []
        for success in output.successful ?? [] {
            if let body = bodies[success.id] {
                try verifyMD5(of: body, expected: success.md5OfMessageBody, operation, messageID: success.messageId)
            }
            sent.append(
                SQSSentMessage(
                    id: success.id, messageID: success.messageId, md5OfBody: success.md5OfMessageBody,
                    sequenceNumber: success.sequenceNumber))
        }
        return SQSBatchResult(successful: sent, failed: output.failed ?? [])
    }

    /// Receives up to `maxMessages` messages, long polling for up to `waitTimeSeconds`.
    ///
    /// The HTTP deadline of this call is the longer of the context's timeout and the wait plus
    /// ``longPollGrace`` (the queue's own wait, up to 20 s, when `waitTimeSeconds` is `nil`), so a long poll
    /// is never cut short by the client.
    /// - Parameters:
    ///   - maxMessages: 1–10.
    ///   - waitTimeSeconds: 0–20; `nil` uses the queue's `ReceiveMessageWaitTimeSeconds`.
    ///   - visibilityTimeout: 0–43200 seconds the messages stay hidden; `nil` uses the queue's.
    /// - Returns: the messages, each with every system and message attribute; empty when none arrived.
    /// - Throws: ``AWSError``; `MD5Mismatch` when a body or its attributes do not match their digests.
    package func receiveMessage(
        queueURL: String, maxMessages: Int = 1, waitTimeSeconds: Int? = nil,
        visibilityTimeout: Int? = nil
    ) async throws(AWSError) -> [SQSMessage] {
        let operation = Operations.receiveMessage
        guard (1...Self.maxBatchSize).contains(maxMessages) else {
            throw refused(operation, "MaxNumberOfMessages must be 1 to \(Self.maxBatchSize), not \(maxMessages)")
        }
        if let waitTimeSeconds, !(0...Self.maxWaitTimeSeconds).contains(waitTimeSeconds) {
            throw refused(operation, "WaitTimeSeconds must be 0 to \(Self.maxWaitTimeSeconds), not \(waitTimeSeconds)")
        }
        if let visibilityTimeout, !(0...Self.maxVisibilityTimeout).contains(visibilityTimeout) {
            throw refused(
                operation, "VisibilityTimeout must be 0 to \(Self.maxVisibilityTimeout), not \(visibilityTimeout)")
        }
        let input = ReceiveMessageInput(
            queueUrl: queueURL, maxNumberOfMessages: maxMessages, waitTimeSeconds: waitTimeSeconds,
            visibilityTimeout: visibilityTimeout)
        // Read by hand: JSONDecoder cost more CPU than the rest of the call (SQSClient+Decoding.swift).
        let output = try await client.json(
            operation, input, timeout: receiveTimeout(waitTimeSeconds: waitTimeSeconds)
        ) { (data) throws(JSONReaderError) in try Self.decodeReceiveMessageOutput(data) }
        var messages: [SQSMessage] = []
        for wire in output.messages ?? [] {
            let body = wire.body ?? ""
            let digest = wire.md5OfBody ?? ""
            try verifyMD5(of: body, expected: digest, operation, messageID: wire.messageId)
            let attributes = wire.messageAttributes ?? [:]
            if !attributes.isEmpty, let expected = wire.md5OfMessageAttributes {
                try verifyAttributesMD5(attributes, expected: expected, operation, messageID: wire.messageId)
            }
            messages.append(
                SQSMessage(
                    messageID: wire.messageId, receiptHandle: wire.receiptHandle, body: body, md5OfBody: digest,
                    attributes: wire.attributes ?? [:], messageAttributes: attributes))
        }
        return messages
    }

    /// The HTTP deadline for a receive: it must outlast the long poll.
    package func receiveTimeout(waitTimeSeconds: Int?) -> Duration {
        max(client.context.timeout, .seconds(waitTimeSeconds ?? Self.maxWaitTimeSeconds) + Self.longPollGrace)
    }

    /// Deletes a received message by its latest receipt handle.
    package func deleteMessage(queueURL: String, receiptHandle: String) async throws(AWSError) {
        let input = ReceiptInput(queueUrl: queueURL, receiptHandle: receiptHandle)
        _ = try await client.json(Operations.deleteMessage, input, as: EmptyOutput.self)
    }

    /// Deletes up to 10 messages in one call, reporting each entry that failed (e.g. `ReceiptHandleIsInvalid`).
    ///
    /// - Returns: the IDs of the entries deleted, and the failures.
    package func deleteMessageBatch(queueURL: String, entries: [SQSDeleteBatchEntry]) async throws(AWSError)
        -> SQSBatchResult<String>
    {
        let operation = Operations.deleteMessageBatch
        try validateBatch(entries.map(\.id), operation)
        let input = DeleteMessageBatchInput(
            queueUrl: queueURL,
            entries: entries.map {
                DeleteMessageBatchInput.Entry(id: $0.id, receiptHandle: $0.receiptHandle)
            })
        let output = try await client.json(operation, input, as: DeleteMessageBatchOutput.self)
        return SQSBatchResult(successful: (output.successful ?? []).map(\.id), failed: output.failed ?? [])
    }

    /// Deletes up to 10 received messages, each entry named by its position (`"0"`, `"1"`, …).
    package func deleteMessageBatch(queueURL: String, messages: [SQSMessage]) async throws(AWSError) -> SQSBatchResult<
        String
    > {
        try await deleteMessageBatch(
            queueURL: queueURL,
            entries: messages.enumerated().map {
                SQSDeleteBatchEntry(id: String($0.offset), receiptHandle: $0.element.receiptHandle)
            })
    }

    /// Hides (or re-shows, with 0) a received message for `visibilityTimeout` seconds from now.
    ///
    /// - Throws: ``AWSError``; `MessageNotInflight` when the message is not currently received.
    package func changeMessageVisibility(queueURL: String, receiptHandle: String, visibilityTimeout: Int)
        async throws(AWSError)
    {
        let operation = Operations.changeMessageVisibility
        guard (0...Self.maxVisibilityTimeout).contains(visibilityTimeout) else {
            throw refused(
                operation, "VisibilityTimeout must be 0 to \(Self.maxVisibilityTimeout), not \(visibilityTimeout)")
        }
        let input = ReceiptInput(queueUrl: queueURL, receiptHandle: receiptHandle, visibilityTimeout: visibilityTimeout)
        _ = try await client.json(operation, input, as: EmptyOutput.self)
    }

    // MARK: Digests

    /// The lowercase hex MD5 of a body's UTF-8 bytes (`MD5OfBody`).
    package static func md5OfBody(_ body: String) -> String { Hex.encode(MD5.hash(Array(body.utf8))) }

    /// `MD5OfMessageAttributes`: for each attribute in name order, the length-prefixed (4 bytes, big-endian)
    /// name and data type, a transport byte (1 text, 2 binary), then the length-prefixed value.
    package static func md5OfMessageAttributes(_ attributes: [String: SQSMessageAttribute]) -> String {
        var bytes: [UInt8] = []
        func appendPrefixed<Bytes: Collection<UInt8>>(_ value: Bytes) {
            let count = UInt32(value.count)
            bytes += [UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
            bytes += value
        }
        for name in attributes.keys.sorted() {
            guard let attribute = attributes[name] else { continue }
            appendPrefixed(Array(name.utf8))
            appendPrefixed(Array(attribute.dataType.utf8))
            if attribute.isBinary {
                bytes.append(2)
                appendPrefixed(Array(attribute.binaryValue ?? Data()))
            } else {
                bytes.append(1)
                appendPrefixed(Array((attribute.stringValue ?? "").utf8))
            }
        }
        return Hex.encode(MD5.hash(bytes))
    }

    private func verifyMD5(of body: String, expected: String, _ operation: AWSOperation, messageID: String)
        throws(AWSError)
    {
        let actual = Self.md5OfBody(body)
        guard actual == expected.lowercased() else {
            throw AWSError(
                kind: .malformedResponse, service: client.service.id, operation: operation.name, code: "MD5Mismatch",
                message: "message \(messageID): body MD5 is \(actual) but SQS says \(expected)")
        }
    }

    private func verifyAttributesMD5(
        _ attributes: [String: SQSMessageAttribute], expected: String, _ operation: AWSOperation,
        messageID: String
    ) throws(AWSError) {
        let actual = Self.md5OfMessageAttributes(attributes)
        guard actual == expected.lowercased() else {
            throw AWSError(
                kind: .malformedResponse, service: client.service.id, operation: operation.name, code: "MD5Mismatch",
                message: "message \(messageID): attributes MD5 is \(actual) but SQS says \(expected)")
        }
    }

    private func validateDelay(_ delaySeconds: Int?, _ operation: AWSOperation) throws(AWSError) {
        if let delaySeconds, !(0...Self.maxDelaySeconds).contains(delaySeconds) {
            throw refused(operation, "DelaySeconds must be 0 to \(Self.maxDelaySeconds), not \(delaySeconds)")
        }
    }

    private func validateBatch(_ ids: [String], _ operation: AWSOperation) throws(AWSError) {
        guard (1...Self.maxBatchSize).contains(ids.count) else {
            throw refused(operation, "a batch holds 1 to \(Self.maxBatchSize) entries, not \(ids.count)")
        }
        guard Set(ids).count == ids.count else { throw refused(operation, "batch entry IDs must be distinct") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        if let bad = ids.first(where: { $0.isEmpty || $0.count > 80 || !$0.allSatisfy(allowed.contains) }) {
            throw refused(operation, "batch entry ID '\(bad)' must be 1 to 80 letters, digits, '-' or '_'")
        }
    }
}

// MARK: Wire shapes

private struct EmptyOutput: Decodable {}

private struct SendMessageInput: Encodable {
    var queueUrl: String
    var messageBody: String
    var delaySeconds: Int?
    var messageAttributes: [String: SQSMessageAttribute]?
    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case messageBody = "MessageBody"
        case delaySeconds = "DelaySeconds"
        case messageAttributes = "MessageAttributes"
    }
}

private struct SendMessageOutput: Decodable {
    var messageId: String
    var md5OfMessageBody: String
    var md5OfMessageAttributes: String?
    var sequenceNumber: String?
    enum CodingKeys: String, CodingKey {
        case messageId = "MessageId"
        case md5OfMessageBody = "MD5OfMessageBody"
        case md5OfMessageAttributes = "MD5OfMessageAttributes"
        case sequenceNumber = "SequenceNumber"
    }
}

private struct SendMessageBatchInput: Encodable {
    struct Entry: Encodable {
        var id: String
        var messageBody: String
        var delaySeconds: Int?
        var messageAttributes: [String: SQSMessageAttribute]?
        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case messageBody = "MessageBody"
            case delaySeconds = "DelaySeconds"
            case messageAttributes = "MessageAttributes"
        }
    }

    var queueUrl: String
    var entries: [Entry]
    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case entries = "Entries"
    }
}

private struct SendMessageBatchOutput: Decodable {
    struct Success: Decodable {
        var id: String
        var messageId: String
        var md5OfMessageBody: String
        var sequenceNumber: String?
        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case messageId = "MessageId"
            case md5OfMessageBody = "MD5OfMessageBody"
            case sequenceNumber = "SequenceNumber"
        }
    }

    var successful: [Success]?
    var failed: [SQSBatchFailure]?
    enum CodingKeys: String, CodingKey {
        case successful = "Successful"
        case failed = "Failed"
    }
}

private struct ReceiveMessageInput: Encodable {
    var queueUrl: String
    var maxNumberOfMessages: Int
    var waitTimeSeconds: Int?
    var visibilityTimeout: Int?
    var messageSystemAttributeNames = ["All"]
    var messageAttributeNames = ["All"]
    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case maxNumberOfMessages = "MaxNumberOfMessages"
        case waitTimeSeconds = "WaitTimeSeconds"
        case visibilityTimeout = "VisibilityTimeout"
        case messageSystemAttributeNames = "MessageSystemAttributeNames"
        case messageAttributeNames = "MessageAttributeNames"
    }
}

/// ReceiveMessage's answer (read by ``SQSClient/decodeReceiveMessageOutput(_:)``; its `Decodable` is the old
/// `JSONDecoder` path, kept for SQSDecodingDifferentialTests).
struct ReceiveMessageOutput: Decodable {
    struct Message: Decodable {
        var messageId: String
        var receiptHandle: String
        var md5OfBody: String?
        var body: String?
        var attributes: [String: String]?
        var md5OfMessageAttributes: String?
        var messageAttributes: [String: SQSMessageAttribute]?
        enum CodingKeys: String, CodingKey {
            case messageId = "MessageId"
            case receiptHandle = "ReceiptHandle"
            case md5OfBody = "MD5OfBody"
            case body = "Body"
            case attributes = "Attributes"
            case md5OfMessageAttributes = "MD5OfMessageAttributes"
            case messageAttributes = "MessageAttributes"
        }
    }

    var messages: [Message]?
    enum CodingKeys: String, CodingKey { case messages = "Messages" }
}

private struct ReceiptInput: Encodable {
    var queueUrl: String
    var receiptHandle: String
    var visibilityTimeout: Int?
    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case receiptHandle = "ReceiptHandle"
        case visibilityTimeout = "VisibilityTimeout"
    }
}

private struct DeleteMessageBatchInput: Encodable {
    struct Entry: Encodable {
        var id: String
        var receiptHandle: String
        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case receiptHandle = "ReceiptHandle"
        }
    }

    var queueUrl: String
    var entries: [Entry]
    enum CodingKeys: String, CodingKey {
        case queueUrl = "QueueUrl"
        case entries = "Entries"
    }
}

private struct DeleteMessageBatchOutput: Decodable {
    struct Success: Decodable {
        var id: String
        enum CodingKeys: String, CodingKey { case id = "Id" }
    }

    var successful: [Success]?
    var failed: [SQSBatchFailure]?
    enum CodingKeys: String, CodingKey {
        case successful = "Successful"
        case failed = "Failed"
    }
}
