import TransferWatchAWS

/// One AWS operation a component calls, and the resources each of the operation's IAM actions is needed on.
///
/// The actions are never written here: they come from the ``AWSOperation`` the client calls through
/// (`S3Client.Operations.copyObject.iamActions` is `s3:GetObject`, `s3:PutObject`). A use only says where each
/// applies, and may leave one out on purpose with an empty list (the delivery transaction never deletes, so
/// `TransactWriteItems`' `dynamodb:DeleteItem` is granted nowhere).
package struct OperationUse: Sendable, Hashable {
    /// One IAM action of the operation and where it is needed.
    package struct Grant: Sendable, Hashable {
        /// One of the operation's ``AWSOperation/iamActions``.
        package var action: String
        /// Where it is needed; empty when this use never needs it.
        package var resources: [PolicyResource]
    }

    /// The operation, as the client calls it.
    package let operation: AWSOperation
    /// One grant per IAM action of the operation.
    package let grants: [Grant]

    /// Every IAM action of `operation`, on the same resources.
    package init(_ operation: AWSOperation, on resources: PolicyResource...) {
        self.operation = operation
        grants = operation.iamActions.map { Grant(action: $0, resources: resources) }
    }

    /// Each IAM action of `operation` on its own resources (`[]`: not needed by this use).
    ///
    /// Every action of the operation must be listed, and nothing else; ``problems`` reports a mismatch and a
    /// test runs it over every declared use.
    package init(_ operation: AWSOperation, _ grants: KeyValuePairs<String, [PolicyResource]>) {
        self.operation = operation
        self.grants = grants.map { Grant(action: $0.key, resources: $0.value) }
    }

    /// Declaration mistakes: an action of the operation with no grant, or a grant of an action the operation
    /// does not declare (an invented action could drift from what the client calls).
    package var problems: [String] {
        let declared = Set(operation.iamActions)
        let granted = Set(grants.map(\.action))
        return declared.subtracting(granted).sorted().map { "\(operation): \($0) is not granted or excluded" }
            + granted.subtracting(declared).sorted().map { "\(operation): \($0) is not one of its IAM actions" }
    }
}

/// The AWS calls one component of TransferWatch makes: the unit the least-privilege policy is assembled from.
///
/// Each component declares its set next to its code (``CopyWorkflow/permissions``,
/// ``DeliveryLedger/permissions``, ``EmployeeDirectory/permissions``, ``ProvisioningWorkflow/permissions``,
/// ``TeardownWorkflow/permissions``), and a test runs the component and checks
/// that every operation it sent (`AWSClient.Context.requestCounter`) is in its set, and every operation of the set
/// was sent, so the policy can neither miss a call nor grant one that is never made.
package struct PermissionSet: Sendable {
    /// The component, for notes and tests (`copy workflow`).
    package let component: String
    /// The operations the component sends.
    package let uses: [OperationUse]

    /// Creates a set.
    package init(_ component: String, _ uses: [OperationUse]) {
        self.component = component
        self.uses = uses
    }

    /// The operations of the set as `RequestCounter` names them (`S3.CopyObject`).
    package var operationNames: Set<String> { Set(uses.map { "\($0.operation)" }) }
}
