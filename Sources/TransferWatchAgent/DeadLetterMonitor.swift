import Foundation
import Logging
import ServiceLifecycle
import TransferWatchAWS

/// Watches the upload queue's dead-letter queue on the leader: every `interval` (business time) it reads the
/// queue's `RedrivePolicy`, finds the dead-letter queue, and reports its depth (a warning while it is not
/// empty, and ``AgentCounters/Snapshot/deadLetterDepth``).
package struct DeadLetterMonitor: Service {
    package let sqs: SQSClient
    package let queueURL: String
    package let interval: Duration
    package let environment: AgentEnvironment
    package let logger: Logger

    /// A monitor of `queueURL`'s dead-letter queue.
    package init(sqs: SQSClient, queueURL: String, interval: Duration, environment: AgentEnvironment, logger: Logger) {
        self.sqs = sqs
        self.queueURL = queueURL
        self.interval = interval
        self.environment = environment
        self.logger = logger
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if environment.leadership.isLeader {
                do {
                    _ = try await check()
                } catch {
                    logger.warning("dead-letter queue not checked", metadata: ["error": "\(error)"])
                }
            }
            do {
                try await cancelWhenGracefulShutdown { try await environment.clock.sleep(for: interval) }
            } catch {
                break
            }
        }
    }

    /// Reads the dead-letter queue's depth (visible plus in-flight messages).
    ///
    /// - Returns: the depth, or `nil` when the queue has no redrive policy (which is itself logged).
    /// - Throws: ``AWSError``.
    package func check() async throws(AWSError) -> Int? {
        let attributes = try await sqs.getQueueAttributes(
            queueURL: queueURL, names: [SQSClient.QueueAttribute.redrivePolicy])
        guard let policy = attributes.redrivePolicy else {
            logger.warning(
                "the upload queue has no redrive policy: poison messages are redelivered forever (run transferwatch bootstrap)",
                metadata: ["sqs.queue": "\(queueURL)"])
            return nil
        }
        let name = String(policy.deadLetterTargetARN.split(separator: ":").last ?? "")
        let dlqURL = try await sqs.getQueueURL(name: name)
        let dlq = try await sqs.getQueueAttributes(
            queueURL: dlqURL,
            names: [
                SQSClient.QueueAttribute.approximateNumberOfMessages,
                SQSClient.QueueAttribute.approximateNumberOfMessagesNotVisible,
            ])
        let depth = (dlq.approximateNumberOfMessages ?? 0) + (dlq.approximateNumberOfMessagesNotVisible ?? 0)
        environment.counters.update { $0.deadLetterDepth = depth }
        if depth > 0 {
            logger.warning(
                "upload events in the dead-letter queue",
                metadata: ["sqs.dead_letter_queue": "\(dlqURL)", "sqs.dead_letter_depth": "\(depth)"])
        }
        return depth
    }
}
