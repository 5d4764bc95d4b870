import Foundation
import Testing
import TransferWatchRules
import TransferWatchTelemetry
import TransferWatchTestSupport

/// `transferwatch rules test` as a process, and the repository's shipped rules: `rules lint rules/` is clean,
/// `rules test rules/tests/` is green, a failing expectation exits 1 with a diff, a malformed test file exits 2 with
/// `file:line:col`.
@Suite struct RulesCommandTestTests {
    /// The repository's `rules/` folder.
    func shippedRules() throws -> URL {
        try #require(RepositoryPaths.root()).appendingPathComponent("rules")
    }

    @Test func theShippedRulesLintClean() async throws {
        let rules = try shippedRules()
        let result = try await CLIProcess.run(["rules", "lint", rules.path])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.hasSuffix("rules: OK\n"))
    }

    @Test func theShippedRulesPassTheirTests() async throws {
        let tests = try shippedRules().appendingPathComponent("tests")
        let result = try await CLIProcess.run(["rules", "test", tests.path])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let summary = try #require(result.standardOutput.split(separator: "\n").last)
        #expect(summary.hasSuffix(" passed, 0 failed"))
        #expect(!result.standardOutput.contains("FAIL"))
    }

    @Test func everyShippedAlertHasATestFileThatFiresItAndOneThatKeepsItQuiet() throws {
        let rules = try shippedRules()
        let set = try RuleSet.load(
            files: try FileManager.default.contentsOfDirectory(atPath: rules.path).filter { $0.hasSuffix(".yaml") }
                .map { rules.appendingPathComponent($0).path })
        let names = Set(set.rules.map(\.alert))
        #expect(
            names == [
                "copy-failed", "copy-integrity", "unknown-uploader", "stale-server", "orphan-server", "stalled-counter",
                "provisioning-incomplete", "teardown-incomplete",
            ])
        for name in names {
            let text = try String(
                contentsOf: rules.appendingPathComponent("tests/\(name).yaml"), encoding: .utf8)
            #expect(text.contains("alertname: \(name)"), "\(name)")
            #expect(text.contains("exp_alerts: []"), "\(name) has no test that keeps it quiet")
            #expect(text.contains("exp_labels"), "\(name) has no test that fires it")
        }
        for rule in set.rules {
            #expect(rule.annotations["runbook_url"]?.source == "README.md#runbook-\(rule.alert)", "\(rule.alert)")
            #expect(rule.annotations["summary"] != nil && rule.annotations["description"] != nil, "\(rule.alert)")
        }
        let readme = try String(
            contentsOf: try #require(RepositoryPaths.root()).appendingPathComponent("README.md"), encoding: .utf8)
        for name in names { #expect(readme.contains("\n### runbook-\(name)\n"), "README has no runbook for \(name)") }
    }

    @Test func alarmMetricsAreTheCataloguesMetrics() {
        #expect(AlarmSpecification.metrics == MetricName.all.map(\.name))
    }

    @Test func aFailingExpectationExitsOneWithADiff() async throws {
        let folder = try makeFolder([
            "rules.yaml": Self.rules,
            "tests/wrong.yaml": """
            rule_files: [../rules.yaml]
            tests:
              - name: expects the wrong key
                start: 2026-11-28T09:00:00Z
                steps:
                  - {at: 1m, workflow: copy, facts: {result: failed, source: {key: alice/a.pdf}}}
                alert_rule_test:
                  - eval_time: 2m
                    alertname: copy-failed
                    match: partial
                    exp_alerts:
                      - exp_labels: {key: alice/b.pdf}
              - name: passes
                alert_rule_test:
                  - {eval_time: 1m, alertname: copy-failed, exp_alerts: []}
            """,
        ])
        let file = folder.appendingPathComponent("tests/wrong.yaml").path
        let result = try await CLIProcess.run(["rules", "test", file])
        #expect(result.status == 1)
        #expect(
            result.standardOutput.split(separator: "\n").map(String.init) == [
                "FAIL \(file):3:5: expects the wrong key",
                "    alertname: copy-failed, time: 2m (2026-11-28T09:02:00Z), match: partial",
                "        exp:",
                "          - labels: {alertname=\"copy-failed\", key=\"alice/b.pdf\"}",
                "        got:",
                "          + labels: {alertname=\"copy-failed\", environment=\"test\", key=\"alice/a.pdf\", severity=\"critical\"}",
                "            summary: \"Copy of alice/a.pdf failed\"",
                "2 tests in 1 file: 1 passed, 1 failed",
            ])
    }

    @Test func aMalformedTestFileExitsTwoWithPositions() async throws {
        let folder = try makeFolder([
            "rules/copy.yaml": Self.rules,
            "tests/broken.yaml": """
            rule_files: [../rules/copy.yaml]
            tests:
              - name: typo
                snapshots:
                  - {at: 0m, facts: {counter: {delivred: 1}}}
                alert_rule_test:
                  - {eval_time: 1m, alertname: copy-failed, exp_alerts: []}
            """,
            "tests/good.yaml": """
            rule_files: [../rules/copy.yaml]
            tests:
              - name: quiet
                alert_rule_test:
                  - {eval_time: 1m, alertname: copy-failed, exp_alerts: []}
            """,
        ])
        let tests = folder.appendingPathComponent("tests")
        let result = try await CLIProcess.run(["rules", "test", tests.path])
        let broken = tests.appendingPathComponent("broken.yaml").path
        #expect(result.status == 2)
        #expect(
            result.errorLines == [
                "\(broken):5:36: error: unknown fact 'counter.delivred' (did you mean 'counter.delivered'?)"
            ])
        // The other files still run.
        #expect(result.standardOutput.contains("PASS \(tests.appendingPathComponent("good.yaml").path): 1 test"))
    }

    @Test func brokenRuleFilesExitTwoAndAMissingPathIsAUsageError() async throws {
        let folder = try makeFolder([
            "rules.yaml": Self.rules.replacingOccurrences(of: "result == \"failed\"", with: "result = \"failed\""),
            "t.yaml": "rule_files: [rules.yaml]\ntests: []\n",
        ])
        let result = try await CLIProcess.run(["rules", "test", folder.appendingPathComponent("t.yaml").path])
        #expect(result.status == 2)
        #expect(
            result.errorLines.first?.hasSuffix("rules.yaml:7:22: error: unexpected '=' (use '==' to compare)") == true,
            "\(result.errorLines)")

        let missing = try await CLIProcess.run(["rules", "test", "/nonexistent/tests"])
        #expect(missing.status == 2)
        #expect(missing.errorLines == ["error: /nonexistent/tests: no such file or folder"])
    }

    static let rules = """
        groups:
          - name: copy
            kind: step
            workflow: copy
            rules:
              - alert: copy-failed
                expr: result == "failed"
                severity: critical
                labels:
                  key: "{{ source.key }}"
                annotations:
                  summary: "Copy of {{ source.key }} failed"
        """

    /// A fresh temporary folder holding `files` (relative paths to contents).
    private func makeFolder(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tw-rules-test-\(UUID().uuidString)")
        for (path, text) in files {
            let file = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        return folder
    }
}
