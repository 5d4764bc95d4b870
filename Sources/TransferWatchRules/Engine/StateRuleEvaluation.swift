/// What one state rule said about one snapshot of the pipeline: the input of ``AlertTracker/observe(state:at:)``.
package struct StateRuleEvaluation: Sendable, Hashable, Codable {
    /// The rule's `alert` name.
    package var rule: String
    /// Whether the condition holds.
    package var active: Bool
    /// The identifying labels, rendered against the snapshot (`alertname`, `severity`, `environment`, the rule's).
    package var labels: [String: String]
    /// The rendered annotations (empty when the condition does not hold).
    package var annotations: [String: String]
    /// The rule's `for`: how long the condition must hold before the alert fires.
    package var holdDuration: Duration
    /// The rule's `keep_firing_for`.
    package var keepFiringFor: Duration

    /// Creates an evaluation.
    package init(
        rule: String, active: Bool, labels: [String: String], annotations: [String: String],
        holdDuration: Duration = .zero, keepFiringFor: Duration = .zero
    ) {
        self.rule = rule
        self.active = active
        self.labels = labels
        self.annotations = annotations
        self.holdDuration = holdDuration
        self.keepFiringFor = keepFiringFor
    }
}
