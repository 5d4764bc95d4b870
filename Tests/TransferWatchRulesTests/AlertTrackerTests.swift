import Foundation
import Testing
import TransferWatchRules

/// The alert life cycle on an injected timeline: `for`, `keep_firing_for`, resolution, the 15-minute retention of
/// resolved alerts, step alerts resolved by labels, and restoration from encoded state.
@Suite struct AlertTrackerTests {
    let t0 = utc(2026, 11, 28, 9)

    /// The instant `minutes` after `t0`.
    func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

    /// One evaluation of a state rule `stale-server` with the given hold times.
    func stale(
        _ active: Bool, for hold: Duration = .seconds(300), keep: Duration = .zero, server: String = "s-1"
    ) -> StateRuleEvaluation {
        StateRuleEvaluation(
            rule: "stale-server", active: active,
            labels: ["alertname": "stale-server", "severity": "warning", "server": server],
            annotations: active ? ["summary": "\(server) is stale"] : [:], holdDuration: hold, keepFiringFor: keep)
    }

    /// The `(from, to)` pairs of some transitions.
    func moves(_ transitions: [AlertTransition]) -> [String] {
        transitions.map { "\($0.from?.rawValue ?? "new")->\($0.to?.rawValue ?? "gone")" }
    }

    @Test func pendingUntilForHasElapsedThenFiring() {
        var tracker = AlertTracker()
        #expect(moves(tracker.observe(state: [stale(true)], at: at(0))) == ["new->pending"])
        #expect(tracker.alerts.map(\.state) == [.pending])
        // 4m59s: not yet.
        #expect(tracker.observe(state: [stale(true)], at: at(4 + 59.0 / 60)).isEmpty)
        #expect(tracker.alerts.first?.state == .pending)
        // Exactly `for` after activeAt: fires (Prometheus compares with >=).
        #expect(moves(tracker.observe(state: [stale(true)], at: at(5))) == ["pending->firing"])
        let alert = tracker.alerts[0]
        #expect(alert.state == .firing)
        #expect(alert.activeAt == at(0))
        #expect(alert.firedAt == at(5))
        #expect(alert.annotations == ["summary": "s-1 is stale"])
    }

