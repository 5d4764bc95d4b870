import Foundation
import Logging

/// What every agent service shares: the business clock, the leadership, the counters and the observer.
package struct AgentEnvironment: Sendable {
    /// Where a copy came from.
    package enum CopyOrigin: String, Sendable, Equatable, Codable {
        /// An upload event from the queue.
        case event
        /// Reconciliation found the object unmoved after the grace period.
        case reconciliation
    }

    /// The business clock (`--now`, `--clock-rate`).
    package var clock: AgentClock
    /// Whether this replica leads.
    package var leadership: Leadership
    /// What the agent has done.
    package var counters: AgentCounters
    /// Receives step records as they happen.
    package var observer: any AgentObserver
    /// The `environment` label (`prod`).
    package var environmentName: String
    /// Called by the consumer's and the scheduler's loops on each round (``AgentHeartbeats`` names), for `/readyz`.
    package var heartbeat: @Sendable (String) -> Void = { _ in }

    /// The shared parts.
    package init(
        clock: AgentClock, leadership: Leadership, counters: AgentCounters = AgentCounters(),
        observer: any AgentObserver = NoAgentObserver(), environmentName: String
    ) {
        self.clock = clock
        self.leadership = leadership
        self.counters = counters
        self.observer = observer
        self.environmentName = environmentName
    }
}
