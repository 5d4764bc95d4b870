import Foundation

extension DynamoDBAttributeValue {
    /// Writes the wire form (`{"S":"…"}`, `{"M":{…}}`, …), map keys sorted as ``AWSJSON/encoder`` sorts them.
    package func write(to json: inout JSONWriter) {
        json.object { json in
            json.member(typeTag) { json in
                switch self {
                case .s(let value), .n(let value): json.string(value)
                case .b(let value): json.string(value.base64EncodedString())
                case .ss(let values), .ns(let values): json.array { for value in values { $0.string(value) } }
                case .bs(let values): json.array { for value in values { $0.string(value.base64EncodedString()) } }
                case .m(let value): Self.write(value, to: &json)
                case .l(let values): json.array { json in for value in values { value.write(to: &json) } }
                case .null: json.bool(true)
                case .bool(let value): json.bool(value)
                }
            }
        }
    }

    /// Writes an item (or any attribute map) as a JSON object with sorted keys.
    package static func write(_ item: [String: DynamoDBAttributeValue], to json: inout JSONWriter) {
        json.object { json in
            for key in item.keys.sorted() {
                json.member(key) { item[key]!.write(to: &$0) }
            }
        }
    }
}

extension DynamoDBTransactWrite {
    /// The `TransactWriteItems` request body for `actions` (the document ``AWSJSON/encoder`` would write).
    static func requestBody(_ actions: [DynamoDBTransactWrite], clientRequestToken: String?) -> Data {
        var json = JSONWriter()
        json.object { json in
            if let clientRequestToken { json.member("ClientRequestToken") { $0.string(clientRequestToken) } }
            json.member("TransactItems") { json in
                json.array { json in
                    for action in actions { action.write(to: &json) }
                }
            }
        }
        return json.data
    }

    /// `{"Put":{…}}` and the like, members in sorted order.
    private func write(to json: inout JSONWriter) {
        let kind: String
        let table: String
        var key: DynamoDBItem?
        var item: DynamoDBItem?
        var updateExpression: String?
        let condition: String?
        let names: [String: String]
        let values: DynamoDBItem
        let returnOld: Bool
        switch self {
        case .put(let t, let i, let c, let n, let v, let r):
            (kind, table, item, condition, names, values, returnOld) = ("Put", t, i, c, n, v, r)
        case .update(let t, let k, let u, let c, let n, let v, let r):
            (kind, table, key, updateExpression, condition, names, values, returnOld) = ("Update", t, k, u, c, n, v, r)
        case .delete(let t, let k, let c, let n, let v, let r):
            (kind, table, key, condition, names, values, returnOld) = ("Delete", t, k, c, n, v, r)
        case .conditionCheck(let t, let k, let c, let n, let v, let r):
            (kind, table, key, condition, names, values, returnOld) = ("ConditionCheck", t, k, c, n, v, r)
        }
        json.object { json in
            json.member(kind) { json in
                json.object { json in
                    if let condition { json.member("ConditionExpression") { $0.string(condition) } }
                    if !names.isEmpty {
                        json.member("ExpressionAttributeNames") { json in
                            json.object { json in
                                for name in names.keys.sorted() { json.member(name) { $0.string(names[name]!) } }
                            }
                        }
                    }
                    if !values.isEmpty {
                        json.member("ExpressionAttributeValues") { DynamoDBAttributeValue.write(values, to: &$0) }
                    }
                    if let item { json.member("Item") { DynamoDBAttributeValue.write(item, to: &$0) } }
                    if let key { json.member("Key") { DynamoDBAttributeValue.write(key, to: &$0) } }
                    if returnOld {
                        json.member("ReturnValuesOnConditionCheckFailure") {
                            $0.string(DynamoDBClient.ReturnValuesOnConditionCheckFailure.allOld.rawValue)
                        }
                    }
                    json.member("TableName") { $0.string(table) }
                    if let updateExpression { json.member("UpdateExpression") { $0.string(updateExpression) } }
                }
            }
        }
    }
}
