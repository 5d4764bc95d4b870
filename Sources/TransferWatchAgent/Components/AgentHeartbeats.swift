/// The loops whose heartbeats `/readyz` checks (``ReadinessProbe/beat(_:)`` names).
package enum AgentHeartbeats {
    /// The upload-event consumer's receive loop (every replica with a queue).
    package static let consumer = "queue-consumer"
    /// The scheduler's loop (every replica: followers beat while waiting for the lease).
    package static let scheduler = "scheduler"
    /// The rule evaluator's loop.
    package static let evaluator = "evaluator"
    /// The metrics publisher's flush loop.
    package static let publisher = "publisher"
}
