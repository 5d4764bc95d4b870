import Foundation

/// One DynamoDB attribute value in its typed wire form (`{"S":"…"}`, `{"N":"12"}`, `{"M":{…}}`, …).
///
/// Numbers stay the decimal strings DynamoDB sends (38 digits of precision survive untouched), binary values
/// are `Data` (base64 on the wire), and decoding then encoding a value gives back the same JSON.
///
/// ```swift
/// let item: DynamoDBItem = ["username": "alice", "active": true, "uploads": .number(3)]
/// item["uploads"]?.intValue  // 3
/// ```
package indirect enum DynamoDBAttributeValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `S`: a string.
    case s(String)
    /// `N`: a number, as its decimal text.
    case n(String)
    /// `B`: binary data.
    case b(Data)
    /// `SS`: a string set.
    case ss([String])
    /// `NS`: a number set, as decimal texts.
    case ns([String])
    /// `BS`: a binary set.
    case bs([Data])
    /// `M`: a map of attribute values.
    case m([String: DynamoDBAttributeValue])
    /// `L`: a list of attribute values.
    case l([DynamoDBAttributeValue])
    /// `NULL`: the null value.
    case null
    /// `BOOL`: a Boolean.
    case bool(Bool)

    /// A number from an integer.
    package static func number<Number: BinaryInteger>(_ value: Number) -> DynamoDBAttributeValue { .n(String(value)) }

    /// A number from a `Double` (finite values only: DynamoDB has no NaN or infinity).
    package static func number(_ value: Double) -> DynamoDBAttributeValue {
        precondition(value.isFinite, "DynamoDB numbers must be finite")
        return .n(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)")
    }

    /// A number set from integers.
    package static func numberSet<Number: BinaryInteger>(_ values: [Number]) -> DynamoDBAttributeValue {
        .ns(values.map { String($0) })
    }

    /// The wire type tag: `S`, `N`, `B`, `SS`, `NS`, `BS`, `M`, `L`, `NULL` or `BOOL`.
    package var typeTag: String {
        switch self {
        case .s: "S"
        case .n: "N"
        case .b: "B"
        case .ss: "SS"
        case .ns: "NS"
        case .bs: "BS"
        case .m: "M"
        case .l: "L"
        case .null: "NULL"
        case .bool: "BOOL"
        }
    }

    // MARK: Accessors

    /// The string of an `S` value.
    package var stringValue: String? {
        if case .s(let value) = self { return value }
        return nil
    }

    /// The decimal text of an `N` value.
    package var numberText: String? {
        if case .n(let value) = self { return value }
        return nil
    }

    /// An `N` value as an `Int`, when it is an integer that fits.
    package var intValue: Int? { numberText.flatMap { Int($0) } }

    /// An `N` value as a `Double` (possibly rounded).
    package var doubleValue: Double? { numberText.flatMap { Double($0) } }

    /// An `N` value as a `Decimal` (exact up to Decimal's 38 digits).
    package var decimalValue: Decimal? {
        numberText.flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }
    }

    /// The data of a `B` value.
    package var dataValue: Data? {
        if case .b(let value) = self { return value }
        return nil
    }

    /// The Boolean of a `BOOL` value.
    package var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// Whether this is the `NULL` value.
    package var isNull: Bool { self == .null }

    /// The strings of an `SS` value.
    package var stringSetValue: [String]? {
        if case .ss(let value) = self { return value }
        return nil
    }

    /// The decimal texts of an `NS` value.
    package var numberSetValue: [String]? {
        if case .ns(let value) = self { return value }
        return nil
    }

    /// The data values of a `BS` value.
    package var binarySetValue: [Data]? {
        if case .bs(let value) = self { return value }
        return nil
    }

    /// The entries of an `M` value.
    package var mapValue: [String: DynamoDBAttributeValue]? {
        if case .m(let value) = self { return value }
        return nil
    }

    /// The elements of an `L` value.
    package var listValue: [DynamoDBAttributeValue]? {
        if case .l(let value) = self { return value }
        return nil
    }

    /// An entry of an `M` value.
    package subscript(key: String) -> DynamoDBAttributeValue? { mapValue?[key] }

    // MARK: Codable

    private struct TypeKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes the wire form.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TypeKey.self)
        let keys = container.allKeys
        guard keys.count == 1, let key = keys.first else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "an attribute value has exactly one type key, found \(keys.map(\.stringValue).sorted())"))
        }
        switch key.stringValue {
        case "S": self = .s(try container.decode(String.self, forKey: key))
        case "N": self = .n(try container.decode(String.self, forKey: key))
        case "B":
            self = .b(try Self.decodeBase64(container.decode(String.self, forKey: key), at: decoder.codingPath + [key]))
        case "SS": self = .ss(try container.decode([String].self, forKey: key))
        case "NS": self = .ns(try container.decode([String].self, forKey: key))
        case "BS":
            self = .bs(
                try container.decode([String].self, forKey: key).map {
                    try Self.decodeBase64($0, at: decoder.codingPath + [key])
                })
        case "M": self = .m(try container.decode([String: DynamoDBAttributeValue].self, forKey: key))
        case "L": self = .l(try container.decode([DynamoDBAttributeValue].self, forKey: key))
        case "NULL":
            guard try container.decode(Bool.self, forKey: key) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "NULL must be true")
            }
            self = .null
        case "BOOL": self = .bool(try container.decode(Bool.self, forKey: key))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "unknown attribute type \(key.stringValue)")
        }
    }

    /// Encodes the wire form.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        let key = TypeKey(typeTag)
        switch self {
        case .s(let value), .n(let value): try container.encode(value, forKey: key)
        case .b(let value): try container.encode(value.base64EncodedString(), forKey: key)
        case .ss(let values), .ns(let values): try container.encode(values, forKey: key)
        case .bs(let values): try container.encode(values.map { $0.base64EncodedString() }, forKey: key)
        case .m(let value): try container.encode(value, forKey: key)
        case .l(let value): try container.encode(value, forKey: key)
        case .null: try container.encode(true, forKey: key)
        case .bool(let value): try container.encode(value, forKey: key)
        }
    }

    private static func decodeBase64(_ text: String, at path: [any CodingKey]) throws -> Data {
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "binary value is not base64"))
        }
        return data
    }

    /// A short, readable form for logs and test failures.
    package var description: String {
        switch self {
        case .s(let value): "S(\(value.debugDescription))"
        case .n(let value): "N(\(value))"
        case .b(let value): "B(\(value.count) bytes)"
        case .ss(let values): "SS(\(values))"
        case .ns(let values): "NS(\(values))"
        case .bs(let values): "BS(\(values.count) values)"
        case .m(let value):
            "M(\(value.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")))"
        case .l(let values): "L(\(values.map(\.description).joined(separator: ", ")))"
        case .null: "NULL"
        case .bool(let value): "BOOL(\(value))"
        }
    }
}

extension DynamoDBAttributeValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// A string literal is an `S` value.
    package init(stringLiteral value: String) { self = .s(value) }
    /// An integer literal is an `N` value.
    package init(integerLiteral value: Int) { self = .n(String(value)) }
    /// A Boolean literal is a `BOOL` value.
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An array literal is an `L` value.
    package init(arrayLiteral elements: DynamoDBAttributeValue...) { self = .l(elements) }
    /// A dictionary literal is an `M` value.
    package init(dictionaryLiteral elements: (String, DynamoDBAttributeValue)...) {
        self = .m(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// A DynamoDB item (or key): attribute names to values.
package typealias DynamoDBItem = [String: DynamoDBAttributeValue]
