import TransferWatchAWS

/// The AWS calls of components that are not built yet, as their issues specify them, so the printed policy
/// already covers the whole agent.
///
/// Each set moves next to its component when that lands (as ``ProvisioningWorkflow/permissions`` and
/// ``TeardownWorkflow/permissions`` did) and gets the same drift test as ``CopyWorkflow/permissions``: run the
/// component, and compare what it sent with what it declares. Until then these are the contract the component
/// must stay within.
package enum PlannedPermissions {
    /// The agent's upload-event consumer: long-poll the queue, delete what was handled, and extend or shorten a
    /// message's visibility while an object is retried.
    package static let uploadEvents = PermissionSet(
        "upload events",
        [
            OperationUse(SQSClient.Operations.receiveMessage, on: .uploadQueue),
            OperationUse(SQSClient.Operations.deleteMessage, on: .uploadQueue),
            OperationUse(SQSClient.Operations.deleteMessageBatch, on: .uploadQueue),
            OperationUse(SQSClient.Operations.changeMessageVisibility, on: .uploadQueue),
        ])

    /// Alerting: notifications to the alert topic.
    package static let alerts = PermissionSet(
        "alerts",
        [
            OperationUse(SNSClient.Operations.publish, on: .alertTopic)
        ])

    /// Telemetry: the metrics of CONTRACT.md, in the configured namespace only.
    package static let metrics = PermissionSet(
        "metrics",
        [
            OperationUse(CloudWatchClient.Operations.putMetricData, on: .metricNamespace)
        ])
}
