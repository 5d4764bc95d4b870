import TransferWatchConfig
import Yams

/// A value read from a rule file, with where it was written.
struct Located<Value> {
    /// The value.
    var value: Value
    /// Where its YAML node starts.
    var location: SourceLocation
}

/// A scalar that holds source code (an expression or a template), kept with its YAML node so that positions
/// inside the code can be mapped back onto the file.
struct CodeScalar {
    /// The scalar's text, as YAML delivers it.
    var text: String
    /// The node, for its style and mark.
    var scalar: Node.Scalar
    /// Where the node starts.
    var location: SourceLocation
}

/// The first layer of a rule file: its YAML, shape-checked (unknown keys, wrong node types) but not yet
/// validated. Every value keeps its position; ``RuleFileLoader`` turns it into ``RuleGroup``s.
struct RuleFileMirror {
    /// One `groups:` item.
    struct Group {
        var location: SourceLocation
        var name: Located<String>?
        var kind: Located<String>?
        var workflow: Located<String>?
        var interval: Located<String>?
        var rules: [RuleEntry]
    }

    /// One `rules:` item.
    struct RuleEntry {
        var location: SourceLocation
        var alert: Located<String>?
        var expr: CodeScalar?
        var holdDuration: Located<String>?
        var keepFiringFor: Located<String>?
        var severity: Located<String>?
        var labels: [(name: Located<String>, value: CodeScalar)]
        var annotations: [(name: Located<String>, template: CodeScalar)]
        var alarm: Alarm?
    }

    /// A rule's `alarm:` block.
    struct Alarm {
        var location: SourceLocation
        var fields: [String: Located<String>]
    }

    /// The keys of each mapping, in the order messages list them.
    static let groupKeys = ["name", "kind", "workflow", "interval", "rules"]
    static let ruleKeys = ["alert", "expr", "for", "keep_firing_for", "severity", "labels", "annotations", "alarm"]
    static let alarmKeys = [
        "metric", "statistic", "threshold", "comparison", "period", "evaluationPeriods", "treatMissingData",
    ]

    /// The groups, in file order.
    var groups: [Group]
}

/// Reads the mirror from a composed YAML node, reporting shape problems as it goes.
struct RuleFileMirrorReader {
    let file: String
    private(set) var diagnostics: [RuleDiagnostic] = []

    init(file: String) {
        self.file = file
    }

    func location(_ node: Node) -> SourceLocation { location(node.mark) }

    func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    mutating func report(_ message: String, at location: SourceLocation) {
        diagnostics.append(RuleDiagnostic(message, at: location))
    }

    /// Reads a whole file; `root` is `nil` for an empty document.
    mutating func read(_ root: Node?) -> RuleFileMirror {
        guard let root else {
            report("missing key 'groups': the file is empty", at: location(nil as Mark?))
            return RuleFileMirror(groups: [])
        }
        guard let fields = mapping(root, allowed: ["groups"], what: "the file") else {
            return RuleFileMirror(groups: [])
        }
        guard let groups = fields["groups"] else {
            report("missing key 'groups'", at: location(root))
            return RuleFileMirror(groups: [])
        }
        var result: [RuleFileMirror.Group] = []
        for node in sequence(groups, key: "groups") {
            if let group = readGroup(node) { result.append(group) }
        }
        return RuleFileMirror(groups: result)
    }

    private mutating func readGroup(_ node: Node) -> RuleFileMirror.Group? {
        guard let fields = mapping(node, allowed: RuleFileMirror.groupKeys, what: "a group") else { return nil }
        var group = RuleFileMirror.Group(
            location: location(node),
            name: fields["name"].flatMap { string($0, key: "name") },
            kind: fields["kind"].flatMap { string($0, key: "kind") },
            workflow: fields["workflow"].flatMap { string($0, key: "workflow") },
            interval: fields["interval"].flatMap { string($0, key: "interval") },
            rules: []
        )
        if let rules = fields["rules"] {
            for node in sequence(rules, key: "rules") {
                if let rule = readRule(node) { group.rules.append(rule) }
            }
        } else {
            report("missing key 'rules' in group", at: group.location)
        }
        return group
    }