    @Test func aZeroForFiresOnTheFirstEvaluation() {
        var tracker = AlertTracker()
        #expect(
            moves(tracker.observe(state: [stale(true, for: .zero)], at: at(0))) == ["new->pending", "pending->firing"])
        #expect(tracker.firing.count == 1)
    }

    @Test func aPendingAlertWhoseConditionClearsIsDroppedWithoutResolving() {
        var tracker = AlertTracker()
        _ = tracker.observe(state: [stale(true)], at: at(0))
        #expect(moves(tracker.observe(state: [stale(false)], at: at(3))) == ["pending->gone"])
        #expect(tracker.alerts.isEmpty)
        // It starts over: `for` counts from the new activeAt.
        _ = tracker.observe(state: [stale(true)], at: at(4))
        #expect(tracker.observe(state: [stale(true)], at: at(8)).isEmpty)
        #expect(moves(tracker.observe(state: [stale(true)], at: at(9))) == ["pending->firing"])
    }

    @Test func firingResolvesWhenTheConditionClears() {
        var tracker = AlertTracker()
        _ = tracker.observe(state: [stale(true, for: .zero)], at: at(0))
        let transitions = tracker.observe(state: [stale(false, for: .zero)], at: at(1))
        #expect(moves(transitions) == ["firing->resolved"])
        #expect(transitions[0].alert.resolvedAt == at(1))
        // The resolved alert keeps its last annotations, for the resolved notification.
        #expect(tracker.alerts.first?.annotations == ["summary": "s-1 is stale"])
    }

    @Test func keepFiringForHoldsAFiringAlertAfterItsConditionClears() {
        var tracker = AlertTracker()
        let keep = Duration.seconds(600)
        _ = tracker.observe(state: [stale(true, for: .zero, keep: keep)], at: at(0))
        // Cleared at 1m: still firing until 10 minutes after that.
        #expect(tracker.observe(state: [stale(false, keep: keep)], at: at(1)).isEmpty)
        #expect(tracker.observe(state: [stale(false, keep: keep)], at: at(10.9)).isEmpty)
        #expect(tracker.firing.count == 1)
        #expect(moves(tracker.observe(state: [stale(false, keep: keep)], at: at(11))) == ["firing->resolved"])
    }

    @Test func keepFiringForRestartsWhenTheConditionComesBack() {
        var tracker = AlertTracker()
        let keep = Duration.seconds(600)
        _ = tracker.observe(state: [stale(true, for: .zero, keep: keep)], at: at(0))
        _ = tracker.observe(state: [stale(false, keep: keep)], at: at(1))
        // Back at 8m: the keep-firing clock resets; no transition, the alert never stopped firing.
        #expect(tracker.observe(state: [stale(true, for: .zero, keep: keep)], at: at(8)).isEmpty)
        _ = tracker.observe(state: [stale(false, keep: keep)], at: at(9))
        #expect(tracker.observe(state: [stale(false, keep: keep)], at: at(18)).isEmpty)
        #expect(moves(tracker.observe(state: [stale(false, keep: keep)], at: at(19))) == ["firing->resolved"])
        #expect(tracker.alerts[0].activeAt == at(0))
    }

    @Test func keepFiringForDoesNotApplyToPendingAlerts() {
        var tracker = AlertTracker()
        _ = tracker.observe(state: [stale(true, keep: .seconds(600))], at: at(0))
        #expect(moves(tracker.observe(state: [stale(false, keep: .seconds(600))], at: at(1))) == ["pending->gone"])
    }

    @Test func resolvedAlertsAreRetainedFifteenMinutesThenDropped() {
        var tracker = AlertTracker()
        _ = tracker.observe(state: [stale(true, for: .zero)], at: at(0))
        _ = tracker.observe(state: [stale(false)], at: at(1))
        #expect(tracker.observe(state: [stale(false)], at: at(15.9)).isEmpty)
        #expect(tracker.alerts.map(\.state) == [.resolved])
        #expect(moves(tracker.observe(state: [stale(false)], at: at(16))) == ["resolved->gone"])
        #expect(tracker.alerts.isEmpty)
    }

    @Test func aResolvedAlertWhoseConditionReturnsStartsOver() {
        var tracker = AlertTracker()
        _ = tracker.observe(state: [stale(true, for: .zero)], at: at(0))
        _ = tracker.observe(state: [stale(false)], at: at(1))
        let transitions = tracker.observe(state: [stale(true)], at: at(3))
        #expect(moves(transitions) == ["resolved->pending"])
        #expect(tracker.alerts[0].activeAt == at(3))
        #expect(tracker.alerts[0].resolvedAt == nil)
    }

    @Test func labelsThatRenderDifferentlyAreADifferentAlert() {
        var tracker = AlertTracker()
        _ = tracker.observe(state: [stale(true, for: .zero, server: "s-1")], at: at(0))
        let transitions = tracker.observe(state: [stale(true, for: .zero, server: "s-2")], at: at(1))
        #expect(Set(moves(transitions)) == ["new->pending", "pending->firing", "firing->resolved"])
        #expect(tracker.firing.map { $0.labels["server"] } == ["s-2"])
    }

    @Test func anEvaluationOfOneRuleLeavesOtherRulesAlone() {
        var tracker = AlertTracker()
        _ = tracker.observe(state: [stale(true, for: .zero)], at: at(0))
        let other = StateRuleEvaluation(
            rule: "orphan-server", active: false, labels: ["alertname": "orphan-server", "severity": "warning"],
            annotations: [:])
        #expect(tracker.observe(state: [other], at: at(1)).isEmpty)
        #expect(tracker.firing.count == 1)
    }

    @Test func restoredStateKeepsForProgressAndDoesNotRefire() throws {
        var tracker = AlertTracker()
        _ = tracker.observe(state: [stale(true)], at: at(0))
        _ = tracker.observe(state: [stale(true)], at: at(3))
        var restored = try JSONDecoder().decode(AlertTracker.self, from: JSONEncoder().encode(tracker))
        #expect(restored == tracker)
        // Pending since 0m: fires at 5m, not 5m after the restart.
        #expect(moves(restored.observe(state: [stale(true)], at: at(5))) == ["pending->firing"])
        // A firing alert restored fires on without a new transition (no second notification).
        var again = try JSONDecoder().decode(AlertTracker.self, from: JSONEncoder().encode(restored))
        #expect(again.observe(state: [stale(true)], at: at(6)).isEmpty)
        #expect(again.firing.first?.firedAt == at(5))
    }

    @Test func restoredStateKeepsKeepFiringProgress() throws {
        var tracker = AlertTracker()
        let keep = Duration.seconds(600)
        _ = tracker.observe(state: [stale(true, for: .zero, keep: keep)], at: at(0))
        _ = tracker.observe(state: [stale(false, keep: keep)], at: at(1))
        var restored = try JSONDecoder().decode(AlertTracker.self, from: JSONEncoder().encode(tracker))
        #expect(moves(restored.observe(state: [stale(false, keep: keep)], at: at(11))) == ["firing->resolved"])
    }

    @Test func rulesSharingANameKeepTheirOwnKeepFiringFor() {
        // stalled-counter warns (keep 10m) until the window's last hours, then a critical rule (no keep) takes over.
        func stalled(_ severity: String, _ active: Bool, keep: Duration) -> StateRuleEvaluation {
            StateRuleEvaluation(
                rule: "stalled-counter", active: active,
                labels: ["alertname": "stalled-counter", "severity": severity], annotations: [:], holdDuration: .zero,
                keepFiringFor: keep)
        }
        var tracker = AlertTracker()
        _ = tracker.observe(
            state: [stalled("warning", true, keep: .seconds(600)), stalled("critical", false, keep: .zero)], at: at(0))
        let transitions = tracker.observe(
            state: [stalled("warning", false, keep: .seconds(600)), stalled("critical", true, keep: .zero)], at: at(1))
        #expect(moves(transitions) == ["new->pending", "pending->firing"])
        #expect(Set(tracker.firing.compactMap { $0.labels["severity"] }) == ["warning", "critical"])
        #expect(
            moves(
                tracker.observe(
                    state: [stalled("warning", false, keep: .seconds(600)), stalled("critical", true, keep: .zero)],
                    at: at(11))) == ["firing->resolved"])
        #expect(tracker.firing.compactMap { $0.labels["severity"] } == ["critical"])
    }

    // MARK: Step alerts

    func copyFailed(_ fired: Bool, key: String) -> RuleVerdict {
        RuleVerdict(
            rule: "copy-failed", severity: .critical, fired: fired,
            labels: ["alertname": "copy-failed", "severity": "critical", "key": key],
            annotations: fired ? ["summary": "copy of \(key) failed"] : [:])
    }

    @Test func aFiredStepVerdictFiresAtOnce() {
        var tracker = AlertTracker()
        let transitions = tracker.observe(step: [copyFailed(true, key: "alice/a.pdf")], at: at(0))
        #expect(moves(transitions) == ["new->firing"])
        #expect(transitions[0].alert.firedAt == at(0))
        // The same failure again: still one alert, no new transition.
        #expect(tracker.observe(step: [copyFailed(true, key: "alice/a.pdf")], at: at(2)).isEmpty)
        #expect(tracker.firing.count == 1)
        #expect(tracker.firing[0].evaluatedAt == at(2))
    }

    @Test func aQuietVerdictWithTheSameLabelsResolvesAndOthersDoNot() {
        var tracker = AlertTracker()
        _ = tracker.observe(step: [copyFailed(true, key: "alice/a.pdf")], at: at(0))
        _ = tracker.observe(step: [copyFailed(true, key: "bob/b.pdf")], at: at(1))
        #expect(tracker.observe(step: [copyFailed(false, key: "carol/c.pdf")], at: at(2)).isEmpty)
        let transitions = tracker.observe(step: [copyFailed(false, key: "alice/a.pdf")], at: at(3))
        #expect(moves(transitions) == ["firing->resolved"])
        #expect(transitions[0].alert.labels["key"] == "alice/a.pdf")
        #expect(tracker.firing.map { $0.labels["key"] } == ["bob/b.pdf"])
        // Resolved step alerts are retained 15 minutes like the others.
        #expect(moves(tracker.expire(at: at(18))) == ["resolved->gone"])
    }

    @Test func stateEvaluationsNeverResolveStepAlerts() {
        var tracker = AlertTracker()
        _ = tracker.observe(step: [copyFailed(true, key: "alice/a.pdf")], at: at(0))
        let quiet = StateRuleEvaluation(
            rule: "copy-failed", active: false, labels: ["alertname": "copy-failed", "severity": "critical"],
            annotations: [:])
        #expect(tracker.observe(state: [quiet], at: at(1)).isEmpty)
        #expect(tracker.firing.count == 1)
    }

    @Test func alertsOfRemovedRulesResolve() {
        var tracker = AlertTracker()
        _ = tracker.observe(step: [copyFailed(true, key: "alice/a.pdf")], at: at(0))
        _ = tracker.observe(state: [stale(true)], at: at(0))
        let transitions = tracker.retainRules(["stale-server"], at: at(1))
        #expect(moves(transitions) == ["firing->resolved"])
        #expect(tracker.retainRules([], at: at(2)).map(\.alert.rule) == ["stale-server"])
        #expect(tracker.alerts.map(\.state) == [.resolved])
    }
}
