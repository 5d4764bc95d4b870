import Foundation
import TransferWatchConfig
import Yams

/// Loads rule files into validated ``RuleGroup``s, collecting every problem in every file.
///
/// ```swift
/// let loader = RuleFileLoader(environment: ExpressionEnvironment(timeZone: configuration.sftp.timezone))
/// let set = loader.load(files: ["rules/copy.yaml", "rules/state.yaml"])
/// for diagnostic in set.diagnostics { print(diagnostic) }   // rules/copy.yaml:7:15: error: …
/// ```
///
/// Loading has two layers, as Prometheus's rulefmt: the YAML is read into a mirror that keeps each value's
/// position (rejecting unknown keys and wrong node types), then the mirror is validated: required keys,
/// severities, durations, label names, alarms, and every expression and template compiled against the
/// group's fact schema. Alert names must be unique across all the files loaded together.
package struct RuleFileLoader: Sendable {
    /// The settings expressions and templates are compiled with (the configured time zone).
    package var environment: ExpressionEnvironment

    /// Creates a loader.
    package init(environment: ExpressionEnvironment = ExpressionEnvironment()) {
        self.environment = environment
    }

    /// The outcome of loading a set of files: the groups that validated, and every problem, sorted.
    package struct LoadedRules: Sendable {
        /// The valid groups of every file, in order. Meaningful only when ``diagnostics`` is empty.
        package var groups: [RuleGroup]
        /// Every problem, sorted by file, line and column.
        package var diagnostics: [RuleDiagnostic]
        /// How many files were read.
        package var fileCount: Int
        /// How many rules the files declare.
        package var ruleCount: Int
    }

    /// Loads files from disk, reporting unreadable ones as diagnostics.
    ///
    /// - Parameter files: Paths, as diagnostics should name them.
    package func load(files: [String]) -> LoadedRules {
        let sources = files.map { file -> (String, String?) in
            (file, try? String(contentsOfFile: file, encoding: .utf8))
        }
        var unreadable: [RuleDiagnostic] = []
        var readable: [(file: String, yaml: String)] = []
        for (file, text) in sources {
            if let text {
                readable.append((file, text))
            } else {
                unreadable.append(
                    RuleDiagnostic("cannot read the file", at: SourceLocation(file: file, line: 1, column: 1)))
            }
        }
        var loaded = load(sources: readable)
        loaded.diagnostics = (loaded.diagnostics + unreadable).sorted()
        loaded.fileCount = files.count
        return loaded
    }

    /// Loads rule files given as text.
    ///
    /// - Parameter sources: Each file's name (for diagnostics) and its YAML.
    package func load(sources: [(file: String, yaml: String)]) -> LoadedRules {
        var result = LoadedRules(groups: [], diagnostics: [], fileCount: sources.count, ruleCount: 0)
        var firstAlert: [String: SourceLocation] = [:]
        var firstAlarm: [String: SourceLocation] = [:]
        for source in sources {
            var validator = Validator(file: source.file, yaml: source.yaml, environment: environment)
            let groups = validator.validate()
            for declared in validator.alertNames {
                let name = declared.name.value
                let key = name + "\u{0}" + (declared.severity ?? "")
                if let first = firstAlert[key] {
                    validator.diagnostics.append(
                        RuleDiagnostic(
                            "duplicate alert '\(name)' with severity '\(declared.severity ?? "")' (first defined at "
                                + "\(first)): rules that share an alert name must differ in severity",
                            at: declared.name.location))
                } else {
                    firstAlert[key] = declared.name.location
                }
                guard let alarm = declared.alarm else { continue }
                if let first = firstAlarm[name] {
                    validator.diagnostics.append(
                        RuleDiagnostic(
                            "alert '\(name)' already has an alarm (at \(first)): only one of its rules may have one",
                            at: alarm))
                } else {
                    firstAlarm[name] = alarm
                }
            }
            result.groups += groups
            result.ruleCount += validator.ruleCount
            result.diagnostics += validator.diagnostics
        }
        result.diagnostics.sort()
        return result
    }
}

/// Validates one file's mirror into groups.
private struct Validator {
    let file: String
    let yaml: String
    let environment: ExpressionEnvironment
    let lines: [Substring]
    var diagnostics: [RuleDiagnostic] = []
    /// Every alert name in file order with its severity and alarm, for the duplicate checks across files.
    var alertNames: [(name: Located<String>, severity: String?, alarm: SourceLocation?)] = []
    var ruleCount = 0

    init(file: String, yaml: String, environment: ExpressionEnvironment) {
        self.file = file
        self.yaml = yaml
        self.environment = environment
        self.lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
    }

    mutating func report(_ message: String, at location: SourceLocation) {
        diagnostics.append(RuleDiagnostic(message, at: location))
    }

