import Foundation
import TransferWatchConfig
import TransferWatchRules
import TransferWatchWorkflows

/// Loads the configured rules folder for the workflow commands (`copy`, `provision`, `teardown`).
///
/// Until the rules engine's `RuleSet` is merged, this is the one place that turns rule files into a
/// ``StepRuleEvaluating``; swapping it for `RuleSet` changes only ``load(context:)``.
enum StepRulesLoader {
    /// The step rules of the configured rules folder, or `nil` when the folder does not exist.
    ///
    /// - Throws: ``CommandFailure`` (exit 2) after printing every `file:line:col: error: message` when a rule
    ///   file is invalid.
    static func load(context: CommandContext) throws -> StepRuleRunner? {
        let folder = context.configuration.rules.resolved
        guard FileManager.default.fileExists(atPath: folder) else { return nil }
        let files = try RuleFileDiscovery.files(in: [folder])
        let loaded = RuleFileLoader(environment: ExpressionEnvironment(timeZone: context.configuration.sftp.timezone))
            .load(files: files)
        guard loaded.diagnostics.isEmpty else {
            for diagnostic in loaded.diagnostics { TransferWatchCommand.printError("\(diagnostic)") }
            throw CommandFailure(status: 2, message: "")
        }
        return StepRuleRunner(
            evaluator: StepRuleTable(groups: loaded.groups), environment: context.configuration.environment)
    }

    /// One line per firing verdict: `  FIRING copy-failed (critical): the copy of alice/a.pdf failed`.
    static func describe(_ verdicts: [RuleVerdict]) -> [String] {
        verdicts.firing.map { verdict in
            let summary = verdict.annotations["summary"].map { ": \($0)" } ?? ""
            return "  FIRING \(verdict.rule) (\(verdict.severity.rawValue))\(summary)"
        }
    }
}

/// Evaluates validated step groups directly: each rule's condition, and its annotations when it fires.
struct StepRuleTable: StepRuleEvaluating {
    /// The validated groups (state groups are ignored).
    var groups: [RuleGroup]

    func verdicts(for workflow: StepWorkflow, facts: FactValues, now: Date) -> [RuleVerdict] {
        var verdicts: [RuleVerdict] = []
        for group in groups {
            guard case .step(let kind) = group.kind, kind == workflow else { continue }
            for rule in group.rules {
                let fired = rule.expression.evaluateBool(facts)
                var labels = rule.labels
                labels["alertname"] = rule.alert
                labels["severity"] = rule.severity.rawValue
                verdicts.append(
                    RuleVerdict(
                        rule: rule.alert, severity: rule.severity, fired: fired, labels: labels,
                        annotations: fired ? rule.annotations.mapValues { $0.render(facts) } : [:]))
            }
        }
        return verdicts
    }
}
