import Foundation

extension RuleSet: StepRuleEvaluating {
    /// The verdict of every step rule of `workflow` against one step's facts, in rule-file order.
    ///
    /// Every verdict carries its rendered labels, fired or not, so that a quiet verdict with the same labels as a
    /// firing alert resolves it (a later successful copy of key K resolves `copy-failed` for K). Annotations are
    /// rendered only when the rule fired.
    ///
    /// - Parameters:
    ///   - workflow: The workflow whose step just ran.
    ///   - facts: The step's facts, built for `workflow.schema`. Facts built for another schema get no verdicts.
    ///   - now: The evaluation time (unused by the rules themselves, which read the `now` fact).
    package func verdicts(for workflow: StepWorkflow, facts: FactValues, now: Date) -> [RuleVerdict] {
        guard let groups = stepGroups[workflow], facts.schema == workflow.schema else { return [] }
        var verdicts: [RuleVerdict] = []
        let environment = Rule.environmentLabel(facts)
        for group in groups {
            for rule in group.rules {
                let fired = rule.expression.evaluateBool(facts)
                verdicts.append(
                    RuleVerdict(
                        rule: rule.alert, severity: rule.severity, fired: fired,
                        labels: rule.renderLabels(facts, environment: environment),
                        annotations: fired ? rule.renderAnnotations(facts) : [:]))
            }
        }
        return verdicts
    }
}
