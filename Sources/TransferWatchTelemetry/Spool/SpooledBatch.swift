import Foundation
import TransferWatchAWS

/// One `PutMetricData` request as it is kept in the spool: the namespace and its data points, as JSON.
package struct SpooledBatch: Sendable, Equatable, Codable {
    /// One data point, mirroring ``CloudWatchClient/MetricDatum`` in a stable, versionable form.
    package struct Datum: Sendable, Equatable, Codable {
        /// The metric name.
        package var name: String
        /// The unit's raw value (`Count`, `Milliseconds`), if any.
        package var unit: String?
        /// Dimensions as name/value pairs, in order.
        package var dimensions: [[String]]
        /// Seconds since 1970.
        package var timestamp: Double?
        /// A single value.
        package var value: Double?
        /// Distinct values, with ``counts``.
        package var values: [Double]?
        /// How often each of ``values`` occurred.
        package var counts: [Double]?
        /// A statistic set: sample count, sum, minimum, maximum.
        package var statistics: [Double]?
        /// 1 for high resolution.
        package var storageResolution: Int?
    }

    /// The format version (1).
    package var version: Int
    /// The CloudWatch namespace.
    package var namespace: String
    /// The data points.
    package var data: [Datum]

    /// A batch of `data` for `namespace`.
    package init(namespace: String, data: [CloudWatchClient.MetricDatum]) {
        self.version = 1
        self.namespace = namespace
        self.data = data.map(Datum.init)
    }

    /// The client's data points.
    package var metricData: [CloudWatchClient.MetricDatum] { data.compactMap(\.metricDatum) }

    /// The JSON bytes kept in a spool record.
    package func encoded() -> Data {
        // Encoding plain numbers and strings cannot fail.
        (try? JSONEncoder().encode(self)) ?? Data()
    }

    /// Decodes a spool record's bytes.
    ///
    /// - Throws: A `DecodingError` for bytes that are not a batch.
    package static func decode(_ payload: Data) throws -> SpooledBatch {
        try JSONDecoder().decode(SpooledBatch.self, from: payload)
    }
}

extension SpooledBatch.Datum {
    /// The spooled form of `datum`.
    package init(_ datum: CloudWatchClient.MetricDatum) {
        name = datum.name
        unit = datum.unit?.rawValue
        dimensions = datum.dimensions.map { [$0.name, $0.value] }
        timestamp = datum.timestamp?.timeIntervalSince1970
        storageResolution = datum.storageResolution?.rawValue
        switch datum.value {
        case .single(let single): value = single
        case .distribution(let distinct, let counted):
            values = distinct
            counts = counted
        case .statistics(let set): statistics = [set.sampleCount, set.sum, set.minimum, set.maximum]
        }
    }

    /// The client's data point, or `nil` when the record holds no value.
    package var metricDatum: CloudWatchClient.MetricDatum? {
        let kind: CloudWatchClient.MetricDatum.Value
        if let value {
            kind = .single(value)
        } else if let values {
            kind = .distribution(values: values, counts: counts)
        } else if let statistics, statistics.count == 4 {
            kind = .statistics(
                .init(sampleCount: statistics[0], sum: statistics[1], minimum: statistics[2], maximum: statistics[3]))
        } else {
            return nil
        }
        return CloudWatchClient.MetricDatum(
            name: name, value: kind, unit: unit.flatMap(CloudWatchClient.StandardUnit.init(rawValue:)),
            dimensions: dimensions.compactMap { $0.count == 2 ? .init(name: $0[0], value: $0[1]) : nil },
            timestamp: timestamp.map(Date.init(timeIntervalSince1970:)),
            storageResolution: storageResolution.flatMap(CloudWatchClient.StorageResolution.init(rawValue:)))
    }
}
