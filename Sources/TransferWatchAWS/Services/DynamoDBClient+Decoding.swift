import Foundation

// DynamoDB's item-bearing answers, read by hand with ``JSONReader``: on the copy path, `JSONDecoder` cost more
// CPU decoding Query and Scan pages than the rest of the call. The answers are the same as the `JSONDecoder`
// path in DynamoDBClient+LegacyDecoding.swift (DynamoDBDecodingDifferentialTests compares them): unknown
// members are skipped, a repeated member or map key keeps its first value, `null` for an optional member is
// absence, and numbers in `N` keep their exact text.

extension DynamoDBClient {
    /// Which member of a single-item answer holds the item.
    enum ItemMember: String {
        /// GetItem's `Item`.
        case item = "Item"
        /// PutItem's, UpdateItem's and DeleteItem's `Attributes`.
        case attributes = "Attributes"
    }

    /// The item of a GetItem answer (`Item`) or a write's answer (`Attributes`); an empty body has none.
    ///
    /// - Throws: ``JSONReaderError`` for malformed JSON or a malformed item.
    static func decodeItemOutput(_ data: Data, member: ItemMember) throws(JSONReaderError) -> Item? {
        if data.isEmpty { return nil }
        return try JSONReader.read(data) { (json) throws(JSONReaderError) -> Item? in
            try json.readOptionalMember(member.rawValue) { (json) throws(JSONReaderError) -> Item in
                try DynamoDBAttributeValue.readItem(&json)
            }
        }
    }

