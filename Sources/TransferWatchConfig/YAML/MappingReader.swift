import Yams

/// Collects every problem found while one configuration file is decoded.
final class DiagnosticLog {
    /// The file, as named in diagnostics.
    let file: String
    /// The problems so far, in the order found.
    private(set) var errors: [ConfigurationError] = []

    init(file: String) {
        self.file = file
    }

    func report(_ error: ConfigurationError) {
        errors.append(error)
    }

    /// The location of a YAML mark (1:1 when the node has none).
    func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }
}

/// Reads one YAML mapping against the keys the schema asks for.
///
/// Every key read through it (present or not) becomes a valid key; ``finish()`` then reports the
/// mapping's other keys as unknown, with the closest valid one as a suggestion. So the schema is
/// the list of reads and there is no second list of keys to keep in step.
final class MappingReader {
    /// The dotted path of this mapping (`sftp`, `alerts.webhooks[0]`), empty at the root.
    let path: String
    /// Where the mapping starts.
    let location: SourceLocation
    let log: DiagnosticLog
    private let entries: [(key: String, keyNode: Node, value: Node)]
    private var validKeys: [String] = []

    init(_ mapping: Node.Mapping, path: String, log: DiagnosticLog) {
        self.path = path
        self.log = log
        self.location = log.location(mapping.mark)
        self.entries = mapping.map { (key: $0.key.string ?? describe($0.key), keyNode: $0.key, value: $0.value) }
    }

