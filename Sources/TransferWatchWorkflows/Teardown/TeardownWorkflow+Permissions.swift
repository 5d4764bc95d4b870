import TransferWatchAWS

extension TeardownWorkflow {
    /// Every AWS call teardown makes and where (checked against a real run by `PermissionDriftTests`).
    ///
    /// - `ListServers` and `DescribeServer` find the managed servers (and so the orphans); `DescribeServer` is
    ///   allowed on managed servers only, and a server it refuses is not ours.
    /// - `DeleteUser` and `DeleteServer` on managed users and servers only: provisioning tags both.
    /// - The state table: the server, user and window items read (`GetItem`, `Query`), the server item marked
    ///   deleted and the window closed (`UpdateItem`), the user items marked deleted 25 at a time
    ///   (`BatchWriteItem`).
    package static let permissions = PermissionSet(
        "teardown",
        [
            OperationUse(TransferClient.Operations.listServers, on: .noResourceType),
            OperationUse(TransferClient.Operations.describeServer, on: .managedServers),
            OperationUse(TransferClient.Operations.deleteUser, on: .managedUsers),
            OperationUse(TransferClient.Operations.deleteServer, on: .managedServers),
            OperationUse(DynamoDBClient.Operations.getItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.query, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.updateItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.batchWriteItem, on: .stateTable),
        ])
}
