import ArgumentParser
import Foundation
import Logging
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchAlerting
import TransferWatchConfig
import TransferWatchRules
import TransferWatchTelemetry
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
            dead-letter queue check, evaluates the state rules every interval and sends the alerts. Every
            replica serves HTTP on `listen` (/healthz, /readyz, /metrics, /status.json, /status) and publishes
            its copies' metrics. SIGTERM or SIGINT: in-flight copies finish and their events are deleted,
            metrics and copy outcomes are flushed, the alert tracker is saved and the lease released, all
            within agent.shutdownTimeout; a second signal exits at once.
            --now sets the clock's start; --clock-rate (a test and demo aid) runs it faster than real time.
            Exit status: 0 stopped cleanly; 2 configuration or rule-file error (before anything starts).
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

    @Option(
        name: .customLong("listen"),
        help: ArgumentHelp(
            "The HTTP address, overriding `listen` (port 0 picks a free port; the log line \"status server listening\" names it).",
            valueName: "host:port"))
    var listen: String?

    func validate() throws {
        guard clockRate > 0, clockRate.isFinite else { throw ValidationError("--clock-rate must be a positive number") }
        if let replicaID, replicaID.isEmpty { throw ValidationError("--replica-id must not be empty") }
        if let listen {
            do {
                _ = try ListenAddress(parsing: listen)
            } catch {
                throw ValidationError("--listen \(listen): \(error)")
            }
        }
    }

    func run() async throws {
        var context = try CommandContext.make(global: root.global, label: "transferwatch.agent")
        let start: Date? = root.global.now == nil ? nil : try root.global.clock()()
        let clock = AgentClock(start: start, rate: clockRate)
        context.now = clock.now
        let logger = context.logger
        let configuration = context.configuration
        let signals = await AgentSignals.trap()

        // Rules first: a rule-file error is exit 2 before anything starts.
        let rules = try StepRulesLoader.ruleSet(context: context)
        if rules == nil {
            logger.warning(
                "no rules folder: no rule is evaluated", metadata: ["rules.folder": "\(configuration.rules.resolved)"])
        }
        let stepRules = rules.map { StepRuleRunner(evaluator: $0, environment: configuration.environment) }
        let dynamo = DynamoDBClient(context: context.aws)
        let outcomeLog = CopyOutcomeLog(dynamo: dynamo, table: configuration.tables.state)
        let outcomeCounter = OutcomeCounter()

        let provisioning: ProvisioningWorkflow?
        do {
            var workflow = try ProvisioningWorkflow.make(context: context)
            workflow.stepRules = stepRules
            workflow.runLog = ProvisioningRunLog(dynamo: dynamo, table: configuration.tables.state)
            provisioning = workflow
        } catch let failure as CommandFailure {
            logger.warning("provisioning disabled", metadata: ["reason": "\(failure.message)"])
            provisioning = nil
        }
        var mover = CopyWorkflow.make(context: context)
        mover.stepRules = stepRules
        mover.failureLog = outcomeLog
        mover.successCounter = outcomeCounter
        var teardown = TeardownWorkflow.make(context: context)
        teardown.stepRules = stepRules
        let workflows = AgentServices.Workflows(
            mover: mover, provisioning: provisioning, teardown: teardown,
            ledger: DeliveryLedger(
                dynamo: dynamo, stateTable: configuration.tables.state, employeesTable: configuration.tables.employees,
                logger: logger),
            registry: ServerRegistry(dynamo: dynamo, table: configuration.tables.state))
        var environment = AgentEnvironment(
            clock: clock, leadership: Leadership(), environmentName: configuration.environment)
        let replica = noLease ? nil : (replicaID ?? LeaderLease.defaultOwner())
        let components = try AgentWiring.make(
            context: context, rules: rules, listen: listen.map { try ListenAddress(parsing: $0) },
            outcomes: (outcomeCounter, outcomeLog), replica: replica, environment: &environment, logger: logger)
        var services = AgentServices.make(
            configuration: configuration, workflows: workflows, sqs: SQSClient(context: context.aws),
            s3: S3Client(context: context.aws), dynamo: dynamo, environment: environment,
            leaseOwner: replica, logger: logger)
        for component in components { services.add(component) }
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
