import Foundation
import Testing
import TransferWatchRules

/// The engine over real rule text: step verdicts with template labels, state evaluations, and the two fed to
/// the tracker as the agent does.
@Suite struct RuleSetTests {
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
                  uploader: '{{ uploader | default("unknown") | upper }}'
                annotations:
                  summary: "Copy of {{ source.key }} failed"
              - alert: copy-slow
                expr: latency > 10s
                severity: info
          - name: teardown
            kind: step
            workflow: teardown
            rules:
              - alert: teardown-failed
                expr: result == "failed"
                severity: critical
          - name: server
            kind: state
            interval: 5m
            rules:
              - alert: stale-server
                expr: server != null and server.age > window.maxLifespan
                for: 10m
                severity: warning
                labels:
                  server: "{{ server.id }}"
                annotations:
                  summary: "{{ server.id }} online for {{ server.age | humanize }}"
          - name: counter
            kind: state
            rules:
              - alert: window-incomplete
                expr: not window.complete
                severity: info
        """

    func ruleSet() throws -> RuleSet {
        try RuleSet(RuleFileLoader().load(sources: [(file: "rules.yaml", yaml: Self.rules)]))
    }

    let now = utc(2026, 11, 28, 9)

    func copyFacts(result: String, key: String, uploader: FactValue = "alice") throws -> FactValues {
        let object: FactValue = ["bucket": "b", "key": .string(key), "size": nil, "etag": nil]
        return try FactValues(
            schema: PipelineFacts.copyStep,
            values: [
                "result": .string(result), "source": object, "destination": object, "uploader": uploader,
                "window": "2026-11", "delivery": nil, "counted": false, "windowComplete": false, "multipart": false,
                "parts": nil, "bytes": 0, "latency": .duration(.seconds(2)), "requests": 3, "attempts": nil,
                "errorCode": nil, "notes": [], "startedAt": .timestamp(now), "finishedAt": .timestamp(now),
                "now": .timestamp(now), "environment": "prod",
            ])
    }

    func stateFacts(at time: Date, server: FactValue) throws -> FactValues {
        try FactValues(
            schema: PipelineFacts.state,
            values: [
                "now": .timestamp(time),
                "window": [
                    "id": "2026-11", "openedAt": .timestamp(utc(2026, 11, 28)),
                    "closesAt": .timestamp(utc(2026, 12, 1)), "complete": false, "closed": false,
                    "maxLifespan": .duration(.seconds(2 * 86_400)),
                ],
                "counter": ["delivered": 1, "expected": 2, "missing": ["bob"], "lastDeliveryAt": nil],
                "server": server,
                "copies": ["failedLast1h": 0, "succeededLast1h": 0, "lastFailureAt": nil, "failedKeys": []],
                "provisioning": ["expectedUsers": 2, "usersProvisioned": 2, "lastResult": nil, "lastRunAt": nil],
                "servers": ["managed": [], "orphans": []],
                "environment": "prod",
            ])
    }

    @Test func groupsAreSortedByKind() throws {
        let set = try ruleSet()
        #expect(set.stepGroups[.copy]?.map(\.name) == ["copy"])
        #expect(set.stepGroups[.teardown]?.map(\.name) == ["teardown"])
        #expect(set.stepGroups[.provision] == nil)
        #expect(set.stateGroups.map(\.name) == ["server", "counter"])
        #expect(set.stateRuleNames == ["stale-server", "window-incomplete"])
        #expect(set.rule(named: "copy-slow")?.severity == .info)
    }

    @Test func stepVerdictsCarryRenderedLabelsFiredOrNot() throws {
        let set = try ruleSet()
        let failed = set.verdicts(for: .copy, facts: try copyFacts(result: "failed", key: "alice/a.pdf"), now: now)
        #expect(failed.map(\.rule) == ["copy-failed", "copy-slow"])
        #expect(failed[0].fired)
        #expect(
            failed[0].labels == [
                "alertname": "copy-failed", "severity": "critical", "environment": "prod", "key": "alice/a.pdf",
                "uploader": "ALICE",
            ])
        #expect(failed[0].annotations == ["summary": "Copy of alice/a.pdf failed"])
        #expect(!failed[1].fired)
        #expect(failed[1].annotations.isEmpty)

        let moved = set.verdicts(for: .copy, facts: try copyFacts(result: "moved", key: "alice/a.pdf"), now: now)
        #expect(!moved[0].fired)
        #expect(moved[0].labels == failed[0].labels)
        #expect(moved[0].annotations.isEmpty)

        let unknown = set.verdicts(
            for: .copy, facts: try copyFacts(result: "failed", key: "x.pdf", uploader: nil), now: now)
        #expect(unknown[0].labels["uploader"] == "UNKNOWN")
    }

    @Test func aWorkflowWithoutRulesOrFactsOfAnotherSchemaGiveNoVerdicts() throws {
        let set = try ruleSet()
        let facts = try copyFacts(result: "failed", key: "a/b")
        #expect(set.verdicts(for: .provision, facts: facts, now: now).isEmpty)
        #expect(set.verdicts(for: .teardown, facts: facts, now: now).isEmpty)
        #expect(set.evaluateState(facts: facts).isEmpty)
    }

    @Test func stateEvaluationsCarryHoldTimesAndRenderedLabels() throws {
        let set = try ruleSet()
        let server: FactValue = [
            "id": "s-1", "state": "ONLINE", "online": true, "createdAt": .timestamp(utc(2026, 11, 25)),
            "age": .duration(.seconds(3 * 86_400 + 9 * 3600)), "costSoFar": 24.3,
        ]
        let evaluations = set.evaluateState(facts: try stateFacts(at: now, server: server))
        #expect(evaluations.map(\.rule) == ["stale-server", "window-incomplete"])
        #expect(evaluations[0].active)
        #expect(evaluations[0].holdDuration == .seconds(600))
        #expect(
            evaluations[0].labels == [
                "alertname": "stale-server", "severity": "warning", "environment": "prod", "server": "s-1",
            ])
        #expect(evaluations[0].annotations == ["summary": "s-1 online for 3d 9h"])
        #expect(
            set.evaluateState(facts: try stateFacts(at: now, server: server), groups: ["counter"]).map(\.rule) == [
                "window-incomplete"
            ])

        let none = set.evaluateState(facts: try stateFacts(at: now, server: nil))
        #expect(!none[0].active)
        #expect(none[0].labels["server"] == "<no value>")
    }

    @Test func stepAndStateAlertsMeetInOneTracker() throws {
        let set = try ruleSet()
        var tracker = AlertTracker()
        _ = tracker.observe(
            step: set.verdicts(for: .copy, facts: try copyFacts(result: "failed", key: "alice/a.pdf"), now: now),
            at: now)
        _ = tracker.observe(state: set.evaluateState(facts: try stateFacts(at: now, server: nil)), at: now)
        #expect(tracker.firing.map(\.rule) == ["copy-failed", "window-incomplete"])
        let later = now.addingTimeInterval(60)
        let transitions = tracker.observe(
            step: set.verdicts(for: .copy, facts: try copyFacts(result: "moved", key: "alice/a.pdf"), now: later),
            at: later)
        #expect(transitions.map(\.to) == [.resolved])
        #expect(tracker.firing.map(\.rule) == ["window-incomplete"])
    }

    @Test func theTrackerEvaluatesARuleSetDirectly() throws {
        let set = try ruleSet()
        var tracker = AlertTracker()
        let step = tracker.evaluate(set, step: .copy, facts: try copyFacts(result: "failed", key: "k/1"), at: now)
        #expect(step.verdicts.map(\.fired) == [true, false])
        #expect(step.transitions.map(\.to) == [.firing])
        let transitions = tracker.evaluate(
            set, state: try stateFacts(at: now, server: nil), groups: ["counter"], at: now)
        #expect(transitions.map(\.alert.rule) == ["window-incomplete", "window-incomplete"])
        #expect(tracker.firing.map(\.rule) == ["copy-failed", "window-incomplete"])
    }

    @Test func loadingAFolderSkipsTestsAndReportsMissingPaths() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tw-ruleset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("tests"), withIntermediateDirectories: true)
        try Self.rules.write(to: folder.appendingPathComponent("all.yaml"), atomically: true, encoding: .utf8)
        try "not: [a, rule, file]".write(
            to: folder.appendingPathComponent("tests/t.yaml"), atomically: true, encoding: .utf8)
        let set = try RuleSet.load(paths: [folder.path])
        #expect(set.fileCount == 1)
        #expect(set.rules.count == 5)
        #expect {
            try RuleSet.load(paths: [folder.path, "/nonexistent/rules"])
        } throws: { error in
            (error as? RuleSetError)?.diagnostics.map(\.description)
                == ["/nonexistent/rules:1:1: error: no such file or folder"]
        }
    }

    @Test func loadingReportsEveryDiagnostic() {
        let broken = Self.rules.replacingOccurrences(of: "result == \"failed\"", with: "result == 3")
        #expect(throws: RuleSetError.self) {
            try RuleSet(RuleFileLoader().load(sources: [(file: "rules.yaml", yaml: broken)]))
        }
        do {
            _ = try RuleSet(RuleFileLoader().load(sources: [(file: "rules.yaml", yaml: broken)]))
        } catch {
            #expect(error.diagnostics.count == 2)
            #expect(error.description.hasPrefix("rules.yaml:7:"))
        }
    }

    @Test func labelTemplatesAreCheckedAgainstTheGroupSchema() {
        let yaml = """
            groups:
              - name: copy
                kind: step
                workflow: copy
                rules:
                  - alert: copy-failed
                    expr: result == "failed"
                    severity: critical
                    labels:
                      key: "{{ source.kee }}"
                      size: "{{ bytes | humanizeBytes }}"
                      bad: "{{ result | join }}"
            """
        let loaded = RuleFileLoader().load(sources: [(file: "r.yaml", yaml: yaml)])
        #expect(
            loaded.diagnostics.map(\.description) == [
                "r.yaml:10:27: error: unknown field 'source.kee' (did you mean 'source.key'?)",
                "r.yaml:12:29: error: type error: filter 'join' needs a list, found string (result)",
            ])
    }
}
