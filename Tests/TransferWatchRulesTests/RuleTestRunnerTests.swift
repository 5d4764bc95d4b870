import Foundation
import Testing
import TransferWatchConfig
import TransferWatchRules

/// `rules test` below the command: the test-file reader's positioned diagnostics, the replay's timeline semantics
/// (snapshot merging, derived facts, step defaults, time zones), and the failure diff.
@Suite struct RuleTestRunnerTests {
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
                  summary: "{{ source.key }} by {{ uploader }} to {{ destination.key }}"
          - name: state
            kind: state
            rules:
              - alert: old-server
                expr: server != null and server.age > 1h
                for: 2m
                severity: warning
                annotations:
                  summary: "{{ server.id }} {{ server.age }} {{ server.costSoFar }} {{ counter.missing | join }}"
              - alert: first-of-month
                expr: dayOfMonth(now) == 1
                severity: info
        """

    /// A folder holding `rules.yaml` and a test file with `text`; returns the test file's path.
    func write(_ text: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tw-rule-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.rules.write(to: folder.appendingPathComponent("rules.yaml"), atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent("test.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func run(_ text: String) throws -> RuleTestFileResult {
        try RuleTestRunner().run(try RuleTestFileReader().read(path: try write(text)))
    }

    /// The diagnostics of a malformed test file, without the folder.
    func diagnostics(_ text: String) throws -> [String] {
        let path = try write(text)
        do {
            _ = try RuleTestRunner().run(try RuleTestFileReader().read(path: path))
            return []
        } catch {
            return error.diagnostics.map { $0.description.replacingOccurrences(of: path, with: "test.yaml") }
        }
    }

    @Test func everyMistakeInATestFileIsReportedAtItsPosition() throws {
        let found = try diagnostics(
            """
            rule_files: [rules.yaml, missing.yaml]
            evaluation_interval: 1 minute
            tests:
              - name: broken
                start: yesterday
                timezone: Mars/Olympus
                snapshots:
                  - at: 0m
                    facts: {counter: {delivred: 1}, server: {age: 3}, now: 1h, window: {closesAt: soon}}
                  - {at: 1m, facts: {counter: {missing: bob}}, extra: 1}
                steps:
                  - {at: 1m, workflow: copi}
                  - {at: 2m, workflow: copy, facts: {result: null, source: {size: big}}}
                alert_rule_test:
                  - {eval_time: 5m, alertname: copy-failed, match: fuzzy, exp_alerts: [{exp_label: {}}]}
                  - {alertname: copy-failed}
            """)
        let missing = try folderOf(found)
        #expect(
            found == [
                "test.yaml:1:26: error: rule file 'missing.yaml' not found (looked for \(missing))",
                "test.yaml:2:22: error: invalid duration '1 minute' in 'evaluation_interval' (write e.g. 30s, 5m, 1h30m, 2d)",
                "test.yaml:5:12: error: invalid start 'yesterday': write an ISO-8601 instant such as 2026-11-28T00:00:00Z",
                "test.yaml:6:15: error: unknown time zone 'Mars/Olympus' (write an IANA name such as Europe/Berlin)",
                "test.yaml:9:27: error: unknown fact 'counter.delivred' (did you mean 'counter.delivered'?)",
                "test.yaml:9:55: error: fact 'server.age' must be duration, found '3' (write e.g. 30s, 5m, 1h30m, 2d)",
                "test.yaml:9:59: error: fact 'now' is set by the test runner (the evaluation time)",
                "test.yaml:9:87: error: fact 'window.closesAt' must be timestamp, found 'soon' (write an ISO-8601 instant, or a duration from the test's start such as 6h or -1d)",
                "test.yaml:10:45: error: fact 'counter.missing' must be list<string>, found 'bob'",
                "test.yaml:10:52: error: unknown key 'extra' in a snapshot",
                "test.yaml:12:28: error: invalid workflow 'copi': must be copy, provision or teardown",
                "test.yaml:13:50: error: fact 'result' is required and cannot be null",
                "test.yaml:13:71: error: fact 'source.size' must be number, found 'big'",
                "test.yaml:15:56: error: invalid match 'fuzzy': must be exact or partial",
                "test.yaml:15:77: error: unknown key 'exp_label' in an expected alert (did you mean 'exp_labels'?)",
                "test.yaml:16:9: error: missing key 'eval_time' in alert_rule_test entry",
            ], "\(found.joined(separator: "\n"))")
    }

    /// The folder part of the missing-file message, which names a temporary path.
    private func folderOf(_ found: [String]) throws -> String {
        let first = try #require(found.first)
        let start = try #require(first.range(of: "(looked for "))
        return String(first[start.upperBound...].dropLast())
    }

    @Test func assertionsNamingNoRuleAreMalformed() throws {
        let found = try diagnostics(
            """
            rule_files: [rules.yaml]
            tests:
              - name: typo
                alert_rule_test:
                  - {eval_time: 1m, alertname: copy-faild, exp_alerts: []}
            """)
        #expect(found == ["test.yaml:5:9: error: no rule 'copy-faild' in the rule files (did you mean 'copy-failed'?)"])
    }

    @Test func brokenRuleFilesAreReportedAsTheyAreByLint() throws {
        let path = try write("rule_files: [rules.yaml]\ntests: []\n")
        let folder = (path as NSString).deletingLastPathComponent
        try "groups: [{name: x, kind: step, workflow: copy, rules: [{alert: a, expr: 'result = 1', severity: info}]}]"
            .write(toFile: folder + "/rules.yaml", atomically: true, encoding: .utf8)
        #expect(throws: RuleSetError.self) { try RuleTestRunner().run(try RuleTestFileReader().read(path: path)) }
    }

    @Test func stepDefaultsMakeAnIntactCopyByTheKeysOwner() throws {
        let result = try run(
            """
            rule_files: [rules.yaml]
            tests:
              - name: defaults
                start: 2026-11-28T09:00:00Z
                steps:
                  - {at: 1m, workflow: copy, facts: {result: failed, source: {key: bob/x.pdf}}}
                alert_rule_test:
                  - eval_time: 1m
                    alertname: copy-failed
                    exp_alerts:
                      - exp_labels: {severity: critical, environment: test, key: bob/x.pdf}
                        exp_annotations: {summary: bob/x.pdf by bob to bob/x.pdf}
            """)
        #expect(!result.failed, "\(result.tests.flatMap { $0.failures.flatMap { $0.report() } })")
    }

    @Test func snapshotsMergeAndTheServerAgesWithTheClock() throws {
        let result = try run(
            """
            rule_files: [rules.yaml]
            tests:
              - name: merge
                start: 2026-11-28T00:00:00Z
                snapshots:
                  - {at: 0m, facts: {server: {id: s-1}, counter: {missing: [alice, bob]}}}
                  - {at: 30m, facts: {counter: {missing: [bob]}}}
                alert_rule_test:
                  - {eval_time: 1h1m, alertname: old-server, exp_alerts: []}
                  - eval_time: 1h3m
                    alertname: old-server
                    exp_alerts:
                      - exp_labels: {severity: warning, environment: test}
                        exp_annotations: {summary: s-1 1h3m 0.32 bob}
            """)
        #expect(!result.failed, "\(result.tests.flatMap { $0.failures.flatMap { $0.report() } })")
    }

    @Test func theTestsTimeZoneIsTheRulesCalendar() throws {
        // 2026-11-30T23:30Z is already the 1st in Berlin.
        let text = """
            rule_files: [rules.yaml]
            tests:
              - name: berlin
                start: 2026-11-30T23:00:00Z
                timezone: Europe/Berlin
                alert_rule_test:
                  - eval_time: 30m
                    alertname: first-of-month
                    match: partial
                    exp_alerts: [{exp_labels: {severity: info}}]
              - name: utc
                start: 2026-11-30T23:00:00Z
                alert_rule_test:
                  - {eval_time: 30m, alertname: first-of-month, exp_alerts: []}
            """
        let result = try run(text)
        #expect(result.tests.map(\.passed) == [true, true])
    }

    @Test func eachGroupIsEvaluatedAtItsOwnIntervalUnlessTheFileSetsOne() throws {
        let path = try write("")
        let folder = (path as NSString).deletingLastPathComponent
        try """
        groups:
          - name: slow
            kind: state
            interval: 5m
            rules:
              - alert: orphans
                expr: len(servers.orphans) > 0
                severity: warning
        """.write(toFile: folder + "/rules.yaml", atomically: true, encoding: .utf8)
        func firing(at evalTime: String, interval: String?) throws -> Bool {
            let text = """
                rule_files: [rules.yaml]
                \(interval.map { "evaluation_interval: \($0)" } ?? "")
                tests:
                  - name: orphans appear at 1m
                    snapshots:
                      - {at: 1m, facts: {servers: {orphans: [s-1]}}}
                    alert_rule_test:
                      - {eval_time: \(evalTime), alertname: orphans, exp_alerts: []}
                """
            let result = try RuleTestRunner().run(try RuleTestFileReader().read(path: path, yaml: text))
            return result.failed
        }
        // The group's own 5m: evaluated at 0m and 5m, so nothing fires at 4m.
        #expect(try !firing(at: "4m", interval: nil))
        #expect(try firing(at: "5m", interval: nil))
        // The file's 1m overrides it.
        #expect(try firing(at: "1m", interval: "1m"))
    }

    @Test func aFailureShowsExpectedAgainstFiringWithMarks() throws {
        let result = try run(
            """
            rule_files: [rules.yaml]
            tests:
              - name: wrong expectations
                start: 2026-11-28T09:00:00Z
                snapshots:
                  - {at: 0m, facts: {server: {id: s-1, createdAt: -2h}}}
                steps:
                  - {at: 1m, workflow: copy, facts: {result: failed, source: {key: a/1.pdf}}}
                  - {at: 1m, workflow: copy, facts: {result: failed, source: {key: a/2.pdf}}}
                alert_rule_test:
                  - eval_time: 1m
                    alertname: copy-failed
                    match: partial
                    exp_alerts:
                      - exp_labels: {key: a/1.pdf}
                      - exp_labels: {key: a/3.pdf}
                  - eval_time: 1m
                    alertname: old-server
                    exp_alerts:
                      - exp_labels: {severity: warning, environment: test}
            """)
        #expect(result.failed)
        let failures = try #require(result.tests.first?.failures)
        #expect(failures.count == 2)
        #expect(failures[0].unmatchedExpected == [1])
        #expect(failures[0].unmatchedGot == [1])
        #expect(
            failures[0].report() == [
                "    alertname: copy-failed, time: 1m (2026-11-28T09:01:00Z), match: partial",
                "        exp:",
                "            labels: {alertname=\"copy-failed\", key=\"a/1.pdf\"}",
                "          - labels: {alertname=\"copy-failed\", key=\"a/3.pdf\"}",
                "        got:",
                "            labels: {alertname=\"copy-failed\", environment=\"test\", key=\"a/1.pdf\", severity=\"critical\"}",
                "            summary: \"a/1.pdf by a to a/1.pdf\"",
                "          + labels: {alertname=\"copy-failed\", environment=\"test\", key=\"a/2.pdf\", severity=\"critical\"}",
                "            summary: \"a/2.pdf by a to a/2.pdf\"",
            ])
        // old-server: pending since 0m (the server is 2h old at once), `for` is 2m: nothing fires at 1m.
        let report = failures[1].report()
        #expect(report.contains("        got: (no alert firing)"))
        #expect(report.last?.hasPrefix("        note: pending since 2026-11-28T09:00:00Z") == true)
    }

    @Test func exactMatchingComparesEveryAnnotation() throws {
        let result = try run(
            """
            rule_files: [rules.yaml]
            tests:
              - name: exact
                start: 2026-11-28T09:00:00Z
                steps:
                  - {at: 1m, workflow: copy, facts: {result: failed, source: {key: a/1.pdf}}}
                alert_rule_test:
                  - eval_time: 1m
                    alertname: copy-failed
                    exp_alerts:
                      - exp_labels: {severity: critical, environment: test, key: a/1.pdf}
            """)
        #expect(result.tests.first?.failures.first?.unmatchedExpected == [0])
    }
}

/// Mutated test files never trap the reader or the runner, and every diagnostic points inside the file.
@Suite struct RuleTestFileFuzzTests {
    static let valid = """
        rule_files: [rules.yaml]
        evaluation_interval: 1m
        tests:
          - name: cycle
            start: 2026-11-28T00:00:00Z
            timezone: Europe/Berlin
            snapshots:
              - {at: 0m, facts: {server: {id: s-1}, counter: {missing: [a, b], lastDeliveryAt: -1h}}}
              - {at: 30m, facts: {window: {closed: true}, server: null}}
            steps:
              - {at: 1m, workflow: copy, facts: {result: failed, source: {key: a/1.pdf, size: 3}}}
              - {at: 2m, workflow: teardown, facts: {failures: [x], server: {deleted: true}}}
            alert_rule_test:
              - eval_time: 1h
                alertname: copy-failed
                match: partial
                exp_alerts: [{exp_labels: {key: a/1.pdf}, exp_annotations: {summary: x}}]
        """

    @Test func mutatedTestFilesAreReportedNeverTrapped() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tw-rule-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try RuleTestRunnerTests.rules.write(
            to: folder.appendingPathComponent("rules.yaml"), atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent("t.yaml").path
        var random = SplitMix64(seed: 28)
        let pieces = [
            " ", ":", "-", "[", "]", "{", "}", "null", "1000w", "0s", "x", "\n", "  ", "'", "\"", ",", "~", "-1d",
        ]
        let lineCount = Self.valid.split(separator: "\n", omittingEmptySubsequences: false).count + 1
        var reported = 0
        for _ in 0..<400 {
            var characters = Array(Self.valid)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<characters.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: characters.remove(at: index)
                case 1: characters.insert(contentsOf: pieces.randomElement(using: &random)!, at: index)
                default: characters.removeSubrange(index..<min(characters.count, index + 8))
                }
                if characters.isEmpty { characters = ["x"] }
            }
            let text = String(characters)
            do {
                let file = try RuleTestFileReader().read(path: path, yaml: text)
                _ = try RuleTestRunner().run(file)
            } catch {
                reported += 1
                #expect(!error.diagnostics.isEmpty)
                for diagnostic in error.diagnostics where diagnostic.location.file == path {
                    #expect(diagnostic.location.line >= 1 && diagnostic.location.line <= lineCount, "\(diagnostic)")
                    #expect(!diagnostic.message.contains("\n"), "\(diagnostic)")
                }
            }
        }
        #expect(reported > 100)
    }

    @Test func aTimelineTooLongToReplayIsAnError() throws {
        let path = try RuleTestRunnerTests().write("")
        let file = try RuleTestFileReader().read(
            path: path,
            yaml: """
                rule_files: [rules.yaml]
                evaluation_interval: 1s
                tests:
                  - name: forever
                    alert_rule_test:
                      - {eval_time: 1000w, alertname: copy-failed, exp_alerts: []}
                """)
        #expect {
            try RuleTestRunner().run(file)
        } throws: { error in
            (error as? RuleSetError)?.diagnostics.map(\.description) == [
                "\(path):4:5: error: the timeline lasts 1000w, more than 525600 evaluations at 1s: shorten it or raise evaluation_interval"
            ]
        }
    }
}
