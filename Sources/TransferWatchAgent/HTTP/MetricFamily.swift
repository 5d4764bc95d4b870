/// One Prometheus metric family: a name, its help text, its type and its labelled samples.
///
/// ``PrometheusTextFormat`` writes families as the text exposition format (version 0.0.4).
package struct MetricFamily: Sendable, Equatable {
    /// The family's type.
    package enum Kind: String, Sendable, Equatable {
        /// Only goes up; samples are written with a `_total` suffix.
        case counter
        /// Goes up and down.
        case gauge
        /// Cumulative buckets, count and sum.
        case histogram
        /// Quantiles, count and sum.
        case summary
    }

    /// One labelled series of the family.
    package struct Metric: Sendable, Equatable {
        /// Label names and values; written sorted by name.
        package var labels: [String: String]
        /// The series' value, matching the family's ``Kind``.
        package var value: Value

        /// Creates a series.
        package init(labels: [String: String] = [:], value: Value) {
            self.labels = labels
            self.value = value
        }
    }

    /// A series' value.
    package enum Value: Sendable, Equatable {
        /// A counter or gauge value.
        case single(Double)
        /// A histogram: cumulative counts per upper bound (`+Inf` is added when missing), count and sum.
        case histogram(buckets: [Bucket], count: UInt64, sum: Double)
        /// A summary: values at quantiles (0…1), count and sum.
        case summary(quantiles: [Quantile], count: UInt64, sum: Double)
    }

    /// A histogram bucket: how many observations were at most `upperBound`.
    package struct Bucket: Sendable, Equatable {
        /// The inclusive upper bound (`le`).
        package var upperBound: Double
        /// The cumulative count.
        package var count: UInt64

        /// Creates a bucket.
        package init(upperBound: Double, count: UInt64) {
            self.upperBound = upperBound
            self.count = count
        }
    }

    /// A summary quantile.
    package struct Quantile: Sendable, Equatable {
        /// The quantile, 0…1.
        package var quantile: Double
        /// The value at it (NaN when there were no observations).
        package var value: Double

        /// Creates a quantile.
        package init(quantile: Double, value: Double) {
            self.quantile = quantile
            self.value = value
        }
    }

    /// The family name, without the counter `_total` suffix.
    package var name: String
    /// The help text (any characters: it is escaped when written).
    package var help: String
    /// The type.
    package var kind: Kind
    /// The series.
    package var metrics: [Metric]

    /// Creates a family.
    package init(name: String, help: String, kind: Kind, metrics: [Metric]) {
        self.name = name
        self.help = help
        self.kind = kind
        self.metrics = metrics
    }
}

/// Where ``StatusHTTPServer`` gets what `/metrics` shows.
package protocol MetricsExposition: Sendable {
    /// The current metric families (in any order; duplicates by name are merged when written).
    func metricFamilies() async -> [MetricFamily]
}
