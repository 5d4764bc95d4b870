import Foundation
import Testing
import TransferWatchConfig
import TransferWatchRules

/// Rule files: every kind of mistake reported word for word at its `file:line:col`, and good files loaded into
/// validated groups.
@Suite struct RuleFileLoaderTests {
    /// One broken fixture and everything `rules lint` must say about it, in order.
    struct BadFixture: CustomTestStringConvertible, Sendable {
        var name: String
        var diagnostics: [String]
        var testDescription: String { name }
    }

    static let badFixtures: [BadFixture] = [
        // An alarm with a statistic, threshold, comparison and period CloudWatch would refuse.
        BadFixture(
            name: "alarm.bad.yaml",
            diagnostics: [
                "alarm.bad.yaml:10:19: error: unknown alarm metric 'CopyFailures' (did you mean 'CopyFailed'?): must be one of the metrics TransferWatch publishes",
                "alarm.bad.yaml:11:22: error: invalid alarm statistic 'Avg': must be one of SampleCount, Average, Sum, Minimum, Maximum",
                "alarm.bad.yaml:12:22: error: invalid alarm threshold 'one': must be a number",
                "alarm.bad.yaml:13:23: error: invalid alarm comparison 'bigger': must be one of GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold",
                "alarm.bad.yaml:14:19: error: invalid duration '5 min' in 'alarm period' (write e.g. 30s, 5m, 1h30m, 2d)",
            ]
        ),
        // Two rules share an alert name (allowed: their severities differ), but both ask for an alarm.
        BadFixture(
            name: "alarm-twice.bad.yaml",
            diagnostics: [
                "alarm-twice.bad.yaml:24:11: error: alert 'stalled-counter' already has an alarm (at alarm-twice.bad.yaml:12:11): only one of its rules may have one"
            ]
        ),
        // Label values are templates: an unknown fact, a filter on the wrong type, an unclosed placeholder.
        BadFixture(
            name: "label-template.bad.yaml",
            diagnostics: [
                "label-template.bad.yaml:10:27: error: unknown field 'source.kee' (did you mean 'source.key'?)",
                "label-template.bad.yaml:11:32: error: type error: filter 'humanizeBytes' needs a number, found string (uploader)",
                "label-template.bad.yaml:12:20: error: unclosed '{{' (expected '}}')",
            ]
        ),
        // An unknown field on the second line of a `|` block: line by line, shifted by the indentation.
        BadFixture(
            name: "block-literal.bad.yaml",
            diagnostics: [
                "block-literal.bad.yaml:8:31: error: unknown field 'counter.lastDelivery' (did you mean 'counter.lastDeliveryAt'?)"
            ]
        ),
        // A key given twice in one mapping: YAML itself refuses the file, at the first of the two.
        BadFixture(
            name: "duplicate-key.bad.yaml",
            diagnostics: [
                "duplicate-key.bad.yaml:8:9: error: duplicate key 'severity' in a mapping"
            ]
        ),
        // An empty expr, an alert name with a space, a label the rule sets itself, and an alarm that is a scalar.
        BadFixture(
            name: "names-and-blanks.bad.yaml",
            diagnostics: [
                "names-and-blanks.bad.yaml:7:14: error: 'expr' must not be empty",
                "names-and-blanks.bad.yaml:9:16: error: invalid alert name 'Bad Name': use letters, digits, '_' and '-'",
                "names-and-blanks.bad.yaml:13:11: error: label 'alertname' is set by the rule itself",
                "names-and-blanks.bad.yaml:14:16: error: an alarm must be a mapping, found 'yes'",
            ]
        ),
        // Two rules with one alert name: the second is reported, naming the first.
        BadFixture(
            name: "duplicate-alert.bad.yaml",
            diagnostics: [
                "duplicate-alert.bad.yaml:12:16: error: duplicate alert 'copy-failed' with severity 'critical' (first defined at duplicate-alert.bad.yaml:6:16): rules that share an alert name must differ in severity"
            ]
        ),
        // Malformed durations in interval, for and keep_firing_for.
        BadFixture(
            name: "duration.bad.yaml",
            diagnostics: [
                "duration.bad.yaml:4:15: error: invalid duration '1x' in 'interval' (write e.g. 30s, 5m, 1h30m, 2d)",
                "duration.bad.yaml:8:14: error: invalid duration '5 minutes' in 'for' (write e.g. 30s, 5m, 1h30m, 2d)",
                "duration.bad.yaml:9:26: error: invalid duration '1.5h' in 'keep_firing_for' (write e.g. 30s, 5m, 1h30m, 2d)",
            ]
        ),
        // A type error in a `>` block, whose lines YAML joins with spaces.
        BadFixture(
            name: "folded.bad.yaml",
            diagnostics: [
                "folded.bad.yaml:8:37: error: type error: cannot compare duration with number (12)"
            ]
        ),
        // `for` and `keep_firing_for` mean nothing for a rule that fires once per step.
        BadFixture(
            name: "for-on-step.bad.yaml",
            diagnostics: [
                "for-on-step.bad.yaml:8:14: error: 'for' is not allowed in a step rule: a step rule fires once per step",
                "for-on-step.bad.yaml:9:26: error: 'keep_firing_for' is not allowed in a step rule: a step rule fires once per step",
            ]
        ),
        // A step group without a workflow, an unknown kind, a workflow on a state group, an unknown workflow.
        BadFixture(
            name: "group-kind.bad.yaml",
            diagnostics: [
                "group-kind.bad.yaml:2:5: error: a step group needs 'workflow' (copy, provision or teardown)",
                "group-kind.bad.yaml:6:11: error: invalid group kind 'stat': must be step or state",
                "group-kind.bad.yaml:10:15: error: 'workflow' is only allowed in step groups",
                "group-kind.bad.yaml:14:15: error: invalid workflow 'tear-down': must be copy, provision or teardown",
            ]
        ),
        // Label names that are not Prometheus label names.
        BadFixture(
            name: "label-name.bad.yaml",
            diagnostics: [
                "label-name.bad.yaml:10:11: error: invalid label name 'team-name': must match [a-zA-Z_][a-zA-Z0-9_]*",
                "label-name.bad.yaml:11:11: error: invalid label name '2fa': must match [a-zA-Z_][a-zA-Z0-9_]*",
            ]
        ),
        // A rule without expr and severity, and one without alert.
        BadFixture(
            name: "missing-keys.bad.yaml",
            diagnostics: [
                "missing-keys.bad.yaml:6:9: error: missing key 'expr' in rule 'copy-failed'",
                "missing-keys.bad.yaml:6:9: error: missing key 'severity' in rule 'copy-failed'",
                "missing-keys.bad.yaml:9:9: error: missing key 'alert' in rule",
            ]
        ),
        // An expr that is a number, not a condition.
        BadFixture(
            name: "non-bool.bad.yaml",
            diagnostics: [
                "non-bool.bad.yaml:6:15: error: type error: expression must be bool, found number"
            ]
        ),
        // Many mistakes in one file, all reported in one run.
        BadFixture(
            name: "several.bad.yaml",
            diagnostics: [
                "several.bad.yaml:7:22: error: unexpected '=' (use '==' to compare)",
                "several.bad.yaml:7:24: error: unexpected '\"failed\"' after the expression",
                "several.bad.yaml:8:14: error: 'for' is not allowed in a step rule: a step rule fires once per step",
                "several.bad.yaml:9:19: error: invalid severity 'high': must be critical, warning or info",
                "several.bad.yaml:11:31: error: unknown field 'source.kee' (did you mean 'source.key'?)",
                "several.bad.yaml:12:9: error: missing key 'expr' in rule 'copy-failed'",
                "several.bad.yaml:12:16: error: duplicate alert 'copy-failed' with severity 'high' (first defined at several.bad.yaml:6:16): rules that share an alert name must differ in severity",
                "several.bad.yaml:13:9: error: unknown key 'exp' in a rule (did you mean 'expr'?)",
                "several.bad.yaml:14:19: error: invalid severity 'high': must be critical, warning or info",
                "several.bad.yaml:17:15: error: invalid duration 'soon' in 'interval' (write e.g. 30s, 5m, 1h30m, 2d)",
                "several.bad.yaml:20:26: error: type error: cannot compare duration with string (\"x\")",
                "several.bad.yaml:23:11: error: invalid label name 'on-call': must match [a-zA-Z_][a-zA-Z0-9_]*",
            ]
        ),
        // A severity outside critical, warning, info.
        BadFixture(
            name: "severity.bad.yaml",
            diagnostics: [
                "severity.bad.yaml:8:19: error: invalid severity 'urgent': must be critical, warning or info"
            ]
        ),
        // A YAML syntax error (a quote closed too early).
        BadFixture(
            name: "syntax.bad.yaml",
            diagnostics: [
                "syntax.bad.yaml:7:27: error: YAML syntax: did not find expected key (while parsing a block mapping at 6:9)"
            ]
        ),
        // Annotation templates with an unknown field and an unknown filter, at their column in the quoted scalar.
        BadFixture(
            name: "template.bad.yaml",
            diagnostics: [
                "template.bad.yaml:9:38: error: unknown field 'server.idd' (did you mean 'server.id'?)",
                "template.bad.yaml:10:52: error: unknown filter 'humanise' (did you mean 'humanize'?)",
            ]
        ),
        // A type error in a single-quoted expr: one column further for the quote.
        BadFixture(
            name: "type-error.bad.yaml",
            diagnostics: [
                "type-error.bad.yaml:6:45: error: type error: cannot compare duration with string (\"x\")"
            ]
        ),
        // An unknown fact in a plain expr, with a suggestion.
        BadFixture(
            name: "unknown-field.bad.yaml",
            diagnostics: [
                "unknown-field.bad.yaml:6:40: error: unknown field 'server.agee' (did you mean 'server.age'?)"
            ]
        ),
        // A misspelt group key, with a suggestion.
        BadFixture(
            name: "unknown-group-key.bad.yaml",
            diagnostics: [
                "unknown-group-key.bad.yaml:4:5: error: unknown key 'intervall' in a group (did you mean 'interval'?)"
            ]
        ),
        // A misspelt rule key: reported with a suggestion, and the expr it should have been is missing.
        BadFixture(
            name: "unknown-key.bad.yaml",
            diagnostics: [
                "unknown-key.bad.yaml:6:9: error: missing key 'expr' in rule 'copy-failed'",
                "unknown-key.bad.yaml:7:9: error: unknown key 'expresion' in a rule (did you mean 'expr'?)",
            ]
        ),
        // labels as a sequence, rules as a mapping.
        BadFixture(
            name: "wrong-type.bad.yaml",
            diagnostics: [
                "wrong-type.bad.yaml:10:11: error: 'labels' must be a mapping, found a sequence",
                "wrong-type.bad.yaml:14:7: error: 'rules' must be a sequence, found a mapping",
            ]
        ),
    ]

