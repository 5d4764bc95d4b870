import Foundation

/// One action of a `TransactWriteItems` call.
package enum DynamoDBTransactWrite: Sendable, Equatable {
    /// Writes a whole item.
    case put(
        table: String, item: DynamoDBItem, condition: String? = nil, names: [String: String] = [:],
        values: DynamoDBItem = [:],
        returnOldItemOnConditionFailure: Bool = false)
    /// Applies an update expression.
    case update(
        table: String, key: DynamoDBItem, updateExpression: String, condition: String? = nil,
        names: [String: String] = [:],
        values: DynamoDBItem = [:], returnOldItemOnConditionFailure: Bool = false)
    /// Deletes an item.
    case delete(
        table: String, key: DynamoDBItem, condition: String? = nil, names: [String: String] = [:],
        values: DynamoDBItem = [:],
        returnOldItemOnConditionFailure: Bool = false)
    /// Only checks a condition on an item, writing nothing.
    case conditionCheck(
        table: String, key: DynamoDBItem, condition: String, names: [String: String] = [:], values: DynamoDBItem = [:],
        returnOldItemOnConditionFailure: Bool = false)
}

/// One request of a `BatchWriteItem` call (which has no conditions).
package enum DynamoDBWriteRequest: Sendable, Hashable, Codable {
    /// Writes a whole item.
    case put(DynamoDBItem)
    /// Deletes the item with this key.
    case delete(key: DynamoDBItem)

    private enum CodingKeys: String, CodingKey { case putRequest = "PutRequest", deleteRequest = "DeleteRequest" }
    private enum InnerKeys: String, CodingKey { case item = "Item", key = "Key" }

    /// Decodes the wire form.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.putRequest) {
            let inner = try container.nestedContainer(keyedBy: InnerKeys.self, forKey: .putRequest)
            self = .put(try inner.decode(DynamoDBItem.self, forKey: .item))
        } else {
            let inner = try container.nestedContainer(keyedBy: InnerKeys.self, forKey: .deleteRequest)
            self = .delete(key: try inner.decode(DynamoDBItem.self, forKey: .key))
        }
    }

    /// Encodes the wire form.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .put(let item):
            var inner = container.nestedContainer(keyedBy: InnerKeys.self, forKey: .putRequest)
            try inner.encode(item, forKey: .item)
        case .delete(let key):
            var inner = container.nestedContainer(keyedBy: InnerKeys.self, forKey: .deleteRequest)
            try inner.encode(key, forKey: .key)
        }
    }
}

extension DynamoDBClient {
    /// The most actions one transaction may hold.
    package static let maxTransactionActions = 100
    /// The most requests one `BatchWriteItem` call may hold.
    package static let maxBatchWriteRequests = 25

    /// What a batch write took.
    package struct BatchWriteSummary: Sendable, Equatable {
        /// `BatchWriteItem` calls made.
        package var calls: Int
        /// Requests sent again because DynamoDB returned them as `UnprocessedItems`.
        package var resent: Int

        /// Makes a value from its parts.
        package init(calls: Int, resent: Int) {
            self.calls = calls
            self.resent = resent
        }
    }

    /// Writes up to 100 actions all-or-nothing.
    ///
    /// - Parameter clientRequestToken: makes the call idempotent for 10 minutes (1–36 characters); without one,
    ///   a random one is made, as botocore does for this `idempotencyToken` member, so a retry after a lost
    ///   answer is not applied twice.
    /// - Throws: ``AWSError``; a cancelled transaction has ``AWSError/isTransactionCanceled`` set and its
    ///   ``AWSError/cancellationReasons`` hold one entry per action, in order.
    package func transactWriteItems(_ actions: [DynamoDBTransactWrite], clientRequestToken: String? = nil)
        async throws(AWSError)
    {
        let operation = Operations.transactWriteItems
        guard (1...Self.maxTransactionActions).contains(actions.count) else {
            throw refused(
                operation, "a transaction holds 1 to \(Self.maxTransactionActions) actions, not \(actions.count)")
        }
        if let clientRequestToken, !(1...36).contains(clientRequestToken.count) {
            throw refused(operation, "ClientRequestToken must be 1 to 36 characters")
        }
        // Written by hand: on the copy path, JSONEncoder cost more CPU than the rest of the call.
        let body = DynamoDBTransactWrite.requestBody(
            actions, clientRequestToken: clientRequestToken ?? UUID().uuidString.lowercased())
        _ = try await client.jsonCall(operation, body: body)
    }

