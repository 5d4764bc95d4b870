/// What an IAM action is granted on, named by its role in TransferWatch rather than by ARN; ``AgentPolicy``
/// turns each into ARNs (and conditions) from the configuration.
///
/// The cases are in the order the agent policy prints its statements; each becomes one statement whose `Sid` is
/// ``sid``.
package enum PolicyResource: String, Sendable, Hashable, CaseIterable {
    /// The source bucket itself (`s3:ListBucket`, so a missing key is a 404, not a 403).
    case sourceBucket
    /// Every object in the source bucket (`arn:…:s3:::<source>/*`).
    case sourceObjects
    /// The destination bucket itself.
    case destinationBucket
    /// Every object in the destination bucket.
    case destinationObjects
    /// The employees table (read only: kept by the administrators).
    case employeesTable
    /// The agent's state table.
    case stateTable
    /// The state table's alerting items only (partitions `alerts#<environment>` and `verdicts#<environment>`,
    /// through `dynamodb:LeadingKeys`): where alerting deletes resolved alerts and groups, and the leader the step
    /// verdicts it drained. Nothing else in the table may be deleted.
    case alertItems
    /// The queue of upload notifications (`queue`); left out when none is configured.
    case uploadQueue
    /// The upload queue's dead-letter queue, `<queue>-dlq` as `bootstrap` names it (the dead-letter check reads
    /// its depth); left out when no queue is configured.
    case deadLetterQueue
    /// The alert topic (`alerts.snsTopicArn`); left out when none is configured.
    case alertTopic
    /// Creating a Transfer server: no resource type exists, so `*`, allowed only when the request tags the new
    /// server `transferwatch:managed=true` (`aws:RequestTag`).
    case newManagedServers
    /// Creating a user: on servers tagged managed (`aws:ResourceTag`), and only when the request tags the new
    /// user managed too (`aws:RequestTag`), so the user statements below can reach it.
    case newManagedUsers
    /// Existing Transfer servers tagged `transferwatch:managed=true` (`aws:ResourceTag`).
    case managedServers
    /// Existing Transfer users tagged `transferwatch:managed=true` (`aws:ResourceTag`).
    case managedUsers
    /// The SFTP users' role (`sftp.userRole`), passed to Transfer only (`iam:PassedToService`).
    case userRole
    /// Transfer's logging role (`sftp.loggingRole`), passed to Transfer only; left out when none is configured.
    case loggingRole
    /// CloudWatch metrics: no resource type exists, so `*`, allowed only in the configured namespace
    /// (`cloudwatch:namespace`).
    case metricNamespace
    /// The CloudWatch alarms `alarms sync` manages: `arn:…:alarm:<namespace>-<environment>-*`.
    case managedAlarms
    /// Every alarm, for `DescribeAlarms` only: CloudWatch returns composite alarms only when it is allowed on `*`
    /// (the call names our prefix, and ownership is then decided by tags).
    case anyAlarm
    /// The environment's dashboards, `arn:…:dashboard/*-<environment>` (`dashboards publish` names each
    /// `<file name>-<environment>`); dashboards are global, so the ARN has no region.
    case environmentDashboards
    /// Actions AWS defines with no resource type and no useful condition (`transfer:ListServers`): `*`.
    case noResourceType

    /// The statement ID, `SourceObjects` for ``sourceObjects``.
    package var sid: String {
        rawValue.prefix(1).uppercased() + rawValue.dropFirst()
    }
}

/// The tags TransferWatch puts on what it creates, and scopes its own permissions by.
package enum TransferWatchTags {
    /// `transferwatch:managed`: on every server and user TransferWatch creates.
    package static let managedKey = "transferwatch:managed"
    /// The value of ``managedKey``.
    package static let managedValue = "true"
    /// `transferwatch:window`: the delivery window (`YYYY-MM`) a server was created for.
    package static let windowKey = "transferwatch:window"
    /// The managed tag as a dictionary, for `Tags` parameters.
    package static var managed: [String: String] { [managedKey: managedValue] }
}
