import Foundation
import TransferWatchConfig
import TransferWatchRules
import TransferWatchWorkflows

/// Loads the configured rules folder for the commands (`copy`, `provision`, `teardown`, `check`, `agent`).
enum StepRulesLoader {
    /// The configured rules folder's rule set, or `nil` when the folder does not exist.
    ///
    /// - Throws: ``CommandFailure`` (exit 2) after printing every `file:line:col: error: message` when a rule
    ///   file is invalid.
    static func ruleSet(context: CommandContext) throws -> RuleSet? {
        let folder = context.configuration.rules.resolved
        guard FileManager.default.fileExists(atPath: folder) else { return nil }
        let files = try RuleFileDiscovery.files(in: [folder])
        do {
            return try RuleSet.load(
                files: files, environment: ExpressionEnvironment(timeZone: context.configuration.sftp.timezone))
        } catch {
            for diagnostic in error.diagnostics { TransferWatchCommand.printError("\(diagnostic)") }
            throw CommandFailure(status: 2, message: "")
        }
    }

    /// The step rules of the configured rules folder, or `nil` when the folder does not exist.
    static func load(context: CommandContext) throws -> StepRuleRunner? {
        guard let rules = try ruleSet(context: context) else { return nil }
        return StepRuleRunner(evaluator: rules, environment: context.configuration.environment)
    }

    /// One line per firing verdict: `  FIRING copy-failed (critical): the copy of alice/a.pdf failed`.
    static func describe(_ verdicts: [RuleVerdict]) -> [String] {
        verdicts.firing.map { verdict in
            let summary = verdict.annotations["summary"].map { ": \($0)" } ?? ""
            return "  FIRING \(verdict.rule) (\(verdict.severity.rawValue))\(summary)"
        }
    }
}
