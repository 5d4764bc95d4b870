/// The facts an expression may read: named fields, each a value or a nested object, each required or optional.
///
/// The engine defines one schema per kind of rule group (the copy step record, the pipeline state);
/// expressions and templates are type-checked against it once, and evaluated against ``FactValues``
/// built for it.
///
/// ```swift
/// let schema: FactSchema = [
///     "now": .timestamp,
///     "server": .optional(.object([
///         "id": .string,
///         "age": .duration,
///     ])),
///     "counter": .object([
///         "missing": .list(.string),
///         "lastDeliveryAt": .optional(.timestamp),
///     ]),
/// ]
/// ```
///
/// Names must be identifiers (`[A-Za-z_][A-Za-z0-9_]*`) that are not keywords of the language, and unique
/// within their object; a schema that breaks this is a programming error and traps.
package struct FactSchema: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// The type of one field.
    package struct Field: Sendable, Equatable {
        /// What the field holds.
        package enum Shape: Sendable, Equatable {
            /// A value of a ``ValueType``.
            case value(ValueType)
            /// An object with fields of its own.
            case object(FactSchema)
        }

        /// What the field holds.
        package var shape: Shape
        /// Whether the field may be absent. Every field of an absent object is absent too.
        package var isOptional: Bool

        /// Creates a field type.
        package init(_ shape: Shape, isOptional: Bool = false) {
            self.shape = shape
            self.isOptional = isOptional
        }

        /// A required bool.
        package static var bool: Field { Field(.value(.bool)) }
        /// A required number.
        package static var number: Field { Field(.value(.number)) }
        /// A required string.
        package static var string: Field { Field(.value(.string)) }
        /// A required duration.
        package static var duration: Field { Field(.value(.duration)) }
        /// A required timestamp.
        package static var timestamp: Field { Field(.value(.timestamp)) }
        /// A required list of `element`.
        package static func list(_ element: ValueType) -> Field { Field(.value(.list(element))) }
        /// A required object.
        package static func object(_ schema: FactSchema) -> Field { Field(.object(schema)) }
        /// The same field, but optional.
        package static func optional(_ field: Field) -> Field { Field(field.shape, isOptional: true) }
    }

    /// One named field.
    package struct Entry: Sendable, Equatable {
        /// The field's name within its object.
        package var name: String
        /// Its type.
        package var field: Field
    }

    /// A field anywhere in the tree, with its dotted path; the unit that ``FactValues`` stores.
    package struct Slot: Sendable, Equatable {
        /// The dotted path from the root: `copy.destination.size`.
        package var path: String
        /// The field's type.
        package var field: Field
        /// The slot of the enclosing object, or `nil` at the top level.
        package var parent: Int?
    }

    private final class Storage: Sendable {
        let entries: [Entry]
        let slots: [Slot]
        let slotIndex: [String: Int]

        init(entries: [Entry]) {
            self.entries = entries
            var slots: [Slot] = []
            func flatten(_ entries: [Entry], prefix: String, parent: Int?) {
                var seen: Set<String> = []
                for entry in entries {
                    precondition(
                        isValidFieldName(entry.name), "fact name '\(entry.name)' is not an identifier, or is a keyword")
                    precondition(seen.insert(entry.name).inserted, "fact '\(prefix)\(entry.name)' is declared twice")
                    let index = slots.count
                    slots.append(Slot(path: prefix + entry.name, field: entry.field, parent: parent))
                    if case .object(let schema) = entry.field.shape {
                        flatten(schema.entries, prefix: prefix + entry.name + ".", parent: index)
                    }
                }
            }
            flatten(entries, prefix: "", parent: nil)
            self.slots = slots
            self.slotIndex = Dictionary(uniqueKeysWithValues: slots.enumerated().map { ($0.element.path, $0.offset) })
        }
    }

    private let storage: Storage

    /// Creates a schema from its top-level fields, in order.
    package init(_ entries: [(String, Field)]) {
        storage = Storage(entries: entries.map { Entry(name: $0.0, field: $0.1) })
    }

    /// Creates a schema from a literal, keeping the literal's order.
    package init(dictionaryLiteral elements: (String, Field)...) {
        self.init(elements)
    }

    /// The top-level fields, in declaration order.
    package var entries: [Entry] { storage.entries }

    /// Every field in the tree, parents before their children, in declaration order.
    package var slots: [Slot] { storage.slots }

    /// The index in ``slots`` of the field at a dotted path, or `nil` if there is none.
    package func slotIndex(of path: String) -> Int? { storage.slotIndex[path] }

    /// Whether two schemas are the same object, which makes comparing them free.
    func isIdentical(to other: FactSchema) -> Bool { storage === other.storage }

    /// Whether two schemas declare the same fields, in the same order, with the same types.
    package static func == (lhs: FactSchema, rhs: FactSchema) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.entries == rhs.storage.entries
    }
}

/// Whether `name` can be a field: an identifier that is not a keyword.
private func isValidFieldName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, Token.Keyword(rawValue: name) == nil else { return false }
    func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value >= 0x41 && scalar.value <= 0x5A) || (scalar.value >= 0x61 && scalar.value <= 0x7A)
            || scalar == "_"
    }
    return isLetter(first) && name.unicodeScalars.allSatisfy { isLetter($0) || ($0.value >= 0x30 && $0.value <= 0x39) }
}
