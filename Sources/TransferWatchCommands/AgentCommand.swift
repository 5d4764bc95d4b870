import ArgumentParser
import Foundation
import Logging
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchConfig
import TransferWatchWorkflows

/// `transferwatch agent`: the sidecar. Consumes upload events, runs the schedules, reconciles, holds the leader
/// lease, and stops cleanly on SIGTERM/SIGINT.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run the sidecar: move uploads from the queue, provision and tear down on schedule, reconcile.",
        discussion: """
            Every replica consumes the queue (copy.concurrency copies at once); the replica holding the leader
            lease (a state-table item, agent.lease) also runs the schedules (sftp.provision, sftp.teardown, the
            counter and lifespan triggers), reconciliation (agent.reconcileInterval, copy.gracePeriod) and the
            dead-letter queue check. SIGTERM or SIGINT: in-flight copies finish and their events are deleted,
            the lease is released, all within agent.shutdownTimeout; a second signal exits at once.
            --now sets the clock's start; --clock-rate (a test and demo aid) runs it faster than real time.
            Exit status: 0 stopped cleanly; 2 configuration error.
            """
    )

    @ParentCommand var root: TransferWatchCommand

    @Option(
        name: .customLong("clock-rate"),
        help: ArgumentHelp(
            "Test and demo aid: business seconds per real second, from --now (3600: one real second is one hour).",
            valueName: "rate"))
    var clockRate: Double = 1

    @Option(name: .customLong("replica-id"), help: "This replica's lease identity (default: host:pid:random).")
    var replicaID: String?

    @Flag(name: .customLong("no-lease"), help: "Run as the only replica: always the leader, no lease item.")
    var noLease = false

    func validate() throws {
        guard clockRate > 0, clockRate.isFinite else { throw ValidationError("--clock-rate must be a positive number") }
        if let replicaID, replicaID.isEmpty { throw ValidationError("--replica-id must not be empty") }
    }

    func run() async throws {
        var context = try CommandContext.make(global: root.global, label: "transferwatch.agent")
        let start: Date? = root.global.now == nil ? nil : try root.global.clock()()
        let clock = AgentClock(start: start, rate: clockRate)
        context.now = clock.now
        let logger = context.logger
        let configuration = context.configuration
        let signals = await AgentSignals.trap()

        let provisioning: ProvisioningWorkflow?
        do {
            provisioning = try ProvisioningWorkflow.make(context: context)
        } catch let failure as CommandFailure {
            logger.warning("provisioning disabled", metadata: ["reason": "\(failure.message)"])
            provisioning = nil
        }
        let dynamo = DynamoDBClient(context: context.aws)
        let workflows = AgentServices.Workflows(
            mover: CopyWorkflow.make(context: context), provisioning: provisioning,
            teardown: TeardownWorkflow.make(context: context),
            ledger: DeliveryLedger(
                dynamo: dynamo, stateTable: configuration.tables.state, employeesTable: configuration.tables.employees,
                logger: logger),
            registry: ServerRegistry(dynamo: dynamo, table: configuration.tables.state))
        let environment = AgentEnvironment(
            clock: clock, leadership: Leadership(), environmentName: configuration.environment)
        let services = AgentServices.make(
            configuration: configuration, workflows: workflows, sqs: SQSClient(context: context.aws),
            s3: S3Client(context: context.aws), dynamo: dynamo, environment: environment,
            leaseOwner: noLease ? nil : (replicaID ?? LeaderLease.defaultOwner()), logger: logger)
        // Plug-in point for the other components (HTTP status server, rules, alerts, metrics):
        // `services.add(component)` for each `AgentComponent`, and `AgentObservers` in `environment.observer`.
        if configuration.queue == nil {
            logger.warning("no queue configured: uploads are moved by reconciliation only")
        }
        logger.info(
            "agent started",
            metadata: [
                "agent.now": "\(AWSDate.iso8601(clock.now()))", "agent.clock_rate": "\(clockRate)",
                "agent.replica": "\(services.lease?.lease.owner ?? "single")",
                "environment": "\(configuration.environment)",
            ])
        try await services.run(trap: signals, logger: logger)
        logger.info("agent stopped", metadata: ["agent.counters": "\(environment.counters.snapshot)"])
    }
}
