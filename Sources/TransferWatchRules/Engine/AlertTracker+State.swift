import Foundation

extension AlertTracker {
    /// Feeds the state rules' evaluations of one snapshot, taken at `now`, and returns what changed.
    ///
    /// Only the alerts of the rules in `evaluations` are touched (a group evaluated at its own interval does not
    /// resolve another group's alerts). For each rule, an alert whose labels are not among the active evaluations
    /// (its condition cleared, or its labels now render differently) goes the way of a cleared condition.
    ///
    /// - Returns: The transitions, by rule then fingerprint.
    package mutating func observe(state evaluations: [StateRuleEvaluation], at now: Date) -> [AlertTransition] {
        var transitions: [AlertTransition] = []
        var keepFiringFor: [String: Duration] = [:]
        var active: Set<String> = []
        for evaluation in evaluations {
            keepFiringFor[ruleKey(evaluation.rule, evaluation.labels)] = evaluation.keepFiringFor
            guard evaluation.active else { continue }
            let fingerprint = AlertFingerprint.of(evaluation.labels)
            active.insert(fingerprint)
            var entry: Entry
            if let existing = entries[fingerprint], existing.alert.state != .resolved {
                entry = existing
                entry.alert.annotations = evaluation.annotations
                entry.alert.evaluatedAt = now
                entry.keepFiringSince = nil
            } else {
                entry = Entry(
                    alert: AlertInstance(
                        rule: evaluation.rule, labels: evaluation.labels, annotations: evaluation.annotations,
                        state: .pending, activeAt: now, evaluatedAt: now),
                    origin: .state, keepFiringSince: nil)
                transitions.append(
                    AlertTransition(alert: entry.alert, from: entries[fingerprint]?.alert.state, to: .pending))
            }
            if entry.alert.state == .pending,
                now.timeIntervalSince(entry.alert.activeAt) >= evaluation.holdDuration.timeInterval
            {
                entry.alert.state = .firing
                entry.alert.firedAt = now
                transitions.append(AlertTransition(alert: entry.alert, from: .pending, to: .firing))
            }
            store(entry)
        }
        for (fingerprint, existing) in entries
        where existing.origin == .state && !active.contains(fingerprint) {
            guard let keep = keepFiringFor[ruleKey(existing.alert.rule, existing.alert.labels)] else { continue }
            var entry = existing
            switch entry.alert.state {
            case .pending:
                remove(fingerprint)
                transitions.append(AlertTransition(alert: entry.alert, from: .pending, to: nil))
            case .firing:
                let since = entry.keepFiringSince ?? now
                entry.keepFiringSince = since
                entry.alert.evaluatedAt = now
                if keep > .zero, now.timeIntervalSince(since) < keep.timeInterval {
                    store(entry)
                    continue
                }
                entry.alert.state = .resolved
                entry.alert.resolvedAt = now
                entry.keepFiringSince = nil
                store(entry)
                transitions.append(AlertTransition(alert: entry.alert, from: .firing, to: .resolved))
            case .resolved:
                continue
            }
        }
        expireResolved(at: now, into: &transitions)
        return sortedTransitions(transitions)
    }

    /// Resolves the firing alerts, and drops the pending ones, of rules that no longer exist (after the rule files
    /// were reloaded without them).
    ///
    /// - Parameter rules: The names of every rule, step and state, that still exists.
    package mutating func retainRules(_ rules: Set<String>, at now: Date) -> [AlertTransition] {
        var transitions: [AlertTransition] = []
        for (fingerprint, existing) in entries where !rules.contains(existing.alert.rule) {
            var entry = existing
            switch entry.alert.state {
            case .pending:
                remove(fingerprint)
                transitions.append(AlertTransition(alert: entry.alert, from: .pending, to: nil))
            case .firing:
                entry.alert.state = .resolved
                entry.alert.resolvedAt = now
                entry.alert.evaluatedAt = now
                store(entry)
                transitions.append(AlertTransition(alert: entry.alert, from: .firing, to: .resolved))
            case .resolved:
                continue
            }
        }
        expireResolved(at: now, into: &transitions)
        return sortedTransitions(transitions)
    }

    /// Which rule an alert comes from: its name and severity (rules may share a name when their severities differ).
    private func ruleKey(_ rule: String, _ labels: [String: String]) -> String {
        rule + "\u{0}" + (labels["severity"] ?? "")
    }
}
