import Foundation
import Logging
import TransferWatchAWS
import TransferWatchLocking
import TransferWatchRules

/// How a follower's step verdicts reach the leader, which alone dispatches: items in the state table
/// (`pk` `verdicts#<environment>`, `sk` `<epoch ms, 13 digits>#<sender>#<sequence>`, the verdicts as JSON in
/// `body`), posted by followers and drained by the leader at each evaluation.
///
/// The leader deletes what it drained only after it observed, dispatched and saved it, so a leader that dies
/// in between leaves the items for the next one; observing a verdict twice changes nothing (a firing alert
/// stays firing, a resolved one stays resolved).
package struct StepVerdictInbox: Sendable {
    /// Verdicts one step produced on a replica.
    package struct Posting: Sendable, Equatable, Codable {
        /// When the step ran (agent clock).
        package var observedAt: Date
        /// The replica that ran it.
        package var sender: String
        /// Its verdicts.
        package var verdicts: [RuleVerdict]
    }

    /// A drained posting with the key it is deleted by.
    package struct Drained: Sendable {
        /// The posting; `nil` when the item could not be read (its key is still deleted).
        package var posting: Posting?
        /// The item's sort key.
        package var sortKey: String
    }

    /// The DynamoDB client.
    package let dynamo: DynamoDBClient
    /// The state table.
    package let table: String
    /// The environment (part of the partition key).
    package let environment: String
    /// This replica's name in the sort keys it writes.
    package let sender: String
    private let sequence = Locked(0)

    /// An inbox in `table` for `environment`, posting as `sender`.
    package init(dynamo: DynamoDBClient, table: String, environment: String, sender: String) {
        self.dynamo = dynamo
        self.table = table
        self.environment = environment
        self.sender = sender
    }

    /// The partition every posting of this environment is in.
    package var partitionKey: String { "verdicts#\(environment)" }

    /// Posts one step's verdicts.
    /// - Throws: ``AWSError``, or an encoding error.
    package func post(_ verdicts: [RuleVerdict], observedAt: Date) async throws {
        let number = sequence.withLock { value -> Int in
            value += 1
            return value
        }
        let milliseconds = max(0, Int64((observedAt.timeIntervalSince1970 * 1000).rounded(.down)))
        let sortKey = String(format: "%013lld", milliseconds) + "#\(sender)#\(number)"
        let posting = Posting(observedAt: observedAt, sender: sender, verdicts: verdicts)
        let body = String(decoding: try Self.encoder.encode(posting), as: UTF8.self)
        try await dynamo.putItem(
            table: table, item: ["pk": .s(partitionKey), "sk": .s(sortKey), "body": .s(body)])
    }

    /// The oldest `limit` postings (a strongly consistent read); an unreadable item is logged as an error naming
    /// it and returned without a posting, so that it is deleted with the rest.
    /// - Throws: ``AWSError``.
    package func drain(limit: Int = 100, logger: Logger) async throws -> [Drained] {
        let page = try await dynamo.query(
            table: table, keyCondition: "pk = :pk", values: [":pk": .s(partitionKey)], limit: limit,
            consistentRead: true)
        return page.items.compactMap { item -> Drained? in
            guard case .s(let sortKey)? = item["sk"] else { return nil }
            guard case .s(let body)? = item["body"],
                let posting = try? Self.decoder.decode(Posting.self, from: Data(body.utf8))
            else {
                logger.error(
                    "unreadable step verdicts from a follower; dropped",
                    metadata: ["state.item": "pk=\(partitionKey) sk=\(sortKey)"])
                return Drained(posting: nil, sortKey: sortKey)
            }
            return Drained(posting: posting, sortKey: sortKey)
        }
    }

    /// Deletes drained postings, one `DeleteItem` each: the agent's policy allows deletes only in the alerting
    /// partitions (`dynamodb:LeadingKeys`), which `BatchWriteItem` would not respect as narrowly. Postings are
    /// few (fired verdicts and the quiet ones that resolve them).
    /// - Throws: ``AWSError`` (what was deleted before it stays deleted; the rest is drained again).
    package func remove(_ drained: [Drained]) async throws {
        for posting in drained {
            try await dynamo.deleteItem(table: table, key: ["pk": .s(partitionKey), "sk": .s(posting.sortKey)])
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()
}
