import Foundation
import Logging
import ServiceLifecycle
import TransferWatchAWS
import TransferWatchAlerting

/// Runs the ``AlertDispatcher``'s flush and delivery loops on the leader only (followers wait), every
/// `tickInterval` of business time, so `groupWait`, `groupInterval` and `repeatInterval` follow the agent's
/// clock. At graceful shutdown each loop finishes its round (a delivery in progress completes and is recorded),
/// then it flushes and delivers once more.
package struct DispatcherComponent: AgentComponent {
    package var name: String { "alerts" }
    /// The dispatcher.
    package let dispatcher: AlertDispatcher
    /// Clock and leadership.
    package let environment: AgentEnvironment
    /// Waits between rounds (business time).
    package let sleeper: any Sleeper
    package let logger: Logger

    /// A component over `dispatcher`.
    package init(dispatcher: AlertDispatcher, environment: AgentEnvironment, sleeper: any Sleeper, logger: Logger) {
        self.dispatcher = dispatcher
        self.environment = environment
        self.sleeper = sleeper
        self.logger = logger
    }

    package func run() async throws {
        let tick = await dispatcher.settings.tickInterval
        // Graceful shutdown ends each loop at its next wait, never in the middle of a flush or a delivery: a
        // webhook call cut short after the receiver got it would be sent again by the next agent.
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isShuttingDownGracefully && !Task.isCancelled {
                    if environment.leadership.isLeader { await dispatcher.flushDue(at: environment.clock.now()) }
                    do { try await cancelWhenGracefulShutdown { try await sleeper.sleep(for: tick) } } catch { return }
                }
            }
            group.addTask {
                while !Task.isShuttingDownGracefully && !Task.isCancelled {
                    if environment.leadership.isLeader { await dispatcher.deliverDue(at: environment.clock.now()) }
                    do { try await cancelWhenGracefulShutdown { try await sleeper.sleep(for: tick) } } catch { return }
                }
            }
        }
        if environment.leadership.isLeader && !Task.isCancelled {
            // What the rule evaluator handed over while stopping, once more.
            await dispatcher.flushDue(at: environment.clock.now())
            await dispatcher.deliverDue(at: environment.clock.now())
        }
        logger.info("alert dispatcher stopped")
    }
}
