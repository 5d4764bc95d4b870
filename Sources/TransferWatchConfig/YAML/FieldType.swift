import Yams

/// Why one YAML value could not be decoded.
enum FieldFailure: Error {
    /// The node has the wrong YAML type; `found` is `a mapping`, `a sequence`, `null` or the quoted scalar.
    case wrongType(expected: String, found: String)
    /// The value breaks a rule; the message explains it in one line.
    case invalid(String)
}

/// How to decode one kind of configuration value from a YAML node.
///
/// The schema in `Configuration+YAML.swift` is written with these: `.string`, `.integer(atLeast:)`,
/// `.duration`, and `.string.map { … }` for anything validated from text. Adding a key is one line
/// that names the key, its field type, and its default.
struct FieldType<Value> {
    /// Decodes a node, or explains why not.
    let decode: (Node) throws(FieldFailure) -> Value

    /// A type whose values are validated from the decoded value of this one.
    func map<Other>(_ transform: @escaping (Value) throws(FieldFailure) -> Other) -> FieldType<Other> {
        FieldType<Other> { (node: Node) throws(FieldFailure) -> Other in
            try transform(try decode(node))
        }
    }
}

extension FieldType where Value == String {
    /// Any non-null scalar, as its text (so `environment: 2024` is the string `2024`).
    static var string: FieldType<String> {
        FieldType { (node: Node) throws(FieldFailure) -> String in
            guard case .scalar(let scalar) = node else {
                throw .wrongType(expected: "a string", found: describe(node))
            }
            guard !isNull(scalar) else { throw .wrongType(expected: "a string", found: "null") }
            return scalar.string
        }
    }
}

extension FieldType where Value == Int {
    /// A decimal integer, at least `minimum`.
    static func integer(atLeast minimum: Int) -> FieldType<Int> {
        FieldType { (node: Node) throws(FieldFailure) -> Int in
            guard case .scalar(let scalar) = node, !isNull(scalar) else {
                throw .wrongType(expected: "an integer", found: describe(node))
            }
            let text = scalar.string
            let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text) else {
                throw .wrongType(expected: "an integer", found: quoted(text))
            }
            guard value >= minimum else { throw .invalid("must be at least \(minimum), got \(value)") }
            return value
        }
    }
}

extension FieldType where Value == Double {
    /// A finite decimal number, at least `minimum`.
    static func number(atLeast minimum: Double) -> FieldType<Double> {
        FieldType { (node: Node) throws(FieldFailure) -> Double in
            guard case .scalar(let scalar) = node, !isNull(scalar) else {
                throw .wrongType(expected: "a number", found: describe(node))
            }
            let text = scalar.string
            guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
                let value = Double(text), value.isFinite
            else { throw .wrongType(expected: "a number", found: quoted(text)) }
            guard value >= minimum else { throw .invalid("must be at least \(minimum), got \(text)") }
            return value
        }
    }
}

extension FieldType where Value == Duration {
    /// A duration such as `30s`, `15m`, `6h`, `2d` or `1h30m`, longer than zero.
    static var duration: FieldType<Duration> {
        FieldType<String>.string.map { (text: String) throws(FieldFailure) -> Duration in
            guard let duration = parseDuration(text) else {
                throw .invalid("malformed duration \(quoted(text)) (expected e.g. 30s, 15m, 6h, 2d)")
            }
            guard duration > .zero else { throw .invalid("duration must be longer than zero") }
            return duration
        }
    }
}

extension FieldType where Value == ByteSize {
    /// A byte size such as `5GiB`, `64MiB`, `10MB` or a number of bytes.
    static var byteSize: FieldType<ByteSize> {
        FieldType<String>.string.map { (text: String) throws(FieldFailure) -> ByteSize in
            guard let size = ByteSize(parsing: text) else {
                throw .invalid(
                    "malformed byte size \(quoted(text)) (expected e.g. 64MiB, 5GiB, 10MB or a number of bytes)"
                )
            }
            return size
        }
    }
}

extension FieldType {
    /// A string that must be one of an enumeration's raw values.
    static func oneOf(_ what: String) -> FieldType<Value>
    where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
        FieldType<String>.string.map { (text: String) throws(FieldFailure) -> Value in
            guard let value = Value(rawValue: text) else {
                let names = Value.allCases.map(\.rawValue)
                let list = names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
                throw .invalid("unknown \(what) \(quoted(text)) (expected \(list))")
            }
            return value
        }
    }

    /// A string validated by a check that returns the problem, or `nil` when the value is fine.
    static func checkedString(_ problem: @escaping (String) -> String?) -> FieldType<String>
    where Value == String {
        FieldType<String>.string.map { (text: String) throws(FieldFailure) -> String in
            if let message = problem(text) { throw .invalid(message) }
            return text
        }
    }
}

/// Whether a scalar is YAML's null: plain `~`, `null` (any case form YAML allows) or empty.
func isNull(_ scalar: Node.Scalar) -> Bool {
    guard scalar.style == .plain || scalar.style == .any else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
}

/// How a node reads in a "got …" message.
func describe(_ node: Node) -> String {
    switch node {
    case .mapping: "a mapping"
    case .sequence: "a sequence"
    case .scalar(let scalar): isNull(scalar) ? "null" : quoted(scalar.string)
    case .alias: "an alias"
    }
}
