/// An IAM policy document, rendered as JSON with a fixed key order so the same input always prints the same text.
///
/// Keys come in the order people read them (`Version`, `Statement`; then `Sid`, `Effect`, `Principal`, `Action`,
/// `Resource`, `Condition`), `Action` and `Resource` are always arrays, and a condition value is a string when
/// it is one value and an array otherwise.
package struct PolicyDocument: Sendable, Equatable {
    /// One statement.
    package struct Statement: Sendable, Equatable {
        /// A statement ID, unique in the document (`SourceObjects`).
        package var sid: String
        /// `Allow` (the only effect TransferWatch writes) or `Deny`.
        package var effect: String
        /// A trust policy's principal: `("Service", "transfer.amazonaws.com")`.
        package var principal: (type: String, value: String)?
        /// The actions, sorted.
        package var actions: [String]
        /// The resource ARNs (or `*`); empty in a trust policy.
        package var resources: [String]
        /// Conditions, in order: operator (`StringEquals`), then key and values.
        package var conditions: [Condition]

        /// Creates an `Allow` statement.
        package init(
            sid: String, effect: String = "Allow", principal: (type: String, value: String)? = nil,
            actions: [String], resources: [String], conditions: [Condition] = []
        ) {
            self.sid = sid
            self.effect = effect
            self.principal = principal
            self.actions = actions
            self.resources = resources
            self.conditions = conditions
        }

        package static func == (lhs: Statement, rhs: Statement) -> Bool {
            lhs.sid == rhs.sid && lhs.effect == rhs.effect && lhs.principal?.type == rhs.principal?.type
                && lhs.principal?.value == rhs.principal?.value && lhs.actions == rhs.actions
                && lhs.resources == rhs.resources && lhs.conditions == rhs.conditions
        }
    }

    /// One condition: `"<operator>": {"<key>": <values>}`.
    package struct Condition: Sendable, Equatable {
        /// `StringEquals`, `StringLike`, `ArnLike`, ….
        package var `operator`: String
        /// The condition key, such as `aws:ResourceTag/transferwatch:managed`.
        package var key: String
        /// The values; any one matching satisfies the condition.
        package var values: [String]

        /// Creates a condition.
        package init(_ operator: String, _ key: String, _ values: [String]) {
            self.operator = `operator`
            self.key = key
            self.values = values
        }
    }

    /// The policy language version.
    package static let version = "2012-10-17"

    /// The statements, in the order they are printed.
    package var statements: [Statement]

    /// Creates a document.
    package init(statements: [Statement]) {
        self.statements = statements
    }

    /// Every action of every statement, sorted and without repeats.
    package var actions: [String] { Array(Set(statements.flatMap(\.actions))).sorted() }

    /// The statement with `sid`, if any.
    package func statement(_ sid: String) -> Statement? { statements.first { $0.sid == sid } }

    /// The document as JSON: indented by two spaces (`pretty`), or with no whitespace at all (what IAM counts
    /// against its size limits).
    package func json(pretty: Bool = true) -> String {
        var statementValues: [JSONValue] = []
        for statement in statements {
            var fields: [(String, JSONValue)] = [
                ("Sid", .string(statement.sid)), ("Effect", .string(statement.effect)),
            ]
            if let principal = statement.principal {
                fields.append(("Principal", .object([(principal.type, .string(principal.value))])))
            }
            fields.append(("Action", .array(statement.actions.map(JSONValue.string))))
            if !statement.resources.isEmpty {
                fields.append(("Resource", .array(statement.resources.map(JSONValue.string))))
            }
            if !statement.conditions.isEmpty {
                var operators: [(String, JSONValue)] = []
                for condition in statement.conditions {
                    let value: JSONValue =
                        condition.values.count == 1
                        ? .string(condition.values[0]) : .array(condition.values.map(JSONValue.string))
                    if let index = operators.firstIndex(where: { $0.0 == condition.operator }),
                        case .object(var keys) = operators[index].1
                    {
                        keys.append((condition.key, value))
                        operators[index].1 = .object(keys)
                    } else {
                        operators.append((condition.operator, .object([(condition.key, value)])))
                    }
                }
                fields.append(("Condition", .object(operators)))
            }
            statementValues.append(.object(fields))
        }
        let document = JSONValue.object([("Version", .string(Self.version)), ("Statement", .array(statementValues))])
        var output = ""
        document.write(to: &output, indent: pretty ? 0 : nil)
        return output
    }
}

/// A JSON value whose objects keep their key order.
private indirect enum JSONValue {
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// Writes the value; `indent` is the current depth when pretty-printing, `nil` for compact output.
    func write(to output: inout String, indent: Int?) {
        switch self {
        case .string(let text):
            Self.writeString(text, to: &output)
        case .array(let elements):
            guard !elements.isEmpty else {
                output += "[]"
                return
            }
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                Self.newline(&output, indent.map { $0 + 1 })
                element.write(to: &output, indent: indent.map { $0 + 1 })
            }
            Self.newline(&output, indent)
            output += "]"
        case .object(let fields):
            guard !fields.isEmpty else {
                output += "{}"
                return
            }
            output += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { output += "," }
                Self.newline(&output, indent.map { $0 + 1 })
                Self.writeString(key, to: &output)
                output += indent == nil ? ":" : ": "
                value.write(to: &output, indent: indent.map { $0 + 1 })
            }
            Self.newline(&output, indent)
            output += "}"
        }
    }

    private static func newline(_ output: inout String, _ indent: Int?) {
        guard let indent else { return }
        output += "\n" + String(repeating: "  ", count: indent)
    }

    private static func writeString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    output += "\\u00" + SSHPublicKey.hex(UInt8(scalar.value))
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
