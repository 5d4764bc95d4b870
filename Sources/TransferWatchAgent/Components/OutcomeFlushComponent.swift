import Foundation
import Logging
import ServiceLifecycle
import TransferWatchAWS
import TransferWatchWorkflows

/// Writes the copy workflow's success counts (``OutcomeCounter``) to the outcome log every minute of business
/// time and at graceful shutdown; counts a write could not store stay in the counter for the next flush.
package struct OutcomeFlushComponent: AgentComponent {
    package var name: String { "outcomes" }
    /// The counter the copy workflow fills.
    package let counter: OutcomeCounter
    /// The log in the state table.
    package let log: CopyOutcomeLog
    /// The flush interval (business time).
    package let interval: Duration
    /// Waits between flushes.
    package let sleeper: any Sleeper
    package let logger: Logger

    /// A component flushing `counter` to `log`.
    package init(
        counter: OutcomeCounter, log: CopyOutcomeLog, interval: Duration = .seconds(60), sleeper: any Sleeper,
        logger: Logger
    ) {
        self.counter = counter
        self.log = log
        self.interval = interval
        self.sleeper = sleeper
        self.logger = logger
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await sleeper.sleep(for: interval) }
            } catch {
                break
            }
            await flush()
        }
        await Task { await flush() }.value
    }

    /// Writes the pending counts once.
    package func flush() async {
        do {
            let written = try await counter.flush(to: log)
            if written > 0 { logger.debug("copy successes recorded", metadata: ["copy.successes": "\(written)"]) }
        } catch {
            logger.warning(
                "cannot record copy successes; keeping them for the next flush", metadata: ["aws.error_code": "\(error.code)"])
        }
    }
}
