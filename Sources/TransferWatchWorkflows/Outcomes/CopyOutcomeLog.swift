import Foundation
import TransferWatchAWS

/// The recorded outcomes of copies in the state table, for the snapshot's `copies` facts without a read or
/// write per successful copy.
///
/// - A **failed** copy writes one item at once, `window#<id>` / `failure#<key>` (``StateTable/failureKey(_:key:)``)
///   with `errorCode`, `attempts` and `at`: failures are rare, and a redelivery of the same key overwrites the
///   item instead of adding one.
/// - **Successful** copies are counted in memory by ``OutcomeCounter`` and added to an hourly item
///   (`outcomes#2026-11-29` / `succeeded#10`) with one `UpdateItem … ADD` per hour per flush.
///
/// A key that failed and was moved later is not cleaned up on success (no write on the hot path): the snapshot
/// asks S3 whether each failed key is still waiting in the source bucket.
package struct CopyOutcomeLog: Sendable {
    /// One failed copy as recorded.
    package struct Failure: Sendable, Equatable {
        /// The source key.
        package var key: String
        /// The source bucket.
        package var bucket: String
        /// The window the upload belongs to, if any.
        package var window: String?
        /// The AWS or workflow error code (`AccessDenied`, `SourceMissing`).
        package var errorCode: String
        /// Attempts of the failing call, when known.
        package var attempts: Int?
        /// When the copy failed (business clock).
        package var at: Date

        /// Makes a value.
        package init(key: String, bucket: String, window: String?, errorCode: String, attempts: Int?, at: Date) {
            self.key = key
            self.bucket = bucket
            self.window = window
            self.errorCode = errorCode
            self.attempts = attempts
            self.at = at
        }
    }

    /// The DynamoDB client.
    package let dynamo: DynamoDBClient
    /// The state table.
    package let table: String

    /// A log in `table` (the state table).
    package init(dynamo: DynamoDBClient, table: String) {
        self.dynamo = dynamo
        self.table = table
    }

    /// Records a failed copy step (one `PutItem`, overwriting an earlier failure of the same key).
    ///
    /// - Precondition: `record.isFailure`.
    package func recordFailure(_ record: CopyStepRecord) async throws(AWSError) {
        var item = StateTable.failureKey(record.window, key: record.source.key)
        item["key"] = .s(record.source.key)
        item["bucket"] = .s(record.source.bucket)
        if let window = record.window { item["window"] = .s(window) }
        item["errorCode"] = .s(record.errorCode ?? "Error")
        if let attempts = record.attempts { item["attempts"] = .number(attempts) }
        item["at"] = .s(AWSDate.iso8601(record.finishedAt))
        try await dynamo.putItem(table: table, item: item)
    }

    /// The failed copies recorded for a window (`nil`: outside any window), in key order.
    package func failures(window windowID: String?) async throws(AWSError) -> [Failure] {
        let items = try await dynamo.queryAll(
            table: table, keyCondition: "pk = :pk AND begins_with(sk, :prefix)",
            values: [":pk": .s(StateTable.failurePartition(windowID)), ":prefix": .s(StateTable.failurePrefix)],
            consistentRead: true)
        return items.compactMap { item in
            guard let key = item["key"]?.stringValue, let at = item["at"]?.stringValue.flatMap(AWSDate.parseISO8601)
            else { return nil }
            return Failure(
                key: key, bucket: item["bucket"]?.stringValue ?? "", window: item["window"]?.stringValue,
                errorCode: item["errorCode"]?.stringValue ?? "Error", attempts: item["attempts"]?.intValue, at: at)
        }.sorted { $0.key < $1.key }
    }

    /// Adds `count` successful copies to the hour starting at `hourStart` (one `UpdateItem`).
    package func addSuccesses(_ count: Int, hourStart: Date) async throws(AWSError) {
        guard count > 0 else { return }
        try await dynamo.updateItem(
            table: table, key: StateTable.successBucketKey(hourStart: hourStart),
            updateExpression: "ADD succeeded :count SET hourStart = :hour",
            values: [":count": .number(count), ":hour": .s(AWSDate.iso8601(hourStart))])
    }

    /// The successful copies recorded for the hour starting at `hourStart` (0 when none).
    package func successes(hourStart: Date) async throws(AWSError) -> Int {
        try await dynamo.getItem(
            table: table, key: StateTable.successBucketKey(hourStart: hourStart), consistentRead: true
        )?["succeeded"]?.intValue ?? 0
    }

    /// The start of the UTC hour containing `date`.
    package static func hourStart(of date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
    }
}
