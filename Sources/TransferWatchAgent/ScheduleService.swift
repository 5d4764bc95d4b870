import Foundation
import Logging
import ServiceLifecycle
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchWorkflows

/// Runs the schedules on the leader: provisioning (`sftp.provision`, the 28th) and teardown (`sftp.teardown`,
/// the 1st), plus the counter trigger (every active employee delivered) and the lifespan trigger (the server
/// outlived `sftp.maxLifespan`).
///
/// Each ``tick()`` reads the current window and its server and lets ``ProvisionTrigger`` and
/// ``TeardownTrigger`` decide, so an agent started late catches up: started on the 29th, it provisions the
/// open window at once; started on the 2nd, it tears the window down with the reason that ended it. Between
/// ticks it waits `tickInterval` of business time, or less when a schedule fires sooner. Followers only wait.
package struct ScheduleService: Service {
    /// The schedules and limits.
    package struct Settings: Sendable {
        /// The provision schedule and time zone (windows are named after its fire times).
        package var calendar: DeliveryWindowCalendar
        /// `sftp.teardown`.
        package var teardown: ScheduleExpression
        /// `sftp.maxLifespan`.
        package var maxLifespan: Duration
        /// The longest wait between two ticks (business time).
        package var tickInterval: Duration

        /// The settings.
        package init(
            calendar: DeliveryWindowCalendar, teardown: ScheduleExpression, maxLifespan: Duration,
            tickInterval: Duration
        ) {
            self.calendar = calendar
            self.teardown = teardown
            self.maxLifespan = maxLifespan
            self.tickInterval = tickInterval
        }
    }

    /// What one tick did.
    package enum Action: Sendable, Equatable {
        /// Nothing was due.
        case nothing
        /// Provisioning ran for the window.
        case provisioned(window: String, reason: ProvisionTrigger.Reason, failed: Bool)
        /// Provisioning was due but cannot run (no `sftp.userRole`).
        case provisioningUnavailable(window: String)
        /// Teardown ran for the window.
        case tornDown(window: String, reason: TeardownReason, failed: Bool)
    }

    package let settings: Settings
    /// `nil` when provisioning is not configured (no `sftp.userRole`): due provisioning is logged, not run.
    package let provisioning: ProvisioningWorkflow?
    package let teardown: TeardownWorkflow
    package let ledger: DeliveryLedger
    package let registry: ServerRegistry
    package let environment: AgentEnvironment
    /// Real-time waits while not leading.
    package let followerSleeper: any Sleeper
    package let logger: Logger

    /// The scheduler over the given workflows.
    package init(
        settings: Settings, provisioning: ProvisioningWorkflow?, teardown: TeardownWorkflow, ledger: DeliveryLedger,
        registry: ServerRegistry, environment: AgentEnvironment, followerSleeper: any Sleeper = ClockSleeper(),
        logger: Logger
    ) {
        self.followerSleeper = followerSleeper
        self.settings = settings
        self.provisioning = provisioning
        self.teardown = teardown
        self.ledger = ledger
        self.registry = registry
        self.environment = environment
        self.logger = logger
    }

    package func run() async throws {
        var warnedUnavailable: String?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            environment.heartbeat(AgentHeartbeats.scheduler)
            if environment.leadership.isLeader {
                do {
                    let action = try await tick()
                    if case .provisioningUnavailable(let window) = action, warnedUnavailable != window {
                        logger.error(
                            "provisioning is due but sftp.userRole is not configured", metadata: ["window": "\(window)"]
                        )
                        warnedUnavailable = window
                    }
                } catch {
                    logger.warning("schedule check failed; retrying at the next tick", metadata: ["error": "\(error)"])
                }
            }
            do {
                if environment.leadership.isLeader {
                    try await cancelWhenGracefulShutdown { try await environment.clock.sleep(for: nextWait()) }
                } else {
                    // A follower checks often whether it became the leader, so a takeover acts at once.
                    try await cancelWhenGracefulShutdown { try await followerSleeper.sleep(for: .milliseconds(250)) }
                }
            } catch {
                break
            }
        }
    }

    /// How long to wait before the next tick: `tickInterval`, or until the next fire of either schedule.
    package func nextWait() -> Duration {
        let now = environment.clock.now()
        var wait = settings.tickInterval
        for schedule in [settings.calendar.provision, settings.teardown] {
            if let fire = schedule.nextFire(after: now, in: settings.calendar.timeZone) {
                // A little past the fire time, so the tick sees it as passed.
                wait = min(wait, AgentClock.between(now, fire) + .seconds(1))
            }
        }
        return wait
    }

    /// Decides and runs what is due now: provisioning first, else teardown.
    /// - Throws: ``AWSError`` when the state cannot be read; workflow failures are in their records.
    package func tick() async throws -> Action {
        let now = environment.clock.now()
        let provisionTrigger = ProvisionTrigger(calendar: settings.calendar, teardown: settings.teardown)
        guard let (windowID, _) = provisionTrigger.window(at: now) else { return .nothing }
        var logger = self.logger
        logger[metadataKey: "window"] = "\(windowID)"
        let window = try await ledger.window(windowID)
        let server = try await registry.server(windowID)
        if let due = provisionTrigger.decide(now: now, window: window, server: server) {
            guard let provisioning else { return .provisioningUnavailable(window: windowID) }
            logger.info(
                "provisioning due",
                metadata: [
                    "provision.reason": "\(due.reason.rawValue)",
                    "provision.scheduled_at": "\(AWSDate.iso8601(due.scheduledAt))",
                    "provision.late_by": "\(due.lateBy)",
                ])
            environment.counters.update { $0.provisioningRuns += 1 }
            let record = try await provisioning.run(window: due.windowID)
            await environment.observer.provisioned(record)
            return .provisioned(window: due.windowID, reason: due.reason, failed: record.isFailure)
        }
        let teardownTrigger = TeardownTrigger(
            teardown: settings.teardown, timeZone: settings.calendar.timeZone, maxLifespan: settings.maxLifespan)
        let liveServerCreatedAt = server.flatMap { $0.state == .deleted ? nil : $0.createdAt }
        guard let due = teardownTrigger.decide(window: window, serverCreatedAt: liveServerCreatedAt, now: now) else {
            return .nothing
        }
        logger.info(
            "teardown due",
            metadata: [
                "teardown.reason": "\(due.reason.rawValue)", "teardown.due_since": "\(AWSDate.iso8601(due.dueSince))",
                "sftp.server_id": "\(server?.serverID ?? "none")",
            ])
        environment.counters.update { $0.teardownRuns += 1 }
        let record = try await teardown.run(window: windowID, reason: due.reason)
        await environment.observer.tornDown(record)
        return .tornDown(window: windowID, reason: due.reason, failed: record.isFailure)
    }
}
