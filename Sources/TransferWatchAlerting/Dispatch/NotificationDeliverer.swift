import Foundation
import Logging
import TransferWatchAWS
import TransferWatchRules

/// Delivers the outbox: each receiver's messages in order, receivers side by side, every attempt bounded by
/// a timeout, failures retried with jittered exponential backoff until delivered or expired.
///
/// It holds no state of its own: the outbox is in the state table, so a restarted agent, a second replica
/// or the `silence` command continue the same deliveries; a lease on each message keeps two workers from
/// sending it twice.
package struct NotificationDeliverer: Sendable {
    /// What one pass did.
    package struct Report: Sendable, Equatable {
        /// Messages delivered.
        package var delivered = 0
        /// Attempts that failed (and will be retried).
        package var failed = 0
        /// Messages given up (expired, refused, or for a receiver no longer configured).
        package var dropped = 0
        /// Creates an empty report.
        package init() {}
    }

    /// The receivers, by name.
    package var receivers: [AlertReceiver]
    /// The outbox and notification log.
    package var store: AlertStateStore
    /// The audit trail.
    package var history: AlertHistory
    /// The network.
    package var sender: any NotificationSender
    /// Jitter for the backoff.
    package var random: any RandomSource
    /// The longest one attempt may take.
    package var timeout: Duration
    /// The first retry's delay; each later one doubles, up to ``maxBackoff``.
    package var baseBackoff: Duration = .seconds(5)
    /// The longest delay between attempts.
    package var maxBackoff: Duration = .seconds(300)
    /// Who holds leases (unique per process).
    package var owner: String
    /// The logger.
    package var logger: Logger

    /// Creates a deliverer.
    package init(
        receivers: [AlertReceiver], store: AlertStateStore, history: AlertHistory, sender: any NotificationSender,
        random: any RandomSource, timeout: Duration, owner: String = UUID().uuidString, logger: Logger
    ) {
        self.receivers = receivers
        self.store = store
        self.history = history
        self.sender = sender
        self.random = random
        self.timeout = timeout
        self.owner = owner
        self.logger = logger
    }

    /// The delay before retry number `attempt` (1 for the first retry): `base · 2^(attempt-1)`, at most
    /// ``maxBackoff``, times a random factor in [0.5, 1).
    package func backoff(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 20)
        let raw = min(baseBackoff.timeInterval * pow(2, Double(exponent)), maxBackoff.timeInterval)
        return .milliseconds(Int64(raw * (0.5 + random.nextUnitInterval() / 2) * 1000))
    }

    /// Attempts every message that is due at `now`.
    ///
    /// Per receiver, messages go in creation order and a failure stops that receiver's turn (so a later
    /// resolved notification never overtakes its firing one); other receivers are not held up.
    package func deliverDue(at now: Date) async -> Report {
        let outbox: [OutboxMessage]
        do {
            let (messages, problems) = try await store.outbox()
            for problem in problems {
                logger.warning("skipping unreadable outbox item", metadata: ["error": "\(problem)"])
            }
            outbox = messages
        } catch {
            logger.warning("cannot read the outbox", metadata: ["error": "\(error)"])
            return Report()
        }
        let byReceiver = Dictionary(grouping: outbox, by: \.receiver)
        return await withTaskGroup(of: Report.self) { group in
            for (name, messages) in byReceiver {
                group.addTask { await deliver(messages, to: name, at: now) }
            }
            var total = Report()
            for await report in group {
                total.delivered += report.delivered
                total.failed += report.failed
                total.dropped += report.dropped
            }
            return total
        }
    }

    private func deliver(_ messages: [OutboxMessage], to name: String, at now: Date) async -> Report {
        var report = Report()
        let receiver = receivers.first { $0.name == name }
        for var message in messages {
            guard message.nextAttemptAt <= now else { break }
            guard let receiver else {
                await drop(message, at: now, reason: "receiver \(name) is no longer configured")
                report.dropped += 1
                continue
            }
            if message.expiresAt <= now {
                await drop(
                    message, at: now,
                    reason: "expired after \(message.attempts) attempts; last error: \(message.lastError ?? "none")")
                report.dropped += 1
                continue
            }
            let leaseEnd = now.addingTimeInterval(timeout.timeInterval * 2 + 30)
            do {
                guard try await store.claim(message, owner: owner, now: now, until: leaseEnd) else { break }
            } catch {
                logger.warning("cannot claim a delivery", metadata: ["receiver": "\(name)", "error": "\(error)"])
                break
            }
            do throws(DeliveryFailure) {
                message.attempts += 1
                try await sender.send(message.message, to: receiver, timeout: timeout)
            } catch {
                message.lastError = error.message
                if error.isRetryable {
                    message.nextAttemptAt = now.addingTimeInterval(backoff(afterAttempt: message.attempts).timeInterval)
                    report.failed += 1
                    logger.info(
                        "delivery failed; will retry",
                        metadata: [
                            "receiver": "\(name)", "alert.names": "\(message.alertNames.joined(separator: ","))",
                            "attempts": "\(message.attempts)", "error": "\(error.message)",
                        ])
                    await record(
                        message, kind: .deliveryFailed, at: now, detail: "attempt \(message.attempts): \(error.message)"
                    )
                    do {
                        try await store.reschedule(message)
                    } catch {
                        logger.warning("cannot reschedule a delivery", metadata: ["error": "\(error)"])
                    }
                    break
                }
                await drop(message, at: now, reason: "refused: \(error.message)")
                report.dropped += 1
                continue
            }
            do {
                try await store.complete(message)
            } catch {
                logger.warning("delivered but cannot remove from the outbox", metadata: ["error": "\(error)"])
            }
            report.delivered += 1
            logger.info(
                "notification delivered",
                metadata: ["receiver": "\(name)", "status": "\(message.status)", "attempts": "\(message.attempts)"])
            await record(
                message, kind: .notified, at: now, detail: "\(message.status) after \(message.attempts) attempt(s)")
        }
        return report
    }

    private func drop(_ message: OutboxMessage, at now: Date, reason: String) async {
        logger.warning("notification dropped", metadata: ["receiver": "\(message.receiver)", "reason": "\(reason)"])
        do {
            try await store.complete(message)
        } catch {
            logger.warning("cannot remove a dropped delivery", metadata: ["error": "\(error)"])
        }
        await record(message, kind: .deliveryDropped, at: now, detail: reason)
    }

    private func record(_ message: OutboxMessage, kind: AlertHistoryEvent.Kind, at now: Date, detail: String) async {
        for name in message.alertNames {
            do {
                try await history.append(
                    AlertHistoryEvent(
                        at: now, kind: kind, alert: name, subject: message.subject, receiver: message.receiver,
                        detail: detail))
            } catch {
                logger.warning("cannot append to the alert history", metadata: ["error": "\(error)"])
            }
        }
    }
}
