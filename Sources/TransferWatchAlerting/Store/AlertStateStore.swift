import Foundation
import Logging
import TransferWatchAWS
import TransferWatchRules

/// Alerting's state in the state table, one partition per environment (`alerts#<environment>`): alerts,
/// group timers, the notification log (what each receiver was told) and the outbox (what is still to send).
///
/// Everything one dispatcher needs is one query, so a restarted agent or a second replica starts from the
/// same state. Writes that two replicas could race are conditional: a notification is queued together with
/// its notification-log entry in one transaction guarded by the entry's sequence number, and a delivery is
/// claimed with a lease.
package struct AlertStateStore: Sendable {
    /// Everything stored for an environment.
    package struct Snapshot: Sendable {
        /// The alerts, by fingerprint.
        package var records: [String: AlertRecord] = [:]
        /// The groups, by group ID.
        package var groups: [String: AlertGroupState] = [:]
        /// The notification log, by `<receiver>#<group ID>`.
        package var log: [String: NotificationLogEntry] = [:]
        /// The outbox, in creation order.
        package var outbox: [OutboxMessage] = []
        /// Items that could not be read (each skipped, the rest loaded).
        package var problems: [AlertingError] = []
    }

    /// The DynamoDB client.
    package var dynamo: DynamoDBClient
    /// The state table's name.
    package var table: String
    /// The environment (partition `alerts#<environment>`).
    package var environment: String

    /// Creates a store.
    package init(dynamo: DynamoDBClient, table: String, environment: String) {
        self.dynamo = dynamo
        self.table = table
        self.environment = environment
    }

    /// The partition key of this environment's alerting state.
    package var partition: String { "alerts#\(environment)" }

    /// Reads everything (consistently).
    package func load() async throws(AlertingError) -> Snapshot {
        let items: [DynamoDBItem]
        do {
            items = try await dynamo.queryAll(
                table: table, keyCondition: "pk = :pk", values: [":pk": .s(partition)], consistentRead: true)
        } catch {
            throw .storage(error)
        }
        var snapshot = Snapshot()
        for item in items {
            let sk = item["sk"]?.stringValue ?? ""
            do throws(AlertingError) {
                if sk.hasPrefix("alert#") {
                    let record = try StateItemCoding.decode(AlertRecord.self, from: item)
                    snapshot.records[record.fingerprint] = record
                } else if sk.hasPrefix("group#") {
                    let group = try StateItemCoding.decode(AlertGroupState.self, from: item)
                    snapshot.groups[group.key.id] = group
                } else if sk.hasPrefix("nflog#") {
                    let entry = try StateItemCoding.decode(NotificationLogEntry.self, from: item)
                    snapshot.log["\(entry.receiver)#\(entry.group.id)"] = entry
                } else if sk.hasPrefix("outbox#") {
                    snapshot.outbox.append(try StateItemCoding.decode(OutboxMessage.self, from: item))
                }
            } catch {
                snapshot.problems.append(error)
            }
        }
        snapshot.outbox.sort { $0.id < $1.id }
        return snapshot
    }

    /// Writes an alert.
    package func save(_ record: AlertRecord) async throws(AlertingError) {
        try await put(StateItemCoding.item(pk: partition, sk: "alert#\(record.fingerprint)", record))
    }

    /// Forgets an alert.
    package func deleteRecord(fingerprint: String) async throws(AlertingError) {
        try await delete(sk: "alert#\(fingerprint)")
    }

    /// Writes a group's timers.
    package func save(_ group: AlertGroupState) async throws(AlertingError) {
        try await put(StateItemCoding.item(pk: partition, sk: "group#\(group.key.id)", group))
    }

    /// Forgets a group and its notification-log entries for `receivers`.
    package func deleteGroup(id: String, receivers: [String]) async throws(AlertingError) {
        try await delete(sk: "group#\(id)")
        for receiver in receivers { try await delete(sk: "nflog#\(receiver)#\(id)") }
    }

    /// Queues `message` and records `entry` as what its receiver was told, atomically, provided nobody
    /// else has queued a notification for the same receiver and group since `entry.sequence - 1`.
    ///
    /// - Returns: `false` when another replica won the race (nothing was written).
    package func enqueue(
        _ message: OutboxMessage, logging entry: NotificationLogEntry
    ) async throws(AlertingError)
        -> Bool
    {
        let logItem = StateItemCoding.item(
            pk: partition, sk: "nflog#\(entry.receiver)#\(entry.group.id)", entry,
            extra: ["sequence": .number(entry.sequence)])
        let logCondition =
            entry.sequence == 1 ? "attribute_not_exists(pk)" : "#sequence = :previous"
        let values: DynamoDBItem = entry.sequence == 1 ? [:] : [":previous": .number(entry.sequence - 1)]
        let names = entry.sequence == 1 ? [:] : ["#sequence": "sequence"]
        do {
            try await dynamo.transactWriteItems([
                .put(
                    table: table, item: StateItemCoding.item(pk: partition, sk: "outbox#\(message.id)", message),
                    condition: "attribute_not_exists(pk)"),
                .put(table: table, item: logItem, condition: logCondition, names: names, values: values),
            ])
            return true
        } catch  where error.isTransactionCanceled || error.isConditionalCheckFailure {
            return false
        } catch {
            throw .storage(error)
        }
    }

    /// Queues a message that no notification-log entry guards (silence announcements).
    package func enqueue(_ message: OutboxMessage) async throws(AlertingError) {
        try await put(StateItemCoding.item(pk: partition, sk: "outbox#\(message.id)", message))
    }

    /// The queued messages, in creation order.
    package func outbox() async throws(AlertingError) -> (messages: [OutboxMessage], problems: [AlertingError]) {
        let items: [DynamoDBItem]
        do {
            items = try await dynamo.queryAll(
                table: table, keyCondition: "pk = :pk AND begins_with(sk, :prefix)",
                values: [":pk": .s(partition), ":prefix": .s("outbox#")], consistentRead: true)
        } catch {
            throw .storage(error)
        }
        var messages: [OutboxMessage] = []
        var problems: [AlertingError] = []
        for item in items {
            do throws(AlertingError) {
                messages.append(try StateItemCoding.decode(OutboxMessage.self, from: item))
            } catch {
                problems.append(error)
            }
        }
        return (messages, problems)
    }

    /// Claims a queued message for one delivery attempt until `until`, unless another worker holds it.
    ///
    /// - Returns: `false` when it is leased by someone else or already gone.
    package func claim(
        _ message: OutboxMessage, owner: String, now: Date, until: Date
    ) async throws(AlertingError)
        -> Bool
    {
        do {
            try await dynamo.updateItem(
                table: table, key: StateItemCoding.key(pk: partition, sk: "outbox#\(message.id)"),
                updateExpression: "SET leaseUntil = :until, leaseOwner = :owner",
                conditionExpression: "attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)",
                values: [
                    ":until": StateItemCoding.millis(until), ":owner": .s(owner), ":now": StateItemCoding.millis(now),
                ])
            return true
        } catch  where error.isConditionalCheckFailure {
            return false
        } catch {
            throw .storage(error)
        }
    }

    /// Removes a delivered (or given-up) message.
    package func complete(_ message: OutboxMessage) async throws(AlertingError) {
        try await delete(sk: "outbox#\(message.id)")
    }

    /// Writes back a message after a failed attempt (attempts, next attempt, error), releasing its lease.
    package func reschedule(_ message: OutboxMessage) async throws(AlertingError) {
        try await put(StateItemCoding.item(pk: partition, sk: "outbox#\(message.id)", message))
    }

    private func put(_ item: DynamoDBItem) async throws(AlertingError) {
        do {
            try await dynamo.putItem(table: table, item: item)
        } catch {
            throw .storage(error)
        }
    }

    private func delete(sk: String) async throws(AlertingError) {
        do {
            try await dynamo.deleteItem(table: table, key: StateItemCoding.key(pk: partition, sk: sk))
        } catch {
            throw .storage(error)
        }
    }
}
