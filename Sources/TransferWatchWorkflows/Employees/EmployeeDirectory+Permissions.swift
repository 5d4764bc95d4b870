import TransferWatchAWS

extension EmployeeDirectory {
    /// The directory's only call: a Scan of the employees table. It never writes to it.
    package static let permissions = PermissionSet(
        "employee directory",
        [
            OperationUse(DynamoDBClient.Operations.scan, on: .employeesTable)
        ])
}
