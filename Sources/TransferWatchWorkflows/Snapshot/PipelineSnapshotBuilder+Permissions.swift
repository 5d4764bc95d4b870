import TransferWatchAWS

extension PipelineSnapshotBuilder {
    /// Every AWS call a snapshot makes, all reads: the state table's items (`GetItem`, `Query`), the employees
    /// (`Scan`), the managed servers (`ListServers`, `DescribeServer` on managed servers only), and whether each
    /// failed key still waits in the source bucket (`HeadObject`: `s3:GetObject`, with `s3:ListBucket` so a
    /// missing key is a 404).
    package static let permissions = PermissionSet(
        "pipeline snapshot",
        [
            OperationUse(DynamoDBClient.Operations.getItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.query, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.scan, on: .employeesTable),
            OperationUse(TransferClient.Operations.listServers, on: .noResourceType),
            OperationUse(TransferClient.Operations.describeServer, on: .managedServers),
            OperationUse(
                S3Client.Operations.headObject,
                ["s3:GetObject": [.sourceObjects], "s3:ListBucket": [.sourceBucket]]),
        ])
}
