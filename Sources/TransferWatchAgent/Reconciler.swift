import Foundation
import Logging
import ServiceLifecycle
import TransferWatchAWS
import TransferWatchWorkflows

/// Moves uploads whose event was lost: on the leader, every `interval` (business time) it lists the source
/// bucket and moves each object older than the grace period through the ``UploadMover`` (idempotent, so an
/// object whose event is merely late is still moved once), and reports each one. A lost event costs one
/// interval plus the grace period, not a missing invoice.
///
/// Ages compare S3's `LastModified` (real time) with the real clock, scaled by the clock rate, so an
/// accelerated agent applies the grace period in business time as everything else.
package struct Reconciler: Service {
    /// How often and what counts as overdue.
    package struct Settings: Sendable {
        /// The source bucket.
        package var bucket: String
        /// Business time between two scans.
        package var interval: Duration
        /// How old (business time) an unmoved object must be before it is moved here (`copy.gracePeriod`).
        package var gracePeriod: Duration
        /// Objects moved at once.
        package var concurrency: Int

        /// The settings.
        package init(bucket: String, interval: Duration, gracePeriod: Duration, concurrency: Int) {
            self.bucket = bucket
            self.interval = interval
            self.gracePeriod = gracePeriod
            self.concurrency = max(1, concurrency)
        }
    }

    /// What one scan found and did.
    package struct Pass: Sendable, Equatable {
        /// Objects listed.
        package var listed = 0
        /// Objects old enough to be moved here.
        package var overdue = 0
        /// Of those, moved (or found already moved).
        package var moved = 0
        /// Of those, failed.
        package var failed = 0
    }

    package let s3: S3Client
    package let mover: any UploadMover
    package let settings: Settings
    package let environment: AgentEnvironment
    package let logger: Logger

    /// A reconciler of `settings.bucket`.
    package init(
        s3: S3Client, mover: any UploadMover, settings: Settings, environment: AgentEnvironment, logger: Logger
    ) {
        self.s3 = s3
        self.mover = mover
        self.settings = settings
        self.environment = environment
        self.logger = logger
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await environment.clock.sleep(for: settings.interval) }
            } catch {
                break
            }
            guard environment.leadership.isLeader, !Task.isShuttingDownGracefully else { continue }
            do {
                _ = try await reconcile()
            } catch {
                logger.warning("reconciliation failed; retrying at the next interval", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One scan: lists the bucket, moves every overdue object.
    /// - Throws: ``AWSError`` when the listing fails; copy failures are counted in the pass.
    package func reconcile() async throws -> Pass {
        let realNow = environment.clock.realNow()
        let objects = try await s3.listAllObjects(bucket: settings.bucket)
        var pass = Pass(listed: objects.count)
        let overdue = objects.filter { object in
            guard let modified = object.lastModified else { return true }
            return environment.clock.businessDuration(of: AgentClock.between(modified, realNow)) > settings.gracePeriod
        }
        pass.overdue = overdue.count
        guard !overdue.isEmpty else { return pass }
        logger.warning(
            "unmoved uploads older than the grace period; moving them",
            metadata: ["s3.bucket": "\(settings.bucket)", "reconcile.overdue": "\(overdue.count)"])
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            var next = 0
            var outcomes: [Bool] = []
            func launch() {
                let object = overdue[next]
                next += 1
                group.addTask { try await move(object) }
            }
            while next < min(settings.concurrency, overdue.count) { launch() }
            while let outcome = try await group.next() {
                outcomes.append(outcome)
                if next < overdue.count && !Task.isShuttingDownGracefully { launch() }
            }
            return outcomes
        }
        pass.moved = results.filter { $0 }.count
        pass.failed = results.count - pass.moved
        logger.info(
            "reconciliation finished",
            metadata: [
                "reconcile.listed": "\(pass.listed)", "reconcile.overdue": "\(pass.overdue)",
                "reconcile.moved": "\(pass.moved)", "reconcile.failed": "\(pass.failed)",
            ])
        return pass
    }

    private func move(_ object: S3ObjectSummary) async throws -> Bool {
        let record = try await mover.move(bucket: settings.bucket, key: object.key)
        await environment.observer.copied(record, origin: .reconciliation)
        var metadata: Logger.Metadata = ["s3.key": "\(object.key)", "copy.result": "\(record.result.rawValue)"]
        if let window = record.window { metadata["window"] = "\(window)" }
        if record.isFailure {
            environment.counters.update { $0.copiesFailed += 1 }
            metadata["aws.error_code"] = "\(record.errorCode ?? "")"
            logger.warning("reconciliation copy failed", metadata: metadata)
            return false
        }
        environment.counters.update { $0.objectsReconciled += 1 }
        logger.warning("upload moved by reconciliation; its event was lost or late", metadata: metadata)
        return true
    }
}
