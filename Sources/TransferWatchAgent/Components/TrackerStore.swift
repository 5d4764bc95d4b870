import Foundation
import TransferWatchAWS
import TransferWatchRules

/// Where the leader keeps its ``AlertTracker`` between evaluations: one state-table item
/// (`pk` `tracker#<environment>`, `sk` `tracker`, the tracker as JSON in `body`), so a restarted agent or a new
/// leader neither pages again for what already fires nor forgets how long a `for` condition has held.
package struct TrackerStore: Sendable {
    /// An item that cannot be read back.
    package struct Unreadable: Error, CustomStringConvertible {
        /// What is wrong, naming the item.
        package var description: String
    }

    /// The DynamoDB client.
    package let dynamo: DynamoDBClient
    /// The state table.
    package let table: String
    /// The environment (part of the item's key).
    package let environment: String

    /// A store over `table`.
    package init(dynamo: DynamoDBClient, table: String, environment: String) {
        self.dynamo = dynamo
        self.table = table
        self.environment = environment
    }

    /// The item's key.
    package var key: DynamoDBClient.Item { ["pk": .s("tracker#\(environment)"), "sk": .s("tracker")] }

    /// The stored tracker, or `nil` when none was saved.
    /// - Throws: ``AWSError`` when it cannot be read, ``Unreadable`` when its body is not a tracker.
    package func load() async throws -> AlertTracker? {
        guard let item = try await dynamo.getItem(table: table, key: key, consistentRead: true) else { return nil }
        guard case .s(let body)? = item["body"] else {
            throw Unreadable(description: "state item pk=tracker#\(environment) sk=tracker has no string body")
        }
        do {
            return try JSONDecoder().decode(AlertTracker.self, from: Data(body.utf8))
        } catch {
            throw Unreadable(
                description: "state item pk=tracker#\(environment) sk=tracker: unreadable tracker JSON (\(error))")
        }
    }

    /// Saves `tracker`, replacing the stored one.
    /// - Throws: ``AWSError``, or an encoding error.
    package func save(_ tracker: AlertTracker, at now: Date) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = String(decoding: try encoder.encode(tracker), as: UTF8.self)
        var item = key
        item["body"] = .s(body)
        item["savedAt"] = .s(AWSDate.iso8601(now))
        try await dynamo.putItem(table: table, item: item)
    }
}
