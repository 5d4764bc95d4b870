import Foundation

extension AlertTracker {
    /// Feeds the verdicts of one workflow step that ran at `now`, and returns what changed.
    ///
    /// A fired verdict makes its alert firing at once (or refreshes its annotations when it already fires); a quiet
    /// verdict resolves a firing step alert with exactly the same labels (`copy-failed` for a key resolves when
    /// that key is moved). Quiet verdicts for alerts that are not firing change nothing.
    ///
    /// - Returns: The transitions, by rule then fingerprint.
    package mutating func observe(step verdicts: [RuleVerdict], at now: Date) -> [AlertTransition] {
        var transitions: [AlertTransition] = []
        for verdict in verdicts {
            let fingerprint = AlertFingerprint.of(verdict.labels)
            let existing = entries[fingerprint]
            if verdict.fired {
                if var entry = existing, entry.alert.state == .firing {
                    entry.alert.annotations = verdict.annotations
                    entry.alert.evaluatedAt = now
                    store(entry)
                    continue
                }
                let alert = AlertInstance(
                    rule: verdict.rule, labels: verdict.labels, annotations: verdict.annotations, state: .firing,
                    activeAt: now, firedAt: now, evaluatedAt: now)
                store(Entry(alert: alert, origin: .step, keepFiringSince: nil))
                transitions.append(AlertTransition(alert: alert, from: existing?.alert.state, to: .firing))
            } else if var entry = existing, entry.origin == .step, entry.alert.state == .firing {
                entry.alert.state = .resolved
                entry.alert.resolvedAt = now
                entry.alert.evaluatedAt = now
                store(entry)
                transitions.append(AlertTransition(alert: entry.alert, from: .firing, to: .resolved))
            }
        }
        expireResolved(at: now, into: &transitions)
        return sortedTransitions(transitions)
    }

    /// Drops resolved alerts past the retention without observing anything (between evaluations).
    package mutating func expire(at now: Date) -> [AlertTransition] {
        var transitions: [AlertTransition] = []
        expireResolved(at: now, into: &transitions)
        return sortedTransitions(transitions)
    }
}
