import Foundation
import TransferWatchConfig
import Yams

/// Reads a rule unit-test file, collecting every problem as a `file:line:col` ``RuleDiagnostic``.
///
/// Unknown keys (with a suggestion), wrong node types, malformed durations and instants, unknown time zones,
/// workflows and match modes, and every fact that is not in its schema or has the wrong type are reported at
/// the YAML node at fault.
package struct RuleTestFileReader: Sendable {
    /// Creates a reader.
    package init() {}

    /// Reads a test file from disk.
    ///
    /// - Throws: ``RuleSetError`` with every problem (an unreadable file is one diagnostic at 1:1).
    package func read(path: String) throws(RuleSetError) -> RuleTestFile {
        guard let yaml = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RuleSetError(diagnostics: [
                RuleDiagnostic("cannot read the file", at: SourceLocation(file: path, line: 1, column: 1))
            ])
        }
        return try read(path: path, yaml: yaml)
    }

    /// Reads a test file given as text; `path` names it in messages and anchors its relative `rule_files`.
    ///
    /// - Throws: ``RuleSetError`` with every problem, sorted by position.
    package func read(path: String, yaml: String) throws(RuleSetError) -> RuleTestFile {
        var parser = TestFileParser(file: path)
        let file = parser.parse(yaml)
        guard parser.diagnostics.isEmpty, let file else {
            throw RuleSetError(diagnostics: parser.diagnostics.sorted())
        }
        return file
    }
}

/// The keys each mapping of a test file may have.
enum TestFileKeys {
    static let root = ["rule_files", "evaluation_interval", "tests"]
    static let test = ["name", "start", "timezone", "environment", "snapshots", "steps", "alert_rule_test"]
    static let snapshot = ["at", "facts"]
    static let step = ["at", "workflow", "facts"]
    static let assertion = ["eval_time", "alertname", "match", "exp_alerts"]
    static let expected = ["exp_labels", "exp_annotations"]
}

/// The parser behind ``RuleTestFileReader``.
struct TestFileParser {
    let file: String
    var diagnostics: [RuleDiagnostic] = []

    init(file: String) {
        self.file = file
    }

