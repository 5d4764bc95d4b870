extension RuleSet {
    /// Evaluates state rules against one snapshot of the pipeline.
    ///
    /// - Parameters:
    ///   - facts: The snapshot, built for ``PipelineFacts/state``. Facts built for another schema give no evaluations.
    ///   - groups: Which state groups to evaluate (by name); `nil` evaluates them all. The agent passes the groups
    ///     whose interval has come round.
    /// - Returns: One evaluation per rule, in rule-file order.
    package func evaluateState(facts: FactValues, groups names: Set<String>? = nil) -> [StateRuleEvaluation] {
        guard facts.schema == PipelineFacts.state else { return [] }
        var evaluations: [StateRuleEvaluation] = []
        let environment = Rule.environmentLabel(facts)
        for group in stateGroups where names?.contains(group.name) ?? true {
            for rule in group.rules {
                let active = rule.expression.evaluateBool(facts)
                evaluations.append(
                    StateRuleEvaluation(
                        rule: rule.alert, active: active, labels: rule.renderLabels(facts, environment: environment),
                        annotations: active ? rule.renderAnnotations(facts) : [:], holdDuration: rule.holdDuration,
                        keepFiringFor: rule.keepFiringFor))
            }
        }
        return evaluations
    }
}
