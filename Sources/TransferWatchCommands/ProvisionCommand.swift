import ArgumentParser
import Foundation
import Logging
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchLocking
import TransferWatchWorkflows

/// `transferwatch provision`: the SFTP server and users for the delivery window of `--now` (idempotent).
struct ProvisionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Provision the SFTP server and one user per active employee for the current delivery window.",
        discussion: """
            The window is the one the latest provisioning time (sftp.provision) at or before --now opens.
            Idempotent: a re-run creates only what is missing (an employee added mid-window gets a user and
            the window expects one more delivery). Employee records that cannot be provisioned are listed with
            their reasons; the others are provisioned.
            Exit status: 0 provisioned, unchanged, or deferred to another run holding the window; 1 a step
            failed; 2 configuration error.
            """
    )

    @ParentCommand var root: TransferWatchCommand

    @Flag(name: .long, help: "Print the step record as JSON.") var json = false

    func run() async throws {
        let context = try CommandContext.make(global: root.global)
        let calendar = DeliveryWindowCalendar.make(context.configuration)
        let now = context.now()
        guard let windowID = calendar.windowID(at: now) else {
            throw CommandFailure.usage(
                "error: \(context.configurationPath): sftp.provision \(context.configuration.sftp.provision) has no time at or before \(AWSDate.iso8601(now))"
            )
        }
        var workflow = try ProvisioningWorkflow.make(context: context)
        workflow.stepRules = try StepRulesLoader.load(context: context)
        workflow.runLog = ProvisioningRunLog(
            dynamo: DynamoDBClient(context: context.aws), table: context.configuration.tables.state)
        let reporter = ProgressReporter(logger: context.logger, window: windowID)
        workflow.progress = { reporter.report($0) }
        let record = try await workflow.run(window: windowID)
        if json {
            print(StepRecordJSON.encode(record))
        } else {
            print(record.summary)
            for skipped in record.skipped {
                print("  skipped \(skipped.username ?? "(no username)"): \(skipped.reason)")
            }
            for note in record.notes { print("  note: \(note)") }
            for line in StepRulesLoader.describe(record.verdicts) { print(line) }
        }
        for failure in record.failures { TransferWatchCommand.printError("error: \(failure)") }
        if record.isFailure || !record.verdicts.firing.isEmpty { throw CommandFailure.failed() }
    }
}

/// Logs provisioning progress every `everyUsers` users or `interval` of real time, and at the end.
final class ProgressReporter: Sendable {
    private struct State {
        var lastDone = 0
        var lastAt = ContinuousClock.now
    }

    private let logger: Logger
    private let window: String
    private let everyUsers: Int
    private let interval: Duration
    private let state = Locked(State())

    init(logger: Logger, window: String, everyUsers: Int = 100, interval: Duration = .seconds(10)) {
        self.logger = logger
        self.window = window
        self.everyUsers = everyUsers
        self.interval = interval
    }

    func report(_ progress: ProvisioningWorkflow.Progress) {
        let due = state.withLock { state -> Bool in
            let now = ContinuousClock.now
            let isDue =
                progress.done == progress.total || progress.done - state.lastDone >= everyUsers
                || now - state.lastAt >= interval
            guard isDue, progress.total > 0, progress.done > state.lastDone else { return false }
            state.lastDone = progress.done
            state.lastAt = now
            return true
        }
        guard due else { return }
        logger.info(
            "provisioning users",
            metadata: [
                "window": "\(window)", "users.done": "\(progress.done)", "users.total": "\(progress.total)",
                "users.failed": "\(progress.failed)",
            ])
    }
}

/// Step records as pretty JSON with ISO-8601 dates and sorted keys.
enum StepRecordJSON {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

extension DeliveryWindowCalendar {
    /// The configured provision schedule in the configured time zone.
    static func make(_ configuration: Configuration) -> DeliveryWindowCalendar {
        DeliveryWindowCalendar(provision: configuration.sftp.provision, timeZone: configuration.sftp.timezone)
    }
}

extension ProvisioningWorkflow {
    /// The workflow as the configuration describes it.
    ///
    /// - Throws: ``CommandFailure`` (exit 2) when `sftp.userRole` is not configured.
    static func make(context: CommandContext) throws -> ProvisioningWorkflow {
        let configuration = context.configuration
        guard let userRole = configuration.sftp.userRole else {
            throw CommandFailure.usage(
                "error: \(context.configurationPath): sftp.userRole is required to provision SFTP users")
        }
        let dynamo = DynamoDBClient(context: context.aws)
        let ledger = DeliveryLedger(
            dynamo: dynamo, stateTable: configuration.tables.state, employeesTable: configuration.tables.employees,
            logger: context.logger)
        let settings = ProvisioningWorkflow.Settings(
            sourceBucket: configuration.buckets.source, userRole: userRole.description,
            endpointType: TransferClient.EndpointType(rawValue: configuration.sftp.endpointType.rawValue),
            loggingRole: configuration.sftp.loggingRole?.description,
            sessionPolicy: SFTPUserPolicy.session(
                configuration: configuration,
                scope: PolicyScope(
                    partition: userRole.partition, region: configuration.region, account: userRole.account)
            ).json(pretty: false),
            userConcurrency: configuration.sftp.userConcurrency,
            requestsPerSecond: configuration.sftp.requestsPerSecond, onlineTimeout: configuration.sftp.onlineTimeout)
        return ProvisioningWorkflow(
            transfer: TransferClient(context: context.aws),
            registry: ServerRegistry(dynamo: dynamo, table: configuration.tables.state), ledger: ledger,
            employees: EmployeeDirectory(dynamo: dynamo, table: configuration.tables.employees, logger: context.logger),
            settings: settings, now: context.now, logger: context.logger)
    }
}
