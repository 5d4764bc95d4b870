import Foundation
import TransferWatchAWS
import TransferWatchConfig

/// The least-privilege IAM policy of the agent (`transferwatch policy`), assembled from the ``PermissionSet``
/// each component declares next to its code, with ARNs from the configuration.
///
/// Every action comes from an ``AWSOperation`` the clients call through, so the policy and the calls cannot drift
/// apart. `Resource: "*"` appears only where AWS defines no resource type: `cloudwatch:PutMetricData` (limited to
/// the configured namespace), `transfer:CreateServer` (limited to requests that tag the new server managed) and
/// `transfer:ListServers`; and for `cloudwatch:DescribeAlarms`, which returns composite alarms only when allowed on
/// `*`. `sts:GetCallerIdentity` needs no permission and is not listed.
///
/// `bootstrap` is not covered: it creates buckets, tables, queues, a topic and a bucket notification, which is an
/// administrator's job, run once with administrator credentials (see README, "policy").
///
/// Transfer servers and users are reached only through the `transferwatch:managed=true` tag
/// (``TransferWatchTags``): provisioning must tag both the server and every user it creates, or the agent cannot
/// describe or delete them.
///
/// ```swift
/// let scope = try PolicyScope.resolve(configuration)
/// let policy = AgentPolicy.make(configuration: configuration, scope: scope)
/// print(policy.document.json())
/// ```
package enum AgentPolicy {
    /// The agent's components, in the order their calls were specified.
    package static let components: [PermissionSet] = [
        CopyWorkflow.permissions,
        DeliveryLedger.permissions,
        EmployeeDirectory.permissions,
        ProvisioningWorkflow.permissions,
        TeardownWorkflow.permissions,
        PipelineSnapshotBuilder.permissions,
        CopyOutcomeLog.permissions,
        ProvisioningRunLog.permissions,
        ServicePermissions.uploadEvents,
        ServicePermissions.deadLetters,
        ServicePermissions.leaderLease,
        ServicePermissions.reconciliation,
        ServicePermissions.alertState,
        ServicePermissions.alertNotifications,
        ServicePermissions.alertTracker,
        ServicePermissions.stepVerdicts,
        ServicePermissions.metrics,
        ServicePermissions.alarms,
        ServicePermissions.dashboards,
    ]

    /// The policy, and what was left out because the configuration does not name it.
    package struct Output: Sendable, Equatable {
        package var document: PolicyDocument
        /// One line per statement left out: `queue is not configured: no sqs:ReceiveMessage, … on an upload queue`.
        package var notes: [String]
    }

    /// Builds the policy for `components` in `scope`.
    ///
    /// One statement per ``PolicyResource`` that any component needs, in the enum's order, its actions sorted.
    package static func make(
        configuration: Configuration, scope: PolicyScope,
        components: [PermissionSet] = components
    ) -> Output {
        var actions: [PolicyResource: Set<String>] = [:]
        for set in components {
            for use in set.uses {
                for grant in use.grants {
                    for resource in grant.resources { actions[resource, default: []].insert(grant.action) }
                }
            }
        }
        var statements: [PolicyDocument.Statement] = []
        var notes: [String] = []
        for resource in PolicyResource.allCases {
            guard let granted = actions[resource], !granted.isEmpty else { continue }
            let sorted = granted.sorted()
            switch target(of: resource, configuration: configuration, scope: scope) {
            case .statement(let arns, let conditions):
                statements.append(.init(sid: resource.sid, actions: sorted, resources: arns, conditions: conditions))
            case .notConfigured(let setting):
                notes.append("\(setting) is not configured: \(sorted.joined(separator: ", ")) left out")
            }
        }
        return Output(document: PolicyDocument(statements: statements), notes: notes)
    }

    private enum Target {
        case statement([String], [PolicyDocument.Condition])
        case notConfigured(String)
    }

    private static func target(of resource: PolicyResource, configuration: Configuration, scope: PolicyScope) -> Target
    {
        let arn = "arn:\(scope.partition)"
        let transfer = "\(arn):transfer:\(scope.region):\(scope.account)"
        let managed = "\(TransferWatchTags.managedKey)"
        let resourceTagged = PolicyDocument.Condition(
            "StringEquals", "aws:ResourceTag/\(managed)", [TransferWatchTags.managedValue])
        let requestTagged = PolicyDocument.Condition(
            "StringEquals", "aws:RequestTag/\(managed)", [TransferWatchTags.managedValue])
        let passedToTransfer = PolicyDocument.Condition(
            "StringEquals", "iam:PassedToService", ["transfer.amazonaws.com"])
        func table(_ name: String) -> String { "\(arn):dynamodb:\(scope.region):\(scope.account):table/\(name)" }

        switch resource {
        case .sourceBucket:
            return .statement(["\(arn):s3:::\(configuration.buckets.source)"], [])
        case .sourceObjects:
            return .statement(["\(arn):s3:::\(configuration.buckets.source)/*"], [])
        case .destinationBucket:
            return .statement(["\(arn):s3:::\(configuration.buckets.destination)"], [])
        case .destinationObjects:
            return .statement(["\(arn):s3:::\(configuration.buckets.destination)/*"], [])
        case .employeesTable:
            return .statement([table(configuration.tables.employees)], [])
        case .stateTable:
            return .statement([table(configuration.tables.state)], [])
        case .alertItems:
            return .statement(
                [table(configuration.tables.state)],
                [
                    .init(
                        "ForAllValues:StringEquals", "dynamodb:LeadingKeys",
                        ["alerts#\(configuration.environment)", "verdicts#\(configuration.environment)"])
                ])
        case .uploadQueue:
            guard let url = configuration.queue, let queue = QueueAddress(url) else { return .notConfigured("queue") }
            return .statement(["\(arn):sqs:\(queue.region ?? scope.region):\(queue.account):\(queue.name)"], [])
        case .deadLetterQueue:
            guard let url = configuration.queue, let queue = QueueAddress(url) else { return .notConfigured("queue") }
            return .statement(
                ["\(arn):sqs:\(queue.region ?? scope.region):\(queue.account):\(queue.deadLetterName)"], [])
        case .alertTopic:
            guard let topic = configuration.alerts.snsTopicArn else { return .notConfigured("alerts.snsTopicArn") }
            return .statement([topic.description], [])
        case .newManagedServers:
            return .statement(["*"], [requestTagged])
        case .newManagedUsers:
            return .statement(["\(transfer):server/*"], [resourceTagged, requestTagged])
        case .managedServers:
            return .statement(["\(transfer):server/*"], [resourceTagged])
        case .managedUsers:
            return .statement(["\(transfer):user/*"], [resourceTagged])
        case .userRole:
            guard let role = configuration.sftp.userRole else { return .notConfigured("sftp.userRole") }
            return .statement([role.description], [passedToTransfer])
        case .loggingRole:
            guard let role = configuration.sftp.loggingRole else { return .notConfigured("sftp.loggingRole") }
            return .statement([role.description], [passedToTransfer])
        case .metricNamespace:
            return .statement(["*"], [.init("StringEquals", "cloudwatch:namespace", [configuration.namespace])])
        case .managedAlarms:
            let prefix = "\(configuration.namespace)-\(configuration.environment)-"
            return .statement(["\(arn):cloudwatch:\(scope.region):\(scope.account):alarm:\(prefix)*"], [])
        case .anyAlarm:
            return .statement(["*"], [])
        case .environmentDashboards:
            return .statement(["\(arn):cloudwatch::\(scope.account):dashboard/*-\(configuration.environment)"], [])
        case .noResourceType:
            return .statement(["*"], [])
        }
    }
}
