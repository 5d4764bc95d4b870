import Foundation
import Logging
import TransferWatchAWS
import TransferWatchRules

/// Tears a delivery window down: deletes its users, then its server, marks the server item deleted and closes
/// the window with the reason. Idempotent: a second run finds the server item deleted and the window closed,
/// and does nothing.
///
/// The users and the server come from the state table (``ServerRegistry``), not from `ListUsers`, so a
/// teardown never depends on listing what the emulator or AWS may not list. A user or server already gone
/// (`ResourceNotFoundException`; moto: `UserNotFound`) is success. Orphaned servers (tagged
/// `transferwatch:managed=true` but no window's recorded, live server) are reported, and deleted with
/// `includeOrphans`. With `dryRun`, the plan is returned and nothing is deleted.
///
/// Idempotency rests on the state items: moto 5.2.1 answers `DescribeServer`/`DeleteServer` on a missing server
/// with HTTP 500 (retried, then failed) instead of `ResourceNotFoundException`, so teardown never calls
/// `DeleteServer` for a server its item already records as deleted.
///
/// ```swift
/// let record = try await TeardownWorkflow(transfer: transfer, registry: registry, ledger: ledger,
///                                         settings: .init(), now: { Date() }, logger: logger)
///     .run(window: "2026-11", reason: .counter)
/// ```
package struct TeardownWorkflow: Sendable {
    /// How fast users are deleted.
    package struct Settings: Sendable {
        /// Users deleted at once.
        package var userConcurrency: Int
        /// Transfer requests per second for users (≤ 0: unlimited).
        package var requestsPerSecond: Double

        /// Settings with the provisioning defaults.
        package init(
            userConcurrency: Int = ProvisioningWorkflow.Settings.defaultUserConcurrency,
            requestsPerSecond: Double = ProvisioningWorkflow.Settings.defaultRequestsPerSecond
        ) {
            self.userConcurrency = max(1, userConcurrency)
            self.requestsPerSecond = requestsPerSecond
        }
    }

    /// Points between steps, where tests inject a crash.
    package enum Checkpoint: String, Sendable, CaseIterable {
        /// Every user of the plan was deleted (their items not marked yet).
        case afterUsers
        /// The server was deleted; its item not marked yet.
        case afterServer
    }

    /// The Transfer Family client.
    package let transfer: TransferClient
    /// The state table's server and user items.
    package let registry: ServerRegistry
    /// The window item (opened, counted, closed).
    package let ledger: DeliveryLedger
    /// The workflow's settings.
    package let settings: Settings
    /// The business clock (`--now`).
    package let now: @Sendable () -> Date
    /// Receives the run's events.
    package let logger: Logger
    /// Spaces Transfer requests; by default `settings.requestsPerSecond` on the real clock.
    package var limiter: RequestRateLimiter
    /// Called at each ``Checkpoint``; throwing aborts the run there, as a crash would (tests only).
    package var checkpoint: @Sendable (Checkpoint) async throws -> Void = { _ in }
    /// The teardown step rules, run after each run; their verdicts go in the record (`nil`: no rules).
    package var stepRules: StepRuleRunner?

    /// A workflow over the given clients.
    package init(
        transfer: TransferClient, registry: ServerRegistry, ledger: DeliveryLedger, settings: Settings,
        now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.transfer = transfer
        self.registry = registry
        self.ledger = ledger
        self.settings = settings
        self.now = now
        self.logger = logger
        self.limiter = RequestRateLimiter(requestsPerSecond: settings.requestsPerSecond)
    }

    /// Tears `windowID` down for `reason`.
    ///
    /// - Parameters:
    ///   - dryRun: compute and return the plan; delete nothing.
    ///   - includeOrphans: also delete the orphaned servers found.
    /// - Returns: the step record; every AWS failure is in it (``TeardownStepRecord/Result/failed``).
    /// - Throws: only what ``checkpoint`` throws (a simulated crash) or cancellation.
    package func run(
        window windowID: String, reason: TeardownReason, dryRun: Bool = false, includeOrphans: Bool = false
    ) async throws -> TeardownStepRecord {
        let clock = ContinuousClock()
        let started = clock.now
        let tally = OperationTally()
        var record = TeardownStepRecord(
            window: windowID, reason: reason, dryRun: dryRun, includeOrphans: includeOrphans, startedAt: now())
        var logger = self.logger
        logger[metadataKey: "window"] = "\(windowID)"
        logger[metadataKey: "teardown.reason"] = "\(reason)"
        let waitBefore = await limiter.totalWait
        do {
            try await tearDown(
                windowID, reason: reason, dryRun: dryRun, includeOrphans: includeOrphans,
                record: &record, tally: tally)
        } catch let error as AWSError {
            record.failures.append(StepFailure(step: error.operation, subject: nil, error: error))
        }
        if !record.failures.isEmpty { record.result = .failed }
        record.requests = tally.snapshot
        record.rateLimitWaitMilliseconds = milliseconds(await limiter.totalWait - waitBefore)
        record.durationMilliseconds = milliseconds(clock.now - started)
        record.finishedAt = now()
        if let stepRules {
            let evaluated = record
            record.verdicts = stepRules.verdicts(for: .teardown, now: now(), logger: logger) {
                environment, now throws(FactValueError) in try evaluated.facts(environment: environment, now: now)
            }
        }
        if record.isFailure {
            logger.warning(
                "teardown failed",
                metadata: [
                    "teardown.failures": "\(record.failures.count)",
                    "aws.error_code": "\(record.failures.first?.code ?? "")",
                ])
        } else {
            logger.info(
                "teardown finished",
                metadata: [
                    "teardown.result": "\(record.result.rawValue)",
                    "teardown.users_deleted": "\(record.usersDeleted.count)",
                    "teardown.orphans": "\(record.plan?.orphans.count ?? 0)",
                ])
        }
        return record
    }

    private func tearDown(
        _ windowID: String, reason: TeardownReason, dryRun: Bool, includeOrphans: Bool,
        record: inout TeardownStepRecord, tally: OperationTally
    ) async throws {
        // 1. What is recorded, and which managed servers exist.
        tally.add(DynamoDBClient.Operations.getItem)
        let server = try await registry.server(windowID)
        tally.add(DynamoDBClient.Operations.query)
        let users = try await registry.users(windowID)
        tally.add(DynamoDBClient.Operations.getItem)
        let window = try await ledger.window(windowID)
        let listing = try await ManagedServers(transfer: transfer).find(tally: tally)
        let managed = listing.managed
        var others: [String: ServerRegistry.ServerRecord] = [:]
        for tag in Set(managed.compactMap(\.window)).subtracting([windowID]).sorted() {
            tally.add(DynamoDBClient.Operations.getItem)
            if let other = try await registry.server(tag) { others[tag] = other }
        }
        let plan = TeardownPlan(
            window: windowID, server: server, users: users, isWindowOpen: window?.isOpen == true, managed: managed,
            recordedServers: others)
        record.plan = plan
        record.serverID = server?.serverID
        record.serverCreatedAt = server?.createdAt
        record.serverAgeSeconds = server?.createdAt.map { Int(now().timeIntervalSince($0)) }
        for other in plan.otherWindows {
            record.notes.append(
                "server \(other.serverID) is window \(other.window ?? "?")'s recorded server and is still there; tear that window down with its own --now"
            )
        }
        if server?.state == .deleted, let deletedAt = server?.deletedAt {
            record.notes.append(
                "window \(windowID)'s server was deleted at \(AWSDate.iso8601(deletedAt)) (\(server?.deleteReason ?? "?"))"
            )
        }
        if dryRun {
            record.result = .planned
            return
        }
        let didSomething = !plan.isEmpty || (includeOrphans && !plan.orphans.isEmpty)

        // 2. The users, then the server. A recorded server that ListServers no longer lists is gone (deleted
        // by a run that stopped before marking it, or out of band), and its users with it: no call is made,
        // since moto answers DeleteServer/DeleteUser on a missing server with HTTP 500.
        if let serverID = plan.serverID, !listing.lists(serverID) {
            record.serverDeleted = false
            record.usersAlreadyGone = plan.users
            let gone = Set(plan.users)
            let marked = users.filter { gone.contains($0.username) }
            if !marked.isEmpty {
                tally.add(DynamoDBClient.Operations.batchWriteItem, times: (marked.count + 24) / 25)
                try await registry.markUsersDeleted(window: windowID, marked, at: now())
            }
            record.notes.append("server \(serverID) was already gone (ListServers does not list it)")
        } else if let serverID = plan.serverID {
            try await deleteUsers(
                plan.users, of: users, windowID: windowID, serverID: serverID, record: &record, tally: tally)
            try await checkpoint(.afterUsers)
            guard record.failures.isEmpty else {
                record.notes.append("the server was kept because a user could not be deleted; run teardown again")
                return
            }
            tally.add(TransferClient.Operations.deleteServer)
            try await limiter.acquire()
            do throws(AWSError) {
                record.serverDeleted = try await transfer.deleteServer(serverID: serverID, ignoringMissing: true)
            } catch {
                record.failures.append(StepFailure(step: "DeleteServer", subject: serverID, error: error))
                return
            }
            record.transitions.append(ServerTransition(state: "deleted", at: now(), detail: "DeleteServer \(serverID)"))
            try await checkpoint(.afterServer)
        }
        // 3. The records: the server item deleted (an intent without a server too), the window closed.
        if plan.marksServerDeleted {
            tally.add(DynamoDBClient.Operations.updateItem)
            try await registry.markDeleted(window: windowID, reason: reason.rawValue, at: now())
            if plan.serverID == nil {
                record.notes.append("window \(windowID) had an intent but no server; it is marked deleted")
            }
        }
        if plan.closesWindow {
            tally.add(DynamoDBClient.Operations.updateItem)
            try await ledger.closeWindow(windowID, reason: reason.rawValue, at: now())
            record.windowClosed = true
            record.transitions.append(ServerTransition(state: "windowClosed", at: now(), detail: reason.rawValue))
        } else if window == nil, server != nil {
            record.notes.append("window \(windowID) was never opened (provisioning stopped before it)")
        }

        // 4. Orphans.
        if includeOrphans {
            for orphan in plan.orphans {
                tally.add(TransferClient.Operations.deleteServer)
                try await limiter.acquire()
                do throws(AWSError) {
                    try await transfer.deleteServer(serverID: orphan.serverID, ignoringMissing: true)
                    record.orphansDeleted.append(orphan.serverID)
                } catch {
                    record.failures.append(StepFailure(step: "DeleteServer", subject: orphan.serverID, error: error))
                }
            }
        } else if !plan.orphans.isEmpty {
            record.notes.append(
                "\(plan.orphans.count) orphaned server(s) found and kept (--orphans deletes them): \(plan.orphans.map(\.serverID).joined(separator: ", "))"
            )
        }
        if didSomething {
            record.result = .tornDown
        } else {
            record.result = server == nil && window == nil ? .nothingToTearDown : .alreadyTornDown
        }
    }

    /// Deletes the users, `settings.userConcurrency` at a time behind the rate limiter, and marks their items.
    private func deleteUsers(
        _ names: [String], of records: [ServerRegistry.UserRecord], windowID: String, serverID: String,
        record: inout TeardownStepRecord, tally: OperationTally
    ) async throws {
        enum Outcome: Sendable {
            case deleted(String)
            case gone(String)
            case failed(StepFailure)
        }
        var deleted: [String] = []
        var gone: [String] = []
        var failures: [StepFailure] = []
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            var next = 0
            func launch() {
                let name = names[next]
                next += 1
                group.addTask {
                    try await limiter.acquire()
                    tally.add(TransferClient.Operations.deleteUser)
                    do throws(AWSError) {
                        let didDelete = try await transfer.deleteUser(
                            serverID: serverID, userName: name, ignoringMissing: true)
                        return didDelete ? .deleted(name) : .gone(name)
                    } catch {
                        // moto 5.2.1 says `UserNotFound` (400) where AWS says `ResourceNotFoundException`.
                        if error.code == "UserNotFound" { return .gone(name) }
                        return .failed(StepFailure(step: "DeleteUser", subject: name, error: error))
                    }
                }
            }
            while next < min(settings.userConcurrency, names.count) { launch() }
            while let outcome = try await group.next() {
                switch outcome {
                case .deleted(let name): deleted.append(name)
                case .gone(let name): gone.append(name)
                case .failed(let failure): failures.append(failure)
                }
                if next < names.count { launch() }
            }
        }
        record.usersDeleted = deleted.sorted()
        record.usersAlreadyGone = gone.sorted()
        record.failures += failures.sorted { ($0.subject ?? "") < ($1.subject ?? "") }
        let finished = Set(deleted + gone)
        let marked = records.filter { finished.contains($0.username) }
        if !marked.isEmpty {
            tally.add(DynamoDBClient.Operations.batchWriteItem, times: (marked.count + 24) / 25)
            try await registry.markUsersDeleted(window: windowID, marked, at: now())
        }
    }
}
