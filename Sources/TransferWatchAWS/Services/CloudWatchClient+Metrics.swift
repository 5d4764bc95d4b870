import Foundation

extension CloudWatchClient {
    /// A dimension: one `Name=Value` pair that, with the namespace and metric name, identifies a metric.
    package struct Dimension: Sendable, Hashable, Codable {
        /// 1–255 printable ASCII characters, not starting with `:`.
        package var name: String
        /// 1–1024 printable ASCII characters.
        package var value: String

        /// A `name=value` dimension.
        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case value = "Value"
        }
    }

    /// CloudWatch's units (`StandardUnit`).
    package enum StandardUnit: String, Sendable, Hashable, Codable, CaseIterable {
        case seconds = "Seconds"
        case microseconds = "Microseconds"
        case milliseconds = "Milliseconds"
        case bytes = "Bytes"
        case kilobytes = "Kilobytes"
        case megabytes = "Megabytes"
        case gigabytes = "Gigabytes"
        case terabytes = "Terabytes"
        case bits = "Bits"
        case kilobits = "Kilobits"
        case megabits = "Megabits"
        case gigabits = "Gigabits"
        case terabits = "Terabits"
        case percent = "Percent"
        case count = "Count"
        case bytesPerSecond = "Bytes/Second"
        case kilobytesPerSecond = "Kilobytes/Second"
        case megabytesPerSecond = "Megabytes/Second"
        case gigabytesPerSecond = "Gigabytes/Second"
        case terabytesPerSecond = "Terabytes/Second"
        case bitsPerSecond = "Bits/Second"
        case kilobitsPerSecond = "Kilobits/Second"
        case megabitsPerSecond = "Megabits/Second"
        case gigabitsPerSecond = "Gigabits/Second"
        case terabitsPerSecond = "Terabits/Second"
        case countPerSecond = "Count/Second"
        case none = "None"
    }

    /// How finely CloudWatch stores a metric.
    package enum StorageResolution: Int, Sendable, Hashable, Codable {
        /// Sub-minute ("high resolution") storage.
        case high = 1
        /// One-minute storage (the default).
        case standard = 60
    }

    /// A pre-aggregated set of samples (`StatisticValues`).
    package struct StatisticSet: Sendable, Hashable, Codable {
        /// How many samples (positive).
        package var sampleCount: Double
        /// Their sum.
        package var sum: Double
        /// The smallest sample.
        package var minimum: Double
        /// The largest sample.
        package var maximum: Double

        /// A statistic set.
        package init(sampleCount: Double, sum: Double, minimum: Double, maximum: Double) {
            self.sampleCount = sampleCount
            self.sum = sum
            self.minimum = minimum
            self.maximum = maximum
        }

        enum CodingKeys: String, CodingKey {
            case sampleCount = "SampleCount"
            case sum = "Sum"
            case minimum = "Minimum"
            case maximum = "Maximum"
        }
    }

    /// One metric data point for `PutMetricData`: a single value, a value distribution, or a statistic set.
    ///
    /// ```swift
    /// MetricDatum(name: "CopyLatency", value: .single(182), unit: .milliseconds,
    ///             dimensions: [.init(name: "Environment", value: "prod")])
    /// ```
    package struct MetricDatum: Sendable, Hashable {
        /// What the data point carries.
        package enum Value: Sendable, Hashable {
            /// `Value`.
            case single(Double)
            /// `Values` (at most 150) with `Counts` (same length; `nil` means each value once).
            case distribution(values: [Double], counts: [Double]?)
            /// `StatisticValues`.
            case statistics(StatisticSet)
        }

        /// 1–255 characters.
        package var name: String
        /// The value, values or statistics.
        package var value: Value
        /// The unit; `nil` leaves `None`.
        package var unit: StandardUnit?
        /// At most 30.
        package var dimensions: [Dimension]
        /// `nil` lets CloudWatch use the time it receives the data; else at most 2 weeks old and 2 hours ahead.
        package var timestamp: Date?
        /// `nil` leaves standard (60 s) resolution.
        package var storageResolution: StorageResolution?

        /// A data point.
        package init(
            name: String, value: Value, unit: StandardUnit? = nil, dimensions: [Dimension] = [], timestamp: Date? = nil,
            storageResolution: StorageResolution? = nil
        ) {
            self.name = name
            self.value = value
            self.unit = unit
            self.dimensions = dimensions
            self.timestamp = timestamp
            self.storageResolution = storageResolution
        }
    }

    /// A metric's identity: namespace, name and dimensions.
    package struct Metric: Sendable, Hashable, Codable {
        /// The namespace.
        package var namespace: String
        /// The metric name.
        package var name: String
        /// The dimensions (order kept).
        package var dimensions: [Dimension]

        /// A metric's identity.
        package init(namespace: String, name: String, dimensions: [Dimension] = []) {
            self.namespace = namespace
            self.name = name
            self.dimensions = dimensions
        }

        enum CodingKeys: String, CodingKey {
            case namespace = "Namespace"
            case name = "MetricName"
            case dimensions = "Dimensions"
        }

        /// Decodes leniently: absent members become empty.
        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            namespace = try container.decodeIfPresent(String.self, forKey: .namespace) ?? ""
            name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
            dimensions = try container.decodeIfPresent([Dimension].self, forKey: .dimensions) ?? []
        }

        /// Encodes, omitting empty dimensions.
        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(namespace, forKey: .namespace)
            try container.encode(name, forKey: .name)
            if !dimensions.isEmpty { try container.encode(dimensions, forKey: .dimensions) }
        }
    }

    /// The five standard statistics.
    package enum Statistic: String, Sendable, Hashable, Codable, CaseIterable {
        case sampleCount = "SampleCount"
        case average = "Average"
        case sum = "Sum"
        case minimum = "Minimum"
        case maximum = "Maximum"
    }

    /// A metric, a period and a statistic (`MetricStat`).
    package struct MetricStat: Sendable, Hashable, Codable {
        /// The metric.
        package var metric: Metric
        /// Seconds: a multiple of 60, or 1, 5, 10, 20, 30 for high-resolution metrics.
        package var period: Int
        /// `Sum`, `Average`, … or an extended statistic such as `p99`.
        package var stat: String
        /// The unit; `nil` leaves `None`.
        package var unit: StandardUnit?

        /// A metric statistic.
        package init(metric: Metric, period: Int, stat: String, unit: StandardUnit? = nil) {
            self.metric = metric
            self.period = period
            self.stat = stat
            self.unit = unit
        }

        enum CodingKeys: String, CodingKey {
            case metric = "Metric"
            case period = "Period"
            case stat = "Stat"
            case unit = "Unit"
        }

        /// Decodes leniently: a unit this client does not know becomes `nil`.
        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            metric = try container.decode(Metric.self, forKey: .metric)
            period = try container.decode(Int.self, forKey: .period)
            stat = try container.decode(String.self, forKey: .stat)
            unit = (try? container.decodeIfPresent(String.self, forKey: .unit)).flatMap {
                $0.flatMap(StandardUnit.init(rawValue:))
            }
        }
    }

    /// One query of `GetMetricData` or of a metric-math alarm: a metric statistic or an expression.
    package struct MetricDataQuery: Sendable, Hashable, Codable {
        /// 1–255 characters of letters, digits and `_`, starting with a lowercase letter; unique in a call.
        package var id: String
        /// The metric statistic (or an expression).
        package var metricStat: MetricStat?
        /// A metric-math expression (or a metric statistic).
        package var expression: String?
        /// The label shown for the result.
        package var label: String?
        /// Whether the result is returned (`nil`: the service default, `true`).
        package var returnData: Bool?
        /// An expression's period.
        package var period: Int?
        /// The account of a cross-account metric.
        package var accountID: String?

        /// A query; see also ``metric(id:namespace:name:dimensions:period:stat:unit:label:returnData:)``.
        package init(
            id: String, metricStat: MetricStat? = nil, expression: String? = nil, label: String? = nil,
            returnData: Bool? = nil,
            period: Int? = nil, accountID: String? = nil
        ) {
            self.id = id
            self.metricStat = metricStat
            self.expression = expression
            self.label = label
            self.returnData = returnData
            self.period = period
            self.accountID = accountID
        }

        /// A query for one statistic of one metric.
        package static func metric(
            id: String, namespace: String, name: String, dimensions: [Dimension] = [], period: Int, stat: String,
            unit: StandardUnit? = nil, label: String? = nil, returnData: Bool? = nil
        ) -> MetricDataQuery {
            MetricDataQuery(
                id: id,
                metricStat: MetricStat(
                    metric: Metric(namespace: namespace, name: name, dimensions: dimensions),
                    period: period, stat: stat, unit: unit),
                label: label, returnData: returnData)
        }

        /// A metric-math expression over other queries' IDs.
        package static func expression(
            id: String, _ expression: String, label: String? = nil, returnData: Bool? = nil,
            period: Int? = nil
        ) -> MetricDataQuery {
            MetricDataQuery(id: id, expression: expression, label: label, returnData: returnData, period: period)
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case metricStat = "MetricStat"
            case expression = "Expression"
            case label = "Label"
            case returnData = "ReturnData"
            case period = "Period"
            case accountID = "AccountId"
        }
    }

    /// One query's answer from `GetMetricData`, all pages merged.
    package struct MetricDataResult: Sendable, Hashable {
        /// The query's ID.
        package var id: String
        /// The label shown for the result.
        package var label: String?
        /// In the order CloudWatch returned them (newest first unless `TimestampAscending` was asked for).
        package var timestamps: [Date]
        /// The values, one per timestamp.
        package var values: [Double]
        /// `Complete`, `PartialData`, `InternalError` or `Forbidden`: the last page's.
        package var statusCode: String?
        /// Messages of every page, in order.
        package var messages: [Message]

        /// The sum of ``values``.
        package var sum: Double { values.reduce(0, +) }
    }

    /// A `{Code, Value}` message of `GetMetricData`.
    package struct Message: Sendable, Hashable, Codable {
        /// The message code.
        package var code: String?
        /// The message text.
        package var value: String?

        enum CodingKeys: String, CodingKey {
            case code = "Code"
            case value = "Value"
        }
    }

    /// One aggregated point of `GetMetricStatistics`: the statistics asked for, others `nil`.
    package struct Datapoint: Sendable, Hashable {
        /// The bucket's start.
        package var timestamp: Date
        /// The sample count, if asked for.
        package var sampleCount: Double?
        /// The average, if asked for.
        package var average: Double?
        /// The sum, if asked for.
        package var sum: Double?
        /// The minimum, if asked for.
        package var minimum: Double?
        /// The maximum, if asked for.
        package var maximum: Double?
        /// The unit CloudWatch reported.
        package var unit: StandardUnit?
    }

    /// The order of `GetMetricData` values.
    package enum ScanOrder: String, Sendable, Hashable {
        case timestampDescending = "TimestampDescending"
        case timestampAscending = "TimestampAscending"
    }
}
