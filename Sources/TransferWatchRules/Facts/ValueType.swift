/// The type of a value in the rule language.
///
/// Objects are not values: they only group fields in a ``FactSchema`` (`server.age`), and the only
/// thing an expression can do with an object itself is compare an optional one with `null`.
package indirect enum ValueType: Sendable, Hashable, CustomStringConvertible {
    /// `true` or `false`.
    case bool
    /// A `Double`: counts, sizes, prices.
    case number
    /// Text.
    case string
    /// A length of time (a Swift `Duration`): `30s`, `server.age`.
    case duration
    /// An instant (a `Date`): `now`, `window.closesAt`.
    case timestamp
    /// A list whose elements all have one type: `list<string>`.
    case list(ValueType)

    /// The name messages use: `bool`, `number`, `string`, `duration`, `timestamp`, `list<string>`.
    package var description: String {
        switch self {
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .duration: return "duration"
        case .timestamp: return "timestamp"
        case .list(let element): return "list<\(element)>"
        }
    }
}

/// The static type of an expression's result: a value type, possibly absent.
package struct ExpressionType: Sendable, Hashable, CustomStringConvertible {
    /// The type of the value when there is one.
    package var valueType: ValueType
    /// Whether the value can be absent (`null`), because it depends on an optional fact.
    package var isOptional: Bool

    /// Creates a type.
    package init(_ valueType: ValueType, isOptional: Bool = false) {
        self.valueType = valueType
        self.isOptional = isOptional
    }

    /// `duration`, or `duration?` when optional.
    package var description: String { isOptional ? "\(valueType)?" : "\(valueType)" }
}
