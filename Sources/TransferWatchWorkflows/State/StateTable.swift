import Foundation
import TransferWatchAWS

/// The state table's layout: one table, partition key `pk` and sort key `sk` (both strings).
///
/// | item | pk | sk |
/// | --- | --- | --- |
/// | a delivery window | `window#2026-11` | `window` |
/// | one employee's first delivery in a window | `window#2026-11` | `delivery#<username>` |
/// | the window's SFTP server (intent, ID, life cycle) | `window#2026-11` | `server` |
/// | one SFTP user provisioned in a window | `window#2026-11` | `user#<username>` |
/// | the last provisioning run of a window (result, time, run ID) | `window#2026-11` | `provisioning` |
/// | a failed copy of a source key (errorCode, attempts, at; a redelivery overwrites it) | `window#2026-11` | `failure#<key>` |
/// | a failed copy outside any window (before the first provisioning) | `copies#unwindowed` | `failure#<key>` |
/// | successful copies in one UTC hour (`succeeded`, added to by each flush) | `outcomes#2026-11-29` | `succeeded#10` |
/// | an alert (latest instance, mute) | `alerts#<environment>` | `alert#<fingerprint>` |
/// | an alert group's timers | `alerts#<environment>` | `group#<group id>` |
/// | what a receiver was last told about a group (attribute `sequence` guards replicas) | `alerts#<environment>` | `nflog#<receiver>#<group id>` |
/// | a notification still to deliver (attribute `leaseUntil` guards replicas) | `alerts#<environment>` | `outbox#<created ms>#<receiver>#<subject>#<n>` |
/// | a silence (attribute `endsAt`, epoch ms) | `silences#<environment>` | `silence#<id>` |
/// | one alert history event | `history#<environment>#<yyyy-mm-dd>` | `<ISO time>#<written µs>#<random>` |
///
/// Alerting's items (TransferWatchAlerting) keep their value as JSON in a `body` attribute.
///
/// No item grows with the number of employees: each delivery and each user is its own item, and the window
/// item holds only counters (`expected`, `delivered`, `remaining`), so 10,000 employees stay far from the
/// 400 KB limit.
package enum StateTable {
    package static let partitionKey = "pk"
    package static let sortKey = "sk"

    /// The window item's key.
    package static func windowKey(_ windowID: String) -> DynamoDBItem {
        [partitionKey: .s("window#\(windowID)"), sortKey: .s("window")]
    }

    /// The key of an employee's delivery item in a window.
    package static func deliveryKey(_ windowID: String, username: String) -> DynamoDBItem {
        [partitionKey: .s("window#\(windowID)"), sortKey: .s("delivery#\(username)")]
    }

    /// The partition key value shared by every item of a window.
    package static func windowPartition(_ windowID: String) -> String {
        "window#\(windowID)"
    }

    /// The key of a window's server item (see ``ServerRegistry``).
    package static func serverKey(_ windowID: String) -> DynamoDBItem {
        [partitionKey: .s(windowPartition(windowID)), sortKey: .s("server")]
    }

    /// The key of a user item: one SFTP user provisioned in a window (see ``ServerRegistry``).
    package static func userKey(_ windowID: String, username: String) -> DynamoDBItem {
        [partitionKey: .s(windowPartition(windowID)), sortKey: .s("\(userPrefix)\(username)")]
    }

    /// The sort-key prefix of user items.
    package static let userPrefix = "user#"

    /// The key of a window's last-provisioning-run item (see ``ProvisioningRunLog``).
    package static func provisioningKey(_ windowID: String) -> DynamoDBItem {
        [partitionKey: .s(windowPartition(windowID)), sortKey: .s("provisioning")]
    }

    /// The sort-key prefix of failed-copy items.
    package static let failurePrefix = "failure#"

    /// The partition of failed copies outside any window (`nil` window) or of a window.
    package static func failurePartition(_ windowID: String?) -> String {
        windowID.map(windowPartition) ?? "copies#unwindowed"
    }

    /// The key of the failed-copy item of a source key (see ``CopyOutcomeLog``).
    package static func failureKey(_ windowID: String?, key: String) -> DynamoDBItem {
        [partitionKey: .s(failurePartition(windowID)), sortKey: .s(failurePrefix + key)]
    }

    /// The key of the hourly success-count item of the UTC hour starting at `hourStart` (see ``OutcomeCounter``).
    package static func successBucketKey(hourStart: Date) -> DynamoDBItem {
        let text = AWSDate.iso8601(hourStart)  // 2026-11-29T10:00:00Z
        let day = String(text.prefix(10))
        let hour = String(text.dropFirst(11).prefix(2))
        return [partitionKey: .s("outcomes#\(day)"), sortKey: .s("succeeded#\(hour)")]
    }

    /// Creates the state table (on-demand) and waits until it is active; an existing table is left as it is.
    package static func create(named name: String, using dynamo: DynamoDBClient) async throws(AWSError) {
        do {
            _ = try await dynamo.createTable(
                name: name, partitionKey: DynamoDBKeyAttribute(partitionKey, .string),
                sortKey: DynamoDBKeyAttribute(sortKey, .string))
        } catch where error.code == "ResourceInUseException" {
            // Already there.
        }
        _ = try await dynamo.waitUntilTableActive(name: name, pollInterval: .milliseconds(200))
    }

    /// Creates the employees table (partition key `username`), for tests and `bootstrap`.
    package static func createEmployees(named name: String, using dynamo: DynamoDBClient) async throws(AWSError) {
        do {
            _ = try await dynamo.createTable(name: name, partitionKey: DynamoDBKeyAttribute("username", .string))
        } catch where error.code == "ResourceInUseException" {
            // Already there.
        }
        _ = try await dynamo.waitUntilTableActive(name: name, pollInterval: .milliseconds(200))
    }
}