    mutating func validate() -> [RuleGroup] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            diagnostics.append(syntaxError(error))
            return []
        }
        var reader = RuleFileMirrorReader(file: file)
        let mirror = reader.read(root)
        diagnostics += reader.diagnostics
        var names: [String: SourceLocation] = [:]
        var groups: [RuleGroup] = []
        for group in mirror.groups {
            if let name = group.name {
                if let first = names[name.value] {
                    report("duplicate group '\(name.value)' (first defined at \(first))", at: name.location)
                } else {
                    names[name.value] = name.location
                }
            }
            if let valid = validate(group) { groups.append(valid) }
        }
        return groups
    }

    private mutating func validate(_ group: RuleFileMirror.Group) -> RuleGroup? {
        let before = diagnostics.count
        if group.name == nil { report("missing key 'name' in group", at: group.location) }
        if let name = group.name, name.value.isEmpty { report("group name must not be empty", at: name.location) }
        var kind: RuleGroupKind?
        switch group.kind?.value {
        case nil:
            report("missing key 'kind' in group (step or state)", at: group.location)
        case "step":
            if let interval = group.interval {
                report("'interval' is only allowed in state groups", at: interval.location)
            }
            switch group.workflow {
            case nil:
                report("a step group needs 'workflow' (copy, provision or teardown)", at: group.location)
            case let workflow?:
                if let value = StepWorkflow(rawValue: workflow.value) {
                    kind = .step(value)
                } else {
                    report(
                        "invalid workflow '\(workflow.value)': must be copy, provision or teardown",
                        at: workflow.location)
                }
            }
        case "state":
            if let workflow = group.workflow {
                report("'workflow' is only allowed in step groups", at: workflow.location)
            }
            let interval = group.interval.map { duration($0, key: "interval") } ?? .seconds(60)
            if let interval { kind = .state(interval: interval) }
        case let other?:
            report("invalid group kind '\(other)': must be step or state", at: group.kind!.location)
        }
        // A state group's rules are checked even when its interval is malformed.
        let schema: FactSchema? =
            switch (group.kind?.value, kind) {
            case ("state", _): PipelineFacts.state
            case (_, .step(let workflow)?): workflow.schema
            default: nil
            }
        let isStep = group.kind?.value == "step"
        var rules: [Rule] = []
        for entry in group.rules {
            ruleCount += 1
            if let rule = validate(entry, schema: schema, isStep: isStep) { rules.append(rule) }
        }
        guard diagnostics.count == before, let kind, let name = group.name else { return nil }
        return RuleGroup(name: name.value, kind: kind, rules: rules, location: group.location)
    }

    private mutating func validate(_ entry: RuleFileMirror.RuleEntry, schema: FactSchema?, isStep: Bool) -> Rule? {
        let before = diagnostics.count
        if let alert = entry.alert {
            if isLabelName(alert.value, allowingHyphens: true) {
                alertNames.append((alert, entry.severity?.value, entry.alarm?.location))
            } else {
                report("invalid alert name '\(alert.value)': use letters, digits, '_' and '-'", at: alert.location)
            }
        } else {
            report("missing key 'alert' in rule", at: entry.location)
        }
        let name = entry.alert.map { "rule '\($0.value)'" } ?? "rule"
        if entry.expr == nil { report("missing key 'expr' in \(name)", at: entry.location) }
        if entry.severity == nil { report("missing key 'severity' in \(name)", at: entry.location) }
        let severity = entry.severity.flatMap { located -> Severity? in
            guard let severity = Severity(rawValue: located.value) else {
                report("invalid severity '\(located.value)': must be critical, warning or info", at: located.location)
                return nil
            }
            return severity
        }
        var hold = Duration.zero
        var keep = Duration.zero
        for (key, located) in [("for", entry.holdDuration), ("keep_firing_for", entry.keepFiringFor)] {
            guard let located else { continue }
            if isStep {
                report("'\(key)' is not allowed in a step rule: a step rule fires once per step", at: located.location)
            } else if let value = duration(located, key: key) {
                if key == "for" { hold = value } else { keep = value }
            }
        }
        var labels: [String: String] = [:]
        var labelTemplates: [String: Template] = [:]
        for (label, value) in entry.labels {
            if !isLabelName(label.value, allowingHyphens: false) {
                report("invalid label name '\(label.value)': must match [a-zA-Z_][a-zA-Z0-9_]*", at: label.location)
            } else if Rule.reservedLabels.contains(label.value) {
                report("label '\(label.value)' is set by the rule itself", at: label.location)
            }
            labels[label.value] = value.text
            guard let schema else { continue }
            do throws(ExpressionError) {
                labelTemplates[label.value] = try Template.compile(value.text, schema: schema, environment: environment)
            } catch {
                report(error, in: value)
            }
        }
        var expression: CompiledExpression?
        if let expr = entry.expr, let schema {
            if expr.text.allSatisfy(\.isWhitespace) {
                report("'expr' must not be empty", at: expr.location)
            } else {
                do throws(ExpressionError) {
                    expression = try Expression.compile(
                        expr.text, schema: schema, environment: environment, expecting: .bool)
                } catch {
                    report(error, in: expr)
                }
            }
        }
        var annotations: [String: Template] = [:]
        for (annotation, source) in entry.annotations {
            guard let schema else { continue }
            do throws(ExpressionError) {
                annotations[annotation.value] = try Template.compile(
                    source.text, schema: schema, environment: environment)
            } catch {
                report(error, in: source)
            }
        }
        let alarm = entry.alarm.flatMap { validate($0) }
        guard diagnostics.count == before, let alert = entry.alert, let expression, let severity else { return nil }
        return Rule(
            alert: alert.value, expression: expression, holdDuration: hold, keepFiringFor: keep, severity: severity,
            labels: labels, labelTemplates: labelTemplates, annotations: annotations, alarm: alarm,
            location: alert.location)
    }

    private mutating func validate(_ alarm: RuleFileMirror.Alarm) -> AlarmSpecification? {
        let before = diagnostics.count
        func field(_ key: String) -> Located<String>? { alarm.fields[key] }
        for key in ["metric", "threshold", "comparison"] where field(key) == nil {
            report("missing key '\(key)' in alarm", at: alarm.location)
        }
        if let metric = field("metric"), !AlarmSpecification.metrics.contains(metric.value) {
            let hint =
                suggestion(for: metric.value, among: AlarmSpecification.metrics).map { " (did you mean '\($0)'?)" }
                ?? ""
            report(
                "unknown alarm metric '\(metric.value)'\(hint): must be one of the metrics TransferWatch publishes",
                at: metric.location)
        }
        func choice(_ key: String, _ allowed: [String], default value: String) -> String {
            guard let located = field(key) else { return value }
            guard allowed.contains(located.value) else {
                let hint = suggestion(for: located.value, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                report(
                    "invalid alarm \(key) '\(located.value)'\(hint): must be one of \(allowed.joined(separator: ", "))",
                    at: located.location)
                return value
            }
            return located.value
        }
        let statistic = choice("statistic", AlarmSpecification.statistics, default: "Sum")
        let comparison = choice("comparison", AlarmSpecification.comparisons, default: "")
        let treatMissingData = choice(
            "treatMissingData", AlarmSpecification.missingDataTreatments, default: "notBreaching")
        var threshold = 0.0
        if let located = field("threshold") {
            if let value = Double(located.value), value.isFinite {
                threshold = value
            } else {
                report("invalid alarm threshold '\(located.value)': must be a number", at: located.location)
            }
        }
        var periods = 1
        if let located = field("evaluationPeriods") {
            if let value = Int(located.value), value >= 1 {
                periods = value
            } else {
                report(
                    "invalid alarm evaluationPeriods '\(located.value)': must be a whole number of at least 1",
                    at: located.location)
            }
        }
        let period = field("period").flatMap { duration($0, key: "alarm period") } ?? .seconds(300)
        guard diagnostics.count == before, let metric = field("metric") else { return nil }
        return AlarmSpecification(
            metric: metric.value, statistic: statistic, threshold: threshold, comparison: comparison, period: period,
            evaluationPeriods: periods, treatMissingData: treatMissingData)
    }

    /// Reports each diagnostic of an expression or template at its position in the file.
    private mutating func report(_ error: ExpressionError, in code: CodeScalar) {
        for diagnostic in error.diagnostics {
            report(diagnostic.message, at: code.location(of: diagnostic.range.start, lines: lines))
        }
    }

    /// A duration, or `nil` after reporting a malformed one.
    private mutating func duration(_ located: Located<String>, key: String) -> Duration? {
        guard let value = parseDuration(located.value) else {
            report(
                "invalid duration '\(located.value)' in '\(key)' (write e.g. 30s, 5m, 1h30m, 2d)", at: located.location)
            return nil
        }
        return value
    }

    /// A YAML error as one diagnostic at the parser's position.
    private func syntaxError(_ error: any Error) -> RuleDiagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        func oneLine(_ text: String) -> String { text.split(whereSeparator: \.isNewline).joined(separator: " ") }
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _)?,
            .parser(let context, let problem, let mark, _)?,
            .composer(let context, let problem, let mark, _)?:
            let explained = context.map { "\(problem) (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? problem
            return RuleDiagnostic("YAML syntax: \(oneLine(explained))", at: at(mark))
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

/// Whether `name` is a Prometheus label name (`[a-zA-Z_][a-zA-Z0-9_]*`), or also allowing `-` (alert names).
func isLabelName(_ name: String, allowingHyphens: Bool) -> Bool {
    guard let first = name.unicodeScalars.first else { return false }
    func isLetter(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) || s == "_" }
    return isLetter(first)
        && name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || (allowingHyphens && $0 == "-") }
}