    /// The dotted path of a key in this mapping.
    func path(of key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// The value node of `key` (`nil` when absent), marking `key` as valid.
    func node(_ key: String) -> Node? {
        if !validKeys.contains(key) { validKeys.append(key) }
        return entries.first { $0.key == key }?.value
    }

    /// Whether `key` is present with a non-null value (marking it as valid).
    func hasValue(_ key: String) -> Bool {
        guard let node = node(key) else { return false }
        if case .scalar(let scalar) = node, isNull(scalar) { return false }
        return true
    }

    /// Where the value of `key` is, or the mapping's own location when `key` is absent.
    func location(of key: String) -> SourceLocation {
        guard let node = entries.first(where: { $0.key == key })?.value else { return location }
        return log.location(node.mark)
    }

    /// Decodes an optional key: `nil` when absent or null, and also (after reporting) when invalid.
    func optional<Value>(_ key: String, _ type: FieldType<Value>) -> Value? {
        guard hasValue(key), let node = node(key) else { return nil }
        return decode(node, at: path(of: key), type)
    }

    /// Decodes a key with a default used when it is absent or null, and also (after reporting) when invalid.
    func value<Value>(_ key: String, _ type: FieldType<Value>, default defaultValue: Value) -> Value {
        optional(key, type) ?? defaultValue
    }

    /// Decodes a required key, reporting it as missing (at this mapping) when absent.
    ///
    /// - Parameter hint: Another way to supply the value, shown with the error.
    func required<Value>(_ key: String, _ type: FieldType<Value>, hint: String? = nil) -> Value? {
        guard let node = node(key) else {
            log.report(.missingKey(path: path(of: key), hint: hint, at: location))
            return nil
        }
        return decode(node, at: path(of: key), type)
    }

    /// Reads a nested mapping with `body`, then reports its unknown keys.
    ///
    /// An absent or null optional section is read as an empty mapping, so its defaults apply and
    /// its required keys are reported. An absent required section is reported as missing.
    ///
    /// - Returns: What `body` returned, or `nil` when the section is missing or not a mapping.
    func section<Result>(_ key: String, required: Bool = false, _ body: (MappingReader) -> Result) -> Result? {
        let node = node(key)
        let childPath = path(of: key)
        switch node {
        case .mapping(let mapping)?:
            return MappingReader.read(mapping, path: childPath, log: log, body)
        case .scalar(let scalar)? where isNull(scalar) && !required:
            return MappingReader.read(Node.Mapping([], .implicit, .any, scalar.mark), path: childPath, log: log, body)
        case nil where !required:
            return MappingReader.read(Node.Mapping([], .implicit, .any, nil), path: childPath, log: log, body)
        case nil:
            log.report(.missingKey(path: childPath, hint: nil, at: location))
            return nil
        case let other?:
            log.report(
                .wrongType(path: childPath, expected: "a mapping", found: describe(other), at: log.location(other.mark))
            )
            return nil
        }
    }

    /// Reads a sequence of mappings with `body`, one reader per item, reporting non-mapping items.
    ///
    /// - Returns: The results of the items that are mappings; empty when the key is absent or null.
    func sequence<Element>(_ key: String, _ body: (MappingReader) -> Element?) -> [Element] {
        guard hasValue(key), let node = node(key) else { return [] }
        guard case .sequence(let sequence) = node else {
            log.report(
                .wrongType(
                    path: path(of: key),
                    expected: "a sequence",
                    found: describe(node),
                    at: log.location(node.mark)
                )
            )
            return []
        }
        var results: [Element] = []
        for (index, item) in sequence.enumerated() {
            let itemPath = "\(path(of: key))[\(index)]"
            guard case .mapping(let mapping) = item else {
                log.report(
                    .wrongType(
                        path: itemPath,
                        expected: "a mapping",
                        found: describe(item),
                        at: log.location(item.mark)
                    )
                )
                continue
            }
            if let result = MappingReader.read(mapping, path: itemPath, log: log, body) {
                results.append(result)
            }
        }
        return results
    }

    /// Reports an invalid value at `key`.
    func reportInvalid(_ key: String, _ message: String) {
        log.report(.invalidValue(path: path(of: key), message: message, at: location(of: key)))
    }

    /// Reports every key that was never read as unknown, suggesting the closest valid key.
    func finish() {
        for entry in entries where !validKeys.contains(entry.key) {
            log.report(
                .unknownKey(
                    path: path(of: entry.key),
                    suggestion: closestKey(to: entry.key, among: validKeys),
                    validKeys: validKeys,
                    at: log.location(entry.keyNode.mark)
                )
            )
        }
    }

    /// Reads `mapping` with `body` and then reports its unknown keys.
    static func read<Result>(
        _ mapping: Node.Mapping,
        path: String,
        log: DiagnosticLog,
        _ body: (MappingReader) -> Result
    ) -> Result {
        let reader = MappingReader(mapping, path: path, log: log)
        let result = body(reader)
        reader.finish()
        return result
    }

    private func decode<Value>(_ node: Node, at path: String, _ type: FieldType<Value>) -> Value? {
        do throws(FieldFailure) {
            return try type.decode(node)
        } catch {
            switch error {
            case .wrongType(let expected, let found):
                log.report(.wrongType(path: path, expected: expected, found: found, at: log.location(node.mark)))
            case .invalid(let message):
                log.report(.invalidValue(path: path, message: message, at: log.location(node.mark)))
            }
            return nil
        }
    }
}

/// The valid key closest to a misspelt one, if any is close enough to be a likely typo.
///
/// Keys are compared without case, counting an insertion, deletion, substitution or swap of
/// neighbours as one edit. Up to one edit is allowed for keys of 4 characters or fewer, two up to
/// 8, three beyond; ties go to the key the schema reads first.
func closestKey(to key: String, among candidates: [String]) -> String? {
    let budget = key.count <= 4 ? 1 : key.count <= 8 ? 2 : 3
    var best: (key: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(key.lowercased(), candidate.lowercased())
        if distance <= budget, distance < (best?.distance ?? .max) {
            best = (candidate, distance)
        }
    }
    return best?.key
}

/// The optimal-string-alignment distance: Levenshtein plus swaps of adjacent characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
            }
        }
    }
    return table[a.count][b.count]
}
