import Foundation
import TransferWatchAWS
import TransferWatchRules

/// How alerting's values live in the state table: `pk`, `sk`, and the value as JSON in `body`, plus the
/// few attributes that conditional writes test (`sequence`, `leaseUntil`, `endsAt`).
enum StateItemCoding {
    static func item(pk: String, sk: String, _ value: some Encodable, extra: DynamoDBItem = [:]) -> DynamoDBItem {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Alerting's values are plain structs of strings, dates and numbers: encoding cannot fail.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var item: DynamoDBItem = ["pk": .s(pk), "sk": .s(sk), "body": .s(String(decoding: data, as: UTF8.self))]
        item.merge(extra) { _, new in new }
        return item
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from item: DynamoDBItem) throws(AlertingError) -> Value {
        let pk = item["pk"]?.stringValue ?? "?"
        let sk = item["sk"]?.stringValue ?? "?"
        guard let body = item["body"]?.stringValue else {
            throw .malformedItem(pk: pk, sk: sk, reason: "no body attribute")
        }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(body.utf8))
        } catch {
            throw .malformedItem(pk: pk, sk: sk, reason: oneLine(error))
        }
    }

    static func key(pk: String, sk: String) -> DynamoDBItem { ["pk": .s(pk), "sk": .s(sk)] }

    static func millis(_ date: Date) -> DynamoDBAttributeValue { .n(String(Int64(date.timeIntervalSince1970 * 1000))) }

    private static func oneLine(_ error: any Error) -> String {
        if let error = error as? DecodingError {
            switch error {
            case .keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                return "\(context.debugDescription) at '\(path)'"
            @unknown default: break
            }
        }
        return String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
