import Foundation
import Logging
import ServiceLifecycle
import TransferWatchAWS
import TransferWatchTelemetry

/// Flushes the ``MetricsPublisher`` every `metrics.flushInterval` of business time (every replica publishes its
/// own copies' metrics; the state gauges come from the leader only), and once more at graceful shutdown.
package struct MetricsComponent: AgentComponent {
    package var name: String { "metrics" }
    /// The publisher.
    package let publisher: MetricsPublisher
    /// `metrics.flushInterval`.
    package let interval: Duration
    /// Waits between flushes (business time).
    package let sleeper: any Sleeper
    /// Beats after each flush.
    package let readiness: ReadinessProbe?
    package let logger: Logger

    /// A component over `publisher`.
    package init(
        publisher: MetricsPublisher, interval: Duration, sleeper: any Sleeper, readiness: ReadinessProbe?,
        logger: Logger
    ) {
        self.publisher = publisher
        self.interval = interval
        self.sleeper = sleeper
        self.readiness = readiness
        self.logger = logger
    }

    package func run() async throws {
        readiness?.beat(AgentHeartbeats.publisher)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await sleeper.sleep(for: interval) }
            } catch {
                break
            }
            _ = await publisher.flush()
            readiness?.beat(AgentHeartbeats.publisher)
        }
        let report = await Task { await publisher.flush() }.value
        logger.info("metrics flushed at shutdown", metadata: ["metrics.report": "\(report)"])
    }
}
