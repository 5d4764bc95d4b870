import Foundation
import Logging
import TransferWatchAWS
import TransferWatchConfig

/// Reads the pipeline's state for the window current at an instant: the window and its deliveries, the active
/// employees, the window's server (with its state from Transfer, its age and cost), the managed and orphaned
/// servers, the users provisioned, and the recorded copy outcomes.
///
/// ```swift
/// let builder = PipelineSnapshotBuilder(sources: sources, settings: settings, logger: logger)
/// let snapshot = try await builder.build(at: now)
/// let facts = try snapshot.facts()                 // for the state rules
/// print(snapshot.status(alerts: []).text)          // for `transferwatch status`
/// ```
///
/// The window current at `now` is the one the latest provisioning time at or before `now` opens. A window that
/// provisioning has not recorded yet is not an error: the snapshot says 0 delivered and no server. Broken
/// employee records go to ``PipelineSnapshot/problems``; the others are counted.
///
/// Requests per snapshot: 5 GetItem (window, server, last provisioning run, two hourly success counts), 3 Query
/// (deliveries, users, failures; more pages for big windows), 1 Scan of the employees table, 1 ListServers and
/// one DescribeServer per listed server, one GetItem per other window a managed server is tagged for, and one
/// HeadObject per recorded failure (failures are rare). One server and one failure: 12 requests.
package struct PipelineSnapshotBuilder: Sendable {
    /// What the snapshot reads from.
    package struct Sources: Sendable {
        /// Window and delivery items.
        package var ledger: DeliveryLedger
        /// Server and user items.
        package var registry: ServerRegistry
        /// The employees table.
        package var employees: EmployeeDirectory
        /// Transfer Family (ListServers, DescribeServer).
        package var transfer: TransferClient
        /// S3 (HeadObject of failed keys).
        package var s3: S3Client
        /// Failed-copy items and hourly success counts.
        package var outcomes: CopyOutcomeLog
        /// The last provisioning run of each window.
        package var provisioningRuns: ProvisioningRunLog

        /// Makes the sources.
        package init(
            ledger: DeliveryLedger, registry: ServerRegistry, employees: EmployeeDirectory, transfer: TransferClient,
            s3: S3Client, outcomes: CopyOutcomeLog, provisioningRuns: ProvisioningRunLog
        ) {
            self.ledger = ledger
            self.registry = registry
            self.employees = employees
            self.transfer = transfer
            self.s3 = s3
            self.outcomes = outcomes
            self.provisioningRuns = provisioningRuns
        }
    }

    /// The configuration the snapshot needs.
    package struct Settings: Sendable {
        /// `environment`.
        package var environment: String
        /// `sftp.provision` in `sftp.timezone`: which window is current.
        package var calendar: DeliveryWindowCalendar
        /// `sftp.teardown`: when the window closes.
        package var teardown: ScheduleExpression
        /// `sftp.maxLifespan`.
        package var maxLifespan: Duration
        /// `sftp.hourlyPrice` (USD per server-hour).
        package var hourlyPrice: Double
        /// `buckets.source`: where failed keys wait.
        package var sourceBucket: String

        /// Makes the settings.
        package init(
            environment: String, calendar: DeliveryWindowCalendar, teardown: ScheduleExpression,
            maxLifespan: Duration, hourlyPrice: Double, sourceBucket: String
        ) {
            self.environment = environment
            self.calendar = calendar
            self.teardown = teardown
            self.maxLifespan = maxLifespan
            self.hourlyPrice = hourlyPrice
            self.sourceBucket = sourceBucket
        }

        /// The settings a configuration describes.
        package init(_ configuration: Configuration) {
            self.init(
                environment: configuration.environment,
                calendar: DeliveryWindowCalendar(
                    provision: configuration.sftp.provision, timeZone: configuration.sftp.timezone),
                teardown: configuration.sftp.teardown, maxLifespan: configuration.sftp.maxLifespan,
                hourlyPrice: configuration.sftp.hourlyPrice, sourceBucket: configuration.buckets.source)
        }
    }

    /// Where the data comes from.
    package var sources: Sources
    /// The configuration.
    package var settings: Settings
    /// Receives problems found while reading.
    package var logger: Logger

    /// A builder.
    package init(sources: Sources, settings: Settings, logger: Logger) {
        self.sources = sources
        self.settings = settings
        self.logger = logger
    }

    /// Reads the snapshot at `now`.
    ///
    /// - Throws: ``PipelineSnapshotError/noWindow(provision:at:)`` when no provisioning time precedes `now`;
    ///   `AWSError` when a read fails.
    package func build(at now: Date) async throws -> PipelineSnapshot {
        let calendar = settings.calendar
        guard let windowID = calendar.windowID(at: now), let scheduledOpen = calendar.openingTime(at: now) else {
            throw PipelineSnapshotError.noWindow(provision: calendar.provision.description, at: now)
        }
        var problems: [String] = []

        // The window, its deliveries and the employees.
        let window = try await sources.ledger.window(windowID)
        let delivered = Set(try await sources.ledger.deliveredUsernames(windowID))
        let roster = try await sources.employees.load()
        for skipped in roster.skipped {
            problems.append("employee record skipped: \(skipped)")
        }
        let active = roster.valid.map(\.username)
        let missing = active.filter { !delivered.contains($0) }.sorted()
        let counter = PipelineStatus.Counter(
            delivered: window?.delivered ?? 0, expected: window?.expected ?? active.count, missing: missing,
            lastDeliveryAt: window?.lastDeliveryAt)
        let closesAt =
            settings.teardown.nextFire(after: scheduledOpen, in: calendar.timeZone)
            ?? scheduledOpen.addingTimeInterval(Self.seconds(settings.maxLifespan))
        let windowFacts = PipelineSnapshot.Window(
            id: windowID, isRecorded: window != nil, openedAt: window?.openedAt ?? scheduledOpen, closesAt: closesAt,
            isComplete: window.map { $0.expected > 0 && $0.remaining <= 0 } ?? false,
            isClosed: (window.map { !$0.isOpen || $0.closedAt != nil } ?? false) || now >= closesAt,
            maxLifespan: settings.maxLifespan, closedReason: window?.closedReason)

        // The servers.
        let serverRecord = try await sources.registry.server(windowID)
        let listing = try await ManagedServers(transfer: sources.transfer).find()
        var others: [String: ServerRegistry.ServerRecord] = [:]
        for tag in Set(listing.managed.compactMap(\.window)).subtracting([windowID]).sorted() {
            if let other = try await sources.registry.server(tag) { others[tag] = other }
        }
        let plan = TeardownPlan(
            window: windowID, server: serverRecord, users: [], isWindowOpen: window?.isOpen == true,
            managed: listing.managed, recordedServers: others)
        var server: PipelineSnapshot.Server?
        if let record = serverRecord, record.state != .deleted, let serverID = record.serverID {
            if let found = listing.managed.first(where: { $0.serverID == serverID }) {
                let createdAt = record.createdAt ?? record.intentAt
                let age = max(0, now.timeIntervalSince(createdAt))
                server = PipelineSnapshot.Server(
                    id: serverID, state: found.state, isOnline: found.state == "ONLINE", createdAt: createdAt,
                    age: .seconds(Int64(age)),
                    costSoFar: ((age / 3600) * settings.hourlyPrice * 100).rounded() / 100)
            } else {
                problems.append("window \(windowID)'s server \(serverID) is recorded but Transfer no longer lists it")
            }
        }

        // The users.
        let users = try await sources.registry.users(windowID).filter { $0.deletedAt == nil }
        let lastRun = try await sources.provisioningRuns.lastRun(window: windowID)
        let provisioning = PipelineSnapshot.Provisioning(
            expectedUsers: active.count, usersProvisioned: users.count,
            lastResult: lastRun?.result ?? serverRecord?.provisionedAt.map { _ in "provisioned" },
            lastRunAt: lastRun?.at ?? serverRecord?.provisionedAt)

        // The copies.
        let copies = try await copyOutcomes(window: windowID, now: now)

        let snapshot = PipelineSnapshot(
            now: now, environment: settings.environment, window: windowFacts, counter: counter, server: server,
            copies: copies, provisioning: provisioning,
            managedServers: listing.managed.map(\.serverID).sorted(),
            orphanServers: plan.orphans.map(\.serverID).sorted(), problems: problems)
        for problem in problems {
            logger.warning("snapshot problem", metadata: ["window": "\(windowID)", "problem": "\(problem)"])
        }
        return snapshot
    }

    /// The window's recorded failures and the hourly success counts around `now`.
    private func copyOutcomes(window windowID: String, now: Date) async throws(AWSError) -> PipelineSnapshot.Copies {
        let failures = try await sources.outcomes.failures(window: windowID).filter { $0.at <= now }
        var waiting: [String] = []
        for failure in failures {
            let bucket = failure.bucket.isEmpty ? settings.sourceBucket : failure.bucket
            if try await sources.s3.headObject(bucket: bucket, key: failure.key) != nil {
                waiting.append(failure.key)
            }
        }
        let hour = CopyOutcomeLog.hourStart(of: now)
        let current = try await sources.outcomes.successes(hourStart: hour)
        let previous = try await sources.outcomes.successes(hourStart: hour.addingTimeInterval(-3600))
        return PipelineSnapshot.Copies.make(
            failures: failures, waitingKeys: waiting, currentHour: current, previousHour: previous, now: now)
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
    }
}

