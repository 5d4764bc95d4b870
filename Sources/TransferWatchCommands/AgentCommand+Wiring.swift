import Foundation
import Logging
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchAlerting
import TransferWatchConfig
import TransferWatchRules
import TransferWatchTelemetry
import TransferWatchWorkflows

/// Builds the agent's components from the configuration: what `agent` adds to the core services.
///
/// Start order (``AgentServices`` starts the lease first and the consumer, scheduler, reconciler and
/// dead-letter monitor after these; graceful shutdown runs in reverse):
/// `http`, `metrics`, `alerts`, `outcomes`, `rules`. So at SIGTERM the loops stop and in-flight copies finish
/// first (their records reach the observer), then the evaluator saves the tracker, the outcome counter is
/// flushed, the dispatcher flushes and delivers once more, the metrics are flushed, HTTP stops last (so
/// `/healthz` answers during shutdown), and the lease is released.
enum AgentWiring {
    /// The components, in start order; sets `environment.observer` and `environment.heartbeat`.
    ///
    /// - Parameter replica: this replica's lease identity; `nil` without a lease (the only replica, so no
    ///   follower passes step verdicts to it).
    /// - Throws: ``CommandFailure`` (exit 2) when `--listen` cannot be bound.
    static func make(
        context: CommandContext, rules: RuleSet?, listen: ListenAddress?,
        outcomes: (counter: OutcomeCounter, log: CopyOutcomeLog), replica: String?,
        environment: inout AgentEnvironment, logger: Logger
    ) throws -> [any AgentComponent] {
        let configuration = context.configuration
        let clock = environment.clock
        let businessSleeper = AgentClockSleeper(clock: clock)
        let slowSleeper = AgentClockSleeper(clock: clock, minimumRealWait: .seconds(1))

        // Metrics: CloudWatch (or EMF) and /metrics get the same samples.
        // A spool that cannot be used (unwritable, or locked by another agent on this host) stops the CloudWatch
        // metrics, not the agent: uploads still move and /metrics still counts.
        let publisher: MetricsPublisher?
        do {
            publisher = try MetricsPublisher.make(
                configuration: configuration, cloudWatch: CloudWatchClient(context: context.aws), now: clock.now,
                sleeper: slowSleeper, logger: logger.with("agent.service", "metrics"))
        } catch {
            logger.error(
                "metrics are not published: the metric spool cannot be used",
                metadata: ["spool.path": "\(configuration.spool.resolved)/metrics", "spool.error": "\(error)"])
            publisher = nil
        }
        let prometheus = PrometheusMetricStore(environment: configuration.environment)
        let metrics = AgentMetrics(publisher: publisher, prometheus: prometheus)

        // Alerts: the dispatcher's timers follow the business clock.
        let alerting = AlertingComponents.make(
            configuration: configuration, context: context.aws, logger: logger.with("agent.service", "alerts"))
        let dispatcher = alerting.makeDispatcher(now: clock.now, sleeper: businessSleeper)
        // The snapshot is built every interval: its readers' info lines ("employees loaded") and its problems
        // would repeat each round, so they log errors only; the evaluator logs problems when they change.
        var quiet = context
        quiet.logger = logger.with("agent.service", "rules")
        quiet.logger.logLevel = max(logger.logLevel, .error)
        let builder = PipelineSnapshotBuilder.make(context: quiet)
        let evaluator = AlertEvaluator(
            rules: rules, snapshot: { try await builder.build(at: $0) }, dispatcher: dispatcher, metrics: metrics,
            store: TrackerStore(
                dynamo: DynamoDBClient(context: context.aws), table: configuration.tables.state,
                environment: configuration.environment),
            environment: environment,
            inbox: replica.map {
                StepVerdictInbox(
                    dynamo: DynamoDBClient(context: context.aws), table: configuration.tables.state,
                    environment: configuration.environment, sender: $0)
            },
            logger: logger.with("agent.service", "rules"))

        // Readiness: credentials resolve, and every loop beats (intervals in real time).
        let readiness = ReadinessProbe(now: clock.realNow)
        let credentials = context.credentials
        readiness.addCheck("credentials") {
            do {
                _ = try await credentials.credentials()
                return .ready("resolved")
            } catch {
                return .notReady("cannot resolve AWS credentials")
            }
        }
        let real = { (business: Duration) in max(clock.realDuration(of: business), .seconds(1)) }
        if configuration.queue != nil {
            readiness.addHeartbeat(AgentHeartbeats.consumer, interval: .seconds(25))
        }
        readiness.addHeartbeat(AgentHeartbeats.scheduler, interval: real(configuration.agent.tickInterval))
        readiness.addHeartbeat(
            AgentHeartbeats.evaluator, interval: max(real(evaluator.interval), businessSleeper.realWait(for: evaluator.interval)))
        if publisher != nil {
            readiness.addHeartbeat(
                AgentHeartbeats.publisher,
                interval: max(
                    real(configuration.metrics.flushInterval), slowSleeper.realWait(for: configuration.metrics.flushInterval)))
        }
        environment.heartbeat = { readiness.beat($0) }

        let recent = RecentCopies(capacity: 50)
        environment.observer = WiringObserver(metrics: metrics, recent: recent, evaluator: evaluator, clock: clock)

        // A `listen` from the configuration that cannot be bound (another replica on this host holds it) leaves
        // this replica without HTTP, logged as an error; an explicit --listen that cannot be bound is exit 2.
        var server: StatusHTTPServer?
        do {
            server = try StatusHTTPServer(
                address: listen ?? configuration.listen,
                statusProvider: { await evaluator.status() }, recentCopiesProvider: { recent.all },
                metrics: prometheus, readiness: readiness, environment: configuration.environment,
                logger: logger.with("agent.service", "http"))
        } catch {
            if let listen { throw CommandFailure.usage("error: --listen \(listen): \(error)") }
            logger.error(
                "status server not started: listen cannot be bound",
                metadata: ["http.address": "\(configuration.listen)", "error": "\(error)"])
            server = nil
        }
        var components: [any AgentComponent] = []
        if let server { components.append(HTTPComponent(server: server, logger: logger.with("agent.service", "http"))) }
        if let publisher {
            components.append(
                MetricsComponent(
                    publisher: publisher, interval: configuration.metrics.flushInterval, sleeper: slowSleeper,
                    readiness: readiness, logger: logger.with("agent.service", "metrics")))
        }
        components += [
            DispatcherComponent(
                dispatcher: dispatcher, environment: environment, sleeper: businessSleeper,
                logger: logger.with("agent.service", "alerts")),
            OutcomeFlushComponent(
                counter: outcomes.counter, log: outcomes.log, sleeper: slowSleeper,
                logger: logger.with("agent.service", "outcomes")),
            EvaluatorComponent(
                evaluator: evaluator, sleeper: businessSleeper, readiness: readiness, clock: clock,
                logger: logger.with("agent.service", "rules")),
        ]
        return components
    }
}
