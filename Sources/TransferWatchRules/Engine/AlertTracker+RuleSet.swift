import Foundation

extension AlertTracker {
    /// Evaluates the state rules of `rules` (all groups, or those named) against a snapshot taken at `now`, and feeds
    /// the evaluations to the tracker: what the agent does at each state group's interval.
    package mutating func evaluate(
        _ rules: RuleSet, state facts: FactValues, groups: Set<String>? = nil, at now: Date
    ) -> [AlertTransition] {
        observe(state: rules.evaluateState(facts: facts, groups: groups), at: now)
    }

    /// Evaluates the step rules of `workflow` against one step's facts and feeds the verdicts to the tracker: what
    /// the agent does after each workflow step. Returns the verdicts too, for the step record.
    package mutating func evaluate(
        _ rules: RuleSet, step workflow: StepWorkflow, facts: FactValues, at now: Date
    ) -> (verdicts: [RuleVerdict], transitions: [AlertTransition]) {
        let verdicts = rules.verdicts(for: workflow, facts: facts, now: now)
        return (verdicts, observe(step: verdicts, at: now))
    }
}
