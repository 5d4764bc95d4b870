import Foundation
import Logging
import ServiceLifecycle
import TransferWatchAWS

/// Runs the ``AlertEvaluator`` every state-rule interval of business time (on every replica: followers only
/// build the snapshot for `/status.json`), and saves the tracker once more at graceful shutdown.
package struct EvaluatorComponent: AgentComponent {
    package var name: String { "rules" }
    /// The evaluator.
    package let evaluator: AlertEvaluator
    /// Waits between rounds (business time).
    package let sleeper: any Sleeper
    /// Beats after each round.
    package let readiness: ReadinessProbe?
    /// The business clock (the final save's time).
    package let clock: AgentClock
    package let logger: Logger

    /// A component over `evaluator`.
    package init(
        evaluator: AlertEvaluator, sleeper: any Sleeper, readiness: ReadinessProbe?, clock: AgentClock, logger: Logger
    ) {
        self.evaluator = evaluator
        self.sleeper = sleeper
        self.readiness = readiness
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        let interval = evaluator.interval
        logger.info("evaluating state rules", metadata: ["rules.interval": "\(interval)"])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await evaluator.evaluate()
            readiness?.beat(AgentHeartbeats.evaluator)
            do {
                try await cancelWhenGracefulShutdown { try await sleeper.sleep(for: interval) }
            } catch {
                break
            }
        }
        await evaluator.save(at: clock.now())
        logger.info("rule evaluation stopped; alert tracker saved")
    }
}
