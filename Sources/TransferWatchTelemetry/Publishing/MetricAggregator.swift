import Foundation
import TransferWatchAWS

/// Aggregates samples per metric, dimensions and period into the data points of `PutMetricData`: the pure
/// part of the publisher, tested with values.
///
/// Each metric has a ``Form``: a statistic set (`SampleCount`, `Sum`, `Minimum`, `Maximum`: exact sums, no
/// percentiles) or values and counts (each distinct value with how often it occurred: CloudWatch can then
/// compute p50/p99; at most 150 distinct values per data point, so a period with more is split into several
/// data points with the same timestamp, which CloudWatch merges). `CopyLatency` uses values and counts.
///
/// ```swift
/// var aggregator = MetricAggregator(environment: "prod")
/// aggregator.add(MetricSample(.copyLatency, 182, at: now))
/// let data = aggregator.drain()   // one CopyLatency datum: Values [182], Counts [1]
/// ```
package struct MetricAggregator: Sendable {
    /// How a metric's samples are kept over one period.
    package enum Form: Sendable, Equatable {
        /// `StatisticValues`.
        case statisticSet
        /// `Values` and `Counts`.
        case valuesAndCounts
    }

    /// At most this many distinct values go into one data point (PutMetricData's limit).
    package static let maxValuesPerDatum = 150

    /// The metrics kept as values and counts by default.
    package static let defaultDistributionMetrics: Set<String> = [MetricName.copyLatency.name]

    /// The `Environment` dimension's value.
    package let environment: String
    /// The aggregation period in whole seconds.
    package let periodSeconds: Int64
    /// Metrics kept as values and counts; every other metric is kept as a statistic set.
    package let distributionMetrics: Set<String>
    /// Samples refused because their value was NaN or infinite (CloudWatch rejects those).
    package private(set) var rejectedSamples = 0
    /// Samples added since the last drain.
    package private(set) var pendingSamples = 0

    private var series: [SeriesKey: Accumulator] = [:]

    /// An empty aggregator.
    ///
    /// - Parameters:
    ///   - environment: The `Environment` dimension of every metric.
    ///   - period: The period; whole seconds, at least one.
    ///   - distributionMetrics: Metric names kept as values and counts (all of them for EMF output).
    package init(
        environment: String, period: Duration = .seconds(60),
        distributionMetrics: Set<String> = MetricAggregator.defaultDistributionMetrics
    ) {
        self.environment = environment
        self.periodSeconds = max(1, period.components.seconds)
        self.distributionMetrics = distributionMetrics
    }

    /// The form `metric` is kept in.
    package func form(of metric: String) -> Form {
        distributionMetrics.contains(metric) ? .valuesAndCounts : .statisticSet
    }

    /// Adds one sample to its period's series.
    ///
    /// - Returns: `false` (and counts it in ``rejectedSamples``) for a NaN or infinite value.
    @discardableResult
    package mutating func add(_ sample: MetricSample) -> Bool {
        guard sample.value.isFinite else {
            rejectedSamples += 1
            return false
        }
        let seconds = Int64(sample.timestamp.timeIntervalSince1970.rounded(.down))
        let start = seconds - ((seconds % periodSeconds) + periodSeconds) % periodSeconds
        var dimensions = [CloudWatchClient.Dimension(name: "Environment", value: environment)]
        dimensions += sample.dimensions.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) }
        let key = SeriesKey(name: sample.metric.name, unit: sample.metric.unit, dimensions: dimensions, start: start)
        let form = form(of: sample.metric.name)
        series[key, default: Accumulator(form: form)].add(sample.value)
        pendingSamples += 1
        return true
    }

    /// Adds every sample.
    package mutating func add(_ samples: [MetricSample]) {
        for sample in samples { add(sample) }
    }

    /// Takes every series out as data points, ordered by period, metric name and dimensions.
    package mutating func drain() -> [CloudWatchClient.MetricDatum] {
        let keys = series.keys.sorted()
        var data: [CloudWatchClient.MetricDatum] = []
        for key in keys {
            guard let accumulator = series[key] else { continue }
            let unit = CloudWatchClient.StandardUnit(rawValue: key.unit)
            let timestamp = Date(timeIntervalSince1970: TimeInterval(key.start))
            for value in accumulator.values() {
                data.append(
                    CloudWatchClient.MetricDatum(
                        name: key.name, value: value, unit: unit, dimensions: key.dimensions, timestamp: timestamp))
            }
        }
        series.removeAll(keepingCapacity: true)
        pendingSamples = 0
        return data
    }

    /// One series: a metric with its dimensions over one period.
    struct SeriesKey: Hashable, Comparable {
        var name: String
        var unit: String
        var dimensions: [CloudWatchClient.Dimension]
        var start: Int64

        static func < (lhs: SeriesKey, rhs: SeriesKey) -> Bool {
            if lhs.start != rhs.start { return lhs.start < rhs.start }
            if lhs.name != rhs.name { return lhs.name < rhs.name }
            return lhs.dimensions.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
                < rhs.dimensions.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
        }
    }

    /// What one series has seen.
    struct Accumulator {
        var form: Form
        var set = CloudWatchClient.StatisticSet(sampleCount: 0, sum: 0, minimum: .infinity, maximum: -.infinity)
        var counts: [Double: Double] = [:]

        init(form: Form) { self.form = form }

        mutating func add(_ value: Double) {
            switch form {
            case .statisticSet:
                set.sampleCount += 1
                set.sum += value
                set.minimum = Swift.min(set.minimum, value)
                set.maximum = Swift.max(set.maximum, value)
            case .valuesAndCounts:
                counts[value == 0 ? 0 : value, default: 0] += 1
            }
        }

        /// The data point values: one statistic set, or chunks of at most 150 distinct values.
        func values() -> [CloudWatchClient.MetricDatum.Value] {
            switch form {
            case .statisticSet:
                return set.sampleCount > 0 ? [.statistics(set)] : []
            case .valuesAndCounts:
                let sorted = counts.keys.sorted()
                return stride(from: 0, to: sorted.count, by: MetricAggregator.maxValuesPerDatum).map { start in
                    let chunk = Array(sorted[start..<Swift.min(start + MetricAggregator.maxValuesPerDatum, sorted.count)])
                    return .distribution(values: chunk, counts: chunk.map { counts[$0] ?? 0 })
                }
            }
        }
    }
}
