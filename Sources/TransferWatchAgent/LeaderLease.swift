import Foundation
import TransferWatchAWS

/// The leader lease: one item in the state table (`pk = lease#<environment>`, `sk = lease`) holding the owner
/// and the instant the lease expires. Whoever holds an unexpired lease runs the schedules, reconciliation and
/// notifications; every replica consumes the queue.
///
/// Each operation is one conditional write, so two replicas can never both believe they acquired it:
/// - ``acquire(at:)`` puts the item if there is none, it is ours, or it expired (`expiresAt < now`);
/// - the same call renews it (the owner condition holds);
/// - ``release(at:)`` marks it expired and ownerless, only if it is still ours.
///
/// Times are real (epoch milliseconds in `expiresAt`): replicas' business clocks may differ, the wall clock
/// does not.
package struct LeaderLease: Sendable {
    /// The lease as read back.
    package struct Holder: Sendable, Equatable {
        /// The replica that holds it.
        package var owner: String
        /// When it lapses unless renewed.
        package var expiresAt: Date
    }

    package let dynamo: DynamoDBClient
    package let table: String
    /// The environment the lease is for (`prod`): one leader per environment.
    package let environment: String
    /// This replica's identity (host, process, random suffix).
    package let owner: String
    /// How long a lease lasts without renewal.
    package let ttl: Duration

    /// A lease on `table` for `environment`, held as `owner`.
    package init(dynamo: DynamoDBClient, table: String, environment: String, owner: String, ttl: Duration) {
        self.dynamo = dynamo
        self.table = table
        self.environment = environment
        self.owner = owner
        self.ttl = ttl
    }

    /// The lease item's key.
    package var key: DynamoDBItem {
        ["pk": .s("lease#\(environment)"), "sk": .s("lease")]
    }

    /// Takes or renews the lease at `now`.
    ///
    /// - Returns: until when it is held, or `nil` when another replica holds an unexpired lease.
    /// - Throws: ``AWSError`` other than the failed condition.
    package func acquire(at now: Date) async throws(AWSError) -> Date? {
        let expiresAt = now.addingTimeInterval(Self.seconds(ttl))
        var item = key
        item["owner"] = .s(owner)
        item["expiresAt"] = .number(Self.milliseconds(expiresAt))
        item["renewedAt"] = .s(AWSDate.iso8601(now))
        do {
            try await dynamo.putItem(
                table: table, item: item,
                conditionExpression: "attribute_not_exists(pk) OR #owner = :me OR expiresAt < :now",
                names: ["#owner": "owner"],
                values: [":me": .s(owner), ":now": .number(Self.milliseconds(now))])
            return expiresAt
        } catch  where error.isConditionalCheckFailure {
            return nil
        }
    }

    /// Gives the lease up (only if it is still ours), so another replica takes over at once: a conditional put
    /// of an expired lease with no owner (a put, not a delete: the agent's policy grants no `dynamodb:DeleteItem`).
    /// - Throws: ``AWSError`` other than the failed condition.
    package func release(at now: Date) async throws(AWSError) {
        var item = key
        item["owner"] = .s("")
        item["expiresAt"] = .number(Int64(0))
        item["releasedAt"] = .s(AWSDate.iso8601(now))
        do {
            try await dynamo.putItem(
                table: table, item: item, conditionExpression: "#owner = :me", names: ["#owner": "owner"],
                values: [":me": .s(owner)])
        } catch  where error.isConditionalCheckFailure {
            // Someone else holds it (or nobody): nothing to release.
        }
    }

    /// Who holds the lease, if anyone (strongly consistent read); `nil` when it was never taken or was released.
    package func holder() async throws(AWSError) -> Holder? {
        guard let item = try await dynamo.getItem(table: table, key: key, consistentRead: true),
            case .s(let owner)? = item["owner"], !owner.isEmpty, case .n(let millis)? = item["expiresAt"],
            let value = Double(millis)
        else { return nil }
        return Holder(owner: owner, expiresAt: Date(timeIntervalSince1970: value / 1000))
    }

    /// A default identity for this process: `host:pid:random`.
    package static func defaultOwner() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8).lowercased())"
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func seconds(_ duration: Duration) -> TimeInterval {
        TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
    }
}
