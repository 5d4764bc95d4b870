/// A position in a configuration file: the file as it was named, and a 1-based line and column.
package struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file, as it was named when loading (relative or absolute).
    package var file: String
    /// The line, starting at 1.
    package var line: Int
    /// The column, starting at 1, counted in Unicode scalars.
    package var column: Int

    /// Creates a location.
    package init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    package var description: String { "\(file):\(line):\(column)" }

    /// Orders locations by file, then line, then column.
    package static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// One problem with a configuration, printed on one line as `file:line:col: error: key.path: message`.
package enum ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read; the reason is a short phrase such as `no such file`.
    case unreadable(file: String, reason: String)
    /// The text is not valid YAML; `message` is the parser's explanation.
    case syntax(String, at: SourceLocation)
    /// The file holds no document (nothing, or only comments).
    case empty(at: SourceLocation)
    /// A mapping key the schema does not know, with the closest valid key if one is close, and the valid keys.
    case unknownKey(path: String, suggestion: String?, validKeys: [String], at: SourceLocation)
    /// A key that appears twice in one mapping.
    case duplicateKey(String, at: SourceLocation)
    /// A required key is absent; the location is its parent mapping's. `hint` says how else to supply it.
    case missingKey(path: String, hint: String?, at: SourceLocation)
    /// A value of the wrong YAML type, such as a string where a mapping belongs.
    case wrongType(path: String, expected: String, found: String, at: SourceLocation)
    /// A value of the right type that breaks a rule, with a one-line explanation.
    case invalidValue(path: String, message: String, at: SourceLocation)
    /// An environment variable layered over the file holds an invalid value.
    case invalidEnvironment(variable: String, message: String)

    /// Where the problem is, if it is in the file.
    package var location: SourceLocation? {
        switch self {
        case .unreadable, .invalidEnvironment: nil
        case .syntax(_, let location), .empty(let location), .unknownKey(_, _, _, let location),
            .duplicateKey(_, let location), .missingKey(_, _, let location), .wrongType(_, _, _, let location),
            .invalidValue(_, _, let location):
            location
        }
    }

    /// The dotted key path at fault (`sftp.maxLifespan`, `alerts.webhooks[0].url`), if any.
    package var path: String? {
        switch self {
        case .unreadable, .syntax, .empty, .duplicateKey, .invalidEnvironment: nil
        case .unknownKey(let path, _, _, _), .missingKey(let path, _, _), .wrongType(let path, _, _, _),
            .invalidValue(let path, _, _):
            path
        }
    }

    /// The explanation, without the location and key path.
    package var message: String {
        switch self {
        case .unreadable(_, let reason):
            "cannot read configuration: \(reason)"
        case .syntax(let message, _):
            "invalid YAML: \(message)"
        case .empty:
            "configuration is empty (expected a mapping with at least 'buckets' and 'tables')"
        case .unknownKey(_, let suggestion?, _, _):
            "unknown key (did you mean '\(suggestion)'?)"
        case .unknownKey(_, nil, let validKeys, _):
            "unknown key (expected one of: \(validKeys.joined(separator: ", ")))"
        case .duplicateKey(let key, _):
            "duplicate key \(quoted(key))"
        case .missingKey(_, let hint?, _):
            "missing required key (\(hint))"
        case .missingKey(_, nil, _):
            "missing required key"
        case .wrongType(_, let expected, let found, _):
            "expected \(expected), got \(found)"
        case .invalidValue(_, let message, _):
            message
        case .invalidEnvironment(_, let message):
            message
        }
    }

    /// The whole diagnostic on one line, e.g.
    /// `transferwatch.yaml:12:5: error: sftp.maxLifespan: malformed duration '2 days' (expected e.g. 30s, 15m, 6h, 2d)`.
    package var description: String {
        let prefix: String
        switch self {
        case .unreadable(let file, _): prefix = "\(file): error: "
        case .invalidEnvironment(let variable, _): prefix = "\(variable) (environment): error: "
        default: prefix = "\(location.map(String.init(describing:)) ?? "?"): error: "
        }
        if let path, !path.isEmpty {
            return prefix + Self.oneLine(path) + ": " + Self.oneLine(message)
        }
        return prefix + Self.oneLine(message)
    }

    /// `text` with control characters escaped (`\n`, `\r`, `\t`, `\u{1B}`), so a key or value quoted from the
    /// file cannot break the one-line diagnostic (found by `make fuzz`: keys holding carriage returns).
    package static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: Self.needsEscaping) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where needsEscaping(scalar): result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}

/// Every problem found in one pass over a configuration, in file order.
///
/// `description` prints one diagnostic per line, ready for stderr.
package struct ConfigurationErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, sorted by location; environment problems come last.
    package var errors: [ConfigurationError]

    /// Wraps problems, sorting them by location (stable for problems at the same place).
    package init(_ errors: [ConfigurationError]) {
        self.errors = errors.enumerated().sorted { lhs, rhs in
            switch (lhs.element.location, rhs.element.location) {
            case let (l?, r?): return l == r ? lhs.offset < rhs.offset : l < r
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return lhs.offset < rhs.offset
            }
        }.map(\.element)
    }

    /// One diagnostic per line.
    package var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
