import Foundation

/// A key attribute of a table: its name and scalar type.
package struct DynamoDBKeyAttribute: Sendable, Hashable {
    /// The scalar types a key may have.
    package enum ScalarType: String, Sendable, Hashable, Codable {
        case string = "S"
        case number = "N"
        case binary = "B"
    }

    /// The name.
    package var name: String
    /// The scalar type: `S`, `N` or `B`.
    package var type: ScalarType

    /// A key attribute called `name` of scalar type `type` (a string by default).
    package init(_ name: String, _ type: ScalarType = .string) {
        self.name = name
        self.type = type
    }
}

/// What `DescribeTable`/`CreateTable` say about a table.
package struct DynamoDBTableDescription: Sendable, Equatable, Decodable {
    /// A table's lifecycle state; the set is open, so unknown values are kept as they are.
    package struct Status: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The status as DynamoDB spells it.
        package var rawValue: String
        /// Wraps a status string, known or not.
        package init(rawValue: String) { self.rawValue = rawValue }

        /// `CREATING`.
        package static let creating = Status(rawValue: "CREATING")
        /// `UPDATING`.
        package static let updating = Status(rawValue: "UPDATING")
        /// `DELETING`.
        package static let deleting = Status(rawValue: "DELETING")
        /// `ACTIVE`.
        package static let active = Status(rawValue: "ACTIVE")
        /// `INACCESSIBLE_ENCRYPTION_CREDENTIALS`.
        package static let inaccessibleEncryptionCredentials = Status(rawValue: "INACCESSIBLE_ENCRYPTION_CREDENTIALS")
        /// `ARCHIVING`.
        package static let archiving = Status(rawValue: "ARCHIVING")
        /// `ARCHIVED`.
        package static let archived = Status(rawValue: "ARCHIVED")

        /// The wire value.
        package var description: String { rawValue }
    }

    /// The name.
    package var name: String
    /// `ACTIVE` once the table can be used.
    package var status: Status
    /// The table ARN.
    package var arn: String?
    /// DynamoDB's item count (refreshed about every six hours).
    package var itemCount: Int?
    /// When the table was created.
    package var creationDate: Date?
    /// `PAY_PER_REQUEST` or `PROVISIONED` (absent for old provisioned tables).
    package var billingMode: String?
    /// The partition key, then the sort key if any.
    package var keyAttributes: [DynamoDBKeyAttribute]

    /// The partition (hash) key.
    package var partitionKey: DynamoDBKeyAttribute? { keyAttributes.first }
    /// The sort (range) key.
    package var sortKey: DynamoDBKeyAttribute? { keyAttributes.count > 1 ? keyAttributes[1] : nil }

    /// Makes a value from its parts.
    package init(
        name: String, status: Status, arn: String? = nil, itemCount: Int? = nil, creationDate: Date? = nil,
        billingMode: String? = nil,
        keyAttributes: [DynamoDBKeyAttribute] = []
    ) {
        self.name = name
        self.status = status
        self.arn = arn
        self.itemCount = itemCount
        self.creationDate = creationDate
        self.billingMode = billingMode
        self.keyAttributes = keyAttributes
    }

    private enum CodingKeys: String, CodingKey {
        case name = "TableName"
        case status = "TableStatus"
        case arn = "TableArn"
        case itemCount = "ItemCount"
        case creationDate = "CreationDateTime"
        case billingModeSummary = "BillingModeSummary"
        case keySchema = "KeySchema"
        case attributeDefinitions = "AttributeDefinitions"
    }

    private struct BillingModeSummary: Decodable {
        var billingMode: String?
        enum CodingKeys: String, CodingKey { case billingMode = "BillingMode" }
    }

    /// Decodes the wire form.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        status = try container.decode(Status.self, forKey: .status)
        arn = try container.decodeIfPresent(String.self, forKey: .arn)
        itemCount = try container.decodeIfPresent(Int.self, forKey: .itemCount)
        creationDate = try container.decodeIfPresent(Date.self, forKey: .creationDate)
        billingMode = try container.decodeIfPresent(BillingModeSummary.self, forKey: .billingModeSummary)?.billingMode
        let schema = try container.decodeIfPresent([KeySchemaElement].self, forKey: .keySchema) ?? []
        let definitions = try container.decodeIfPresent([AttributeDefinition].self, forKey: .attributeDefinitions) ?? []
        let types = Dictionary(
            definitions.map { ($0.attributeName, $0.attributeType) }, uniquingKeysWith: { first, _ in first })
        keyAttributes = schema.sorted { $0.keyType == "HASH" && $1.keyType != "HASH" }.map {
            DynamoDBKeyAttribute($0.attributeName, types[$0.attributeName] ?? .string)
        }
    }
}

extension DynamoDBClient {
    /// Creates an on-demand (`PAY_PER_REQUEST`) table keyed by `partitionKey` and optionally `sortKey`.
    ///
    /// The table starts `CREATING`; ``waitUntilTableActive(name:pollInterval:maxAttempts:)`` waits for it.
    /// - Throws: ``AWSError``; `ResourceInUseException` when the table exists.
    @discardableResult
    package func createTable(
        name: String, partitionKey: DynamoDBKeyAttribute,
        sortKey: DynamoDBKeyAttribute? = nil
    ) async throws(AWSError) -> DynamoDBTableDescription {
        let keys = [partitionKey] + (sortKey.map { [$0] } ?? [])
        let input = CreateTableInput(
            tableName: name,
            attributeDefinitions: keys.map { AttributeDefinition(attributeName: $0.name, attributeType: $0.type) },
            keySchema: keys.enumerated().map {
                KeySchemaElement(attributeName: $0.element.name, keyType: $0.offset == 0 ? "HASH" : "RANGE")
            },
            billingMode: "PAY_PER_REQUEST")
        return try await client.json(Operations.createTable, input, as: TableOutput.self).tableDescription
    }

