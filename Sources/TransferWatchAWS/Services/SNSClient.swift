import Foundation

/// A subscription of a topic.
package struct SNSSubscription: Sendable, Equatable {
    /// The ARN, or `PendingConfirmation` for an unconfirmed HTTP or email subscription.
    package var subscriptionARN: String
    /// The account that owns the subscription.
    package var owner: String?
    /// `sqs`, `https`, `email`, `lambda`, …
    package var `protocol`: String
    /// Where messages go: a queue ARN, a URL, an address.
    package var endpoint: String
    /// The topic subscribed to.
    package var topicARN: String

    /// Makes a value from its parts.
    package init(subscriptionARN: String, owner: String? = nil, protocol: String, endpoint: String, topicARN: String) {
        self.subscriptionARN = subscriptionARN
        self.owner = owner
        self.protocol = `protocol`
        self.endpoint = endpoint
        self.topicARN = topicARN
    }
}

/// A typed SNS client (Query protocol): topics, subscriptions, and publishing with attributes.
///
/// `publish` refuses, before sending, what SNS would refuse: a subject of 100 characters or more or with a
/// line break, a message over 262,144 bytes.
package struct SNSClient: Sendable {
    /// The operations this client calls, with their IAM actions.
    package enum Operations {
        /// `SNS.CreateTopic`.
        package static let createTopic = AWSOperation(.sns, "CreateTopic")
        /// `SNS.DeleteTopic`.
        package static let deleteTopic = AWSOperation(.sns, "DeleteTopic")
        /// `SNS.Publish`.
        package static let publish = AWSOperation(.sns, "Publish", idempotent: false)
        /// `SNS.Subscribe`.
        package static let subscribe = AWSOperation(.sns, "Subscribe")
        /// `SNS.Unsubscribe`.
        package static let unsubscribe = AWSOperation(.sns, "Unsubscribe")
        /// `SNS.ListSubscriptionsByTopic`.
        package static let listSubscriptionsByTopic = AWSOperation(.sns, "ListSubscriptionsByTopic")

        /// Every operation above.
        package static let all: [AWSOperation] = [
            createTopic, deleteTopic, publish, subscribe, unsubscribe, listSubscriptionsByTopic,
        ]
    }

    /// The largest message, in UTF-8 bytes (256 KiB).
    package static let maxMessageBytes = 262_144
    /// A subject must be shorter than this many characters.
    package static let maxSubjectLength = 100

    /// The underlying AWS client.
    package let client: AWSClient

    /// A client for the context's SNS endpoint.
    package init(context: AWSClient.Context) {
        client = AWSClient(service: .sns, context: context)
    }

    /// A client over an existing ``AWSClient`` (whose service must be SNS).
    package init(client: AWSClient) {
        precondition(client.service == .sns, "SNSClient needs an SNS AWSClient")
        self.client = client
    }

    /// Creates a topic, or returns the existing one's ARN (CreateTopic is idempotent for the same attributes).
    ///
    /// - Returns: the topic ARN.
    @discardableResult
    package func createTopic(name: String, attributes: [String: String] = [:]) async throws(AWSError) -> String {
        let operation = Operations.createTopic
        let result = try await client.queryCall(operation, [("Name", name)] + Self.map("Attributes", attributes))
        guard let arn = result.string("TopicArn"), !arn.isEmpty else { throw missing(operation, "TopicArn") }
        return arn
    }

    /// Deletes a topic and its subscriptions (deleting a missing topic succeeds).
    package func deleteTopic(arn: String) async throws(AWSError) {
        _ = try await client.queryCall(Operations.deleteTopic, [("TopicArn", arn)])
    }

    /// Publishes a message to a topic.
    ///
    /// - Parameters:
    ///   - subject: for email endpoints: fewer than 100 characters, no line breaks or control characters.
    ///   - message: at most 262,144 bytes of UTF-8.
    /// - Returns: the message ID.
    /// - Throws: ``AWSError``; `ParamValidationError` of kind `invalidRequest` (nothing sent) for a subject, message or attribute SNS would refuse.
    @discardableResult
    package func publish(
        topicARN: String, message: String, subject: String? = nil,
        messageAttributes: [String: SNSMessageAttribute] = [:]
    ) async throws(AWSError) -> String {
        let operation = Operations.publish
        if let problem = Self.validationProblem(message: message, subject: subject, attributes: messageAttributes) {
            throw AWSError(
                kind: .invalidRequest, service: client.service.id, operation: operation.name,
                code: "ParamValidationError",
                message: problem, attempts: 0)
        }
        var parameters = [("TopicArn", topicARN), ("Message", message)]
        if let subject { parameters.append(("Subject", subject)) }
        parameters += Self.flatten(messageAttributes)
        let result = try await client.queryCall(operation, parameters)
        guard let id = result.string("MessageId"), !id.isEmpty else { throw missing(operation, "MessageId") }
        return id
    }

    /// Subscribes an endpoint (e.g. an SQS queue ARN with protocol `sqs`) to a topic.
    ///
    /// - Parameter attributes: e.g. `["RawMessageDelivery": "true"]` to deliver the bare message to SQS.
    /// - Returns: the subscription ARN (asked for even while confirmation is pending).
    @discardableResult
    package func subscribe(
        topicARN: String, protocol: String, endpoint: String,
        attributes: [String: String] = [:]
    ) async throws(AWSError) -> String {
        let operation = Operations.subscribe
        let parameters =
            [("TopicArn", topicARN), ("Protocol", `protocol`), ("Endpoint", endpoint)]
            + Self.map("Attributes", attributes)
            + [("ReturnSubscriptionArn", "true")]
        let result = try await client.queryCall(operation, parameters)
        guard let arn = result.string("SubscriptionArn"), !arn.isEmpty else {
            throw missing(operation, "SubscriptionArn")
        }
        return arn
    }

    /// Removes a subscription.
    package func unsubscribe(subscriptionARN: String) async throws(AWSError) {
        _ = try await client.queryCall(Operations.unsubscribe, [("SubscriptionArn", subscriptionARN)])
    }

    /// Every subscription of a topic (all pages, following `NextToken`).
    package func listSubscriptionsByTopic(topicARN: String) async throws(AWSError) -> [SNSSubscription] {
        var subscriptions: [SNSSubscription] = []
        var nextToken: String?
        var seenTokens: Set<String> = []
        repeat {
            var parameters = [("TopicArn", topicARN)]
            if let nextToken { parameters.append(("NextToken", nextToken)) }
            let result = try await client.queryCall(Operations.listSubscriptionsByTopic, parameters)
            for member in result["Subscriptions"]?.all("member") ?? [] {
                subscriptions.append(
                    SNSSubscription(
                        subscriptionARN: member.string("SubscriptionArn") ?? "", owner: member.string("Owner"),
                        protocol: member.string("Protocol") ?? "", endpoint: member.string("Endpoint") ?? "",
                        topicARN: member.string("TopicArn") ?? topicARN))
            }
            nextToken = result.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
            if let token = nextToken, !seenTokens.insert(token).inserted {
                throw AWSError(
                    kind: .malformedResponse, service: client.service.id,
                    operation: Operations.listSubscriptionsByTopic.name,
                    code: "PaginationLoop", message: "the same NextToken came back twice")
            }
        } while nextToken != nil
        return subscriptions
    }

    // MARK: Encoding and validation

    /// What is wrong with a publish, or `nil` when SNS should accept it.
    package static func validationProblem(message: String, subject: String?, attributes: [String: SNSMessageAttribute])
        -> String?
    {
        if message.isEmpty { return "the message is empty" }
        let bytes = message.utf8.count
        if bytes > maxMessageBytes { return "the message is \(bytes) bytes; SNS takes at most \(maxMessageBytes)" }
        if let subject {
            if subject.isEmpty { return "the subject is empty" }
            if subject.count >= maxSubjectLength {
                return "the subject is \(subject.count) characters; it must be shorter than \(maxSubjectLength)"
            }
            if subject.unicodeScalars.contains(where: {
                $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}"
            }) {
                return "the subject contains a line break or control character"
            }
        }
        for (name, attribute) in attributes.sorted(by: { $0.key < $1.key }) {
            let base = attribute.dataType.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            guard ["String", "Number", "Binary"].contains(base) else {
                return
                    "message attribute '\(name)' has data type '\(attribute.dataType)'; use String, String.Array, Number or Binary"
            }
            if base == "Binary" ? attribute.binaryValue == nil : attribute.stringValue == nil {
                return "message attribute '\(name)' has no value"
            }
        }
        return nil
    }

    /// `MessageAttributes.entry.N.Name`, `.Value.DataType`, `.Value.StringValue` / `.Value.BinaryValue` (base64), in name order.
    package static func flatten(_ attributes: [String: SNSMessageAttribute]) -> [(String, String)] {
        var parameters: [(String, String)] = []
        for (index, name) in attributes.keys.sorted().enumerated() {
            guard let attribute = attributes[name] else { continue }
            let prefix = "MessageAttributes.entry.\(index + 1)"
            parameters.append(("\(prefix).Name", name))
            parameters.append(("\(prefix).Value.DataType", attribute.dataType))
            if let string = attribute.stringValue { parameters.append(("\(prefix).Value.StringValue", string)) }
            if let binary = attribute.binaryValue {
                parameters.append(("\(prefix).Value.BinaryValue", binary.base64EncodedString()))
            }
        }
        return parameters
    }

    /// A string map as `Name.entry.N.key` / `Name.entry.N.value`, in key order.
    package static func map(_ name: String, _ values: [String: String]) -> [(String, String)] {
        values.keys.sorted().enumerated().flatMap { index, key in
            [("\(name).entry.\(index + 1).key", key), ("\(name).entry.\(index + 1).value", values[key] ?? "")]
        }
    }

    private func missing(_ operation: AWSOperation, _ element: String) -> AWSError {
        AWSError(
            kind: .malformedResponse, service: client.service.id, operation: operation.name, code: "MalformedResponse",
            message: "the \(operation.name) response has no \(element)")
    }
}
