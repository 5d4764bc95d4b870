/// The facts for one evaluation, checked against a ``FactSchema`` and laid out for fast access.
///
/// Build one per step record or state snapshot, then evaluate any number of
/// ``CompiledExpression``s and ``Template``s compiled against the same schema.
///
/// ```swift
/// let facts = try FactValues(schema: schema, values: [
///     "now": .timestamp(now),
///     "server": nil,                       // optional and absent
///     "counter": ["missing": ["alice", "bob"], "lastDeliveryAt": nil],
/// ])
/// ```
package struct FactValues: Sendable {
    /// The schema the values were checked against.
    package let schema: FactSchema
    /// One value per ``FactSchema/slots`` entry: the value, `.null` when absent, and for an object
    /// that is present an empty `.object`.
    let slots: ContiguousArray<FactValue>

    /// Checks a tree of values against `schema` and stores them.
    ///
    /// A required field must be present and not `null`; an optional one may be missing or `null`,
    /// and when an optional object is absent, so is every field under it. Numbers, strings, bools,
    /// durations, timestamps and lists must match the declared type (lists element by element).
    /// Durations beyond ±9·10^18 seconds are clamped to that bound.
    ///
    /// - Throws: ``FactValueError`` for the first field that is missing, unknown or of the wrong type.
    package init(schema: FactSchema, values: [String: FactValue]) throws(FactValueError) {
        self.schema = schema
        var slots = ContiguousArray<FactValue>(repeating: .null, count: schema.slots.count)
        var next = 0
        try FactValues.fill(&slots, next: &next, entries: schema.entries, values: values, prefix: "")
        self.slots = slots
    }

    /// The value at a dotted path (`server.age`), `.null` when absent, or `nil` if the schema has no such field.
    package subscript(path: String) -> FactValue? {
        schema.slotIndex(of: path).map { slots[$0] }
    }

    private static func fill(
        _ slots: inout ContiguousArray<FactValue>,
        next: inout Int,
        entries: [FactSchema.Entry],
        values: [String: FactValue]?,
        prefix: String
    ) throws(FactValueError) {
        if let values {
            let known = Set(entries.map(\.name))
            if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
                throw .unknownField(prefix + unknown)
            }
        }
        for entry in entries {
            let path = prefix + entry.name
            let index = next
            next += 1
            // `values == nil` means the enclosing object is absent: everything under it stays `.null`.
            let value = values.map { $0[entry.name] ?? .null }
            switch entry.field.shape {
            case .object(let schema):
                switch value {
                case .some(.object(let fields)):
                    slots[index] = .object([:])
                    try fill(&slots, next: &next, entries: schema.entries, values: fields, prefix: path + ".")
                case .some(.null), .none:
                    if value != nil, !entry.field.isOptional { throw .missingField(path) }
                    try fill(&slots, next: &next, entries: schema.entries, values: nil, prefix: path + ".")
                case .some(let other):
                    throw .typeMismatch(path, expected: "object", found: other.kindName)
                }
            case .value(let type):
                guard let value else { continue }
                if value.isNull {
                    guard entry.field.isOptional else { throw .missingField(path) }
                    continue
                }
                guard value.conforms(to: type) else {
                    throw .typeMismatch(path, expected: type.description, found: value.typeDescription)
                }
                slots[index] = value.clampingDurations()
            }
        }
    }
}

/// Why a tree of values does not fit a ``FactSchema``.
package enum FactValueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A required field is missing or `null`.
    case missingField(String)
    /// A field the schema does not declare.
    case unknownField(String)
    /// A field whose value has another type than declared.
    case typeMismatch(String, expected: String, found: String)

    /// One line: `missing fact 'window.id'`.
    package var description: String {
        switch self {
        case .missingField(let path): return "missing fact '\(path)'"
        case .unknownField(let path): return "unknown fact '\(path)'"
        case .typeMismatch(let path, let expected, let found):
            return "fact '\(path)' must be \(expected), found \(found)"
        }
    }
}

extension FactValue {
    /// The value with every duration in it limited to what arithmetic and formatting can handle.
    func clampingDurations() -> FactValue {
        switch self {
        case .duration(let duration): return .duration(DurationArithmetic.clamped(duration))
        case .list(let elements): return .list(elements.map { $0.clampingDurations() })
        default: return self
        }
    }

    /// Whether a non-null value has the given type (lists: every element).
    func conforms(to type: ValueType) -> Bool {
        switch (self, type) {
        case (.bool, .bool), (.number, .number), (.string, .string), (.duration, .duration), (.timestamp, .timestamp):
            return true
        case (.list(let elements), .list(let element)):
            return elements.allSatisfy { $0.conforms(to: element) }
        default:
            return false
        }
    }

    /// The type of a value for messages, with the element type of a list when it has elements.
    var typeDescription: String {
        if case .list(let elements) = self {
            let kinds = Set(elements.map(\.kindName)).sorted()
            return kinds.count == 1 ? "list<\(kinds[0])>" : "list"
        }
        return kindName
    }
}
