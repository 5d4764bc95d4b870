import Foundation
import TransferWatchConfig

/// A rule unit-test file, read and checked: which rule files it tests, and its test cases.
///
/// The format (the README's "Rule unit tests" section has the whole of it):
///
/// ```yaml
/// rule_files: [../server.yaml]          # relative to this file
/// evaluation_interval: 1m               # how often state rules are evaluated (default: each group's interval)
/// tests:
///   - name: a server left online after its window closed
///     start: 2026-11-28T00:00:00Z       # the calendar time of offset 0
///     snapshots:                        # state facts; each merged onto the one before
///       - {at: 0m, facts: {server: {id: s-1}}}
///       - {at: 4d, facts: {window: {closed: true}}}
///     steps:                            # workflow step records, each on its own defaults
///       - {at: 10m, workflow: copy, facts: {result: failed, source: {key: alice/a.pdf}}}
///     alert_rule_test:
///       - eval_time: 4d5m
///         alertname: stale-server
///         match: partial                # exact (default) or partial
///         exp_alerts: [{exp_labels: {severity: critical}, exp_annotations: {summary: ...}}]
/// ```
package struct RuleTestFile: Sendable {
    /// The test file's path, as messages name it.
    package var path: String
    /// The rule files under test, resolved against the test file's folder.
    package var ruleFiles: [String]
    /// How often every state group is evaluated during a replay, or `nil` to evaluate each group at its own
    /// `interval`, as the agent does.
    package var evaluationInterval: Duration?
    /// The test cases, in file order.
    package var tests: [RuleTestCase]
}

/// One test case: a timeline of snapshots and steps from a calendar start, and the alerts expected along it.
package struct RuleTestCase: Sendable {
    /// The test's name.
    package var name: String
    /// Where the test starts in its file.
    package var location: SourceLocation
    /// The calendar time of offset zero.
    package var start: Date
    /// The zone rules are compiled with (calendar functions, rendered timestamps); UTC unless given.
    package var timeZone: TimeZone
    /// The `environment` fact and label.
    package var environment: String
    /// State snapshots, in time order.
    package var snapshots: [TimelineSnapshot]
    /// Workflow steps, in time order.
    package var steps: [TimelineStep]
    /// What must be firing when.
    package var assertions: [AlertAssertion]
}

/// Facts of the pipeline's state from an offset on, merged onto the snapshot before.
package struct TimelineSnapshot: Sendable {
    /// The offset from the test's start.
    package var at: Duration
    /// The facts given, as a tree (only those written).
    package var facts: [String: FactValue]
    /// Where the snapshot is written.
    package var location: SourceLocation
}

/// One workflow step at an offset, with the facts of its record (the rest defaulted).
package struct TimelineStep: Sendable {
    /// The offset from the test's start.
    package var at: Duration
    /// The workflow that ran.
    package var workflow: StepWorkflow
    /// The facts given, as a tree (only those written).
    package var facts: [String: FactValue]
    /// Where the step is written.
    package var location: SourceLocation
}

/// The alerts of one rule that must be firing at one offset.
package struct AlertAssertion: Sendable {
    /// How expected alerts are compared with firing ones.
    package enum Match: String, Sendable, CaseIterable {
        /// Labels and annotations equal (the `alertname` label is implied).
        case exact
        /// The expected labels and annotations are among the alert's, with the same values.
        case partial
    }

    /// The offset at which the firing alerts are compared.
    package var evalTime: Duration
    /// The rule.
    package var alertname: String
    /// Exact or partial.
    package var match: Match
    /// The alerts that must be firing, no more and no fewer.
    package var expected: [ExpectedAlert]
    /// Where the assertion is written.
    package var location: SourceLocation
}

/// One expected firing alert.
package struct ExpectedAlert: Sendable, Hashable {
    /// Its labels (`alertname` is added).
    package var labels: [String: String]
    /// Its annotations.
    package var annotations: [String: String]

    /// Creates an expected alert.
    package init(labels: [String: String], annotations: [String: String]) {
        self.labels = labels
        self.annotations = annotations
    }
}
