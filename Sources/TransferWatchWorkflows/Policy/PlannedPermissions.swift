import TransferWatchAWS

/// The AWS calls of components that are not built yet, as their issues specify them, so the printed policy
/// already covers the whole agent.
///
/// Each set moves next to its component when that lands (`ProvisioningWorkflow.permissions`, …) and gets the
/// same drift test as ``CopyWorkflow/permissions``: run the component, and compare what it sent with what it
/// declares. Until then these are the contract the component must stay within.
package enum PlannedPermissions {
    /// Provisioning (issue 4): create the server tagged `transferwatch:managed=true` (and the window tag), wait
    /// for it, find it again on a re-run, create one user per employee, tagged managed too, with the user role
    /// and the key; read tags to tell managed servers from others. The employees come from
    /// ``EmployeeDirectory/permissions`` and the window from ``DeliveryLedger/permissions``.
    package static let provisioning = PermissionSet(
        "provisioning",
        [
            OperationUse(
                TransferClient.Operations.createServer,
                [
                    "transfer:CreateServer": [.newManagedServers], "iam:PassRole": [.loggingRole],
                ]),
            OperationUse(TransferClient.Operations.describeServer, on: .managedServers),
            OperationUse(TransferClient.Operations.listServers, on: .noResourceType),
            OperationUse(TransferClient.Operations.listTagsForResource, on: .transferTags),
            OperationUse(
                TransferClient.Operations.createUser,
                [
                    "transfer:CreateUser": [.newManagedUsers], "iam:PassRole": [.userRole],
                ]),
            OperationUse(TransferClient.Operations.listUsers, on: .managedServers),
            OperationUse(TransferClient.Operations.describeUser, on: .managedUsers),
            OperationUse(TransferClient.Operations.importSSHPublicKey, on: .managedUsers),
        ])

    /// Teardown (issue 4): delete the users, then the server, of managed servers only; find orphans (managed
    /// servers other than the recorded one) by listing servers and reading their tags.
    package static let teardown = PermissionSet(
        "teardown",
        [
            OperationUse(TransferClient.Operations.listServers, on: .noResourceType),
            OperationUse(TransferClient.Operations.listTagsForResource, on: .transferTags),
            OperationUse(TransferClient.Operations.describeServer, on: .managedServers),
            OperationUse(TransferClient.Operations.listUsers, on: .managedServers),
            OperationUse(TransferClient.Operations.deleteUser, on: .managedUsers),
            OperationUse(TransferClient.Operations.deleteServer, on: .managedServers),
        ])

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
