import ArgumentParser
import Foundation
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchRules
import TransferWatchTelemetry

/// `transferwatch alarms`: CloudWatch alarms as code.
struct AlarmsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alarms",
        abstract: "Manage the CloudWatch alarms the rules declare.",
        subcommands: [Sync.self]
    )

    /// `transferwatch alarms sync [--dry-run]`: makes CloudWatch's alarms match the rules' `alarm` blocks.
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Make the CloudWatch alarms match the rules' alarm blocks; print the plan.",
            discussion: """
                Each rule with an alarm block becomes the metric alarm <namespace>-<environment>-<alert> on the \
                configured namespace with the Environment dimension, with ALARM and OK actions to \
                alerts.snsTopicArn; the composite alarm <namespace>-<environment>-pipeline-unhealthy is in ALARM \
                when any of them is. Alarms are tagged transferwatch:managed=true and \
                transferwatch:environment=<environment>; only alarms with those tags are updated or deleted. \
                Prints the plan (+ create, ~ update with the changed fields, - delete, = unchanged). \
                Exit status: 0 in sync; 1 a change failed or an unmanaged alarm holds a declared name; 2 a configuration or rule-file error.
                """
        )

        @ParentCommand var root: TransferWatchCommand
        @Flag(name: .customLong("dry-run"), help: "Print the plan; change nothing.") var dryRun = false

        func run() async throws {
            let context = try CommandContext.make(global: root.global)
            let configuration = context.configuration
            let files = try RuleFileDiscovery.files(in: [configuration.rules.resolved])
            let loaded = RuleFileLoader(environment: ExpressionEnvironment(timeZone: configuration.sftp.timezone))
                .load(files: files)
            let naming = AlarmNaming(namespace: configuration.namespace, environment: configuration.environment)
            let compiled = AlarmCompiler(naming: naming, topicARN: configuration.alerts.snsTopicArn?.description)
                .compile(loaded.groups)
            let diagnostics = loaded.diagnostics.isEmpty ? compiled.diagnostics : loaded.diagnostics
            guard diagnostics.isEmpty else {
                for diagnostic in diagnostics { TransferWatchCommand.printError("\(diagnostic)") }
                throw CommandFailure(status: 2, message: "")
            }
            if configuration.alerts.snsTopicArn == nil {
                TransferWatchCommand.printError(
                    "warning: \(context.configurationPath): alerts.snsTopicArn is not set; the alarms will have no actions"
                )
            }
            let synchronizer = AlarmSynchronizer(
                cloudWatch: CloudWatchClient(context: context.aws), naming: naming, logger: context.logger)
            let plan = try await synchronizer.plan(for: compiled.alarms)
            print(plan.rendered(dryRun: dryRun))
            var failed = false
            if !dryRun, plan.writeCount > 0 {
                let outcome = await synchronizer.apply(plan)
                for line in outcome.done { print(line) }
                for failure in outcome.failures {
                    TransferWatchCommand.printError("error: \(failure.step) failed: \(oneLine(failure.error))")
                }
                failed = !outcome.failures.isEmpty
            }
            for name in plan.conflicts {
                TransferWatchCommand.printError(
                    "error: alarm \(name) exists but is not managed by transferwatch; left alone (delete or rename it, "
                        + "or tag it transferwatch:managed=true and transferwatch:environment=\(naming.environment))")
                failed = true
            }
            if failed { throw CommandFailure.failed() }
        }
    }
}

/// An error's description on one line (service error bodies, such as an emulator's HTML page, can span lines).
func oneLine(_ error: any Error) -> String {
    "\(error)".split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        .joined(separator: " ")
}
