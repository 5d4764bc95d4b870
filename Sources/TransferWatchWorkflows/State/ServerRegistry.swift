import Foundation
import Logging
import TransferWatchAWS

/// The state table's record of each window's SFTP server and users: what provisioning intends, what it
/// created, and what teardown must delete.
///
/// The server item (`window#2026-11` / `server`) is written *before* anything is created, with a conditional
/// put, so at most one run holds the intent to create a window's server; it then records the server's ID,
/// its life cycle and our own `createdAt` (Transfer's `DescribeServer` reports no creation time, so a server's
/// age never depends on AWS or the emulator).
///
/// Each provisioned user has its own item (`window#2026-11` / `user#alice`), written after `CreateUser`
/// succeeded (or found the user there), so a re-run and teardown know the users without `ListUsers`.
///
/// ```swift
/// let registry = ServerRegistry(dynamo: dynamo, table: "TransferWatchState")
/// if try await registry.recordIntent(window: "2026-11", owner: runID, at: now) {
///     // this run may create the server
/// }
/// ```
package struct ServerRegistry: Sendable {
    /// A window's server as recorded.
    package struct ServerRecord: Sendable, Equatable {
        /// The recorded life cycle (ours, not Transfer's `State`).
        package enum State: String, Sendable, Codable, CaseIterable {
            /// A run holds the intent to create the server; no server ID is recorded yet.
            case creating
            /// The server exists (its ID is recorded) and is not known to be ONLINE yet.
            case created
            /// The server was seen ONLINE.
            case online
            /// The server reached START_FAILED, or did not come ONLINE in time.
            case failed
            /// Teardown deleted the server.
            case deleted
        }

        /// How the recorded server came to be this window's.
        package enum Origin: String, Sendable, Codable {
            /// A run of ours created it and recorded its ID.
            case created
            /// A run found it by its `transferwatch:window` tag after an intent was left without an ID.
            case adoptedTagged
        }

        /// The window (`2026-11`).
        package var windowID: String
        /// The recorded life cycle.
        package var state: State
        /// The run (a UUID per run) that holds or last held the intent.
        package var owner: String
        /// When that run recorded (or took over) the intent; the lease counts from here.
        package var intentAt: Date
        /// When the first intent was recorded (a takeover keeps it): nothing for the window was created before.
        package var firstIntentAt: Date
        /// The server's ID, when one is recorded.
        package var serverID: String?
        /// How the server came to be recorded.
        package var origin: Origin?
        /// Our clock when the server was created (for an adopted server: the intent's time, an upper bound of
        /// its age since nothing is created before its intent is recorded).
        package var createdAt: Date?
        /// When a run first saw it ONLINE.
        package var onlineAt: Date?
        /// When a run last finished provisioning every valid employee without a failure.
        package var provisionedAt: Date?
        /// How many users that run counted.
        package var provisionedUsers: Int?
        /// Why the server failed, when it did.
        package var failure: String?
        /// When teardown deleted it.
        package var deletedAt: Date?
        /// The teardown reason (`manual`, `scheduled`, `counter`, `lifespan`).
        package var deleteReason: String?

        /// Makes a record (tests and pure decisions build these).
        package init(
            windowID: String, state: State, owner: String, intentAt: Date, firstIntentAt: Date? = nil,
            serverID: String? = nil,
            origin: Origin? = nil, createdAt: Date? = nil, onlineAt: Date? = nil, provisionedAt: Date? = nil,
            provisionedUsers: Int? = nil, failure: String? = nil, deletedAt: Date? = nil, deleteReason: String? = nil
        ) {
            self.windowID = windowID
            self.state = state
            self.owner = owner
            self.intentAt = intentAt
            self.firstIntentAt = firstIntentAt ?? intentAt
            self.serverID = serverID
            self.origin = origin
            self.createdAt = createdAt
            self.onlineAt = onlineAt
            self.provisionedAt = provisionedAt
            self.provisionedUsers = provisionedUsers
            self.failure = failure
            self.deletedAt = deletedAt
            self.deleteReason = deleteReason
        }
    }

    /// One provisioned SFTP user as recorded.
    package struct UserRecord: Sendable, Equatable {
        /// How the user came to be recorded.
        package enum Origin: String, Sendable, Codable {
            /// `CreateUser` succeeded.
            case created
            /// `CreateUser` answered `ResourceExistsException`: the user was already there (a crash between
            /// creating and recording it, or another run).
            case adopted
        }

        /// The SFTP user name (the employee's username).
        package var username: String
        /// The server's ID (`s-` and 17 hex digits).
        package var serverID: String
        /// How the user came to be recorded.
        package var origin: Origin
        /// When it was recorded (business clock).
        package var recordedAt: Date
        /// When teardown deleted the user (or found it gone).
        package var deletedAt: Date?

        /// Makes a record.
        package init(username: String, serverID: String, origin: Origin, recordedAt: Date, deletedAt: Date? = nil) {
            self.username = username
            self.serverID = serverID
            self.origin = origin
            self.recordedAt = recordedAt
            self.deletedAt = deletedAt
        }
    }

    /// The DynamoDB client.
    package let dynamo: DynamoDBClient
    /// The state table.
    package let table: String

    /// A registry in `table` (the state table).
    package init(dynamo: DynamoDBClient, table: String) {
        self.dynamo = dynamo
        self.table = table
    }

    // MARK: - The server item

    /// Reads a window's server item (strongly consistent), or `nil` when no run ever recorded an intent.
    package func server(_ windowID: String) async throws(AWSError) -> ServerRecord? {
        guard
            let item = try await dynamo.getItem(table: table, key: StateTable.serverKey(windowID), consistentRead: true)
        else { return nil }
        return Self.serverRecord(item, windowID: windowID)
    }

    /// Records the intent to create a window's server, only if no run recorded one before.
    ///
    /// - Returns: `true` when this call wrote it (the caller may create the server); `false` when an item was
    ///   already there (read it with ``server(_:)``).
    package func recordIntent(window windowID: String, owner: String, at instant: Date) async throws(AWSError) -> Bool {
        var item = StateTable.serverKey(windowID)
        item["state"] = .s(ServerRecord.State.creating.rawValue)
        item["owner"] = .s(owner)
        item["intentAt"] = .s(AWSDate.iso8601(instant))
        item["firstIntentAt"] = .s(AWSDate.iso8601(instant))
        do {
            try await dynamo.putItem(table: table, item: item, conditionExpression: "attribute_not_exists(pk)")
            return true
        } catch  where error.isConditionalCheckFailure {
            return false
        }
    }

    /// Takes over an intent whose run went away without recording a server: only if the item still names the
    /// same owner and still has no server ID (so of two runs taking over, one wins).
    ///
    /// - Returns: `true` when this call took it over.
    package func takeOver(
        window windowID: String, from stale: ServerRecord, owner: String, at instant: Date
    ) async throws(AWSError) -> Bool {
        do {
            try await dynamo.updateItem(
                table: table, key: StateTable.serverKey(windowID),
                updateExpression: "SET #owner = :owner, intentAt = :at, #state = :creating, previousOwner = :old",
                conditionExpression: "#owner = :old AND attribute_not_exists(serverId)",
                names: ["#owner": "owner", "#state": "state"],
                values: [
                    ":owner": .s(owner), ":old": .s(stale.owner), ":at": .s(AWSDate.iso8601(instant)),
                    ":creating": .s(ServerRecord.State.creating.rawValue),
                ])
            return true
        } catch  where error.isConditionalCheckFailure {
            return false
        }
    }

    /// Records the server a run created (or adopted by its tag), only while that run holds the intent, no
    /// server is recorded yet, and teardown has not closed the window.
    ///
    /// - Returns: `true` when recorded; `false` when another run took the intent over or recorded a server, or
    ///   teardown ran meanwhile.
    package func recordServer(
        window windowID: String, serverID: String, owner: String, origin: ServerRecord.Origin, createdAt: Date
    ) async throws(AWSError) -> Bool {
        do {
            try await dynamo.updateItem(
                table: table, key: StateTable.serverKey(windowID),
                updateExpression: "SET serverId = :id, #state = :created, createdAt = :createdAt, origin = :origin",
                conditionExpression: "#owner = :owner AND attribute_not_exists(serverId) AND #state <> :deleted",
                names: ["#owner": "owner", "#state": "state"],
                values: [
                    ":id": .s(serverID), ":owner": .s(owner), ":createdAt": .s(AWSDate.iso8601(createdAt)),
                    ":created": .s(ServerRecord.State.created.rawValue), ":origin": .s(origin.rawValue),
                    ":deleted": .s(ServerRecord.State.deleted.rawValue),
                ])
            return true
        } catch  where error.isConditionalCheckFailure {
            return false
        }
    }

    /// Marks the recorded server ONLINE (first time only keeps `onlineAt`).
    package func markOnline(window windowID: String, serverID: String, at instant: Date) async throws(AWSError) {
        try await dynamo.updateItem(
            table: table, key: StateTable.serverKey(windowID),
            updateExpression: "SET #state = :online, onlineAt = if_not_exists(onlineAt, :at) REMOVE failure",
            conditionExpression: "serverId = :id AND #state <> :deleted",
            names: ["#state": "state"],
            values: [
                ":online": .s(ServerRecord.State.online.rawValue), ":at": .s(AWSDate.iso8601(instant)),
                ":id": .s(serverID), ":deleted": .s(ServerRecord.State.deleted.rawValue),
            ])
    }

    /// Marks the recorded server failed (START_FAILED, or not ONLINE in time), with why.
    package func markFailed(
        window windowID: String, serverID: String, failure: String, at instant: Date
    ) async throws(AWSError) {
        try await dynamo.updateItem(
            table: table, key: StateTable.serverKey(windowID),
            updateExpression: "SET #state = :failed, failure = :failure, failedAt = :at",
            conditionExpression: "serverId = :id AND #state <> :deleted",
            names: ["#state": "state"],
            values: [
                ":failed": .s(ServerRecord.State.failed.rawValue), ":failure": .s(failure),
                ":at": .s(AWSDate.iso8601(instant)), ":id": .s(serverID),
                ":deleted": .s(ServerRecord.State.deleted.rawValue),
            ])
    }

    /// Records that a run provisioned every valid employee without a failure.
    package func markProvisioned(window windowID: String, users: Int, at instant: Date) async throws(AWSError) {
        try await dynamo.updateItem(
            table: table, key: StateTable.serverKey(windowID),
            updateExpression: "SET provisionedAt = :at, provisionedUsers = :users",
            conditionExpression: "attribute_exists(serverId) AND #state <> :deleted",
            names: ["#state": "state"],
            values: [
                ":at": .s(AWSDate.iso8601(instant)), ":users": .number(users),
                ":deleted": .s(ServerRecord.State.deleted.rawValue),
            ])
    }

    /// Marks the window's server deleted, with the teardown reason (the first deletion's time and reason are
    /// kept). An intent without a server is marked deleted too, so no later run creates one for the window.
    package func markDeleted(window windowID: String, reason: String, at instant: Date) async throws(AWSError) {
        try await dynamo.updateItem(
            table: table, key: StateTable.serverKey(windowID),
            updateExpression:
                "SET #state = :deleted, deletedAt = if_not_exists(deletedAt, :at), deleteReason = if_not_exists(deleteReason, :reason)",
            conditionExpression: "attribute_exists(pk)",
            names: ["#state": "state"],
            values: [
                ":deleted": .s(ServerRecord.State.deleted.rawValue), ":at": .s(AWSDate.iso8601(instant)),
                ":reason": .s(reason),
            ])
    }

    // MARK: - User items

    /// Every user recorded for a window (paginated query, strongly consistent), in name order.
    package func users(_ windowID: String) async throws(AWSError) -> [UserRecord] {
        let items = try await dynamo.queryAll(
            table: table, keyCondition: "pk = :pk AND begins_with(sk, :prefix)",
            values: [":pk": .s(StateTable.windowPartition(windowID)), ":prefix": .s(StateTable.userPrefix)],
            consistentRead: true)
        return items.compactMap(Self.userRecord).sorted { $0.username < $1.username }
    }

    /// How many users are recorded for a window (a consistent query reading only the keys).
    package func userCount(_ windowID: String) async throws(AWSError) -> Int {
        try await dynamo.queryAll(
            table: table, keyCondition: "pk = :pk AND begins_with(sk, :prefix)", projection: "sk",
            values: [":pk": .s(StateTable.windowPartition(windowID)), ":prefix": .s(StateTable.userPrefix)],
            consistentRead: true
        ).count
    }

    /// Records a provisioned user, only if not recorded already.
    ///
    /// - Returns: `true` when this call recorded it.
    @discardableResult
    package func recordUser(window windowID: String, _ user: UserRecord) async throws(AWSError) -> Bool {
        do {
            try await dynamo.putItem(
                table: table, item: Self.item(window: windowID, user), conditionExpression: "attribute_not_exists(pk)")
            return true
        } catch  where error.isConditionalCheckFailure {
            return false
        }
    }

    /// Marks users deleted (`deletedAt`), 25 per `BatchWriteItem`, keeping the items as the window's record of
    /// who had access.
    package func markUsersDeleted(
        window windowID: String, _ users: [UserRecord], at instant: Date
    ) async throws(AWSError) {
        guard !users.isEmpty else { return }
        let requests = users.map { user in
            var deleted = user
            deleted.deletedAt = deleted.deletedAt ?? instant
            return DynamoDBWriteRequest.put(Self.item(window: windowID, deleted))
        }
        try await dynamo.batchWriteItem(table: table, requests: requests)
    }

    // MARK: - Item mapping

    static func item(window windowID: String, _ user: UserRecord) -> DynamoDBItem {
        var item = StateTable.userKey(windowID, username: user.username)
        item["username"] = .s(user.username)
        item["serverId"] = .s(user.serverID)
        item["origin"] = .s(user.origin.rawValue)
        item["recordedAt"] = .s(AWSDate.iso8601(user.recordedAt))
        if let deletedAt = user.deletedAt { item["deletedAt"] = .s(AWSDate.iso8601(deletedAt)) }
        return item
    }

    static func userRecord(_ item: DynamoDBItem) -> UserRecord? {
        guard let username = item["username"]?.stringValue, let serverID = item["serverId"]?.stringValue else {
            return nil
        }
        return UserRecord(
            username: username, serverID: serverID,
            origin: item["origin"]?.stringValue.flatMap(UserRecord.Origin.init(rawValue:)) ?? .created,
            recordedAt: date(item["recordedAt"]) ?? Date(timeIntervalSince1970: 0), deletedAt: date(item["deletedAt"]))
    }

    static func serverRecord(_ item: DynamoDBItem, windowID: String) -> ServerRecord {
        ServerRecord(
            windowID: windowID,
            state: item["state"]?.stringValue.flatMap(ServerRecord.State.init(rawValue:)) ?? .creating,
            owner: item["owner"]?.stringValue ?? "", intentAt: date(item["intentAt"]) ?? Date(timeIntervalSince1970: 0),
            firstIntentAt: date(item["firstIntentAt"]),
            serverID: item["serverId"]?.stringValue,
            origin: item["origin"]?.stringValue.flatMap(ServerRecord.Origin.init(rawValue:)),
            createdAt: date(item["createdAt"]), onlineAt: date(item["onlineAt"]),
            provisionedAt: date(item["provisionedAt"]), provisionedUsers: item["provisionedUsers"]?.intValue,
            failure: item["failure"]?.stringValue, deletedAt: date(item["deletedAt"]),
            deleteReason: item["deleteReason"]?.stringValue)
    }

    private static func date(_ value: DynamoDBAttributeValue?) -> Date? {
        value?.stringValue.flatMap(AWSDate.parseISO8601)
    }
}
