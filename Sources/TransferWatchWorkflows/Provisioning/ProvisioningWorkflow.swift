import Foundation
import Logging
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchRules

/// Provisions a delivery window: one Transfer Family SFTP server and one user per valid active employee.
/// Idempotent per window: a re-run creates only what is missing.
///
/// The order is what makes it safe to crash, retry or run twice at once:
/// 1. **read** the employees (``EmployeeDirectory``): valid, skipped with reasons, inactive;
/// 2. **record the intent** to create the window's server in the state table with a conditional put, *before*
///    creating anything (``ServerRegistry``, ``ServerClaim``). Of two runs, the loser creates nothing; a run
///    that finds an intent without a server ID older than the lease, and no server tagged for the window,
///    takes it over; a run that finds a tagged server adopts it instead of creating another;
/// 3. **create the server** (SFTP, service-managed, tagged `transferwatch:managed=true` and
///    `transferwatch:window=YYYY-MM`), record its ID and our own `createdAt`, and wait until it is ONLINE
///    (START_FAILED or the timeout is a failure);
/// 4. **open the window** with `expected` = the users it should have, and put the server ID on it;
/// 5. **create the users** that are not recorded yet (tagged `transferwatch:managed=true`, with the session
///    policy), with bounded concurrency behind a rate limiter; each one is recorded (`user#<name>`) after
///    `CreateUser` succeeded or answered `ResourceExistsException`;
/// 6. **reconcile** the window's `expected` (and `remaining`) with the users recorded, so an employee added
///    mid-window adds one to each, and mark the window provisioned when nothing failed.
///
/// ```swift
/// let workflow = ProvisioningWorkflow(transfer: transfer, registry: registry, ledger: ledger,
///                                     employees: directory, settings: settings, now: { Date() }, logger: logger)
/// let record = try await workflow.run(window: "2026-11")
/// print(record.summary)
/// ```
package struct ProvisioningWorkflow: Sendable {
    /// What to create and how fast.
    package struct Settings: Sendable {
        /// The bucket the users' homes map to: `/` is `/<sourceBucket>/<username>`.
        package var sourceBucket: String
        /// The IAM role (ARN) the users' sessions assume.
        package var userRole: String
        /// `PUBLIC` or `VPC`.
        package var endpointType: TransferClient.EndpointType
        /// The role Transfer logs to CloudWatch Logs with, if any.
        package var loggingRole: String?
        /// The session policy (compact JSON) passed to every `CreateUser` as `Policy`, narrowing the user role to
        /// the user's own prefix (``SFTPUserPolicy/session(configuration:scope:)``); `nil` sends none.
        package var sessionPolicy: String?
        /// Users created at once.
        package var userConcurrency: Int
        /// Transfer requests per second for users (≤ 0: unlimited).
        package var requestsPerSecond: Double
        /// How long the server may take to come ONLINE.
        package var onlineTimeout: Duration
        /// The pause between two `DescribeServer` polls while waiting.
        package var onlinePollInterval: Duration
        /// How long an intent without a server ID protects the run that recorded it.
        package var intentLease: Duration

        /// The default `userConcurrency` (`sftp.userConcurrency`'s).
        package static let defaultUserConcurrency = Configuration.SFTP.defaultUserConcurrency
        /// The default `requestsPerSecond` (`sftp.requestsPerSecond`'s).
        package static let defaultRequestsPerSecond = Configuration.SFTP.defaultRequestsPerSecond
        /// The default `onlineTimeout` (`sftp.onlineTimeout`'s).
        package static let defaultOnlineTimeout = Configuration.SFTP.defaultOnlineTimeout
        /// The default `onlinePollInterval`.
        package static let defaultOnlinePollInterval = Duration.seconds(15)
        /// The default `intentLease`.
        package static let defaultIntentLease = Duration.seconds(5 * 60)

        /// Settings; everything but the bucket and role has the documented default.
        package init(
            sourceBucket: String, userRole: String, endpointType: TransferClient.EndpointType = .public,
            loggingRole: String? = nil, sessionPolicy: String? = nil,
            userConcurrency: Int = Settings.defaultUserConcurrency,
            requestsPerSecond: Double = Settings.defaultRequestsPerSecond,
            onlineTimeout: Duration = Settings.defaultOnlineTimeout,
            onlinePollInterval: Duration = Settings.defaultOnlinePollInterval,
            intentLease: Duration = Settings.defaultIntentLease
        ) {
            self.sourceBucket = sourceBucket
            self.userRole = userRole
            self.endpointType = endpointType
            self.loggingRole = loggingRole
            self.sessionPolicy = sessionPolicy
            self.userConcurrency = max(1, userConcurrency)
            self.requestsPerSecond = requestsPerSecond
            self.onlineTimeout = onlineTimeout
            self.onlinePollInterval = onlinePollInterval
            self.intentLease = intentLease
        }
    }

    /// The real clock and sleeper the ONLINE waiter uses: never `--now`, which may stand still.
    package struct Waiting: Sendable {
        /// Waits between `DescribeServer` polls.
        package var sleeper: any Sleeper
        /// Measures the timeout.
        package var now: @Sendable () -> Date

        /// Real time (the default).
        package static var real: Waiting { Waiting(sleeper: ClockSleeper(clock: ContinuousClock()), now: { Date() }) }

        /// A sleeper and clock of the caller's (tests pass a recording sleeper and a stepping clock).
        package init(sleeper: any Sleeper, now: @escaping @Sendable () -> Date) {
            self.sleeper = sleeper
            self.now = now
        }
    }

    /// Points between steps, where tests inject a crash.
    package enum Checkpoint: String, Sendable, CaseIterable {
        /// The intent is recorded; nothing is created.
        case afterIntent
        /// `CreateServer` returned; its ID is not recorded yet.
        case afterCreateServer
        /// The server's ID is recorded.
        case afterServerRecorded
        /// One user was created; it is not recorded yet.
        case afterCreateUser
        /// Every user of the plan was handled.
        case afterUsers
    }

    /// Progress while users are created.
    package struct Progress: Sendable, Equatable {
        /// Users handled so far (created, adopted or failed).
        package var done: Int
        /// Users this run has to handle.
        package var total: Int
        /// Of `done`, how many failed.
        package var failed: Int

        /// Makes a value.
        package init(done: Int, total: Int, failed: Int) {
            self.done = done
            self.total = total
            self.failed = failed
        }
    }

    /// The Transfer Family client.
    package let transfer: TransferClient
    /// The state table's server and user items.
    package let registry: ServerRegistry
    /// The window item (opened, counted, closed).
    package let ledger: DeliveryLedger
    /// Who should have a user.
    package let employees: EmployeeDirectory
    /// The workflow's settings.
    package let settings: Settings
    /// The business clock (`--now`): intents, leases, `createdAt`, the window's opening.
    package let now: @Sendable () -> Date
    /// Receives the run's events.
    package let logger: Logger
    /// The ONLINE waiter's clock and sleeper.
    package var waiting: Waiting = .real
    /// Spaces Transfer requests; by default `settings.requestsPerSecond` on the real clock.
    package var limiter: RequestRateLimiter
    /// Called after each user handled, from the run's own task.
    package var progress: @Sendable (Progress) -> Void = { _ in }
    /// Called at each ``Checkpoint``; throwing aborts the run there, as a crash would (tests only).
    package var checkpoint: @Sendable (Checkpoint) async throws -> Void = { _ in }
    /// A new run ID (the intent's owner) per run.
    package var makeRunID: @Sendable () -> String = { UUID().uuidString.lowercased() }
    /// The provision step rules, run after each run; their verdicts go in the record (`nil`: no rules).
    package var stepRules: StepRuleRunner?
    /// Where each run's result is recorded for the snapshot (one `PutItem` per run; `nil`: not recorded).
    package var runLog: ProvisioningRunLog?

    /// A workflow over the given clients.
    package init(
        transfer: TransferClient, registry: ServerRegistry, ledger: DeliveryLedger, employees: EmployeeDirectory,
        settings: Settings, now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.transfer = transfer
        self.registry = registry
        self.ledger = ledger
        self.employees = employees
        self.settings = settings
        self.now = now
        self.logger = logger
        self.limiter = RequestRateLimiter(requestsPerSecond: settings.requestsPerSecond)
    }

    /// Provisions `windowID` (`2026-11`).
    ///
    /// - Returns: the step record; every AWS failure is in it (``ProvisioningStepRecord/Result/failed``).
    /// - Throws: only what ``checkpoint`` throws (a simulated crash) or cancellation.
    package func run(window windowID: String) async throws -> ProvisioningStepRecord {
        let clock = ContinuousClock()
        let started = clock.now
        let runID = makeRunID()
        let tally = OperationTally()
        var record = ProvisioningStepRecord(window: windowID, runID: runID, startedAt: now())
        var logger = self.logger
        logger[metadataKey: "window"] = "\(windowID)"
        logger[metadataKey: "run.id"] = "\(runID)"
        let waitBefore = await limiter.totalWait
        defer { _ = tally }

        do {
            try await provision(windowID, runID: runID, record: &record, tally: tally, logger: logger)
        } catch let error as AWSError {
            record.failures.append(StepFailure(step: error.operation, subject: nil, error: error))
            record.result = .failed
        }
        if !record.failures.isEmpty { record.result = .failed }
        record.requests = tally.snapshot
        record.rateLimitWaitMilliseconds = milliseconds(await limiter.totalWait - waitBefore)
        record.durationMilliseconds = milliseconds(clock.now - started)
        record.finishedAt = now()
        if let runLog {
            do {
                try await runLog.record(record)
                record.requests[DynamoDBClient.Operations.putItem.description, default: 0] += 1
            } catch {
                record.notes.append("the run could not be recorded in the state table: \(error.code)")
            }
        }
        if let stepRules {
            let evaluated = record
            record.verdicts = stepRules.verdicts(for: .provision, now: now(), logger: logger) {
                environment, now throws(FactValueError) in try evaluated.facts(environment: environment, now: now)
            }
        }
        if record.isFailure {
            logger.warning(
                "provisioning failed",
                metadata: [
                    "provision.failures": "\(record.failures.count)",
                    "aws.error_code": "\(record.failures.first?.code ?? "")",
                ])
        } else {
            logger.info(
                "provisioning finished",
                metadata: [
                    "provision.result": "\(record.result.rawValue)",
                    "provision.users_created": "\(record.usersCreated.count)",
                    "provision.requests": "\(record.requestCount)",
                ])
        }
        return record
    }

    /// The steps; AWS failures of a whole step throw, per-user ones are collected.
    private func provision(
        _ windowID: String, runID: String, record: inout ProvisioningStepRecord, tally: OperationTally,
        logger: Logger
    ) async throws {
        // 1. Who should have a user.
        let roster = try await employees.load()
        record.skipped = roster.skipped.map { ProvisioningStepRecord.Skipped(username: $0.username, reason: $0.reason) }
        record.inactive = roster.inactive.sorted()
        for skipped in roster.skipped {
            logger.info(
                "employee skipped",
                metadata: ["employee": "\(skipped.username ?? "(none)")", "reason": "\(skipped.reason)"])
        }

        // 2–3. The window's server: claimed, created or adopted, then ONLINE.
        guard let server = try await claimServer(windowID, runID: runID, record: &record, tally: tally) else { return }
        record.server.serverID = server.serverID
        record.server.origin = server.origin
        record.server.createdAt = server.createdAt
        let waitStart = ContinuousClock.now
        let online = try await waitUntilOnline(windowID, serverID: server.serverID, record: &record, tally: tally)
        record.serverWaitMilliseconds = milliseconds(ContinuousClock.now - waitStart)
        guard online else { return }

        // 4. The plan and the window.
        tally.add(DynamoDBClient.Operations.query)
        let recorded = try await registry.users(windowID)
        let plan = ProvisioningPlan(roster: roster, recorded: recorded)
        record.usersAlreadyProvisioned = plan.alreadyProvisioned.count
        record.usersNoLongerListed = plan.noLongerListed
        if !plan.noLongerListed.isEmpty {
            record.notes.append(
                "\(plan.noLongerListed.count) provisioned user(s) are no longer valid active employees and stay until teardown: \(plan.noLongerListed.joined(separator: ", "))"
            )
        }
        tally.add(DynamoDBClient.Operations.putItem)
        record.windowOpened = try await ledger.openWindow(windowID, expected: plan.total, at: now())
        if record.windowOpened {
            record.transitions.append(
                ServerTransition(state: "windowOpened", at: now(), detail: "expected \(plan.total)"))
        }
        tally.add(DynamoDBClient.Operations.updateItem)
        do throws(AWSError) {
            try await ledger.attachServer(windowID, serverID: server.serverID)
        } catch {
            guard error.isConditionalCheckFailure else { throw error }
            record.notes.append("window \(windowID) has no window item; its server ID is kept on the server item only")
        }

        // 5. The users.
        let usersStart = ContinuousClock.now
        try await createUsers(
            plan.toCreate, windowID: windowID, serverID: server.serverID, record: &record, tally: tally)
        record.usersMilliseconds = milliseconds(ContinuousClock.now - usersStart)
        try await checkpoint(.afterUsers)

        // 6. The window expects exactly the users recorded.
        tally.add(DynamoDBClient.Operations.query)
        let users = try await registry.userCount(windowID)
        tally.add(DynamoDBClient.Operations.getItem)
        record.expected = try await ledger.reconcileExpected(windowID, users: users)
        if let expected = record.expected, expected.before != expected.after {
            tally.add(DynamoDBClient.Operations.updateItem)
        }
        if record.expected == nil {
            record.notes.append("window \(windowID) is closed: its expected count was left as it is")
        }
        if record.failures.isEmpty {
            tally.add(DynamoDBClient.Operations.updateItem)
            try await registry.markProvisioned(window: windowID, users: users, at: now())
        }
        let changed =
            server.origin != .recorded || record.windowOpened || !record.usersCreated.isEmpty
            || !record.usersAdopted.isEmpty || record.expected.map { $0.before != $0.after } == true
        record.result = changed ? .provisioned : .unchanged
    }
}