    /// A Query or Scan page: `Items`, `Count`, `ScannedCount` (each count defaults to the items read) and
    /// `LastEvaluatedKey` (an empty key is no key); an empty body is an empty last page.
    ///
    /// - Throws: ``JSONReaderError`` for malformed JSON or a malformed item.
    static func decodePage(_ data: Data) throws(JSONReaderError) -> Page {
        var items: [Item]?
        var count: Int?
        var scannedCount: Int?
        var lastEvaluatedKey: Item?
        if !data.isEmpty {
            try JSONReader.read(data) { (json) throws(JSONReaderError) in
                var seen: (items: Bool, count: Bool, scannedCount: Bool, lastEvaluatedKey: Bool)
                seen = (false, false, false, false)
                try json.beginObject()
                while let key = try json.nextKey() {
                    switch key {
                    case "Items" where !seen.items:
                        seen.items = true
                        if try json.readNullIfPresent() { continue }
                        var page: [Item] = []
                        try json.beginArray()
                        while try json.nextElement() { page.append(try DynamoDBAttributeValue.readItem(&json)) }
                        items = page
                    case "Count" where !seen.count:
                        seen.count = true
                        if try json.readNullIfPresent() { continue }
                        count = try json.readInt()
                    case "ScannedCount" where !seen.scannedCount:
                        seen.scannedCount = true
                        if try json.readNullIfPresent() { continue }
                        scannedCount = try json.readInt()
                    case "LastEvaluatedKey" where !seen.lastEvaluatedKey:
                        seen.lastEvaluatedKey = true
                        if try json.readNullIfPresent() { continue }
                        lastEvaluatedKey = try DynamoDBAttributeValue.readItem(&json)
                    default:
                        try json.skipValue()
                    }
                }
            }
        }
        let pageItems = items ?? []
        return Page(
            items: pageItems, count: count ?? pageItems.count, scannedCount: scannedCount ?? pageItems.count,
            lastEvaluatedKey: lastEvaluatedKey.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The `Item` of a `ConditionalCheckFailedException` body, `nil` when it has none.
    ///
    /// - Throws: ``JSONReaderError`` for malformed JSON or a malformed item.
    static func decodeConditionalFailureItem(_ data: Data) throws(JSONReaderError) -> Item? {
        try JSONReader.read(data) { (json) throws(JSONReaderError) -> Item? in
            try json.readOptionalMember("Item") { (json) throws(JSONReaderError) -> Item in
                try DynamoDBAttributeValue.readItem(&json)
            }
        }
    }

    /// The `CancellationReasons` of a `TransactionCanceledException` body, `nil` when it has none.
    ///
    /// - Throws: ``JSONReaderError`` for malformed JSON, or a reason without its `Code` or with a malformed item.
    static func decodeCancellationReasons(_ data: Data) throws(JSONReaderError) -> [DynamoDBCancellationReason]? {
        try JSONReader.read(data) { (json) throws(JSONReaderError) -> [DynamoDBCancellationReason]? in
            try json.readOptionalMember("CancellationReasons") {
                (json) throws(JSONReaderError) -> [DynamoDBCancellationReason] in
                var reasons: [DynamoDBCancellationReason] = []
                try json.beginArray()
                while try json.nextElement() { reasons.append(try readCancellationReason(&json)) }
                return reasons
            }
        }
    }

    private static func readCancellationReason(_ json: inout JSONReader) throws(JSONReaderError)
        -> DynamoDBCancellationReason
    {
        let start = json.valueOffset()
        var code: String?
        var message: String?
        var item: Item?
        var seen: (code: Bool, message: Bool, item: Bool) = (false, false, false)
        try json.beginObject()
        while let key = try json.nextKey() {
            switch key {
            case "Code" where !seen.code:
                seen.code = true
                code = try json.readString()
            case "Message" where !seen.message:
                seen.message = true
                if try json.readNullIfPresent() { continue }
                message = try json.readString()
            case "Item" where !seen.item:
                seen.item = true
                if try json.readNullIfPresent() { continue }
                item = try DynamoDBAttributeValue.readItem(&json)
            default:
                try json.skipValue()
            }
        }
        guard let code else { throw JSONReaderError(offset: start, message: "a cancellation reason without its Code") }
        return DynamoDBCancellationReason(code: code, message: message, item: item)
    }
}

extension DynamoDBAttributeValue {
    /// Reads an item (or key, or `M` value): attribute names to values; a repeated name keeps its first value.
    ///
    /// - Throws: ``JSONReaderError`` for a non-object or a malformed value.
    static func readItem(_ json: inout JSONReader) throws(JSONReaderError) -> DynamoDBItem {
        // Items are small: members are gathered in a list (a repeat found by a linear scan, with the same
        // String equality a Dictionary uses) and hashed once each into a dictionary of the right size. Hashing
        // twice and regrowing cost a fifth of a Query page's decoding.
        var members: [(String, DynamoDBAttributeValue)] = []
        members.reserveCapacity(8)
        try json.beginObject()
        while let name = try json.nextKey() {
            if members.count >= 32 { return try readLargeItem(json: &json, members: members, next: name) }
            if members.contains(where: { $0.0 == name }) {
                try json.skipValue()
            } else {
                members.append((name, try read(&json)))
            }
        }
        return DynamoDBItem(uniqueKeysWithValues: members)
    }

    /// The rest of a map with more than 32 members, looked up in a dictionary as it grows.
    private static func readLargeItem(
        json: inout JSONReader, members: [(String, DynamoDBAttributeValue)], next: String
    ) throws(JSONReaderError) -> DynamoDBItem {
        var item = DynamoDBItem(uniqueKeysWithValues: members)
        var name: String? = next
        while let current = name {
            if item[current] != nil {
                try json.skipValue()
            } else {
                item[current] = try read(&json)
            }
            name = try json.nextKey()
        }
        return item
    }

    /// Reads one attribute value in its wire form (`{"S":"…"}`): exactly one known type key.
    ///
    /// - Throws: ``JSONReaderError`` for a non-object, no or several type keys, an unknown type, a value of the
    ///   wrong JSON type, `NULL` other than `true`, or binary that is not base64.
    static func read(_ json: inout JSONReader) throws(JSONReaderError) -> DynamoDBAttributeValue {
        let start = json.valueOffset()
        var value: DynamoDBAttributeValue?
        var tag: String?
        try json.beginObject()
        while let key = try json.nextKey() {
            if let tag {
                guard key == tag else {
                    throw JSONReaderError(
                        offset: start,
                        message: "an attribute value has exactly one type key, found \(tag) and \(key)")
                }
                try json.skipValue()  // a repeated key keeps its first value
                continue
            }
            tag = key
            value = try readTyped(key, &json, start: start)
        }
        guard let value else {
            throw JSONReaderError(offset: start, message: "an attribute value has exactly one type key, found none")
        }
        return value
    }

    private static func readTyped(_ tag: String, _ json: inout JSONReader, start: Int) throws(JSONReaderError)
        -> DynamoDBAttributeValue
    {
        switch tag {
        case "S": return .s(try json.readString())
        case "N": return .n(try json.readString())
        case "B": return .b(try readBase64(&json))
        case "SS": return .ss(try readStrings(&json))
        case "NS": return .ns(try readStrings(&json))
        case "BS":
            var values: [Data] = []
            try json.beginArray()
            while try json.nextElement() { values.append(try readBase64(&json)) }
            return .bs(values)
        case "M": return .m(try readItem(&json))
        case "L":
            var values: [DynamoDBAttributeValue] = []
            try json.beginArray()
            while try json.nextElement() { values.append(try read(&json)) }
            return .l(values)
        case "NULL":
            let at = json.valueOffset()
            guard try json.readBool() else { throw JSONReaderError(offset: at, message: "NULL must be true") }
            return .null
        case "BOOL": return .bool(try json.readBool())
        default:
            throw JSONReaderError(offset: start, message: "unknown attribute type \(tag.debugDescription)")
        }
    }

    private static func readStrings(_ json: inout JSONReader) throws(JSONReaderError) -> [String] {
        var values: [String] = []
        try json.beginArray()
        while try json.nextElement() { values.append(try json.readString()) }
        return values
    }

    private static func readBase64(_ json: inout JSONReader) throws(JSONReaderError) -> Data {
        let at = json.valueOffset()
        guard let data = Data(base64Encoded: try json.readString()) else {
            throw JSONReaderError(offset: at, message: "binary value is not base64")
        }
        return data
    }
}

extension JSONReader {
    /// Reads a top-level object and the first member named `name` with `read`; every other member (and any
    /// repeat of `name`) is skipped. A missing member or `null` is `nil`.
    fileprivate mutating func readOptionalMember<Value>(
        _ name: String, _ read: (inout JSONReader) throws(JSONReaderError) -> Value
    ) throws(JSONReaderError) -> Value? {
        var value: Value?
        var seen = false
        try beginObject()
        while let key = try nextKey() {
            if key == name, !seen {
                seen = true
                if try readNullIfPresent() { continue }
                value = try read(&self)
            } else {
                try skipValue()
            }
        }
        return value
    }
}
