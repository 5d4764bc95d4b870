import Foundation

/// Why one action of a cancelled transaction failed (`CancellationReasons[i]` of `TransactionCanceledException`).
package struct DynamoDBCancellationReason: Sendable, Equatable, Decodable {
    /// `None` for an action that was fine, else `ConditionalCheckFailed`, `TransactionConflict`, `ThrottlingError`,
    /// `ItemCollectionSizeLimitExceeded`, `ValidationError`, …
    package var code: String
    /// AWS's explanation, when it gave one.
    package var message: String?
    /// The item as it was, for a failed condition asked to return `ALL_OLD`.
    package var item: DynamoDBItem?

    /// Makes a reason (tests build expected values with it).
    package init(code: String, message: String? = nil, item: DynamoDBItem? = nil) {
        self.code = code
        self.message = message
        self.item = item
    }

    /// Whether this action's condition was false.
    package var isConditionalCheckFailure: Bool { code == "ConditionalCheckFailed" }

    /// Whether this action had nothing wrong with it (another action cancelled the transaction).
    package var isNone: Bool { code == "None" }

    enum CodingKeys: String, CodingKey {
        case code = "Code"
        case message = "Message"
        case item = "Item"
    }
}

extension AWSError {
    /// Whether a DynamoDB condition was false (`ConditionalCheckFailedException`): an answer, never retried.
    package var isConditionalCheckFailure: Bool { code == "ConditionalCheckFailedException" }

    /// The existing item carried by a failed condition, when the write asked for
    /// `ReturnValuesOnConditionCheckFailure: ALL_OLD` and the item existed.
    package var conditionalCheckFailureItem: DynamoDBItem? {
        guard isConditionalCheckFailure, let body else { return nil }
        return (try? DynamoDBClient.decodeConditionalFailureItem(body)) ?? nil
    }

    /// Whether a DynamoDB transaction was cancelled (`TransactionCanceledException`).
    package var isTransactionCanceled: Bool { code == "TransactionCanceledException" }

    /// The per-action reasons of a cancelled transaction, in the order the actions were sent; `nil` for any
    /// other error or a body without reasons.
    package var cancellationReasons: [DynamoDBCancellationReason]? {
        guard isTransactionCanceled, let body else { return nil }
        return (try? DynamoDBClient.decodeCancellationReasons(body)) ?? nil
    }
}