    /// Writes many put/delete requests to one table in calls of 25, resending `UnprocessedItems` with backoff.
    ///
    /// - Parameter maxCallsPerChunk: calls allowed for one chunk of 25 before giving up on what is left.
    /// - Throws: ``AWSError``; `BatchWriteIncomplete` when items were still unprocessed after `maxCallsPerChunk` calls.
    @discardableResult
    package func batchWriteItem(
        table: String, requests: [DynamoDBWriteRequest],
        maxCallsPerChunk: Int = 8
    ) async throws(AWSError) -> BatchWriteSummary {
        try await batchWriteItem([table: requests], maxCallsPerChunk: maxCallsPerChunk)
    }

    /// Writes put/delete requests to several tables in calls of at most 25 requests (tables in name order),
    /// resending each call's `UnprocessedItems` after a full-jitter backoff from the client's retry strategy.
    ///
    /// - Throws: ``AWSError``; `BatchWriteIncomplete` when items were still unprocessed after `maxCallsPerChunk` calls.
    @discardableResult
    package func batchWriteItem(_ requests: [String: [DynamoDBWriteRequest]], maxCallsPerChunk: Int = 8)
        async throws(AWSError) -> BatchWriteSummary
    {
        let operation = Operations.batchWriteItem
        let flat = requests.keys.sorted().flatMap { table in requests[table, default: []].map { (table, $0) } }
        var summary = BatchWriteSummary(calls: 0, resent: 0)
        let strategy = client.context.retry
        for start in stride(from: 0, to: flat.count, by: Self.maxBatchWriteRequests) {
            let chunk = flat[start..<min(start + Self.maxBatchWriteRequests, flat.count)]
            var pending: [String: [DynamoDBWriteRequest]] = Dictionary(grouping: chunk, by: \.0).mapValues {
                $0.map(\.1)
            }
            var calls = 0
            while !pending.isEmpty {
                if calls > 0 {
                    do {
                        try await strategy.sleeper.sleep(for: strategy.backoff(beforeRetry: calls))
                    } catch {
                        throw AWSError(
                            kind: .transport(.other), service: client.service.id, operation: operation.name,
                            code: "Cancelled",
                            message: "cancelled while waiting to resend unprocessed items", attempts: calls)
                    }
                    summary.resent += pending.values.reduce(0) { $0 + $1.count }
                }
                calls += 1
                summary.calls += 1
                let output = try await client.json(
                    operation, BatchWriteInput(requestItems: pending), as: BatchWriteOutput.self)
                pending = (output.unprocessedItems ?? [:]).filter { !$0.value.isEmpty }
                if !pending.isEmpty, calls >= maxCallsPerChunk {
                    let left = pending.values.reduce(0) { $0 + $1.count }
                    throw AWSError(
                        service: client.service.id, operation: operation.name, code: "BatchWriteIncomplete",
                        message:
                            "\(left) write request\(left == 1 ? " was" : "s were") still unprocessed after \(calls) calls",
                        attempts: calls)
                }
            }
        }
        return summary
    }
}

// MARK: Wire shapes


private struct BatchWriteInput: Encodable {
    var requestItems: [String: [DynamoDBWriteRequest]]
    enum CodingKeys: String, CodingKey { case requestItems = "RequestItems" }
}

private struct BatchWriteOutput: Decodable {
    var unprocessedItems: [String: [DynamoDBWriteRequest]]?
    enum CodingKeys: String, CodingKey { case unprocessedItems = "UnprocessedItems" }
}
