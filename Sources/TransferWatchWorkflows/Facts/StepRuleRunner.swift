import Foundation
import Logging
import TransferWatchRules

/// Runs a workflow's step rules on the step it just finished: builds the step's facts and asks the
/// ``StepRuleEvaluating`` for its verdicts, which the workflow stores in the step record.
///
/// ```swift
/// var workflow = CopyWorkflow(...)
/// workflow.stepRules = StepRuleRunner(evaluator: ruleSet, environment: configuration.environment)
/// let record = try await workflow.run(event)     // record.verdicts holds every copy rule's verdict
/// ```
package struct StepRuleRunner: Sendable {
    /// Evaluates the rules (the rules engine's `RuleSet`, or a fake in tests).
    package var evaluator: any StepRuleEvaluating
    /// The deployment name, the `environment` fact.
    package var environment: String

    /// A runner over `evaluator` for `environment`.
    package init(evaluator: any StepRuleEvaluating, environment: String) {
        self.evaluator = evaluator
        self.environment = environment
    }

    /// The verdicts of `workflow`'s step rules on one step.
    ///
    /// - Parameters:
    ///   - makeFacts: builds the step's facts for an environment and evaluation time.
    /// - Returns: the verdicts, or none (logged as an error) when the facts do not fit their schema, which
    ///   only a mismatch between an adapter and ``PipelineFacts`` can cause.
    package func verdicts(
        for workflow: StepWorkflow, now: Date, logger: Logger,
        facts makeFacts: (String, Date) throws(FactValueError) -> FactValues
    ) -> [RuleVerdict] {
        do {
            let facts = try makeFacts(environment, now)
            return evaluator.verdicts(for: workflow, facts: facts, now: now)
        } catch {
            logger.error(
                "step facts do not fit their schema; step rules not evaluated",
                metadata: ["rule.workflow": "\(workflow.rawValue)", "error": "\(error)"])
            return []
        }
    }
}

extension Array where Element == RuleVerdict {
    /// The verdicts whose condition held.
    package var firing: [RuleVerdict] { filter(\.fired) }
}