    @Test(arguments: badFixtures)
    func badFixtureReportsEveryProblemAtItsPosition(_ fixture: BadFixture) throws {
        let loaded = try load([fixture.name])
        #expect(loaded.diagnostics.map(\.description) == fixture.diagnostics)
    }

    @Test func everyBadFixtureIsInTheTable() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: try fixturesFolder().path)
            .filter { $0.hasSuffix(".bad.yaml") }
        #expect(Set(names) == Set(Self.badFixtures.map(\.name)))
        #expect(names.count >= 15)
    }

    @Test func oneFileWithManyMistakesReportsThemAllInOneRun() throws {
        let loaded = try load(["several.bad.yaml"])
        let lines = Set(loaded.diagnostics.map(\.location.line))
        #expect(loaded.diagnostics.count == 12)
        #expect(lines == [7, 8, 9, 11, 12, 13, 14, 17, 20, 23])
    }

    @Test func goodFixturesLoadIntoValidatedGroups() throws {
        let loaded = try load(["copy.good.yaml", "state.good.yaml"])
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        #expect(loaded.fileCount == 2)
        #expect(loaded.ruleCount == 6)
        #expect(loaded.groups.map(\.name) == ["copy", "server", "provisioning", "teardown"])
        #expect(
            loaded.groups.map(\.kind) == [
                .step(.copy), .state(interval: .seconds(300)), .step(.provision), .step(.teardown),
            ])

        let copyFailed = try #require(loaded.groups.first?.rules.first)
        #expect(copyFailed.alert == "copy-failed")
        #expect(copyFailed.severity == .critical)
        #expect(copyFailed.labels == ["team": "invoices"])
        #expect(copyFailed.holdDuration == .zero)
        #expect(copyFailed.location == SourceLocation(file: "copy.good.yaml", line: 7, column: 16))
        #expect(Set(copyFailed.annotations.keys) == ["summary", "description", "runbook_url"])
        #expect(
            copyFailed.alarm
                == AlarmSpecification(
                    metric: "CopyFailed", statistic: "Sum", threshold: 1, comparison: "GreaterThanOrEqualToThreshold",
                    period: .seconds(300), evaluationPeriods: 1, treatMissingData: "notBreaching"))

        let staleServer = loaded.groups[1].rules[0]
        #expect(staleServer.holdDuration == .seconds(600))
        #expect(staleServer.keepFiringFor == .seconds(900))
        #expect(staleServer.expression.type == ExpressionType(.bool))
    }

    @Test func aStateGroupWithoutIntervalIsEvaluatedEveryMinute() {
        let loaded = RuleFileLoader().load(sources: [
            (
                file: "a.yaml",
                yaml: """
                groups:
                  - name: window
                    kind: state
                    rules:
                      - alert: window-open
                        expr: not window.complete
                        severity: info
                """
            )
        ])
        #expect(loaded.diagnostics.isEmpty)
        #expect(loaded.groups.first?.kind == .state(interval: .seconds(60)))
    }

    @Test func duplicateAlertsAcrossFilesPointAtTheSecondAndNameTheFirst() {
        let first = """
            groups:
              - name: copy
                kind: step
                workflow: copy
                rules:
                  - alert: copy-failed
                    expr: result == "failed"
                    severity: critical
            """
        let second = """
            groups:
              - name: server
                kind: state
                rules:
                  - alert: server-down
                    expr: server != null and not server.online
                    severity: warning
                  - alert: copy-failed
                    expr: copies.failedLast1h > 0
                    severity: critical
            """
        let loaded = RuleFileLoader().load(sources: [
            (file: "rules/copy.yaml", yaml: first), (file: "rules/state.yaml", yaml: second),
        ])
        #expect(
            loaded.diagnostics.map(\.description) == [
                "rules/state.yaml:8:16: error: duplicate alert 'copy-failed' with severity 'critical' (first defined at rules/copy.yaml:6:16): rules that share an alert name must differ in severity"
            ])
    }

    @Test func stepSchemasDifferByWorkflow() {
        let yaml = """
            groups:
              - name: teardown
                kind: step
                workflow: teardown
                rules:
                  - alert: teardown-slow
                    expr: latency > 5m
                    severity: info
            """
        let loaded = RuleFileLoader().load(sources: [(file: "t.yaml", yaml: yaml)])
        #expect(
            loaded.diagnostics.map(\.description) == [
                "t.yaml:7:15: error: unknown field 'latency'"
            ])
    }

    @Test func emptyAndNonMappingFilesAreReported() {
        let loaded = RuleFileLoader().load(sources: [
            (file: "empty.yaml", yaml: ""), (file: "list.yaml", yaml: "- a\n- b\n"),
        ])
        #expect(
            loaded.diagnostics.map(\.description) == [
                "empty.yaml:1:1: error: missing key 'groups': the file is empty",
                "list.yaml:1:1: error: the file must be a mapping, found a sequence",
            ])
    }

    @Test func unreadableFilesAreDiagnosticsToo() {
        let loaded = RuleFileLoader().load(files: ["/nonexistent/rules.yaml"])
        #expect(loaded.diagnostics.map(\.description) == ["/nonexistent/rules.yaml:1:1: error: cannot read the file"])
        #expect(loaded.fileCount == 1)
    }

    // MARK: Helpers

    /// The fixtures folder copied into the test bundle.
    private func fixturesFolder() throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    }

    /// Loads fixtures by name, naming each file by its bare name in diagnostics.
    private func load(_ names: [String]) throws -> RuleFileLoader.LoadedRules {
        let folder = try fixturesFolder()
        let sources = try names.map { name in
            (file: name, yaml: try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
        }
        return RuleFileLoader().load(sources: sources)
    }
}
