import Foundation

/// A message attribute of an SQS message or an SNS publish (`DataType` `String`, `Number`, `Binary`, SNS also
/// `String.Array`, optionally with a custom `.suffix`). One type for both: the services share the shape.
package struct MessageAttributeValue: Sendable, Hashable, Codable {
    /// `String`, `Number`, `Binary` (SNS also `String.Array`), optionally with a custom `.suffix`.
    package var dataType: String
    /// The value of a `String` or `Number` attribute.
    package var stringValue: String?
    /// The value of a `Binary` attribute.
    package var binaryValue: Data?

    /// Makes a value from its parts.
    package init(dataType: String, stringValue: String? = nil, binaryValue: Data? = nil) {
        self.dataType = dataType
        self.stringValue = stringValue
        self.binaryValue = binaryValue
    }

    /// A `String` attribute.
    package static func string(_ value: String) -> MessageAttributeValue {
        MessageAttributeValue(dataType: "String", stringValue: value)
    }
    /// A `Number` attribute (sent as its decimal text).
    package static func number(_ value: String) -> MessageAttributeValue {
        MessageAttributeValue(dataType: "Number", stringValue: value)
    }
    /// A `String.Array` attribute (SNS only: a JSON array in text, e.g. `["a", 1, true]`).
    package static func stringArray(_ json: String) -> MessageAttributeValue {
        MessageAttributeValue(dataType: "String.Array", stringValue: json)
    }
    /// A `Binary` attribute.
    package static func binary(_ value: Data) -> MessageAttributeValue {
        MessageAttributeValue(dataType: "Binary", binaryValue: value)
    }

    /// Whether the value travels as bytes (`Binary…` types) rather than text.
    package var isBinary: Bool { dataType.hasPrefix("Binary") }

    enum CodingKeys: String, CodingKey {
        case dataType = "DataType"
        case stringValue = "StringValue"
        case binaryValue = "BinaryValue"
    }
}

/// SQS's name for ``MessageAttributeValue``.
package typealias SQSMessageAttribute = MessageAttributeValue
/// SNS's name for ``MessageAttributeValue``.
package typealias SNSMessageAttribute = MessageAttributeValue