    func location(_ node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    mutating func report(_ message: String, at node: Node) {
        diagnostics.append(RuleDiagnostic(message, at: location(node)))
    }

    mutating func parse(_ yaml: String) -> RuleTestFile? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            diagnostics.append(syntaxError(error))
            return nil
        }
        guard let root else {
            diagnostics.append(
                RuleDiagnostic(
                    "missing key 'tests': the file is empty", at: SourceLocation(file: file, line: 1, column: 1)))
            return nil
        }
        guard let fields = mapping(root, allowed: TestFileKeys.root, what: "a rule test file") else { return nil }
        var ruleFiles: [String] = []
        let folder = (file as NSString).deletingLastPathComponent
        if let node = fields["rule_files"] {
            for item in sequence(node, key: "rule_files") {
                guard let name = string(item, key: "a rule file") else { continue }
                let resolved = name.hasPrefix("/") || folder.isEmpty ? name : folder + "/" + name
                if !FileManager.default.fileExists(atPath: resolved) {
                    report("rule file '\(name)' not found (looked for \(resolved))", at: item)
                }
                ruleFiles.append(resolved)
            }
            if ruleFiles.isEmpty, diagnostics.isEmpty { report("'rule_files' must name at least one file", at: node) }
        } else {
            report("missing key 'rule_files'", at: root)
        }
        var interval: Duration?
        if let node = fields["evaluation_interval"], let value = duration(node, key: "evaluation_interval") {
            if value <= .zero {
                report("'evaluation_interval' must be longer than 0s", at: node)
            } else {
                interval = value
            }
        }
        var tests: [RuleTestCase] = []
        if let node = fields["tests"] {
            for item in sequence(node, key: "tests") {
                if let test = parseTest(item) { tests.append(test) }
            }
        } else {
            report("missing key 'tests'", at: root)
        }
        return RuleTestFile(path: file, ruleFiles: ruleFiles, evaluationInterval: interval, tests: tests)
    }

    private mutating func parseTest(_ node: Node) -> RuleTestCase? {
        guard let fields = mapping(node, allowed: TestFileKeys.test, what: "a test") else { return nil }
        let name = fields["name"].flatMap { string($0, key: "name") } ?? ""
        if fields["name"] == nil { report("missing key 'name' in test", at: node) }
        var start = Date(timeIntervalSince1970: 0)
        if let startNode = fields["start"], let text = string(startNode, key: "start") {
            if let date = parseInstant(text) {
                start = date
            } else {
                report("invalid start '\(text)': write an ISO-8601 instant such as 2026-11-28T00:00:00Z", at: startNode)
            }
        }
        var timeZone = TimeZone.gmt
        if let zoneNode = fields["timezone"], let text = string(zoneNode, key: "timezone") {
            if let zone = TimeZone(identifier: text) {
                timeZone = zone
            } else {
                report("unknown time zone '\(text)' (write an IANA name such as Europe/Berlin)", at: zoneNode)
            }
        }
        let environment = fields["environment"].flatMap { string($0, key: "environment") } ?? "test"
        let context = FactReadingContext(start: start)
        var snapshots: [TimelineSnapshot] = []
        if let list = fields["snapshots"] {
            for item in sequence(list, key: "snapshots") {
                guard let entry = mapping(item, allowed: TestFileKeys.snapshot, what: "a snapshot") else { continue }
                let at = offset(entry["at"], in: item, what: "snapshot")
                var facts: [String: FactValue] = [:]
                if let factsNode = entry["facts"] {
                    facts = factTree(factsNode, schema: PipelineFacts.state, prefix: "", context: context) ?? [:]
                }
                if let at { snapshots.append(TimelineSnapshot(at: at, facts: facts, location: location(item))) }
            }
        }
        var steps: [TimelineStep] = []
        if let list = fields["steps"] {
            for item in sequence(list, key: "steps") {
                guard let entry = mapping(item, allowed: TestFileKeys.step, what: "a step") else { continue }
                let at = offset(entry["at"], in: item, what: "step")
                var workflow: StepWorkflow?
                if let workflowNode = entry["workflow"], let text = string(workflowNode, key: "workflow") {
                    workflow = StepWorkflow(rawValue: text)
                    if workflow == nil {
                        report("invalid workflow '\(text)': must be copy, provision or teardown", at: workflowNode)
                    }
                } else if entry["workflow"] == nil {
                    report("missing key 'workflow' in step (copy, provision or teardown)", at: item)
                }
                var facts: [String: FactValue] = [:]
                if let workflow, let factsNode = entry["facts"] {
                    facts = factTree(factsNode, schema: workflow.schema, prefix: "", context: context) ?? [:]
                }
                if let at, let workflow {
                    steps.append(TimelineStep(at: at, workflow: workflow, facts: facts, location: location(item)))
                }
            }
        }
        var assertions: [AlertAssertion] = []
        if let list = fields["alert_rule_test"] {
            for item in sequence(list, key: "alert_rule_test") {
                if let assertion = parseAssertion(item) { assertions.append(assertion) }
            }
        }
        return RuleTestCase(
            name: name, location: location(node), start: start, timeZone: timeZone, environment: environment,
            snapshots: snapshots.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
                .map(\.element),
            steps: steps.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element),
            assertions: assertions)
    }

    private mutating func parseAssertion(_ node: Node) -> AlertAssertion? {
        guard let fields = mapping(node, allowed: TestFileKeys.assertion, what: "an alert_rule_test entry") else {
            return nil
        }
        let evalTime = offset(fields["eval_time"], in: node, what: "alert_rule_test entry", key: "eval_time")
        let alertname = fields["alertname"].flatMap { string($0, key: "alertname") }
        if fields["alertname"] == nil { report("missing key 'alertname' in alert_rule_test entry", at: node) }
        var match = AlertAssertion.Match.exact
        if let matchNode = fields["match"], let text = string(matchNode, key: "match") {
            if let value = AlertAssertion.Match(rawValue: text) {
                match = value
            } else {
                report("invalid match '\(text)': must be exact or partial", at: matchNode)
            }
        }
        var expected: [ExpectedAlert] = []
        if let list = fields["exp_alerts"] {
            for item in sequence(list, key: "exp_alerts") {
                guard let entry = mapping(item, allowed: TestFileKeys.expected, what: "an expected alert") else {
                    continue
                }
                let labels = entry["exp_labels"].flatMap { stringMap($0, key: "exp_labels") } ?? [:]
                let annotations = entry["exp_annotations"].flatMap { stringMap($0, key: "exp_annotations") } ?? [:]
                if let alertname, let given = labels["alertname"], given != alertname {
                    report("exp_labels names alertname '\(given)' in a test of '\(alertname)'", at: item)
                }
                expected.append(ExpectedAlert(labels: labels, annotations: annotations))
            }
        }
        guard let evalTime, let alertname else { return nil }
        return AlertAssertion(
            evalTime: evalTime, alertname: alertname, match: match, expected: expected, location: location(node))
    }

    // MARK: Values

    /// An offset from the test's start (`at`, `eval_time`): a duration.
    private mutating func offset(_ node: Node?, in parent: Node, what: String, key: String = "at") -> Duration? {
        guard let node else {
            report("missing key '\(key)' in \(what)", at: parent)
            return nil
        }
        return duration(node, key: key)
    }

    private mutating func duration(_ node: Node, key: String) -> Duration? {
        guard let text = string(node, key: key) else { return nil }
        guard let value = parseDuration(text) else {
            report("invalid duration '\(text)' in '\(key)' (write e.g. 30s, 5m, 1h30m, 2d)", at: node)
            return nil
        }
        return value
    }

    private mutating func stringMap(_ node: Node, key: String) -> [String: String]? {
        if case .scalar(let scalar) = node, isNullScalar(scalar) { return [:] }
        guard case .mapping(let mapping) = node else {
            report("'\(key)' must be a mapping, found \(describe(node))", at: node)
            return nil
        }
        var values: [String: String] = [:]
        for (name, value) in mapping {
            guard let name = string(name, key: "a name in \(key)"), let value = string(value, key: name) else {
                continue
            }
            values[name] = value
        }
        return values
    }

    // MARK: Node shapes

    mutating func mapping(_ node: Node, allowed: [String], what: String) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            report("\(what) must be a mapping, found \(describe(node))", at: node)
            return nil
        }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else {
                report("keys must be strings, found \(describe(key))", at: key)
                continue
            }
            guard allowed.contains(name) else {
                let hint = suggestion(for: name, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                report("unknown key '\(name)' in \(what)\(hint)", at: key)
                continue
            }
            fields[name] = value
        }
        return fields
    }

    mutating func sequence(_ node: Node, key: String) -> [Node] {
        if case .scalar(let scalar) = node, isNullScalar(scalar) { return [] }
        guard case .sequence(let sequence) = node else {
            report("'\(key)' must be a sequence, found \(describe(node))", at: node)
            return []
        }
        return Array(sequence)
    }

    mutating func string(_ node: Node, key: String) -> String? {
        guard case .scalar(let scalar) = node else {
            report("'\(key)' must be a string, found \(describe(node))", at: node)
            return nil
        }
        return scalar.string
    }

    private func syntaxError(_ error: any Error) -> RuleDiagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        func oneLine(_ text: String) -> String { text.split(whereSeparator: \.isNewline).joined(separator: " ") }
        switch error as? YamlError {
        case .scanner(_, let problem, let mark, _)?, .parser(_, let problem, let mark, _)?,
            .composer(_, let problem, let mark, _)?:
            return RuleDiagnostic("YAML syntax: \(oneLine(problem))", at: at(mark))
        case .duplicatedKeysInMapping(let duplicates, let context)?:
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return RuleDiagnostic("duplicate key \(keys) in a mapping", at: at(context.mark))
        default:
            return RuleDiagnostic(
                "YAML syntax: \(oneLine(String(describing: error)))", at: SourceLocation(file: file, line: 1, column: 1)
            )
        }
    }
}

/// An ISO-8601 instant with a zone (`2026-11-28T00:00:00Z`, `2026-11-28T01:00:00+01:00`, fractional seconds
/// allowed), or a bare date (`2026-11-28`, midnight UTC).
func parseInstant(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withFullDate]
    return formatter.date(from: text)
}
