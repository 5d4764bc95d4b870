import Yams

/// Label names and label sets, as the `alerts` section uses them (`groupBy`, inhibit rules).
extension FieldType where Value == [String] {
    /// A sequence of label names (`[alertname, environment]`), each `[a-zA-Z_][a-zA-Z0-9_]*`, no repeats.
    static var labelNames: FieldType<[String]> {
        FieldType { (node: Node) throws(FieldFailure) -> [String] in
            guard case .sequence(let sequence) = node else {
                throw .wrongType(expected: "a sequence of label names", found: describe(node))
            }
            var names: [String] = []
            for item in sequence {
                guard case .scalar(let scalar) = item, !isNull(scalar) else {
                    throw .wrongType(expected: "a label name", found: describe(item))
                }
                let name = scalar.string
                guard isLabelName(name) else {
                    throw .invalid("\(quoted(name)) is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)")
                }
                guard !names.contains(name) else { throw .invalid("label \(quoted(name)) is listed twice") }
                names.append(name)
            }
            return names
        }
    }
}

extension FieldType where Value == [String: String] {
    /// A non-empty mapping of label names to the values they must equal (`{alertname: stale-server}`).
    static var labelValues: FieldType<[String: String]> {
        FieldType { (node: Node) throws(FieldFailure) -> [String: String] in
            guard case .mapping(let mapping) = node else {
                throw .wrongType(expected: "a mapping of label names to values", found: describe(node))
            }
            var values: [String: String] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key, isLabelName(keyScalar.string) else {
                    throw .invalid("\(describe(key)) is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)")
                }
                guard case .scalar(let valueScalar) = value, !isNull(valueScalar) else {
                    throw .wrongType(expected: "a label value", found: describe(value))
                }
                values[keyScalar.string] = valueScalar.string
            }
            guard !values.isEmpty else { throw .invalid("needs at least one label") }
            return values
        }
    }
}

/// Whether `name` is a Prometheus label name.
func isLabelName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
    else { return false }
    return name.unicodeScalars.allSatisfy {
        $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
    }
}
