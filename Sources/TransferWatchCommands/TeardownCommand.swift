import ArgumentParser
import Foundation
import Logging
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchWorkflows

/// `transferwatch teardown`: deletes the window's users and server and closes the window (idempotent).
struct TeardownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teardown",
        abstract: "Delete the current window's SFTP users and server, and close the window with a reason.",
        discussion: """
            The window is the one the latest provisioning time (sftp.provision) at or before --now opened.
            Prints the plan (users, server, window, orphaned servers), then what was done. Idempotent: a server
            already gone is success, and a second run does nothing. Orphaned servers (tagged
            transferwatch:managed=true but no window's recorded server) are reported; --orphans deletes them.
            Exit status: 0 torn down, already torn down, or planned (--dry-run); 1 a step failed; 2 usage or
            configuration error.
            """
    )

    @ParentCommand var root: TransferWatchCommand

    @Option(name: .long, help: "Why: manual, scheduled, counter or lifespan.") var reason: TeardownReason = .manual
    @Flag(name: .long, help: "Also delete orphaned managed servers.") var orphans = false
    @Flag(name: .customLong("dry-run"), help: "Print what would be deleted; delete nothing.") var dryRun = false
    @Flag(name: .long, help: "Print the step record as JSON.") var json = false

    func run() async throws {
        let context = try CommandContext.make(global: root.global)
        let now = context.now()
        guard let windowID = DeliveryWindowCalendar.make(context.configuration).windowID(at: now) else {
            throw CommandFailure.usage(
                "error: \(context.configurationPath): sftp.provision \(context.configuration.sftp.provision) has no time at or before \(AWSDate.iso8601(now)), so no window to tear down"
            )
        }
        var workflow = TeardownWorkflow.make(context: context)
        workflow.stepRules = try StepRulesLoader.load(context: context)
        let record = try await workflow.run(window: windowID, reason: reason, dryRun: dryRun, includeOrphans: orphans)
        if json {
            print(StepRecordJSON.encode(record))
        } else {
            if let plan = record.plan {
                print(Self.describe(plan, reason: reason, includeOrphans: orphans, dryRun: dryRun))
            }
            print(record.summary)
            for note in record.notes { print("  note: \(note)") }
            for line in StepRulesLoader.describe(record.verdicts) { print(line) }
        }
        for failure in record.failures { TransferWatchCommand.printError("error: \(failure)") }
        if record.isFailure || !record.verdicts.firing.isEmpty { throw CommandFailure.failed() }
    }

    /// The plan as a person reads it.
    static func describe(_ plan: TeardownPlan, reason: TeardownReason, includeOrphans: Bool, dryRun: Bool) -> String {
        var lines = ["\(dryRun ? "would tear down" : "tearing down") window \(plan.window) (\(reason)):"]
        if plan.users.isEmpty {
            lines.append("  users: none to delete")
        } else {
            let shown = plan.users.prefix(20).joined(separator: ", ")
            let more = plan.users.count > 20 ? ", … (\(plan.users.count - 20) more)" : ""
            lines.append("  delete \(plan.users.count) user\(plan.users.count == 1 ? "" : "s"): \(shown)\(more)")
        }
        lines.append(plan.serverID.map { "  delete server \($0)" } ?? "  server: none to delete")
        lines.append(plan.closesWindow ? "  close window \(plan.window) (\(reason))" : "  window: not open")
        for orphan in plan.orphans {
            lines.append(
                "  orphaned server \(orphan.serverID) (\(orphan.state), \(orphan.reason)): \(includeOrphans ? "delete" : "keep; --orphans deletes it")"
            )
        }
        return lines.joined(separator: "\n")
    }
}

extension TeardownReason: ExpressibleByArgument {}

extension TeardownWorkflow {
    /// The workflow as the configuration describes it.
    static func make(context: CommandContext) -> TeardownWorkflow {
        let configuration = context.configuration
        let dynamo = DynamoDBClient(context: context.aws)
        let ledger = DeliveryLedger(
            dynamo: dynamo, stateTable: configuration.tables.state, employeesTable: configuration.tables.employees,
            logger: context.logger)
        return TeardownWorkflow(
            transfer: TransferClient(context: context.aws),
            registry: ServerRegistry(dynamo: dynamo, table: configuration.tables.state), ledger: ledger,
            settings: .init(
                userConcurrency: configuration.sftp.userConcurrency,
                requestsPerSecond: configuration.sftp.requestsPerSecond),
            now: context.now, logger: context.logger)
    }
}
