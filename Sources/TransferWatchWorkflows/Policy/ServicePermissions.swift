import TransferWatchAWS

/// The AWS calls of the agent's services and of the commands that live in modules above this one (the queue
/// consumer, the dead-letter check, the leader lease, reconciliation, alerting, metrics, `alarms sync`,
/// `dashboards publish`).
///
/// They are declared here, not beside their code, because ``AgentPolicy`` (in this module) must list them and
/// those modules depend on this one. Each set is still checked against its component: `PolicyDriftTests`
/// (TransferWatchCommandsTests) runs the component against the emulator and compares the operations it sent with
/// the set, so a new call without a policy line fails a test.
package enum ServicePermissions {
    /// The upload-event consumer (`UploadEventConsumer`): long-poll the queue, delete what was handled (in
    /// batches), and extend a message's visibility while its object is being copied. `DeleteMessageBatch` is
    /// authorized as `sqs:DeleteMessage`.
    package static let uploadEvents = PermissionSet(
        "upload events",
        [
            OperationUse(SQSClient.Operations.receiveMessage, on: .uploadQueue),
            OperationUse(SQSClient.Operations.deleteMessageBatch, on: .uploadQueue),
            OperationUse(SQSClient.Operations.changeMessageVisibility, on: .uploadQueue),
        ])

    /// The dead-letter check (`DeadLetterMonitor`): the queue's redrive policy, then the depth of the dead-letter
    /// queue it names (`<queue>-dlq`, as `bootstrap` creates it).
    package static let deadLetters = PermissionSet(
        "dead-letter check",
        [
            OperationUse(SQSClient.Operations.getQueueAttributes, on: .uploadQueue, .deadLetterQueue)
        ])

    /// The leader lease (`LeaderLease`): one state-table item, taken and renewed with a conditional `PutItem`,
    /// read with a consistent `GetItem`.
    package static let leaderLease = PermissionSet(
        "leader lease",
        [
            OperationUse(DynamoDBClient.Operations.getItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.putItem, on: .stateTable),
        ])

    /// Reconciliation (`Reconciler`): lists the source bucket for uploads whose event was lost (the moves
    /// themselves are ``CopyWorkflow/permissions``).
    package static let reconciliation = PermissionSet(
        "reconciliation",
        [
            OperationUse(S3Client.Operations.listObjectsV2, on: .sourceBucket)
        ])

    /// Alerting's state in the state table (`AlertStateStore`, `AlertHistory`, `SilenceStore`): alert records and
    /// groups put, and deleted (only in the alerting partition, ``PolicyResource/alertItems``), the outbox and notification log written together in a transaction (never a
    /// delete, never a condition check on another table) and claimed with `UpdateItem`, the history appended and
    /// queried, silences read, put and expired.
    package static let alertState = PermissionSet(
        "alert state",
        [
            OperationUse(DynamoDBClient.Operations.putItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.updateItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.deleteItem, on: .alertItems),
            OperationUse(DynamoDBClient.Operations.getItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.query, on: .stateTable),
            OperationUse(
                DynamoDBClient.Operations.transactWriteItems,
                [
                    "dynamodb:PutItem": [.stateTable], "dynamodb:UpdateItem": [],
                    "dynamodb:DeleteItem": [], "dynamodb:ConditionCheckItem": [],
                ]),
        ])

    /// Alert notifications (`NotificationSender`): `sns:Publish` on the configured topic. Webhooks (Alertmanager,
    /// Slack, PagerDuty) are plain HTTPS and need no IAM.
    package static let alertNotifications = PermissionSet(
        "alert notifications",
        [
            OperationUse(SNSClient.Operations.publish, on: .alertTopic)
        ])

    /// Metrics (`CloudWatchMetricSink`): the metrics of CONTRACT.md, in the configured namespace only.
    package static let metrics = PermissionSet(
        "metrics",
        [
            OperationUse(CloudWatchClient.Operations.putMetricData, on: .metricNamespace)
        ])

    /// `alarms sync` (`AlarmSynchronizer`): reads the alarms with our prefix (`DescribeAlarms`, on `*` because
    /// CloudWatch returns composite alarms only then) and their tags, then creates, updates (with tags) and
    /// deletes only alarms named `<namespace>-<environment>-…`.
    package static let alarms = PermissionSet(
        "alarms sync",
        [
            OperationUse(CloudWatchClient.Operations.describeAlarms, on: .anyAlarm),
            OperationUse(CloudWatchClient.Operations.listTagsForResource, on: .managedAlarms),
            OperationUse(CloudWatchClient.Operations.putMetricAlarm, on: .managedAlarms),
            OperationUse(CloudWatchClient.Operations.putCompositeAlarm, on: .managedAlarms),
            OperationUse(CloudWatchClient.Operations.deleteAlarms, on: .managedAlarms),
        ])

    /// `dashboards publish` (`DashboardPublisher`): `PutDashboard` on the environment's dashboards
    /// (`<file name>-<environment>`).
    package static let dashboards = PermissionSet(
        "dashboards publish",
        [
            OperationUse(CloudWatchClient.Operations.putDashboard, on: .environmentDashboards)
        ])

    /// The step-verdict inbox (`StepVerdictInbox`): followers put their step verdicts into the state table, the
    /// leader queries and deletes them (deletes only in the alerting partitions, ``PolicyResource/alertItems``).
    package static let stepVerdicts = PermissionSet(
        "step verdicts",
        [
            OperationUse(DynamoDBClient.Operations.putItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.query, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.deleteItem, on: .alertItems),
        ])

    /// The rule evaluator's alert tracker, persisted after each evaluation as one state-table item (read back at
    /// start). Not built yet: this is the contract it must stay within, and it moves under a drift test when it
    /// lands.
    package static let alertTracker = PermissionSet(
        "alert tracker",
        [
            OperationUse(DynamoDBClient.Operations.getItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.putItem, on: .stateTable),
        ])
}
