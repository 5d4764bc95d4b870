import Foundation
import Logging
import ServiceLifecycle
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchWorkflows

/// The agent as a set of services, composed into one `ServiceGroup`: the leader lease, the upload-event
/// consumer, the scheduler, reconciliation, the dead-letter monitor, and any ``AgentComponent`` plugged in
/// (HTTP status server, rule evaluator, alert dispatcher, metrics publisher).
///
/// ```swift
/// var services = AgentServices.make(configuration: configuration, workflows: workflows, sqs: sqs, s3: s3,
///                                   dynamo: dynamo, environment: environment, logger: logger)
/// services.add(statusServer)                        // any AgentComponent
/// try await services.makeServiceGroup(logger: logger).run()
/// ```
///
/// Start order is lease, components, consumer, scheduler, reconciler, dead-letter monitor; graceful shutdown
/// runs in reverse, so the loops stop first, in-flight copies finish and their messages are deleted, then the
/// components flush (metrics, alert state) with every copy's record in hand, and the lease is released last.
package struct AgentServices: Sendable {
    /// The workflows the agent drives, built from the configuration by the command.
    package struct Workflows: Sendable {
        /// Moves uploads (``CopyWorkflow``, or a fake in tests).
        package var mover: any UploadMover
        /// `nil` when `sftp.userRole` is not configured.
        package var provisioning: ProvisioningWorkflow?
        package var teardown: TeardownWorkflow
        package var ledger: DeliveryLedger
        package var registry: ServerRegistry

        /// The workflows.
        package init(
            mover: any UploadMover, provisioning: ProvisioningWorkflow?, teardown: TeardownWorkflow,
            ledger: DeliveryLedger, registry: ServerRegistry
        ) {
            self.mover = mover
            self.provisioning = provisioning
            self.teardown = teardown
            self.ledger = ledger
            self.registry = registry
        }
    }

    /// Shared clock, leadership, counters and observer.
    package var environment: AgentEnvironment
    /// Keeps the leader lease; `nil` runs as the only replica (always leader).
    package var lease: LeaseService?
    /// Consumes the queue; `nil` when no `queue` is configured (reconciliation still moves uploads).
    package var consumer: UploadEventConsumer?
    /// Provisioning and teardown on schedule.
    package var scheduler: ScheduleService
    /// Moves uploads whose event was lost.
    package var reconciler: Reconciler
    /// Reports the dead-letter queue's depth; `nil` without a queue.
    package var deadLetters: DeadLetterMonitor?
    /// Plugged-in components, started after the lease and before the consumer.
    package var components: [any AgentComponent] = []
    /// How long a graceful shutdown may take before remaining work is cancelled.
    package var shutdownTimeout: Duration

    /// Adds a component (HTTP server, rules, alerts, metrics).
    package mutating func add(_ component: any AgentComponent) {
        components.append(component)
    }

    /// The core services as the configuration describes them.
    ///
    /// - Parameters:
    ///   - leaseOwner: this replica's lease identity; `nil` disables the lease (this process always leads).
    package static func make(
        configuration: Configuration, workflows: Workflows, sqs: SQSClient, s3: S3Client, dynamo: DynamoDBClient,
        environment: AgentEnvironment, leaseOwner: String?, realSleeper: any Sleeper = ClockSleeper(), logger: Logger
    ) -> AgentServices {
        let agent = configuration.agent
        let lease = leaseOwner.map { owner in
            LeaseService(
                lease: LeaderLease(
                    dynamo: dynamo, table: configuration.tables.state, environment: configuration.environment,
                    owner: owner, ttl: agent.lease),
                leadership: environment.leadership, realNow: environment.clock.realNow, sleeper: realSleeper,
                logger: logger.with("agent.service", "lease"))
        }
        let consumer = configuration.queue.map { queue in
            UploadEventConsumer(
                sqs: sqs, mover: workflows.mover,
                settings: .init(
                    queueURL: queue.absoluteString, concurrency: configuration.copy.concurrency,
                    visibilityTimeout: Int(agent.visibilityTimeout.components.seconds),
                    maxReceiveCount: agent.maxReceiveCount),
                environment: environment, sleeper: realSleeper, logger: logger.with("agent.service", "consumer"))
        }
        let calendar = DeliveryWindowCalendar(
            provision: configuration.sftp.provision, timeZone: configuration.sftp.timezone)
        let scheduler = ScheduleService(
            settings: .init(
                calendar: calendar, teardown: configuration.sftp.teardown, maxLifespan: configuration.sftp.maxLifespan,
                tickInterval: agent.tickInterval),
            provisioning: workflows.provisioning, teardown: workflows.teardown, ledger: workflows.ledger,
            registry: workflows.registry, environment: environment, logger: logger.with("agent.service", "scheduler"))
        let reconciler = Reconciler(
            s3: s3, mover: workflows.mover,
            settings: .init(
                bucket: configuration.buckets.source, interval: agent.reconcileInterval,
                gracePeriod: configuration.copy.gracePeriod, concurrency: configuration.copy.concurrency),
            environment: environment, logger: logger.with("agent.service", "reconciler"))
        let deadLetters = configuration.queue.map { queue in
            DeadLetterMonitor(
                sqs: sqs, queueURL: queue.absoluteString, interval: agent.reconcileInterval, environment: environment,
                logger: logger.with("agent.service", "dead-letters"))
        }
        if lease == nil { environment.leadership.held(until: .distantFuture) }
        return AgentServices(
            environment: environment, lease: lease, consumer: consumer, scheduler: scheduler, reconciler: reconciler,
            deadLetters: deadLetters, shutdownTimeout: agent.shutdownTimeout)
    }

    /// The services in start order.
    package var orderedServices: [any Service] {
        var services: [any Service] = []
        if let lease { services.append(lease) }
        services += components.map { $0 as any Service }
        if let consumer { services.append(consumer) }
        services.append(scheduler)
        services.append(reconciler)
        if let deadLetters { services.append(deadLetters) }
        return services
    }

    /// One `ServiceGroup` running every service. Signals are not handled here (see ``AgentSignals``): the
    /// caller triggers graceful shutdown; after ``shutdownTimeout`` the remaining work is cancelled.
    package func makeServiceGroup(logger: Logger) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(
            services: orderedServices.map {
                ServiceGroupConfiguration.ServiceConfiguration(
                    service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup)
            },
            logger: logger)
        configuration.maximumGracefulShutdownDuration = shutdownTimeout
        configuration.maximumCancellationDuration = .seconds(5)
        return ServiceGroup(configuration: configuration)
    }
}

extension AgentServices {
    /// Runs every service until a signal from `trap` (or a service's end) shuts the group down: the first
    /// signal shuts down gracefully, a second exits at once.
    package func run(trap: AgentSignals.Trap, logger: Logger) async throws {
        let group = makeServiceGroup(logger: logger)
        let watcher = Task {
            await AgentSignals.watch(trap, logger: logger, shutdown: { await group.triggerGracefulShutdown() })
        }
        defer { watcher.cancel() }
        try await group.run()
    }
}

extension Logger {
    /// A copy of the logger with one more metadata value.
    package func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy[metadataKey: key] = "\(value)"
        return copy
    }
}
