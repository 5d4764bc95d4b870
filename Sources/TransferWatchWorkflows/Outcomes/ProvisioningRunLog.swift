import Foundation
import TransferWatchAWS

/// The last provisioning run of each window (`window#<id>` / `provisioning`): its result, time and run ID, for
/// the snapshot's `provisioning.lastResult` and `lastRunAt`. One `PutItem` per run.
package struct ProvisioningRunLog: Sendable {
    /// A run as recorded.
    package struct Run: Sendable, Equatable {
        /// ``ProvisioningStepRecord/Result`` as text (`provisioned`, `unchanged`, `failed`, …).
        package var result: String
        /// When the run finished (business clock).
        package var at: Date
        /// The run's ID.
        package var runID: String
        /// How many failures it had.
        package var failures: Int
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

    /// Records a finished run, replacing the window's previous one.
    package func record(_ record: ProvisioningStepRecord) async throws(AWSError) {
        var item = StateTable.provisioningKey(record.window)
        item["result"] = .s(record.result.rawValue)
        item["at"] = .s(AWSDate.iso8601(record.finishedAt))
        item["runId"] = .s(record.runID)
        item["failures"] = .number(record.failures.count)
        try await dynamo.putItem(table: table, item: item)
    }

    /// The window's last recorded run, if any.
    package func lastRun(window windowID: String) async throws(AWSError) -> Run? {
        guard
            let item = try await dynamo.getItem(
                table: table, key: StateTable.provisioningKey(windowID), consistentRead: true),
            let result = item["result"]?.stringValue, let at = item["at"]?.stringValue.flatMap(AWSDate.parseISO8601)
        else { return nil }
        return Run(
            result: result, at: at, runID: item["runId"]?.stringValue ?? "", failures: item["failures"]?.intValue ?? 0)
    }
}
