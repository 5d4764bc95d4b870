import Foundation

/// A value at run time: what an expression reads from the facts and what it produces.
///
/// `null` is an absent optional fact (no server yet, no error code). Objects appear only in the tree
/// given to ``FactValues/init(schema:values:)``; an expression never produces one.
/// The literal conformances make fact trees short to write:
///
/// ```swift
/// let copy: FactValue = ["result": "failed", "attempts": 3, "errorCode": nil]
/// ```
package enum FactValue: Sendable, Hashable {
    /// Absent.
    case null
    /// A bool.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A string.
    case string(String)
    /// A length of time.
    case duration(Duration)
    /// An instant.
    case timestamp(Date)
    /// A list whose elements share one type.
    case list([FactValue])
    /// A group of fields, by name; only in fact trees.
    case object([String: FactValue])

    /// Whether this is ``null``.
    package var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// How messages name the kind of value: `number`, `list`, `null`.
    package var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .duration: return "duration"
        case .timestamp: return "timestamp"
        case .list: return "list"
        case .object: return "object"
        }
    }
}

extension FactValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// `nil` is ``null``.
    package init(nilLiteral: ()) { self = .null }
    /// `true` is `.bool(true)`.
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `3` is `.number(3)`.
    package init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// `0.3` is `.number(0.3)`.
    package init(floatLiteral value: Double) { self = .number(value) }
    /// `"alice"` is `.string("alice")`.
    package init(stringLiteral value: String) { self = .string(value) }
    /// `["a", "b"]` is a `.list`.
    package init(arrayLiteral elements: FactValue...) { self = .list(elements) }
    /// `["id": "s-1"]` is an `.object`; a repeated key keeps its last value.
    package init(dictionaryLiteral elements: (String, FactValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