    private mutating func readRule(_ node: Node) -> RuleFileMirror.RuleEntry? {
        guard let fields = mapping(node, allowed: RuleFileMirror.ruleKeys, what: "a rule") else { return nil }
        var rule = RuleFileMirror.RuleEntry(
            location: location(node),
            alert: fields["alert"].flatMap { string($0, key: "alert") },
            expr: fields["expr"].flatMap { code($0, key: "expr") },
            holdDuration: fields["for"].flatMap { string($0, key: "for") },
            keepFiringFor: fields["keep_firing_for"].flatMap { string($0, key: "keep_firing_for") },
            severity: fields["severity"].flatMap { string($0, key: "severity") },
            labels: [],
            annotations: [],
            alarm: nil
        )
        if let labels = fields["labels"], let entries = pairs(labels, key: "labels") {
            for (name, value) in entries {
                guard let name = string(name, key: "a label name"),
                    let value = code(value, key: "label '\(name.value)'")
                else { continue }
                rule.labels.append((name, value))
            }
        }
        if let annotations = fields["annotations"], let entries = pairs(annotations, key: "annotations") {
            for (name, value) in entries {
                guard let name = string(name, key: "an annotation name"),
                    let template = code(value, key: "annotation '\(name.value)'")
                else { continue }
                rule.annotations.append((name, template))
            }
        }
        if let alarm = fields["alarm"],
            let alarmFields = mapping(alarm, allowed: RuleFileMirror.alarmKeys, what: "an alarm")
        {
            var values: [String: Located<String>] = [:]
            for (key, value) in alarmFields {
                values[key] = string(value, key: "alarm.\(key)")
            }
            rule.alarm = RuleFileMirror.Alarm(location: location(alarm), fields: values)
        }
        return rule
    }

    // MARK: Node shapes

    /// The values of a mapping by key, after reporting every key not in `allowed` (with a suggestion).
    private mutating func mapping(_ node: Node, allowed: [String], what: String) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            report("\(what) must be a mapping, found \(describe(node))", at: location(node))
            return nil
        }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else {
                report("keys must be strings, found \(describe(key))", at: location(key))
                continue
            }
            guard allowed.contains(name) else {
                let hint = suggestion(for: name, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                report("unknown key '\(name)' in \(what)\(hint)", at: location(key))
                continue
            }
            fields[name] = value
        }
        return fields
    }

    /// A mapping's entries in order, or `nil` (after reporting) when `node` is not a mapping. Null is empty.
    private mutating func pairs(_ node: Node, key: String) -> [(Node, Node)]? {
        if case .scalar(let scalar) = node, isNullScalar(scalar) { return [] }
        guard case .mapping(let mapping) = node else {
            report("'\(key)' must be a mapping, found \(describe(node))", at: location(node))
            return nil
        }
        return mapping.map { ($0.key, $0.value) }
    }

    /// A sequence's items, or none (after reporting) when `node` is not a sequence. Null is empty.
    private mutating func sequence(_ node: Node, key: String) -> [Node] {
        if case .scalar(let scalar) = node, isNullScalar(scalar) { return [] }
        guard case .sequence(let sequence) = node else {
            report("'\(key)' must be a sequence, found \(describe(node))", at: location(node))
            return []
        }
        return Array(sequence)
    }

    /// A scalar's text, or `nil` (after reporting) for a mapping or sequence.
    private mutating func string(_ node: Node, key: String) -> Located<String>? {
        guard case .scalar(let scalar) = node else {
            report("\(quotedKey(key)) must be a string, found \(describe(node))", at: location(node))
            return nil
        }
        return Located(value: scalar.string, location: location(node))
    }

    /// A scalar holding code, or `nil` (after reporting) for a mapping or sequence.
    private mutating func code(_ node: Node, key: String) -> CodeScalar? {
        guard case .scalar(let scalar) = node else {
            report("\(quotedKey(key)) must be a string, found \(describe(node))", at: location(node))
            return nil
        }
        return CodeScalar(text: scalar.string, scalar: scalar, location: location(node))
    }

    private func quotedKey(_ key: String) -> String {
        key.contains(" ") ? key : "'\(key)'"
    }
}

/// Whether a scalar is YAML's null (`~`, `null`, or nothing), unquoted.
func isNullScalar(_ scalar: Node.Scalar) -> Bool {
    guard scalar.style == .plain || scalar.style == .any else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
}

/// `text` fit for a one-line message: control characters escaped (`\n`, `\t`, `\u{1B}`), cut at 60 scalars.
///
/// A diagnostic is one line (CONTRACT.md); a multi-line scalar echoed as it is would break that (found by
/// `make fuzz`, fuzz/regressions/rules/).
func oneLineExcerpt(_ text: String, limit: Int = 60) -> String {
    var result = ""
    var count = 0
    for scalar in text.unicodeScalars {
        if count == limit {
            result += "…"
            break
        }
        switch scalar {
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .lineSeparator
            || scalar.properties.generalCategory == .paragraphSeparator:
            result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        default: result.unicodeScalars.append(scalar)
        }
        count += 1
    }
    return result
}

/// How a node is named in messages: `a mapping`, `a sequence`, `null`, or the quoted scalar.
func describe(_ node: Node) -> String {
    switch node {
    case .mapping: "a mapping"
    case .sequence: "a sequence"
    case .scalar(let scalar): isNullScalar(scalar) ? "null" : "'\(oneLineExcerpt(scalar.string))'"
    case .alias: "an alias"
    }
}
