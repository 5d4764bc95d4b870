import Logging
import TransferWatchAWS

/// Reads the employees table (kept by the administrators) into an ``EmployeeRoster``: who gets an SFTP user,
/// who is inactive, and which records are skipped and why.
///
/// One paginated, strongly consistent Scan (an employee added a second ago is seen); at 10,000 employees with
/// RSA keys that is about 6 MB, six or seven 1 MB pages. Nothing is written.
///
/// ```swift
/// let directory = EmployeeDirectory(dynamo: dynamo, table: configuration.tables.employees, logger: logger)
/// let roster = try await directory.load()
/// for employee in roster.valid { /* create a user */ }
/// for record in roster.skipped { print(record) }   // employee 'bob' skipped: 'sshPublicKey' is not usable: …
/// ```
package struct EmployeeDirectory: Sendable {
    /// The client the table is read through.
    package let dynamo: DynamoDBClient
    /// The employees table's name (`tables.employees`).
    package let table: String
    /// Receives one info line per skipped record and a summary.
    package let logger: Logger
    /// Items per Scan page (`Limit`); `nil` lets DynamoDB fill 1 MB pages. Tests set it to force pagination.
    package var pageSize: Int?

    /// Creates a directory over the employees table `table`.
    package init(dynamo: DynamoDBClient, table: String, logger: Logger) {
        self.dynamo = dynamo
        self.table = table
        self.logger = logger
    }

    /// Scans the whole table and sorts its records.
    ///
    /// Each skipped record is logged at info with its reason; a summary follows.
    /// - Throws: ``AWSError`` when the scan fails (a missing table is `ResourceNotFoundException`).
    package func load() async throws(AWSError) -> EmployeeRoster {
        let items = try await dynamo.scanAll(table: table, limit: pageSize, consistentRead: true)
        let roster = EmployeeRoster(records: items)
        for record in roster.skipped {
            logger.info(
                "employee record skipped",
                metadata: [
                    "employees.table": "\(table)", "employee": "\(record.username ?? "")", "reason": "\(record.reason)",
                ])
        }
        logger.info(
            "employees loaded",
            metadata: [
                "employees.table": "\(table)", "employees.records": "\(items.count)",
                "employees.valid": "\(roster.valid.count)",
                "employees.inactive": "\(roster.inactive.count)", "employees.skipped": "\(roster.skipped.count)",
            ])
        return roster
    }
}
