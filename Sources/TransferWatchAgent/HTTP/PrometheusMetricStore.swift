import TransferWatchLocking
import TransferWatchTelemetry

/// The metrics CloudWatch gets, kept in memory for `/metrics`: whatever publishes a datum to CloudWatch
/// also calls ``record(_:value:dimensions:)`` here.
///
/// Each CONTRACT.md metric maps to one Prometheus family (``prometheusName(for:)``):
/// counts of events become counters (`transferwatch_copy_succeeded_total`), levels become gauges
/// (`transferwatch_server_online`), and `CopyLatency` (milliseconds) becomes the histogram
/// `transferwatch_copy_latency_seconds`. CloudWatch dimensions become labels in snake case
/// (`Environment` → `environment`, `Rule` → `rule`). Every family is exposed from the start, at 0 for the
/// environment, so a scraper sees the whole catalogue before the first event.
package final class PrometheusMetricStore: MetricsExposition {
    /// Upper bounds of the latency histogram, in seconds.
    package static let latencyBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

    private struct Series {
        var value: Double = 0
        var bucketCounts: [UInt64] = []
        var count: UInt64 = 0
        var sum: Double = 0
    }

    private let environment: String
    private let series: Locked<[String: [[String: String]: Series]]>

    /// Creates a store with every metric of ``MetricName/all`` at zero for `environment`.
    ///
    /// - Parameter environment: The `Environment` dimension's value (the configuration's `environment`).
    package init(environment: String) {
        self.environment = environment
        var initial: [String: [[String: String]: Series]] = [:]
        for metric in MetricName.all where metric.extraDimensions.isEmpty {
            initial[metric.name] = [["environment": environment]: Self.emptySeries(for: metric)]
        }
        self.series = Locked(initial)
    }

    /// Records one datum as CloudWatch would receive it.
    ///
    /// Counters add `value`; gauges take it; `CopyLatency` observes it (milliseconds). A negative value for a
    /// counter is ignored (counters never go down).
    ///
    /// - Parameters:
    ///   - metric: The metric.
    ///   - value: The datum's value in the metric's CloudWatch unit.
    ///   - dimensions: Dimensions besides `Environment` (`["Rule": "copy-failed"]` for `RuleViolations`).
    package func record(_ metric: MetricName, value: Double, dimensions: [String: String] = [:]) {
        var labels = ["environment": environment]
        for (name, labelValue) in dimensions where name != "Environment" {
            labels[Self.snakeCase(name)] = labelValue
        }
        let kind = Self.kind(of: metric)
        series.withLock { all in
            var entry = all[metric.name, default: [:]][labels] ?? Self.emptySeries(for: metric)
            switch kind {
            case .counter:
                if value >= 0 { entry.value += value }
            case .gauge:
                entry.value = value
            case .histogram, .summary:
                let seconds = value / 1000
                for (index, bound) in Self.latencyBuckets.enumerated() where seconds <= bound {
                    entry.bucketCounts[index] += 1
                }
                entry.count += 1
                entry.sum += seconds
            }
            all[metric.name, default: [:]][labels] = entry
        }
    }

    /// The families for `/metrics`.
    package func metricFamilies() async -> [MetricFamily] {
        let snapshot = series.withLock { $0 }
        return snapshot.compactMap { name, entries -> MetricFamily? in
            guard let metric = MetricName.named(name) else { return nil }
            let kind = Self.kind(of: metric)
            let metrics = entries.map { labels, entry -> MetricFamily.Metric in
                switch kind {
                case .counter, .gauge:
                    return MetricFamily.Metric(labels: labels, value: .single(entry.value))
                case .histogram, .summary:
                    let buckets = zip(Self.latencyBuckets, entry.bucketCounts).map {
                        MetricFamily.Bucket(upperBound: $0, count: $1)
                    }
                    return MetricFamily.Metric(
                        labels: labels, value: .histogram(buckets: buckets, count: entry.count, sum: entry.sum))
                }
            }
            return MetricFamily(
                name: Self.prometheusName(for: metric),
                help: metric == .copyLatency
                    ? "CopyLatency in seconds (CloudWatch: Milliseconds)"
                    : "\(metric.name) (CloudWatch unit \(metric.unit))",
                kind: kind,
                metrics: metrics
            )
        }
    }

    /// The Prometheus family name of a CloudWatch metric: `transferwatch_` + snake case, with `_seconds` for
    /// `CopyLatency` (counters get `_total` when written).
    package static func prometheusName(for metric: MetricName) -> String {
        let base = "transferwatch_" + snakeCase(metric.name)
        return metric == .copyLatency ? base + "_seconds" : base
    }

    /// The Prometheus type of a CloudWatch metric.
    package static func kind(of metric: MetricName) -> MetricFamily.Kind {
        switch metric {
        case .copyLatency: .histogram
        case .employeesExpected, .serverOnline, .serverAgeHours, .alertsFiring: .gauge
        default: .counter
        }
    }

    private static func emptySeries(for metric: MetricName) -> Series {
        var entry = Series()
        if kind(of: metric) == .histogram { entry.bucketCounts = Array(repeating: 0, count: latencyBuckets.count) }
        return entry
    }

    /// `CopySucceeded` → `copy_succeeded`.
    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase, !result.isEmpty { result += "_" }
            result += character.lowercased()
        }
        return result
    }
}
