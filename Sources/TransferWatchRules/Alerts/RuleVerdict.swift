import Foundation

/// What one step rule said about one workflow step: the verdicts a step record carries.
package struct RuleVerdict: Sendable, Hashable, Codable {
    /// The rule's `alert` name.
    package var rule: String
    /// The rule's severity.
    package var severity: Severity
    /// Whether the condition held for this step.
    package var fired: Bool
    /// The alert's identifying labels, rendered against the step (`alertname`, `severity`, the rule's labels).
    package var labels: [String: String]
    /// The rendered annotations (empty when the rule did not fire).
    package var annotations: [String: String]

    /// Creates a verdict.
    package init(rule: String, severity: Severity, fired: Bool, labels: [String: String], annotations: [String: String]) {
        self.rule = rule
        self.severity = severity
        self.fired = fired
        self.labels = labels
        self.annotations = annotations
    }
}

/// Evaluates the step rules of one workflow against one step's facts.
///
/// The workflows call it after each step and keep its verdicts in their step records; the rules engine
/// implements it. Evaluation cannot fail: rule files are validated when they are loaded.
package protocol StepRuleEvaluating: Sendable {
    /// The verdict of every step rule of `workflow`, in rule-file order.
    func verdicts(for workflow: StepWorkflow, facts: FactValues, now: Date) -> [RuleVerdict]
}