    /// Describes a table (its status above all).
    ///
    /// - Throws: ``AWSError``; `ResourceNotFoundException` (``AWSError/isNotFound``) when there is no such table.
    package func describeTable(name: String) async throws(AWSError) -> DynamoDBTableDescription {
        try await client.json(Operations.describeTable, TableNameInput(tableName: name), as: DescribeTableOutput.self)
            .table
    }

    /// Deletes a table (it goes `DELETING`, then disappears).
    @discardableResult
    package func deleteTable(name: String) async throws(AWSError) -> DynamoDBTableDescription {
        try await client.json(Operations.deleteTable, TableNameInput(tableName: name), as: TableOutput.self)
            .tableDescription
    }

    /// Polls `DescribeTable` until the table is `ACTIVE`, sleeping on the client's retry sleeper between polls.
    ///
    /// A table not found yet is polled again (a new table can take a moment to be visible); one that is being
    /// deleted fails at once.
    /// - Returns: the active table's description.
    /// - Throws: ``AWSError``; `WaiterTimeout` after `maxAttempts` polls, `TableDeleting` when it is going away.
    @discardableResult
    package func waitUntilTableActive(
        name: String, pollInterval: Duration = .seconds(2),
        maxAttempts: Int = 60
    ) async throws(AWSError) -> DynamoDBTableDescription {
        let operation = Operations.describeTable
        var lastStatus = "not found"
        for attempt in 1...max(1, maxAttempts) {
            do throws(AWSError) {
                let table = try await describeTable(name: name)
                if table.status == .active { return table }
                if table.status == .deleting {
                    throw AWSError(
                        service: client.service.id, operation: operation.name, code: "TableDeleting",
                        message: "table \(name) is being deleted, so it will never become ACTIVE", attempts: attempt)
                }
                lastStatus = table.status.rawValue
            } catch  where error.code == "ResourceNotFoundException" {
                lastStatus = "not found"
            }
            guard attempt < maxAttempts else { break }
            do {
                try await client.context.retry.sleeper.sleep(for: pollInterval)
            } catch {
                throw AWSError(
                    kind: .transport(.other), service: client.service.id, operation: operation.name, code: "Cancelled",
                    message: "cancelled while waiting for table \(name)", attempts: attempt)
            }
        }
        throw AWSError(
            service: client.service.id, operation: operation.name, code: "WaiterTimeout",
            message: "table \(name) was not ACTIVE after \(maxAttempts) polls (last: \(lastStatus))",
            attempts: maxAttempts)
    }

    /// Turns expiry on (or off) for the Number attribute `attribute` holding epoch seconds.
    package func updateTimeToLive(table: String, attribute: String, enabled: Bool = true) async throws(AWSError) {
        let input = UpdateTimeToLiveInput(
            tableName: table,
            timeToLiveSpecification: .init(attributeName: attribute, enabled: enabled))
        _ = try await client.json(Operations.updateTimeToLive, input, as: UpdateTimeToLiveOutput.self)
    }
}

// MARK: Wire shapes

private struct AttributeDefinition: Codable {
    var attributeName: String
    var attributeType: DynamoDBKeyAttribute.ScalarType
    enum CodingKeys: String, CodingKey {
        case attributeName = "AttributeName"
        case attributeType = "AttributeType"
    }
}

private struct KeySchemaElement: Codable {
    var attributeName: String
    var keyType: String
    enum CodingKeys: String, CodingKey {
        case attributeName = "AttributeName"
        case keyType = "KeyType"
    }
}

private struct CreateTableInput: Encodable {
    var tableName: String
    var attributeDefinitions: [AttributeDefinition]
    var keySchema: [KeySchemaElement]
    var billingMode: String
    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case attributeDefinitions = "AttributeDefinitions"
        case keySchema = "KeySchema"
        case billingMode = "BillingMode"
    }
}

private struct TableNameInput: Encodable {
    var tableName: String
    enum CodingKeys: String, CodingKey { case tableName = "TableName" }
}

private struct TableOutput: Decodable {
    var tableDescription: DynamoDBTableDescription
    enum CodingKeys: String, CodingKey { case tableDescription = "TableDescription" }
}

private struct DescribeTableOutput: Decodable {
    var table: DynamoDBTableDescription
    enum CodingKeys: String, CodingKey { case table = "Table" }
}

private struct UpdateTimeToLiveInput: Encodable {
    struct Specification: Codable {
        var attributeName: String
        var enabled: Bool
        enum CodingKeys: String, CodingKey {
            case attributeName = "AttributeName"
            case enabled = "Enabled"
        }
    }

    var tableName: String
    var timeToLiveSpecification: Specification
    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case timeToLiveSpecification = "TimeToLiveSpecification"
    }
}

private struct UpdateTimeToLiveOutput: Decodable {}
