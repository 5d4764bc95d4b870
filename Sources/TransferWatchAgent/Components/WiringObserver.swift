import Foundation
import TransferWatchWorkflows

/// What the agent does with each step record: its metrics (CloudWatch and `/metrics`), the recent-copies ring
/// of the status page, and its step-rule verdicts to the ``AlertEvaluator`` (so `copy-failed` fires on a
/// failed copy and resolves when a later copy of the same key succeeds).
package struct WiringObserver: AgentObserver {
    /// Metrics; `nil` when they are not published.
    package let metrics: AgentMetrics?
    /// The status page's recent copies.
    package let recent: RecentCopies
    /// Step verdicts go here.
    package let evaluator: AlertEvaluator
    /// The business clock.
    package let clock: AgentClock

    /// An observer feeding all three.
    package init(metrics: AgentMetrics?, recent: RecentCopies, evaluator: AlertEvaluator, clock: AgentClock) {
        self.metrics = metrics
        self.recent = recent
        self.evaluator = evaluator
        self.clock = clock
    }

    package func copied(_ record: CopyStepRecord, origin: AgentEnvironment.CopyOrigin) async {
        let now = clock.now()
        recent.add(RecentCopy(record, at: now))
        await metrics?.record(record, at: now)
        await evaluator.observe(step: record.verdicts)
    }

    package func provisioned(_ record: ProvisioningStepRecord) async {
        await metrics?.record(record, at: clock.now())
        await evaluator.observe(step: record.verdicts)
    }

    package func tornDown(_ record: TeardownStepRecord) async {
        await metrics?.record(record, at: clock.now())
        await evaluator.observe(step: record.verdicts)
    }
}
