import Foundation
import Logging
import ServiceLifecycle
import TransferWatchAWS

/// Keeps the leader lease: tries to take it, renews it at a third of its TTL while held, retries at the same
/// pace while another replica holds it, and releases it on graceful shutdown so a follower takes over at once.
///
/// It updates ``Leadership`` after every attempt: held until the new expiry, or lost. A failed renewal (AWS
/// error) keeps the previous expiry, so leadership lapses by itself if renewals keep failing.
package struct LeaseService: Service {
    package let lease: LeaderLease
    package let leadership: Leadership
    /// The real clock (the lease is on wall-clock time).
    package let realNow: @Sendable () -> Date
    package let sleeper: any Sleeper
    package let logger: Logger

    /// A service keeping `lease` and reporting into `leadership`.
    package init(
        lease: LeaderLease, leadership: Leadership, realNow: @escaping @Sendable () -> Date = { Date() },
        sleeper: any Sleeper = ClockSleeper(), logger: Logger
    ) {
        self.lease = lease
        self.leadership = leadership
        self.realNow = realNow
        self.sleeper = sleeper
        self.logger = logger
    }

    /// One attempt: take or renew; returns whether this replica leads afterwards.
    @discardableResult
    package func attempt() async -> Bool {
        let wasLeader = leadership.isLeader
        do {
            if let until = try await lease.acquire(at: realNow()) {
                leadership.held(until: until)
                if !wasLeader {
                    logger.info("leader lease acquired", metadata: ["lease.owner": "\(lease.owner)"])
                }
                return true
            }
            leadership.lost()
            if wasLeader {
                logger.warning("leader lease lost to another replica", metadata: ["lease.owner": "\(lease.owner)"])
            }
            return false
        } catch {
            logger.warning(
                "leader lease not renewed",
                metadata: ["lease.owner": "\(lease.owner)", "aws.error_code": "\(error.code)"])
            return leadership.isLeader
        }
    }

    package func run() async throws {
        let interval = lease.ttl / 3
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await attempt()
            do {
                try await cancelWhenGracefulShutdown { try await sleeper.sleep(for: interval) }
            } catch {
                break
            }
        }
        // Graceful shutdown: stop leading first, then give the lease up.
        let wasLeader = leadership.isLeader
        leadership.lost()
        if wasLeader {
            do {
                try await lease.release(at: realNow())
                logger.info("leader lease released", metadata: ["lease.owner": "\(lease.owner)"])
            } catch {
                logger.warning(
                    "leader lease not released; it lapses by itself", metadata: ["aws.error_code": "\(error.code)"])
            }
        }
    }
}
