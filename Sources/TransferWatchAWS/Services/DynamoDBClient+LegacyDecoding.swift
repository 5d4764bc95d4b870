import Foundation

// The `JSONDecoder` path that DynamoDBClient+Decoding.swift replaced, kept (internal, unused by the client) so
// that DynamoDBDecodingDifferentialTests can require the hand-written reader to give the same answers.

extension DynamoDBClient {
    /// The item of a GetItem (`Item`) or write (`Attributes`) answer, decoded with `JSONDecoder` as
    /// ``AWSClient/json(_:_:as:compressionLevel:timeout:)`` decodes (an empty body reads as `{}`).
    static func legacyDecodeItemOutput(_ data: Data, member: ItemMember) throws -> Item? {
        let data = data.isEmpty ? Data("{}".utf8) : data
        switch member {
        case .item: return try AWSJSON.decoder.decode(ItemOutput.self, from: data).item
        case .attributes: return try AWSJSON.decoder.decode(AttributesOutput.self, from: data).attributes
        }
    }

    /// A Query or Scan page decoded with `JSONDecoder`.
    static func legacyDecodePage(_ data: Data) throws -> Page {
        try AWSJSON.decoder.decode(PageOutput.self, from: data.isEmpty ? Data("{}".utf8) : data).page
    }

    /// The `Item` of a `ConditionalCheckFailedException` body, decoded with `JSONDecoder`.
    static func legacyDecodeConditionalFailureItem(_ data: Data) throws -> Item? {
        try JSONDecoder().decode(ConditionalFailureBody.self, from: data).item
    }

    /// The `CancellationReasons` of a `TransactionCanceledException` body, decoded with `JSONDecoder`.
    static func legacyDecodeCancellationReasons(_ data: Data) throws -> [DynamoDBCancellationReason]? {
        try JSONDecoder().decode(CancellationBody.self, from: data).cancellationReasons
    }
}

private struct ItemOutput: Decodable {
    var item: DynamoDBItem?
    enum CodingKeys: String, CodingKey { case item = "Item" }
}

private struct AttributesOutput: Decodable {
    var attributes: DynamoDBItem?
    enum CodingKeys: String, CodingKey { case attributes = "Attributes" }
}

private struct PageOutput: Decodable {
    var items: [DynamoDBItem]?
    var count: Int?
    var scannedCount: Int?
    var lastEvaluatedKey: DynamoDBItem?

    enum CodingKeys: String, CodingKey {
        case items = "Items"
        case count = "Count"
        case scannedCount = "ScannedCount"
        case lastEvaluatedKey = "LastEvaluatedKey"
    }

    var page: DynamoDBClient.Page {
        let items = items ?? []
        return DynamoDBClient.Page(
            items: items, count: count ?? items.count, scannedCount: scannedCount ?? items.count,
            lastEvaluatedKey: lastEvaluatedKey.flatMap { $0.isEmpty ? nil : $0 })
    }
}


private struct ConditionalFailureBody: Decodable {
    var item: DynamoDBItem?
    enum CodingKeys: String, CodingKey { case item = "Item" }
}

private struct CancellationBody: Decodable {
    var cancellationReasons: [DynamoDBCancellationReason]?
    enum CodingKeys: String, CodingKey { case cancellationReasons = "CancellationReasons" }
}
