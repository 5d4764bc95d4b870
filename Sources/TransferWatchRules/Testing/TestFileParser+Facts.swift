import Foundation
import TransferWatchConfig
import Yams

/// What reading facts needs besides the YAML: the instant offsets are counted from.
struct FactReadingContext {
    /// The test's start: a timestamp fact written as a duration (`6h`, `-1d`) is this instant plus it.
    var start: Date
}

extension TestFileParser {
    /// Facts the runner sets itself, which a test may not write.
    static let runnerFacts: Set<String> = ["now"]

    /// Reads a mapping of facts against `schema`, reporting every unknown fact and every value of the wrong type.
    ///
    /// Values: `true`/`false`; numbers; strings; durations (`90s`, `1h30m`); timestamps as ISO-8601 instants or as a
    /// duration from the test's start (`6h`, `-1d`); lists in YAML's `[a, b]` or block form; `null` (or `~`) for an
    /// absent optional fact. Nested objects are mappings.
    ///
    /// - Returns: The facts written, or `nil` when `node` is not a mapping.
    mutating func factTree(
        _ node: Node, schema: FactSchema, prefix: String, context: FactReadingContext
    ) -> [String: FactValue]? {
        if case .scalar(let scalar) = node, isNullScalar(scalar) { return [:] }
        guard case .mapping(let mapping) = node else {
            report(
                "'\(prefix.isEmpty ? "facts" : String(prefix.dropLast()))' must be a mapping, found \(describe(node))",
                at: node)
            return nil
        }
        let names = schema.entries.map(\.name)
        var tree: [String: FactValue] = [:]
        for (key, value) in mapping {
            guard let name = key.string else {
                report("fact names must be strings, found \(describe(key))", at: key)
                continue
            }
            let path = prefix + name
            if prefix.isEmpty, Self.runnerFacts.contains(name) {
                report("fact '\(name)' is set by the test runner (the evaluation time)", at: key)
                continue
            }
            guard let entry = schema.entries.first(where: { $0.name == name }) else {
                let hint = suggestion(for: name, among: names).map { " (did you mean '\(prefix)\($0)'?)" } ?? ""
                report("unknown fact '\(path)'\(hint)", at: key)
                continue
            }
            if case .scalar(let scalar) = value, isNullScalar(scalar) {
                if entry.field.isOptional {
                    tree[name] = .null
                } else {
                    report("fact '\(path)' is required and cannot be null", at: value)
                }
                continue
            }
            switch entry.field.shape {
            case .object(let nested):
                if let fields = factTree(value, schema: nested, prefix: path + ".", context: context) {
                    tree[name] = .object(fields)
                }
            case .value(let type):
                if let converted = factValue(value, type: type, path: path, context: context) {
                    tree[name] = converted
                }
            }
        }
        return tree
    }

    /// One value of a declared type, or `nil` after reporting.
    private mutating func factValue(
        _ node: Node, type: ValueType, path: String, context: FactReadingContext
    ) -> FactValue? {
        if case .list(let element) = type {
            guard case .sequence(let items) = node else {
                report("fact '\(path)' must be \(type), found \(describe(node))", at: node)
                return nil
            }
            var values: [FactValue] = []
            for item in items {
                guard let value = factValue(item, type: element, path: path, context: context) else { return nil }
                values.append(value)
            }
            return .list(values)
        }
        guard case .scalar(let scalar) = node else {
            report("fact '\(path)' must be \(type), found \(describe(node))", at: node)
            return nil
        }
        let text = scalar.string
        let value: FactValue? =
            switch type {
            case .bool: ["true": true, "false": false][text].map(FactValue.bool)
            case .number: Double(text).flatMap { $0.isFinite ? FactValue.number($0) : nil }
            case .string: .string(text)
            case .duration: parseDuration(text).map(FactValue.duration)
            case .timestamp: timestamp(text, context: context).map(FactValue.timestamp)
            case .list: nil
            }
        guard let value else {
            let hint =
                switch type {
                case .duration: " (write e.g. 30s, 5m, 1h30m, 2d)"
                case .timestamp: " (write an ISO-8601 instant, or a duration from the test's start such as 6h or -1d)"
                default: ""
                }
            report("fact '\(path)' must be \(type), found '\(text)'\(hint)", at: node)
            return nil
        }
        return value
    }

    /// An instant, or an offset from the start (`6h`, `-1d`).
    private func timestamp(_ text: String, context: FactReadingContext) -> Date? {
        if let date = parseInstant(text) { return date }
        let negative = text.hasPrefix("-")
        guard let duration = parseDuration(negative ? String(text.dropFirst()) : text) else { return nil }
        let seconds = duration.timeInterval
        return context.start.addingTimeInterval(negative ? -seconds : seconds)
    }
}
