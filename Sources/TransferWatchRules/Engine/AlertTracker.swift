import Foundation

/// The life cycle of every alert, with Prometheus's semantics: a value type with mutating methods (a state
/// machine in the manner of Hummingbird's), fed with rule evaluations at the times they happen.
///
/// - State rules (``observe(state:at:)``): an alert whose condition holds is `pending` until it has held for the
///   rule's `for` (a zero `for` fires at once), then `firing`; when the condition clears a pending alert is dropped
///   and a firing one keeps firing for `keep_firing_for`, then `resolved`.
/// - Step rules (``observe(step:at:)``): a fired verdict makes its alert `firing` at once; a quiet verdict with the
///   same labels (a later step for the same key) resolves it.
/// - A resolved alert is retained for ``resolvedRetention`` (15 minutes), so that a resolved notification can be
///   sent, then dropped; if its condition comes back meanwhile it starts over as a new alert.
///
/// An alert's identity is its labels (``AlertFingerprint``). The whole state is `Codable`: the agent persists it after
/// each evaluation, and a restart neither re-fires a firing alert nor forgets how long a pending one has held.
///
/// ```swift
/// var tracker = AlertTracker()
/// let transitions = tracker.observe(state: ruleSet.evaluateState(facts: snapshot), at: now)
/// for transition in transitions where transition.to == .firing { notify(transition.alert) }
/// ```
package struct AlertTracker: Sendable, Equatable, Codable {
    /// How long resolved alerts are kept by default: 15 minutes, as Prometheus does.
    package static let defaultResolvedRetention: Duration = .seconds(900)

    /// Where an alert came from, which decides what can resolve it.
    package enum Origin: String, Sendable, Equatable, Codable {
        /// A step rule's verdict: resolved by a quiet verdict with the same labels.
        case step
        /// A state rule: resolved when its condition stops holding (after `keep_firing_for`).
        case state
    }

    /// One tracked alert and the bookkeeping its transitions need.
    package struct Entry: Sendable, Equatable, Codable {
        /// The alert.
        package var alert: AlertInstance
        /// Step or state.
        package var origin: Origin
        /// When a firing alert's condition first stopped holding, while `keep_firing_for` runs.
        package var keepFiringSince: Date?
    }

    /// How long a resolved alert stays before it is dropped.
    package var resolvedRetention: Duration
    /// The tracked alerts by fingerprint.
    package private(set) var entries: [String: Entry]

    /// Creates an empty tracker.
    package init(resolvedRetention: Duration = AlertTracker.defaultResolvedRetention) {
        self.resolvedRetention = resolvedRetention
        self.entries = [:]
    }

    /// Every tracked alert (pending, firing, and resolved within the retention), by rule name then fingerprint.
    package var alerts: [AlertInstance] {
        entries.values.map(\.alert).sorted { ($0.rule, $0.fingerprint) < ($1.rule, $1.fingerprint) }
    }

    /// The firing alerts, in the order of ``alerts``.
    package var firing: [AlertInstance] { alerts.filter { $0.state == .firing } }

    /// The alerts of one rule, in the order of ``alerts``.
    package func alerts(named rule: String) -> [AlertInstance] { alerts.filter { $0.rule == rule } }

    /// Drops resolved alerts older than the retention, reporting each.
    mutating func expireResolved(at now: Date, into transitions: inout [AlertTransition]) {
        let retention = resolvedRetention.timeInterval
        for (fingerprint, entry) in entries {
            guard entry.alert.state == .resolved, let resolvedAt = entry.alert.resolvedAt,
                now.timeIntervalSince(resolvedAt) >= retention
            else { continue }
            entries[fingerprint] = nil
            transitions.append(AlertTransition(alert: entry.alert, from: .resolved, to: nil))
        }
    }

    /// Replaces or inserts an entry.
    mutating func store(_ entry: Entry) {
        entries[entry.alert.fingerprint] = entry
    }

    /// Removes an entry.
    mutating func remove(_ fingerprint: String) {
        entries[fingerprint] = nil
    }
}

/// Transitions in a stable order: by rule, then fingerprint, then the order they happened.
func sortedTransitions(_ transitions: [AlertTransition]) -> [AlertTransition] {
    transitions.enumerated().sorted { lhs, rhs in
        (lhs.element.alert.rule, lhs.element.alert.fingerprint, lhs.offset)
            < (rhs.element.alert.rule, rhs.element.alert.fingerprint, rhs.offset)
    }.map(\.element)
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var timeInterval: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}
