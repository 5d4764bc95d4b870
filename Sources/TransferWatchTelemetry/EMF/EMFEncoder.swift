import Foundation
import TransferWatchAWS

/// Writes data points as CloudWatch Embedded Metric Format log events: one JSON object per line, for Lambda's
/// stdout (CloudWatch Logs extracts the metrics).
///
/// Each event has `_aws` with `Timestamp` (epoch milliseconds) and one `CloudWatchMetrics` directive
/// (`Namespace`, `Dimensions`: one dimension set of the event's dimension names, `Metrics`: `Name` and `Unit`),
/// then a root member per dimension (its string value) and per metric (a number, or an array of numbers).
/// Data points with the same timestamp and dimensions share an event. The specification's limits hold: at most
/// 100 metrics per directive and 100 values per metric array (more values continue in further events with the
/// same timestamp, which CloudWatch adds together).
///
/// Values and counts are written out as repeated values so `SampleCount` and percentiles stay exact; a
/// statistic set cannot be expressed in EMF and is written as its sum alone (the publisher keeps every metric
/// as values and counts for EMF output, so it never produces one).
package enum EMFEncoder {
    /// At most this many metrics in one directive.
    package static let maxMetricsPerDirective = 100
    /// At most this many values in one metric's array.
    package static let maxValuesPerMetric = 100

    /// The event lines for `data`, in timestamp order.
    package static func lines(namespace: String, data: [CloudWatchClient.MetricDatum], now: Date) -> [String] {
        events(namespace: namespace, data: data, now: now).map { event in
            let bytes = (try? JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The events for `data` as JSON objects (dictionaries), in timestamp order.
    package static func events(namespace: String, data: [CloudWatchClient.MetricDatum], now: Date) -> [[String: Any]] {
        struct Group {
            var timestamp: Int64
            var dimensions: [CloudWatchClient.Dimension]
            var metrics: [(name: String, unit: String, values: [Double])] = []
        }
        var groups: [Group] = []
        var index: [String: Int] = [:]
        for datum in data {
            let timestamp = Int64(((datum.timestamp ?? now).timeIntervalSince1970 * 1000).rounded())
            let key = "\(timestamp)|" + datum.dimensions.map { "\($0.name)=\($0.value)" }.joined(separator: "|")
            let position: Int
            if let found = index[key] {
                position = found
            } else {
                position = groups.count
                index[key] = position
                groups.append(Group(timestamp: timestamp, dimensions: datum.dimensions))
            }
            let values = expandedValues(datum.value)
            let unit = datum.unit?.rawValue ?? "None"
            if let existing = groups[position].metrics.firstIndex(where: { $0.name == datum.name }) {
                groups[position].metrics[existing].values += values
            } else {
                groups[position].metrics.append((datum.name, unit, values))
            }
        }
        var events: [[String: Any]] = []
        for group in groups.sorted(by: { $0.timestamp < $1.timestamp }) {
            for metricChunk in chunks(group.metrics, of: maxMetricsPerDirective) {
                let rounds = metricChunk.map { ($0.values.count + maxValuesPerMetric - 1) / maxValuesPerMetric }.max() ?? 0
                for round in 0..<rounds {
                    var event: [String: Any] = [:]
                    var definitions: [[String: Any]] = []
                    for metric in metricChunk {
                        let start = round * maxValuesPerMetric
                        guard start < metric.values.count else { continue }
                        let slice = Array(metric.values[start..<min(start + maxValuesPerMetric, metric.values.count)])
                        definitions.append(["Name": metric.name, "Unit": metric.unit])
                        event[metric.name] = slice.count == 1 ? slice[0] as Any : slice as Any
                    }
                    for dimension in group.dimensions { event[dimension.name] = dimension.value }
                    event["_aws"] = [
                        "Timestamp": group.timestamp,
                        "CloudWatchMetrics": [
                            [
                                "Namespace": namespace,
                                "Dimensions": [group.dimensions.map(\.name)],
                                "Metrics": definitions,
                            ] as [String: Any]
                        ],
                    ] as [String: Any]
                    events.append(event)
                }
            }
        }
        return events
    }

    /// A data point's samples as individual values.
    static func expandedValues(_ value: CloudWatchClient.MetricDatum.Value) -> [Double] {
        switch value {
        case .single(let single): return [single]
        case .distribution(let values, let counts):
            guard let counts else { return values }
            return zip(values, counts).flatMap { value, count in
                Array(repeating: value, count: max(0, Int(count.rounded())))
            }
        case .statistics(let set): return [set.sum]
        }
    }

    static func chunks<T>(_ items: [T], of size: Int) -> [[T]] {
        stride(from: 0, to: items.count, by: size).map { Array(items[$0..<min($0 + size, items.count)]) }
    }
}
