import Foundation
import TransferWatchConfig

/// Replays the timeline of each test through a ``RuleSet`` and an ``AlertTracker`` exactly as the agent does, and
/// compares the firing alerts with the expected ones at each `eval_time`.
///
/// The replay visits, in time order: each step at its offset (its verdicts fed to the tracker), each evaluation at
/// every multiple of each state group's interval, or of the file's `evaluation_interval` when it sets one (the
/// latest snapshot at or before it, with the derived facts, fed to the tracker), and each assertion at its `eval_time` (after the steps and evaluation of that instant). Only firing
/// alerts are compared, as `promtool test rules` does.
package struct RuleTestRunner: Sendable {
    /// Creates a runner.
    package init() {}

    /// Runs every test of a file.
    ///
    /// - Throws: ``RuleSetError`` when the rule files do not load, an assertion names no rule, or a snapshot's or
    ///   step's facts do not make a valid record (each diagnostic at the file's position at fault).
    package func run(_ file: RuleTestFile) throws(RuleSetError) -> RuleTestFileResult {
        var ruleSets: [String: RuleSet] = [:]
        var prepared: [(RuleTestCase, RuleSet)] = []
        var diagnostics: [RuleDiagnostic] = []
        for test in file.tests {
            let zone = test.timeZone.identifier
            if ruleSets[zone] == nil {
                let loaded = RuleFileLoader(environment: ExpressionEnvironment(timeZone: test.timeZone))
                    .load(files: file.ruleFiles)
                guard loaded.diagnostics.isEmpty else { throw RuleSetError(diagnostics: loaded.diagnostics) }
                ruleSets[zone] = RuleSet(groups: loaded.groups, fileCount: loaded.fileCount)
            }
            let ruleSet = ruleSets[zone]!
            diagnostics += check(
                test, against: ruleSet, schedule: Self.schedule(ruleSet, override: file.evaluationInterval))
            prepared.append((test, ruleSet))
        }
        if file.tests.isEmpty {
            // No test to run, but the rule files must still load.
            let loaded = RuleFileLoader().load(files: file.ruleFiles)
            guard loaded.diagnostics.isEmpty else { throw RuleSetError(diagnostics: loaded.diagnostics) }
        }
        guard diagnostics.isEmpty else { throw RuleSetError(diagnostics: diagnostics.sorted()) }
        return RuleTestFileResult(
            path: file.path,
            tests: prepared.map { test, ruleSet in
                replay(test, ruleSet: ruleSet, schedule: Self.schedule(ruleSet, override: file.evaluationInterval))
            })
    }

    /// The most state evaluations one test may replay (a year at one a minute), so a typo such as `eval_time: 1000w`
    /// is an error rather than a hang.
    package static let maximumEvaluations = 525_600

    /// Which state groups are evaluated how often: every group at `override`, or each at its own interval.
    static func schedule(_ ruleSet: RuleSet, override: Duration?) -> [(interval: Duration, groups: Set<String>?)] {
        if let override { return [(override, nil)] }
        var byInterval: [Duration: Set<String>] = [:]
        for group in ruleSet.stateGroups {
            if case .state(let interval) = group.kind, interval > .zero {
                byInterval[interval, default: []].insert(group.name)
            }
        }
        if byInterval.isEmpty { return [(.seconds(60), nil)] }
        return byInterval.sorted { $0.key < $1.key }.map { ($0.key, Optional($0.value)) }
    }

    /// Problems that only the rules and the merged timeline reveal.
    private func check(
        _ test: RuleTestCase, against ruleSet: RuleSet, schedule: [(interval: Duration, groups: Set<String>?)]
    ) -> [RuleDiagnostic] {
        var diagnostics: [RuleDiagnostic] = []
        let horizon = (test.assertions.map(\.evalTime) + test.steps.map(\.at) + test.snapshots.map(\.at)).max() ?? .zero
        let shortest = schedule.map(\.interval).min() ?? .seconds(60)
        let evaluations = schedule.reduce(0.0) { $0 + horizon / $1.interval }
        if evaluations >= Double(Self.maximumEvaluations) {
            diagnostics.append(
                RuleDiagnostic(
                    "the timeline lasts \(formatDuration(horizon)), more than \(Self.maximumEvaluations) evaluations at "
                        + "\(formatDuration(shortest)): shorten it or raise evaluation_interval",
                    at: test.location))
        }
        let names = ruleSet.rules.map(\.alert)
        for assertion in test.assertions where ruleSet.rule(named: assertion.alertname) == nil {
            let hint = suggestion(for: assertion.alertname, among: names).map { " (did you mean '\($0)'?)" } ?? ""
            diagnostics.append(
                RuleDiagnostic(
                    "no rule '\(assertion.alertname)' in the rule files\(hint)", at: assertion.location))
        }
        var state = TimelineFacts.baselineState(
            start: test.start, timeZone: test.timeZone, environment: test.environment)
        for snapshot in test.snapshots {
            let time = test.start.addingTimeInterval(snapshot.at.timeInterval)
            TimelineFacts.apply(snapshot.facts, to: &state, at: time)
            do throws(FactValueError) {
                _ = try TimelineFacts.stateFacts(state, now: time)
            } catch {
                diagnostics.append(RuleDiagnostic("snapshot: \(error)", at: snapshot.location))
            }
        }
        for step in test.steps {
            let time = test.start.addingTimeInterval(step.at.timeInterval)
            do throws(FactValueError) {
                _ = try TimelineFacts.stepFacts(
                    step, now: time, timeZone: test.timeZone, environment: test.environment)
            } catch {
                diagnostics.append(RuleDiagnostic("\(step.workflow.rawValue) step: \(error)", at: step.location))
            }
        }
        return diagnostics
    }

    /// One event of a replay; at the same instant, steps come before the evaluation, and assertions last.
    private enum Event {
        case step(TimelineStep)
        case evaluation(Set<String>?)
        case assertion(AlertAssertion)

        var order: Int {
            switch self {
            case .step: 0
            case .evaluation: 1
            case .assertion: 2
            }
        }
    }

    /// Replays one test; the facts were checked by ``check(_:against:schedule:)``.
    private func replay(
        _ test: RuleTestCase, ruleSet: RuleSet, schedule: [(interval: Duration, groups: Set<String>?)]
    ) -> RuleTestResult {
        let horizon = (test.assertions.map(\.evalTime) + test.steps.map(\.at) + test.snapshots.map(\.at)).max() ?? .zero
        // The groups due at each tick (`nil`: every group).
        var due: [Duration: Set<String>?] = [:]
        for (interval, groups) in schedule {
            var tick = Duration.zero
            while tick <= horizon {
                switch (due[tick], groups) {
                case (nil, _): due[tick] = .some(groups)
                case (.some(let existing?), let groups?): due[tick] = .some(existing.union(groups))
                default: due[tick] = .some(nil)
                }
                tick += interval
            }
        }
        var events: [(at: Duration, event: Event)] = due.map { ($0.key, .evaluation($0.value)) }
        events += test.steps.map { ($0.at, .step($0)) }
        events += test.assertions.map { ($0.evalTime, .assertion($0)) }
        events = events.enumerated().sorted { lhs, rhs in
            (lhs.element.at, lhs.element.event.order, lhs.offset) < (
                rhs.element.at, rhs.element.event.order, rhs.offset
            )
        }.map(\.element)

        var tracker = AlertTracker()
        var state = TimelineFacts.baselineState(
            start: test.start, timeZone: test.timeZone, environment: test.environment)
        var nextSnapshot = 0
        var failures: [RuleTestFailure] = []
        for (at, event) in events {
            let time = test.start.addingTimeInterval(at.timeInterval)
            switch event {
            case .step(let step):
                guard
                    let facts = try? TimelineFacts.stepFacts(
                        step, now: time, timeZone: test.timeZone, environment: test.environment)
                else { continue }
                _ = tracker.observe(step: ruleSet.verdicts(for: step.workflow, facts: facts, now: time), at: time)
            case .evaluation(let groups):
                while nextSnapshot < test.snapshots.count, test.snapshots[nextSnapshot].at <= at {
                    let snapshot = test.snapshots[nextSnapshot]
                    TimelineFacts.apply(
                        snapshot.facts, to: &state, at: test.start.addingTimeInterval(snapshot.at.timeInterval))
                    nextSnapshot += 1
                }
                guard let facts = try? TimelineFacts.stateFacts(state, now: time) else { continue }
                _ = tracker.observe(state: ruleSet.evaluateState(facts: facts, groups: groups), at: time)
            case .assertion(let assertion):
                if let failure = compare(assertion, tracker: tracker, time: time) { failures.append(failure) }
            }
        }
        return RuleTestResult(name: test.name, location: test.location, timeZone: test.timeZone, failures: failures)
    }

    /// The failure of an assertion, or `nil` when it holds.
    private func compare(_ assertion: AlertAssertion, tracker: AlertTracker, time: Date) -> RuleTestFailure? {
        let alerts = tracker.alerts(named: assertion.alertname)
        let got = alerts.filter { $0.state == .firing }.sorted { labelText($0.labels) < labelText($1.labels) }
        let expected = assertion.expected.map { alert in
            var labels = alert.labels
            labels["alertname"] = assertion.alertname
            return ExpectedAlert(labels: labels, annotations: alert.annotations)
        }
        var unmatchedGot = Set(got.indices)
        var unmatchedExpected: [Int] = []
        for (index, alert) in expected.enumerated() {
            let match = unmatchedGot.sorted().first { candidate in
                matches(alert, got[candidate], mode: assertion.match)
            }
            if let match { unmatchedGot.remove(match) } else { unmatchedExpected.append(index) }
        }
        guard !unmatchedExpected.isEmpty || !unmatchedGot.isEmpty else { return nil }
        return RuleTestFailure(
            assertion: assertion, time: time, expected: expected, got: got,
            pending: alerts.filter { $0.state == .pending }, unmatchedExpected: unmatchedExpected,
            unmatchedGot: unmatchedGot.sorted())
    }

    private func matches(_ expected: ExpectedAlert, _ alert: AlertInstance, mode: AlertAssertion.Match) -> Bool {
        switch mode {
        case .exact:
            return expected.labels == alert.labels && expected.annotations == alert.annotations
        case .partial:
            return expected.labels.allSatisfy { alert.labels[$0.key] == $0.value }
                && expected.annotations.allSatisfy { alert.annotations[$0.key] == $0.value }
        }
    }
}

/// `{a="1", b="2"}`: a label or annotation set in a stable order, as Prometheus prints label sets.
package func labelText(_ labels: [String: String]) -> String {
    "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\(quotedValue($0.value))" }.joined(separator: ", ") + "}"
}

/// A value in double quotes, with `"`, `\` and line breaks escaped.
func quotedValue(_ value: String) -> String {
    var text = "\""
    for character in value {
        switch character {
        case "\"": text += "\\\""
        case "\\": text += "\\\\"
        case "\n": text += "\\n"
        default: text.append(character)
        }
    }
    return text + "\""
}
