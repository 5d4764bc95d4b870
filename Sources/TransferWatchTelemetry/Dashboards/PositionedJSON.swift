/// A JSON value that remembers where it starts in its text, so a dashboard linter can report
/// `file:line:col` for the element at fault.
package struct PositionedJSON: Sendable, Hashable {
    /// One member of an object, with the position of its key.
    package struct Member: Sendable, Hashable {
        /// The key, unescaped.
        package var key: String
        /// Where the key's opening quote is.
        package var keyPosition: TextPosition
        /// The value.
        package var value: PositionedJSON
    }

    /// The kinds of JSON value.
    package indirect enum Value: Sendable, Hashable {
        /// An object, members in text order.
        case object([Member])
        /// An array.
        case array([PositionedJSON])
        /// A string, unescaped, and its text between the quotes as written (for positions inside it).
        case string(String, raw: String)
        /// A number.
        case number(Double)
        /// `true` or `false`.
        case bool(Bool)
        /// `null`.
        case null
    }

    /// The value.
    package var value: Value
    /// Where the value starts (for a string, its opening quote).
    package var position: TextPosition

    /// The member called `key` of an object, if this is an object and has one.
    package subscript(key: String) -> PositionedJSON? {
        guard case .object(let members) = value else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// The string, if this is a string.
    package var string: String? {
        if case .string(let text, _) = value { return text }
        return nil
    }

    /// The elements, if this is an array.
    package var array: [PositionedJSON]? {
        if case .array(let elements) = value { return elements }
        return nil
    }

    /// The members, if this is an object.
    package var members: [Member]? {
        if case .object(let members) = value { return members }
        return nil
    }

    /// `object`, `array`, `string`, `number`, `boolean` or `null`, for messages.
    package var typeName: String {
        switch value {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }
}

/// A line and column in a text, both from 1; columns count Unicode scalars.
package struct TextPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The line, from 1.
    package var line: Int
    /// The column, from 1, in Unicode scalars.
    package var column: Int

    /// A position.
    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    package var description: String { "\(line):\(column)" }

    /// Earlier lines first, then earlier columns.
    package static func < (lhs: TextPosition, rhs: TextPosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}
