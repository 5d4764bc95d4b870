import Foundation

/// A typed DynamoDB client (JSON 1.0, `DynamoDB_20120810`): items, conditional writes, queries and scans with
/// pagination, transactions, batch writes, and the few table operations provisioning needs.
///
/// A conditional write that fails is an answer, not a fault: it throws an ``AWSError`` whose
/// ``AWSError/isConditionalCheckFailure`` is true (never retried), carrying the old item when asked for.
///
/// ```swift
/// let dynamo = DynamoDBClient(context: context)
/// do {
///     try await dynamo.putItem(table: "TransferWatchState", item: ["pk": "window#2026-11", "delivered": 0],
///                              conditionExpression: "attribute_not_exists(pk)")
/// } catch where error.isConditionalCheckFailure {
///     // someone else created it first
/// }
/// ```
package struct DynamoDBClient: Sendable {
    /// An item or key.
    package typealias Item = DynamoDBItem

    /// The operations this client calls, with their IAM actions.
    package enum Operations {
        /// `DynamoDB.GetItem`.
        package static let getItem = AWSOperation(.dynamoDB, "GetItem")
        /// `DynamoDB.PutItem`.
        package static let putItem = AWSOperation(.dynamoDB, "PutItem")
        /// `DynamoDB.UpdateItem`.
        package static let updateItem = AWSOperation(.dynamoDB, "UpdateItem")
        /// `DynamoDB.DeleteItem`.
        package static let deleteItem = AWSOperation(.dynamoDB, "DeleteItem")
        /// `DynamoDB.Query`.
        package static let query = AWSOperation(.dynamoDB, "Query")
        /// `DynamoDB.Scan`.
        package static let scan = AWSOperation(.dynamoDB, "Scan")
        /// No `dynamodb:TransactWriteItems` action exists: IAM checks each action's own item action.
        package static let transactWriteItems = AWSOperation(
            .dynamoDB, "TransactWriteItems",
            iam: [
                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem",
            ])
        /// `DynamoDB.BatchWriteItem`.
        package static let batchWriteItem = AWSOperation(.dynamoDB, "BatchWriteItem")
        /// `DynamoDB.CreateTable`.
        package static let createTable = AWSOperation(.dynamoDB, "CreateTable")
        /// `DynamoDB.DescribeTable`.
        package static let describeTable = AWSOperation(.dynamoDB, "DescribeTable")
        /// `DynamoDB.DeleteTable`.
        package static let deleteTable = AWSOperation(.dynamoDB, "DeleteTable")
        /// `DynamoDB.UpdateTimeToLive`.
        package static let updateTimeToLive = AWSOperation(.dynamoDB, "UpdateTimeToLive")

        /// Every operation above.
        package static let all: [AWSOperation] = [
            getItem, putItem, updateItem, deleteItem, query, scan, transactWriteItems, batchWriteItem, createTable,
            describeTable, deleteTable, updateTimeToLive,
        ]
    }

    /// What a write returns (`ReturnValues`).
    package enum ReturnValues: String, Sendable, Codable {
        case none = "NONE"
        case allOld = "ALL_OLD"
        case updatedOld = "UPDATED_OLD"
        case allNew = "ALL_NEW"
        case updatedNew = "UPDATED_NEW"
    }

    /// What a failed condition returns (`ReturnValuesOnConditionCheckFailure`): with `allOld`, the error carries
    /// the item as it was (``AWSError/conditionalCheckFailureItem``).
    package enum ReturnValuesOnConditionCheckFailure: String, Sendable, Codable {
        case none = "NONE"
        case allOld = "ALL_OLD"
    }

    /// One page of a query or scan.
    package struct Page: Sendable, Equatable {
        /// The items of this page (after the filter).
        package var items: [Item]
        /// Items in this page (after the filter).
        package var count: Int
        /// Items read for this page (before the filter).
        package var scannedCount: Int
        /// Where the next page starts; `nil` only when there is nothing more.
        package var lastEvaluatedKey: Item?

        /// Makes a value from its parts.
        package init(items: [Item], count: Int, scannedCount: Int, lastEvaluatedKey: Item?) {
            self.items = items
            self.count = count
            self.scannedCount = scannedCount
            self.lastEvaluatedKey = lastEvaluatedKey
        }
    }

    /// The underlying AWS client.
    package let client: AWSClient

    /// A client for the context's DynamoDB endpoint.
    package init(context: AWSClient.Context) {
        client = AWSClient(service: .dynamoDB, context: context)
    }

    /// A client over an existing ``AWSClient`` (whose service must be DynamoDB).
    package init(client: AWSClient) {
        precondition(client.service == .dynamoDB, "DynamoDBClient needs a DynamoDB AWSClient")
        self.client = client
    }

    // MARK: Items

    /// Reads one item by its full key.
    ///
    /// - Returns: the item, or `nil` when there is none.
    package func getItem(
        table: String, key: Item, consistentRead: Bool = false, projection: String? = nil,
        names: [String: String] = [:]
    ) async throws(AWSError) -> Item? {
        let input = ItemInput(
            tableName: table, key: key, consistentRead: consistentRead ? true : nil, projectionExpression: projection,
            expressionAttributeNames: names.nonEmpty)
        return try await client.json(Operations.getItem, input) { (data) throws(JSONReaderError) in
            try Self.decodeItemOutput(data, member: .item)
        }
    }

    /// Writes a whole item, replacing any item with the same key.
    ///
    /// - Parameters:
    ///   - conditionExpression: the write happens only if this holds for the existing item (e.g. `attribute_not_exists(pk)`).
    ///   - returnValues: `.allOld` returns the replaced item.
    ///   - returnValuesOnConditionCheckFailure: `.allOld` puts the existing item into the error.
    /// - Returns: the old item when `returnValues` is `.allOld` and one existed.
    /// - Throws: ``AWSError``; a failed condition has ``AWSError/isConditionalCheckFailure`` set.
    @discardableResult
    package func putItem(
        table: String, item: Item, conditionExpression: String? = nil, names: [String: String] = [:],
        values: Item = [:],
        returnValues: ReturnValues? = nil,
        returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure? = nil
    ) async throws(AWSError) -> Item? {
        let input = ItemInput(
            tableName: table, item: item, conditionExpression: conditionExpression,
            expressionAttributeNames: names.nonEmpty,
            expressionAttributeValues: values.nonEmpty, returnValues: returnValues,
            returnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailure)
        return try await client.json(Operations.putItem, input) { (data) throws(JSONReaderError) in
            try Self.decodeItemOutput(data, member: .attributes)
        }
    }

    /// Updates (or creates) an item with an update expression such as `ADD attempts :one SET #s = :s`.
    ///
    /// An expression that adds (`ADD`, or `+`/`-` in a `SET`) is not idempotent: it is sent as
    /// ``AWSOperation/notIdempotent`` (never resent by the transport itself).
    ///
    /// - Returns: the attributes selected by `returnValues` (`nil` for `.none`).
    /// - Throws: ``AWSError``; a failed condition has ``AWSError/isConditionalCheckFailure`` set.
    @discardableResult
    package func updateItem(
        table: String, key: Item, updateExpression: String, conditionExpression: String? = nil,
        names: [String: String] = [:],
        values: Item = [:], returnValues: ReturnValues? = nil,
        returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure? = nil
    ) async throws(AWSError) -> Item? {
        let input = ItemInput(
            tableName: table, key: key, updateExpression: updateExpression, conditionExpression: conditionExpression,
            expressionAttributeNames: names.nonEmpty, expressionAttributeValues: values.nonEmpty,
            returnValues: returnValues,
            returnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailure)
        let operation = Self.adds(updateExpression) ? Operations.updateItem.notIdempotent : Operations.updateItem
        return try await client.json(operation, input) { (data) throws(JSONReaderError) in
            try Self.decodeItemOutput(data, member: .attributes)
        }
    }

    /// Whether an update expression changes a value relative to itself (`ADD`, or arithmetic in a `SET`), so
    /// that applying it twice differs from applying it once. Attribute names with `+` or `-` must be written
    /// as `#placeholders` in expressions, so those characters are arithmetic here.
    static func adds(_ updateExpression: String) -> Bool {
        if updateExpression.contains("+") || updateExpression.contains("-") { return true }
        return updateExpression.split(whereSeparator: { !$0.isLetter && $0 != "_" }).contains {
            $0.uppercased() == "ADD"
        }
    }

    /// Deletes an item (deleting a missing item succeeds).
    ///
    /// - Returns: the deleted item when `returnValues` is `.allOld` and one existed.
    /// - Throws: ``AWSError``; a failed condition has ``AWSError/isConditionalCheckFailure`` set.
    @discardableResult
    package func deleteItem(
        table: String, key: Item, conditionExpression: String? = nil, names: [String: String] = [:], values: Item = [:],
        returnValues: ReturnValues? = nil,
        returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure? = nil
    ) async throws(AWSError) -> Item? {
        let input = ItemInput(
            tableName: table, key: key, conditionExpression: conditionExpression,
            expressionAttributeNames: names.nonEmpty,
            expressionAttributeValues: values.nonEmpty, returnValues: returnValues,
            returnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailure)
        return try await client.json(Operations.deleteItem, input) { (data) throws(JSONReaderError) in
            try Self.decodeItemOutput(data, member: .attributes)
        }
    }

    // MARK: Query and scan

    /// Reads one page of the items matching a key condition.
    ///
    /// A page holds at most `limit` items or 1 MB read *before* the filter, so it may be empty and still have
    /// more after it: continue while ``Page/lastEvaluatedKey`` is set (or use ``queryAll(table:index:keyCondition:filter:projection:names:values:limit:scanForward:consistentRead:)``).
    package func query(
        table: String, index: String? = nil, keyCondition: String, filter: String? = nil, projection: String? = nil,
        names: [String: String] = [:], values: Item = [:], exclusiveStartKey: Item? = nil, limit: Int? = nil,
        scanForward: Bool = true, consistentRead: Bool = false
    ) async throws(AWSError) -> Page {
        let input = ReadInput(
            tableName: table, indexName: index, keyConditionExpression: keyCondition, filterExpression: filter,
            projectionExpression: projection, expressionAttributeNames: names.nonEmpty,
            expressionAttributeValues: values.nonEmpty,
            exclusiveStartKey: exclusiveStartKey, limit: limit, scanIndexForward: scanForward ? nil : false,
            consistentRead: consistentRead ? true : nil)
        return try await client.json(Operations.query, input) { (data) throws(JSONReaderError) in try Self.decodePage(data) }
    }

    /// Reads one page of a scan (optionally one segment of a parallel scan).
    ///
    /// - Parameters:
    ///   - segment: this worker's segment, `0..<totalSegments`; give both or neither.
    package func scan(
        table: String, index: String? = nil, filter: String? = nil, projection: String? = nil,
        names: [String: String] = [:],
        values: Item = [:], exclusiveStartKey: Item? = nil, limit: Int? = nil, segment: Int? = nil,
        totalSegments: Int? = nil,
        consistentRead: Bool = false
    ) async throws(AWSError) -> Page {
        guard (segment == nil) == (totalSegments == nil) else {
            throw refused(Operations.scan, "segment and totalSegments must be given together")
        }
        if let segment, let totalSegments, !(0..<totalSegments).contains(segment) {
            throw refused(Operations.scan, "segment \(segment) is outside 0..<\(totalSegments)")
        }
        let input = ReadInput(
            tableName: table, indexName: index, filterExpression: filter, projectionExpression: projection,
            expressionAttributeNames: names.nonEmpty, expressionAttributeValues: values.nonEmpty,
            exclusiveStartKey: exclusiveStartKey,
            limit: limit, consistentRead: consistentRead ? true : nil, segment: segment, totalSegments: totalSegments)
        return try await client.json(Operations.scan, input) { (data) throws(JSONReaderError) in try Self.decodePage(data) }
    }

    /// Every item matching a key condition: follows `LastEvaluatedKey` until it is absent (empty pages included).
    ///
    /// - Parameter limit: the page size asked for.
    /// - Throws: ``AWSError``; also when the service sends back the key it was given (a loop that would never end).
    package func queryAll(
        table: String, index: String? = nil, keyCondition: String, filter: String? = nil, projection: String? = nil,
        names: [String: String] = [:], values: Item = [:], limit: Int? = nil, scanForward: Bool = true,
        consistentRead: Bool = false
    ) async throws(AWSError) -> [Item] {
        try await collectPages(Operations.query) { (startKey) async throws(AWSError) -> Page in
            try await query(
                table: table, index: index, keyCondition: keyCondition, filter: filter, projection: projection,
                names: names,
                values: values, exclusiveStartKey: startKey, limit: limit, scanForward: scanForward,
                consistentRead: consistentRead)
        }
    }

    /// Every item of a scan (or of one segment): follows `LastEvaluatedKey` until it is absent.
    package func scanAll(
        table: String, index: String? = nil, filter: String? = nil, projection: String? = nil,
        names: [String: String] = [:],
        values: Item = [:], limit: Int? = nil, segment: Int? = nil, totalSegments: Int? = nil,
        consistentRead: Bool = false
    ) async throws(AWSError) -> [Item] {
        try await collectPages(Operations.scan) { (startKey) async throws(AWSError) -> Page in
            try await scan(
                table: table, index: index, filter: filter, projection: projection, names: names, values: values,
                exclusiveStartKey: startKey, limit: limit, segment: segment, totalSegments: totalSegments,
                consistentRead: consistentRead)
        }
    }

    private func collectPages(
        _ operation: AWSOperation,
        _ fetch: (Item?) async throws(AWSError) -> Page
    ) async throws(AWSError) -> [Item] {
        var items: [Item] = []
        var startKey: Item?
        repeat {
            let page = try await fetch(startKey)
            items += page.items
            if let next = page.lastEvaluatedKey, next == startKey {
                throw AWSError(
                    kind: .malformedResponse, service: client.service.id, operation: operation.name,
                    code: "PaginationLoop",
                    message: "the same LastEvaluatedKey came back twice: \(next.sorted { $0.key < $1.key })")
            }
            startKey = page.lastEvaluatedKey
        } while startKey != nil
        return items
    }

    // MARK: Helpers

    /// The error for input refused before anything was sent.
    func refused(_ operation: AWSOperation, _ message: String) -> AWSError {
        AWSError(
            kind: .invalidRequest, service: client.service.id, operation: operation.name, code: "ParamValidationError",
            message: message, attempts: 0)
    }
}

