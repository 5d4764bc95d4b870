import TransferWatchAWS

extension CopyOutcomeLog {
    /// Every call of the outcome log, all on the state table: a failure put (`PutItem`), a success flush
    /// (`UpdateItem … ADD`), and the snapshot's reads (`Query` of failures, `GetItem` of hourly counts).
    package static let permissions = PermissionSet(
        "copy outcomes",
        [
            OperationUse(DynamoDBClient.Operations.putItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.updateItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.query, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.getItem, on: .stateTable),
        ])
}

extension ProvisioningRunLog {
    /// The run log's calls on the state table: one `PutItem` per run, one `GetItem` per snapshot.
    package static let permissions = PermissionSet(
        "provisioning run log",
        [
            OperationUse(DynamoDBClient.Operations.putItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.getItem, on: .stateTable),
        ])
}
