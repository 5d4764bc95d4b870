import Foundation

/// One observation of a published metric: what the publisher aggregates.
///
/// ```swift
/// MetricSample(.copyLatency, 182, at: record.finishedAt)
/// MetricSample(.ruleViolations, 1, dimensions: ["Rule": "copy-failed"], at: now)
/// ```
package struct MetricSample: Sendable, Hashable {
    /// The metric (from the catalogue, so its unit and dimensions are fixed).
    package var metric: MetricName
    /// The observed value.
    package var value: Double
    /// Dimensions besides `Environment` (`Rule` for `RuleViolations`).
    package var dimensions: [String: String]
    /// When it was observed (the business clock: `--now` replays land at their own time).
    package var timestamp: Date

    /// An observation of `metric`.
    package init(_ metric: MetricName, _ value: Double, dimensions: [String: String] = [:], at timestamp: Date) {
        self.metric = metric
        self.value = value
        self.dimensions = dimensions
        self.timestamp = timestamp
    }
}