// MARK: Wire shapes

/// The input of GetItem, PutItem, UpdateItem and DeleteItem (absent fields are not sent).
private struct ItemInput: Encodable {
    var tableName: String
    var key: DynamoDBItem?
    var item: DynamoDBItem?
    var updateExpression: String?
    var conditionExpression: String?
    var consistentRead: Bool?
    var projectionExpression: String?
    var expressionAttributeNames: [String: String]?
    var expressionAttributeValues: DynamoDBItem?
    var returnValues: DynamoDBClient.ReturnValues?
    var returnValuesOnConditionCheckFailure: DynamoDBClient.ReturnValuesOnConditionCheckFailure?

    init(
        tableName: String, key: DynamoDBItem? = nil, item: DynamoDBItem? = nil, updateExpression: String? = nil,
        conditionExpression: String? = nil,
        consistentRead: Bool? = nil, projectionExpression: String? = nil,
        expressionAttributeNames: [String: String]? = nil,
        expressionAttributeValues: DynamoDBItem? = nil, returnValues: DynamoDBClient.ReturnValues? = nil,
        returnValuesOnConditionCheckFailure: DynamoDBClient.ReturnValuesOnConditionCheckFailure? = nil
    ) {
        self.tableName = tableName
        self.key = key
        self.item = item
        self.updateExpression = updateExpression
        self.conditionExpression = conditionExpression
        self.consistentRead = consistentRead
        self.projectionExpression = projectionExpression
        self.expressionAttributeNames = expressionAttributeNames
        self.expressionAttributeValues = expressionAttributeValues
        self.returnValues = returnValues
        self.returnValuesOnConditionCheckFailure = returnValuesOnConditionCheckFailure
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case key = "Key"
        case item = "Item"
        case updateExpression = "UpdateExpression"
        case conditionExpression = "ConditionExpression"
        case consistentRead = "ConsistentRead"
        case projectionExpression = "ProjectionExpression"
        case expressionAttributeNames = "ExpressionAttributeNames"
        case expressionAttributeValues = "ExpressionAttributeValues"
        case returnValues = "ReturnValues"
        case returnValuesOnConditionCheckFailure = "ReturnValuesOnConditionCheckFailure"
    }
}

