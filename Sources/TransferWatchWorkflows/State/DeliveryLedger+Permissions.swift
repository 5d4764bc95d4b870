import TransferWatchAWS

extension DeliveryLedger {
    /// The one call counting a delivery makes (``recordDelivery(window:username:key:at:)``): a transaction that
    /// checks the employees table (`ConditionCheckItem`), puts the delivery item and updates the window item.
    /// It never deletes, so `TransactWriteItems`' `dynamodb:DeleteItem` is granted nowhere.
    package static let countingPermissions = PermissionSet(
        "delivery counting",
        [
            OperationUse(
                DynamoDBClient.Operations.transactWriteItems,
                [
                    "dynamodb:ConditionCheckItem": [.employeesTable],
                    "dynamodb:PutItem": [.stateTable],
                    "dynamodb:UpdateItem": [.stateTable],
                    "dynamodb:DeleteItem": [],
                ])
        ])

    /// Every call of the ledger: opening (`PutItem`), closing (`UpdateItem`) and reading (`GetItem`) a window,
    /// listing who delivered (`Query`), and counting (``countingPermissions``). All on the state table, but for the
    /// transaction's check of the employees table.
    package static let permissions = PermissionSet(
        "delivery ledger",
        [
            OperationUse(DynamoDBClient.Operations.putItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.updateItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.getItem, on: .stateTable),
            OperationUse(DynamoDBClient.Operations.query, on: .stateTable),
        ] + countingPermissions.uses)
}