extension PipelineSnapshot.Copies {
    /// The copy facts from recorded outcomes (pure, so the arithmetic is tested on values).
    ///
    /// - Parameters:
    ///   - failures: the window's recorded failures at or before `now`.
    ///   - waitingKeys: the failed keys still in the source bucket.
    ///   - currentHour: successes counted in the UTC hour containing `now`.
    ///   - previousHour: successes counted in the hour before it, prorated by how much of it lies within the
    ///     last hour (at 10:15, three quarters of 09:00–10:00).
    package static func make(
        failures: [CopyOutcomeLog.Failure], waitingKeys: [String], currentHour: Int, previousHour: Int, now: Date
    ) -> PipelineSnapshot.Copies {
        let hourAgo = now.addingTimeInterval(-3600)
        let elapsed = now.timeIntervalSince(CopyOutcomeLog.hourStart(of: now)) / 3600
        return PipelineSnapshot.Copies(
            failedLast1h: failures.filter { $0.at > hourAgo && $0.at <= now }.count,
            succeededLast1h: currentHour + Int((Double(previousHour) * (1 - elapsed)).rounded()),
            lastFailureAt: failures.filter { $0.at <= now }.map(\.at).max(),
            failedKeys: waitingKeys.sorted())
    }
}

/// Why a snapshot cannot be built.
package enum PipelineSnapshotError: Error, Equatable, CustomStringConvertible {
    /// The provisioning schedule has no time at or before `now`, so there is no window.
    case noWindow(provision: String, at: Date)

    /// One line.
    package var description: String {
        switch self {
        case .noWindow(let provision, let at):
            "sftp.provision \(provision) has no time at or before \(AWSDate.iso8601(at)): no delivery window yet"
        }
    }
}
