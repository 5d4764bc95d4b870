import Foundation
import TransferWatchAWS

extension DeliveryLedger {
    /// What ``reconcileExpected(_:users:)`` found and did.
    package struct ExpectedChange: Sendable, Equatable, Codable {
        /// `expected` before.
        package var before: Int
        /// `expected` after (equal to `before` when nothing changed).
        package var after: Int
        /// `remaining` after.
        package var remaining: Int

        /// Makes a value.
        package init(before: Int, after: Int, remaining: Int) {
            self.before = before
            self.after = after
            self.remaining = remaining
        }
    }

    /// Stores the window's server ID on the window item (`serverId`), for `status` and the rules.
    package func attachServer(_ windowID: String, serverID: String) async throws(AWSError) {
        try await dynamo.updateItem(
            table: stateTable, key: StateTable.windowKey(windowID), updateExpression: "SET serverId = :id",
            conditionExpression: "attribute_exists(pk)", values: [":id": .s(serverID)])
    }

    /// Makes an open window expect exactly `users` deliveries, moving `remaining` by the same amount: an
    /// employee provisioned mid-window adds one to both; a user that could not be created after the window
    /// was opened with its employee counted takes one off both.
    ///
    /// The update is conditional on the `expected` it read, so concurrent runs cannot both apply the same
    /// difference; a lost race is re-read and retried.
    ///
    /// - Returns: the change, or `nil` when the window does not exist or is closed (a closed window's counts
    ///   are history and are not changed).
    @discardableResult
    package func reconcileExpected(_ windowID: String, users: Int) async throws(AWSError) -> ExpectedChange? {
        for _ in 0..<conflictRetries {
            guard let window = try await window(windowID), window.isOpen else { return nil }
            let difference = users - window.expected
            guard difference != 0 else {
                return ExpectedChange(before: window.expected, after: window.expected, remaining: window.remaining)
            }
            do {
                try await dynamo.updateItem(
                    table: stateTable, key: StateTable.windowKey(windowID),
                    updateExpression: "ADD expected :difference, remaining :difference",
                    conditionExpression: "expected = :old AND #state = :open",
                    names: ["#state": "state"],
                    values: [
                        ":difference": .number(difference), ":old": .number(window.expected), ":open": .s("open"),
                    ])
                return ExpectedChange(
                    before: window.expected, after: users, remaining: window.remaining + difference)
            } catch  where error.isConditionalCheckFailure {
                continue
            }
        }
        throw AWSError(
            service: dynamo.client.service.id, operation: DynamoDBClient.Operations.updateItem.name,
            code: "ExpectedCountContended",
            message: "window \(windowID)'s expected count kept changing under \(conflictRetries) attempts",
            attempts: conflictRetries)
    }
}

extension DeliveryLedger.WindowState {
    /// A window state from its parts (triggers are decided on these; tests build them).
    package init(
        id: String, isOpen: Bool, expected: Int, delivered: Int = 0, remaining: Int? = nil, openedAt: Date?,
        closedAt: Date? = nil, closedReason: String? = nil, lastDeliveryAt: Date? = nil, serverID: String? = nil
    ) {
        self.init(
            id: id, isOpen: isOpen, expected: expected, delivered: delivered,
            remaining: remaining ?? expected - delivered,
            openedAt: openedAt, closedAt: closedAt, closedReason: closedReason, lastDeliveryAt: lastDeliveryAt,
            serverID: serverID)
    }
}
