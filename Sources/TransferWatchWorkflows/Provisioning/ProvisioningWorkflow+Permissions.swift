import TransferWatchAWS

extension ProvisioningWorkflow {
    /// Every AWS call provisioning makes and where (checked against real runs by `PermissionDriftTests`).
    ///
    /// - `CreateServer` only with the `transferwatch:managed=true` tag on the request, passing the logging role;
    ///   `CreateUser` only on a managed server, tagging the user managed, passing the user role.
    /// - `ListServers` and `DescribeServer` find a server a crashed run left tagged for the window (the tags come
    ///   from `DescribeServer`, which the policy allows on managed servers only: a server it refuses is not ours),
    ///   and `DescribeServer` polls the new server until it is ONLINE.
    /// - `DeleteServer` only when another run recorded the window's server while this one created a second, or
    ///   teardown closed the window meanwhile.
    /// - The state table's server, user and window items (`PutItem`, `UpdateItem`, `GetItem`, `Query`); the
    ///   employees come from ``EmployeeDirectory/permissions``.
    package static let permissions = PermissionSet(
        "provisioning",
        [
            OperationUse(
                TransferClient.Operations.createServer,
                [
                    "transfer:CreateServer": [.newManagedServers], "iam:PassRole": [.loggingRole],
                ]),
            OperationUse(TransferClient.Operations.listServers, on: .noResourceType),
            OperationUse(TransferClient.Operations.describeServer, on: .managedServers),
            OperationUse(
                TransferClient.Operations.createUser,
                [
                    "transfer:CreateUser": [.newManagedUsers], "iam:PassRole": [.userRole],
                ]),
            OperationUse(TransferClient.Operations.deleteServer, on: .managedServers),
            OperationUse(DynamoDBClient.Operations.putItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.updateItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.getItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.query, on: .stateTable),
        ] + EmployeeDirectory.permissions.uses)
}
