import Foundation
import Logging
import TransferWatchAWS

/// The monthly counter: who delivered in which window, each employee counted once per window whatever the
/// concurrency, redelivery or crash.
///
/// Counting a delivery is ONE DynamoDB request in the common case, a `TransactWriteItems` of three actions:
/// 1. a condition check that the uploader is an active employee (employees table);
/// 2. a put of the delivery item `delivery#<username>`, only if absent;
/// 3. an update of the window item (`remaining - 1`, `delivered + 1`, `lastDeliveryAt`), only if the window is
///    open and this is not its last missing delivery (`remaining > 1`).
///
/// The transaction is all-or-nothing, so a delivery is counted exactly when its item is created. Which condition
/// failed tells the outcome without reading anything: not an employee, already counted, or "this delivery
/// completes the window (or the window is not open)". Only in that last case a second transaction without the
/// `remaining > 1` guard (but `remaining = 1`) decides — once per window, not once per upload; a third, with
/// only "the window is open", counts a delivery past completion without completing the window twice.
package struct DeliveryLedger: Sendable {
    /// What counting one delivery did.
    package enum Outcome: Sendable, Equatable {
        /// Counted now; `completesWindow` when it was the last missing employee.
        case counted(completesWindow: Bool)
        /// This employee had already delivered in this window: nothing counted again.
        case alreadyCounted
        /// The uploader is not an active employee: moved, reported, not counted.
        case unknownUploader
        /// The window is not open (never provisioned, or torn down): moved, not counted.
        case windowNotOpen

        /// Whether this delivery added to the count.
        package var isCounted: Bool { if case .counted = self { true } else { false } }
    }

    /// The window item, as read back.
    package struct WindowState: Sendable, Equatable {
        package var id: String
        package var isOpen: Bool
        package var expected: Int
        package var delivered: Int
        package var remaining: Int
        package var openedAt: Date?
        package var closedAt: Date?
        package var closedReason: String?
        package var lastDeliveryAt: Date?
        package var serverID: String?
    }

    package let dynamo: DynamoDBClient
    package let stateTable: String
    package let employeesTable: String
    package let logger: Logger
    /// How often a transaction that lost a conflict with a concurrent one is tried again.
    package var conflictRetries = 8

    package init(dynamo: DynamoDBClient, stateTable: String, employeesTable: String, logger: Logger) {
        self.dynamo = dynamo
        self.stateTable = stateTable
        self.employeesTable = employeesTable
        self.logger = logger
    }

    /// Opens a window (idempotent: an existing window is left as it is) expecting `expected` deliveries.
    /// - Returns: `true` when this call created it.
    @discardableResult
    package func openWindow(_ windowID: String, expected: Int, at openedAt: Date) async throws(AWSError) -> Bool {
        var item = StateTable.windowKey(windowID)
        item["state"] = .s("open")
        item["expected"] = .number(expected)
        item["remaining"] = .number(expected)
        item["delivered"] = .number(0)
        item["openedAt"] = .s(AWSDate.iso8601(openedAt))
        do {
            _ = try await dynamo.putItem(table: stateTable, item: item, conditionExpression: "attribute_not_exists(pk)")
            return true
        } catch where error.isConditionalCheckFailure {
            return false
        }
    }

    /// Closes a window with a reason (idempotent).
    package func closeWindow(_ windowID: String, reason: String, at closedAt: Date) async throws(AWSError) {
        _ = try await dynamo.updateItem(
            table: stateTable, key: StateTable.windowKey(windowID),
            updateExpression: "SET #state = :closed, closedAt = if_not_exists(closedAt, :at), closedReason = if_not_exists(closedReason, :reason)",
            conditionExpression: "attribute_exists(pk)",
            names: ["#state": "state"],
            values: [":closed": .s("closed"), ":at": .s(AWSDate.iso8601(closedAt)), ":reason": .s(reason)])
    }

    /// Reads a window (strongly consistent), or `nil` when it was never opened.
    package func window(_ windowID: String) async throws(AWSError) -> WindowState? {
        guard let item = try await dynamo.getItem(table: stateTable, key: StateTable.windowKey(windowID), consistentRead: true) else {
            return nil
        }
        func date(_ name: String) -> Date? { item[name]?.stringValue.flatMap(AWSDate.parseISO8601) }
        return WindowState(
            id: windowID, isOpen: item["state"]?.stringValue == "open",
            expected: item["expected"]?.intValue ?? 0, delivered: item["delivered"]?.intValue ?? 0,
            remaining: item["remaining"]?.intValue ?? 0, openedAt: date("openedAt"), closedAt: date("closedAt"),
            closedReason: item["closedReason"]?.stringValue, lastDeliveryAt: date("lastDeliveryAt"),
            serverID: item["serverId"]?.stringValue)
    }

    /// The usernames that delivered in a window (paginated query over the delivery items).
    package func deliveredUsernames(_ windowID: String) async throws(AWSError) -> [String] {
        let items = try await dynamo.queryAll(
            table: stateTable, keyCondition: "pk = :pk AND begins_with(sk, :prefix)",
            values: [":pk": .s("window#\(windowID)"), ":prefix": .s("delivery#")], consistentRead: true)
        return items.compactMap { $0["username"]?.stringValue }.sorted()
    }

    /// Counts `username`'s delivery of `key` in `windowID`, at most once per window.
    package func recordDelivery(window windowID: String, username: String, key: String, at instant: Date) async throws(AWSError) -> Outcome {
        try await recordDelivery(window: windowID, username: username, key: key, at: instant, requests: nil)
    }

    /// Counts a delivery as above, adding each `TransactWriteItems` call to `requests`: one in the common case,
    /// two when the delivery completes the window or the window is not open (the copy workflow's request count).
    func recordDelivery(window windowID: String, username: String, key: String, at instant: Date, requests: RequestTally?) async throws(AWSError) -> Outcome {
        // The common case: not the last missing delivery.
        switch try await transact(window: windowID, username: username, key: key, at: instant, guard: .notLast, requests: requests) {
        case .committed: return .counted(completesWindow: false)
        case .failed(0): return .unknownUploader
        case .failed(1): return .alreadyCounted
        case .failed: break
        }
        // The window is closed or missing, or this is its last missing delivery (once per window).
        switch try await transact(window: windowID, username: username, key: key, at: instant, guard: .last, requests: requests) {
        case .committed: return .counted(completesWindow: true)
        case .failed(0): return .unknownUploader
        case .failed(1): return .alreadyCounted
        case .failed: break
        }
        // Open but already complete (an employee activated after the window opened): count, without completing
        // the window a second time.
        switch try await transact(window: windowID, username: username, key: key, at: instant, guard: .open, requests: requests) {
        case .committed: return .counted(completesWindow: false)
        case .failed(0): return .unknownUploader
        case .failed(1): return .alreadyCounted
        case .failed: return .windowNotOpen
        }
    }

    /// What the window update requires besides the window being open.
    private enum WindowGuard {
        /// `remaining > 1`: this delivery does not complete the window.
        case notLast
        /// `remaining = 1`: this delivery completes it.
        case last
        /// Only that the window is open.
        case open

        var condition: String {
            switch self {
            case .notLast: "attribute_exists(pk) AND #state = :open AND remaining > :one"
            case .last: "attribute_exists(pk) AND #state = :open AND remaining = :one"
            case .open: "attribute_exists(pk) AND #state = :open"
            }
        }
    }

    private enum TransactionResult: Equatable {
        case committed
        /// The index of the first action whose condition failed.
        case failed(Int)
    }

    private func transact(window windowID: String, username: String, key: String, at instant: Date, guard windowGuard: WindowGuard,
                          requests: RequestTally?) async throws(AWSError) -> TransactionResult {
        var delivery = StateTable.deliveryKey(windowID, username: username)
        delivery["username"] = .s(username)
        delivery["key"] = .s(key)
        delivery["deliveredAt"] = .s(AWSDate.iso8601(instant))
        let windowCondition = windowGuard.condition
        let actions: [DynamoDBTransactWrite] = [
            .conditionCheck(
                table: employeesTable, key: ["username": .s(username)],
                condition: "attribute_exists(username) AND (attribute_not_exists(active) OR active = :true)",
                values: [":true": .bool(true)]),
            .put(table: stateTable, item: delivery, condition: "attribute_not_exists(pk)"),
            .update(
                table: stateTable, key: StateTable.windowKey(windowID),
                updateExpression: "ADD remaining :minusOne, delivered :one SET lastDeliveryAt = :at",
                condition: windowCondition, names: ["#state": "state"],
                values: [":open": .s("open"), ":one": .number(1), ":minusOne": .number(-1), ":at": .s(AWSDate.iso8601(instant))]),
        ]
        var attempt = 0
        while true {
            attempt += 1
            requests?.add()
            do {
                try await dynamo.transactWriteItems(actions)
                return .committed
            } catch where error.isTransactionCanceled {
                let reasons = error.cancellationReasons ?? []
                if let failed = reasons.firstIndex(where: { $0.code == "ConditionalCheckFailed" }) {
                    return .failed(failed)
                }
                // A conflict with a concurrent transaction on the same items: nothing was written; try again.
                guard attempt < conflictRetries, reasons.contains(where: { $0.code == "TransactionConflict" || $0.code == "ThrottlingError" }) else {
                    throw error
                }
                logger.debug("delivery transaction conflicted; retrying", metadata: ["window": "\(windowID)", "employee": "\(username)", "attempt": "\(attempt)"])
                try? await dynamo.client.context.retry.sleeper.sleep(for: dynamo.client.context.retry.backoff(beforeRetry: min(attempt, 4)) / 10)
            }
        }
    }
}