/// The input of Query and Scan.
private struct ReadInput: Encodable {
    var tableName: String
    var indexName: String?
    var keyConditionExpression: String?
    var filterExpression: String?
    var projectionExpression: String?
    var expressionAttributeNames: [String: String]?
    var expressionAttributeValues: DynamoDBItem?
    var exclusiveStartKey: DynamoDBItem?
    var limit: Int?
    var scanIndexForward: Bool?
    var consistentRead: Bool?
    var segment: Int?
    var totalSegments: Int?

    init(
        tableName: String, indexName: String?, keyConditionExpression: String? = nil, filterExpression: String?,
        projectionExpression: String?,
        expressionAttributeNames: [String: String]?, expressionAttributeValues: DynamoDBItem?,
        exclusiveStartKey: DynamoDBItem?, limit: Int?,
        scanIndexForward: Bool? = nil, consistentRead: Bool?, segment: Int? = nil, totalSegments: Int? = nil
    ) {
        self.tableName = tableName
        self.indexName = indexName
        self.keyConditionExpression = keyConditionExpression
        self.filterExpression = filterExpression
        self.projectionExpression = projectionExpression
        self.expressionAttributeNames = expressionAttributeNames
        self.expressionAttributeValues = expressionAttributeValues
        self.exclusiveStartKey = exclusiveStartKey
        self.limit = limit
        self.scanIndexForward = scanIndexForward
        self.consistentRead = consistentRead
        self.segment = segment
        self.totalSegments = totalSegments
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName"
        case indexName = "IndexName"
        case keyConditionExpression = "KeyConditionExpression"
        case filterExpression = "FilterExpression"
        case projectionExpression = "ProjectionExpression"
        case expressionAttributeNames = "ExpressionAttributeNames"
        case expressionAttributeValues = "ExpressionAttributeValues"
        case exclusiveStartKey = "ExclusiveStartKey"
        case limit = "Limit"
        case scanIndexForward = "ScanIndexForward"
        case consistentRead = "ConsistentRead"
        case segment = "Segment"
        case totalSegments = "TotalSegments"
    }
}

extension Dictionary {
    /// `nil` for an empty dictionary (DynamoDB refuses empty `ExpressionAttributeValues`).
    fileprivate var nonEmpty: Self? { isEmpty ? nil : self }
}
