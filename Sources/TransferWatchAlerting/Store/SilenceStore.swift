import Foundation
import TransferWatchAWS
import TransferWatchRules

/// Silences in the state table (`silences#<environment>` / `silence#<id>`), shared by every replica and
/// the `silence` command.
///
/// Creating is conditional on the ID being new; expiring is conditional on the silence not having ended, so
/// two people expiring the same silence get one success and one clear error.
package struct SilenceStore: Sendable {
    /// The DynamoDB client.
    package var dynamo: DynamoDBClient
    /// The state table's name.
    package var table: String
    /// The environment.
    package var environment: String

    /// Creates a store.
    package init(dynamo: DynamoDBClient, table: String, environment: String) {
        self.dynamo = dynamo
        self.table = table
        self.environment = environment
    }

    /// The partition of this environment's silences.
    package var partition: String { "silences#\(environment)" }

    /// Stores a new silence.
    package func add(_ silence: Silence) async throws(AlertingError) {
        guard silence.endsAt > silence.startsAt else { throw .invalidSilence("it ends before it starts") }
        guard !silence.matchers.isEmpty else { throw .invalidSilence("it has no matchers") }
        do {
            try await dynamo.putItem(
                table: table,
                item: StateItemCoding.item(
                    pk: partition, sk: "silence#\(silence.id)", silence,
                    extra: ["endsAt": StateItemCoding.millis(silence.endsAt)]),
                conditionExpression: "attribute_not_exists(pk)")
        } catch  where error.isConditionalCheckFailure {
            throw .invalidSilence("a silence with ID \(silence.id) already exists")
        } catch {
            throw .storage(error)
        }
    }

    /// Every stored silence (expired ones too), oldest first; unreadable items are returned as problems.
    package func all() async throws(AlertingError) -> (silences: [Silence], problems: [AlertingError]) {
        let items: [DynamoDBItem]
        do {
            items = try await dynamo.queryAll(
                table: table, keyCondition: "pk = :pk", values: [":pk": .s(partition)], consistentRead: true)
        } catch {
            throw .storage(error)
        }
        var silences: [Silence] = []
        var problems: [AlertingError] = []
        for item in items {
            do throws(AlertingError) {
                silences.append(try StateItemCoding.decode(Silence.self, from: item))
            } catch {
                problems.append(error)
            }
        }
        return (silences.sorted { ($0.startsAt, $0.id) < ($1.startsAt, $1.id) }, problems)
    }

    /// Ends a silence at `now`.
    ///
    /// - Returns: the silence as it is now.
    /// - Throws: ``AlertingError/unknownSilence(_:)`` or ``AlertingError/silenceAlreadyExpired(_:)``.
    @discardableResult
    package func expire(id: String, at now: Date) async throws(AlertingError) -> Silence {
        let key = StateItemCoding.key(pk: partition, sk: "silence#\(id)")
        let item: DynamoDBItem?
        do {
            item = try await dynamo.getItem(table: table, key: key, consistentRead: true)
        } catch {
            throw .storage(error)
        }
        guard let item else { throw .unknownSilence(id) }
        var silence = try StateItemCoding.decode(Silence.self, from: item)
        guard silence.endsAt > now else { throw .silenceAlreadyExpired(id) }
        let previousEnd = silence.endsAt
        silence.endsAt = max(now, silence.startsAt)
        do {
            try await dynamo.putItem(
                table: table,
                item: StateItemCoding.item(
                    pk: partition, sk: "silence#\(id)", silence,
                    extra: ["endsAt": StateItemCoding.millis(silence.endsAt)]),
                conditionExpression: "endsAt = :previous", values: [":previous": StateItemCoding.millis(previousEnd)])
        } catch  where error.isConditionalCheckFailure {
            throw .silenceAlreadyExpired(id)
        } catch {
            throw .storage(error)
        }
        return silence
    }
}
