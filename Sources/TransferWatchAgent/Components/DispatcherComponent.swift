import Foundation
import Logging
import ServiceLifecycle
import TransferWatchAWS
import TransferWatchAlerting

/// Runs the ``AlertDispatcher``'s flush and delivery loops on the leader only (followers wait), every
/// `tickInterval` of business time, so `groupWait`, `groupInterval` and `repeatInterval` follow the agent's
/// clock. At graceful shutdown it flushes and delivers once more.
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
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        if environment.leadership.isLeader { await dispatcher.flushDue(at: environment.clock.now()) }
                        do { try await sleeper.sleep(for: tick) } catch { return }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        if environment.leadership.isLeader { await dispatcher.deliverDue(at: environment.clock.now()) }
                        do { try await sleeper.sleep(for: tick) } catch { return }
                    }
                }
            }
        }
        if environment.leadership.isLeader {
            // In a task of its own: the shutdown's cancellation must not cut the last delivery short.
            await Task {
                await dispatcher.flushDue(at: environment.clock.now())
                await dispatcher.deliverDue(at: environment.clock.now())
            }.value
        }
        logger.info("alert dispatcher stopped")
    }
}
