import Foundation
import TransferWatchRules
import TransferWatchTelemetry
import TransferWatchWorkflows

/// One place the agent's metrics go: the ``MetricsPublisher`` (CloudWatch or EMF) and the
/// ``PrometheusMetricStore`` behind `/metrics` receive the same samples. Without a publisher (its spool could
/// not be opened) `/metrics` still gets them.
package struct AgentMetrics: Sendable {
    /// Publishes to CloudWatch (or EMF); `nil` when it could not start.
    package let publisher: MetricsPublisher?
    /// Serves `/metrics`.
    package let prometheus: PrometheusMetricStore

    /// Both destinations.
    package init(publisher: MetricsPublisher?, prometheus: PrometheusMetricStore) {
        self.publisher = publisher
        self.prometheus = prometheus
    }

    /// Records `samples` in both.
    package func record(_ samples: [MetricSample]) async {
        await publisher?.record(samples)
        for sample in samples {
            prometheus.record(sample.metric, value: sample.value, dimensions: sample.dimensions)
        }
    }

    /// A copy's metrics, and `RuleViolations` for the step rules that fired on it.
    package func record(_ step: CopyStepRecord, at now: Date) async {
        await record(MetricSample.samples(from: step) + MetricSample.samples(from: step.verdicts, at: now))
    }

    /// A provisioning run's metrics and violations.
    package func record(_ step: ProvisioningStepRecord, at now: Date) async {
        await record(MetricSample.samples(from: step) + MetricSample.samples(from: step.verdicts, at: now))
    }

    /// A teardown run's metrics and violations.
    package func record(_ step: TeardownStepRecord, at now: Date) async {
        await record(MetricSample.samples(from: step) + MetricSample.samples(from: step.verdicts, at: now))
    }

    /// The state gauges of one evaluation, `RuleViolations` for each state rule firing (by rule name), and
    /// `MetricsDropped`.
    package func record(_ gauges: PipelineGauges, firingRules: [String], at now: Date) async {
        let violations = firingRules.map { MetricSample(.ruleViolations, 1, dimensions: ["Rule": $0], at: now) }
        await record(MetricSample.samples(from: gauges, at: now) + violations)
        if let publisher {
            let dropped = await publisher.recordDroppedDatapoints()
            prometheus.record(.metricsDropped, value: Double(dropped), dimensions: [:])
        }
    }
}
