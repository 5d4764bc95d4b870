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
        let dlqURL = Self.queueURL(forARN: policy.deadLetterTargetARN, beside: queueURL)
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

    /// The URL of the queue `arn` names, on the same endpoint as `sibling` (`https://sqs.REGION.amazonaws.com/
    /// ACCOUNT/NAME`), so the check needs no `sqs:GetQueueUrl`.
    package static func queueURL(forARN arn: String, beside sibling: String) -> String {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, var components = URLComponents(string: sibling) else { return sibling }
        var path = "/\(parts[4])/\(parts[5])"
        if parts[3] != "", let host = components.host, host.hasPrefix("sqs."), host.hasSuffix(".amazonaws.com") {
            components.host = "sqs.\(parts[3]).amazonaws.com"
        }
        path = path.replacingOccurrences(of: "//", with: "/")
        components.path = path
        return components.string ?? sibling
    }
}
