import ArgumentParser
import Foundation
import TransferWatchConfig
import TransferWatchRules
import TransferWatchWorkflows

/// `transferwatch check [--json]`: the state rules evaluated once, at `--now`, against the pipeline's state.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Evaluate the state rules once at --now and print what fires.",
        discussion: """
            Builds the pipeline's state at --now (the window, its counter and missing employees, the server with \
            its age and cost, recent copy failures, managed and orphaned servers) from the state table, the \
            employees table, Transfer and S3, and evaluates every state rule of the configured rules folder \
            against it. A rule whose condition holds is reported as firing: `for` and `keep_firing_for` smooth \
            conditions over a history of evaluations that the agent keeps and a single run does not have, so \
            the rule's `for` is shown beside it instead.
            Exit status: 0 nothing fires; 1 something fires (or an AWS read failed); 2 configuration or rule-file \
            error.
            """
    )

    @ParentCommand var root: TransferWatchCommand
    @Flag(name: .long, help: "Print the evaluations as JSON.") var json = false

    /// One firing rule as `--json` prints it.
    struct Firing: Encodable {
        var alert: String
        var severity: String
        var labels: [String: String]
        var annotations: [String: String]
        var forSeconds: Int
    }

    /// What `--json` prints.
    struct Report: Encodable {
        var now: Date
        var window: String
        var evaluated: Int
        var firing: [Firing]
        var problems: [String]
    }

    func run() async throws {
        let context = try CommandContext.make(global: root.global)
        guard let rules = try StepRulesLoader.ruleSet(context: context) else {
            throw CommandFailure.usage(
                "error: \(context.configurationPath): the rules folder \(context.configuration.rules.resolved) does not exist")
        }
        let now = context.now()
        let snapshot: PipelineSnapshot
        do {
            snapshot = try await PipelineSnapshotBuilder.make(context: context).build(at: now)
        } catch let error as PipelineSnapshotError {
            throw CommandFailure.usage("error: \(context.configurationPath): \(error)")
        }
        for problem in snapshot.problems { TransferWatchCommand.printError("warning: \(problem)") }
        let facts = try snapshot.facts()
        let evaluations = rules.evaluateState(facts: facts)
        let firing = evaluations.filter(\.active).map { evaluation in
            Firing(
                alert: evaluation.rule, severity: evaluation.labels["severity"] ?? "warning",
                labels: evaluation.labels, annotations: evaluation.annotations,
                forSeconds: Int(evaluation.holdDuration.components.seconds))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            let report = Report(
                now: now, window: snapshot.status(alerts: []).window, evaluated: evaluations.count, firing: firing,
                problems: snapshot.problems)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(Self.text(firing, evaluated: evaluations.count, now: now))
        }
        if !firing.isEmpty { throw CommandFailure(status: 1, message: "") }
    }

    /// The human report: one block per firing rule, or one line saying all is quiet.
    static func text(_ firing: [Firing], evaluated: Int, now: Date) -> String {
        let instant = now.formatted(.iso8601)
        guard !firing.isEmpty else { return "OK: \(evaluated) state rules evaluated at \(instant), none firing" }
        var lines = ["\(firing.count) of \(evaluated) state rules firing at \(instant):"]
        for alert in firing {
            let labels = alert.labels.filter { !["alertname", "severity"].contains($0.key) }
                .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let hold = alert.forSeconds > 0 ? " (for \(formatDuration(.seconds(alert.forSeconds))) in the agent)" : ""
            lines.append("FIRING \(alert.alert) [\(alert.severity)] \(labels)\(hold)")
            if let summary = alert.annotations["summary"] { lines.append("  \(summary)") }
            if let description = alert.annotations["description"] {
                lines.append(contentsOf: description.split(separator: "\n").map { "  \($0)" })
            }
            if let runbook = alert.annotations["runbook_url"] { lines.append("  runbook: \(runbook)") }
        }
        return lines.joined(separator: "\n")
    }
}
