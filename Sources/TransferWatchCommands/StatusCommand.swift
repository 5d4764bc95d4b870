import ArgumentParser
import Foundation
import TransferWatchAWS
import TransferWatchAlerting
import TransferWatchConfig
import TransferWatchWorkflows

/// `transferwatch status [--json]`: the delivery window, its server, the counter, missing employees and alerts.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the delivery window, its server, the delivery counter, missing employees and alerts.",
        discussion: """
            The window is the one the latest provisioning time (sftp.provision) at or before --now opened; before \
            provisioning recorded it, it shows 0 delivered and no server. Broken employee records are reported on \
            stderr and left out. --json prints CONTRACT.md's status object (ISO-8601 dates, "server": null when \
            there is none).
            Exit status: 0 shown; 1 an AWS read failed; 2 configuration error.
            """
    )

    @ParentCommand var root: TransferWatchCommand
    @Flag(name: .long, help: "Print the status as JSON.") var json = false

    func run() async throws {
        let context = try CommandContext.make(global: root.global)
        let now = context.now()
        let snapshot: PipelineSnapshot
        do {
            snapshot = try await PipelineSnapshotBuilder.make(context: context).build(at: now)
        } catch let error as PipelineSnapshotError {
            throw CommandFailure.usage("error: \(context.configurationPath): \(error)")
        }
        for problem in snapshot.problems { TransferWatchCommand.printError("warning: \(problem)") }
        let status = snapshot.status(alerts: try await Self.alertSource(context: context).alerts(at: now))
        print(json ? try status.json() : status.text)
    }

    /// Where the alerts come from: the alert store in the state table (what the agent's dispatcher recorded).
    static func alertSource(context: CommandContext) -> any AlertStatusSource {
        AlertingComponents.make(configuration: context.configuration, context: context.aws, logger: context.logger)
            .makeDispatcher(now: context.now, sleeper: ClockSleeper(clock: ContinuousClock()))
    }
}

extension PipelineSnapshotBuilder {
    /// The builder as the configuration describes it.
    static func make(context: CommandContext) -> PipelineSnapshotBuilder {
        let configuration = context.configuration
        let dynamo = DynamoDBClient(context: context.aws)
        let sources = Sources(
            ledger: DeliveryLedger(
                dynamo: dynamo, stateTable: configuration.tables.state,
                employeesTable: configuration.tables.employees, logger: context.logger),
            registry: ServerRegistry(dynamo: dynamo, table: configuration.tables.state),
            employees: EmployeeDirectory(dynamo: dynamo, table: configuration.tables.employees, logger: context.logger),
            transfer: TransferClient(context: context.aws), s3: S3Client(context: context.aws),
            outcomes: CopyOutcomeLog(dynamo: dynamo, table: configuration.tables.state),
            provisioningRuns: ProvisioningRunLog(dynamo: dynamo, table: configuration.tables.state))
        return PipelineSnapshotBuilder(sources: sources, settings: Settings(configuration), logger: context.logger)
    }
}
