import Foundation
import TransferWatchAWS

/// Splits data points into `PutMetricData` requests within CloudWatch's limits: at most 1000 data points per
/// request and at most 1 MB of request body (counted before gzip, since AWS does not say which side of the
/// compression the limit applies to). Order is kept.
package enum MetricBatcher {
    /// PutMetricData's data points per request.
    package static let maxDatumsPerRequest = 1000
    /// PutMetricData's request size (1 MB).
    package static let maxRequestBytes = 1_000_000

    /// The requests for `data`, in order.
    ///
    /// - Parameters:
    ///   - namespace: Counted in each request's size.
    ///   - maxDatums: Data points per request (at most 1000).
    ///   - maxBytes: Request body bytes (estimated from above, see ``estimatedBytes(of:)``).
    package static func batches(
        _ data: [CloudWatchClient.MetricDatum], namespace: String, maxDatums: Int = maxDatumsPerRequest,
        maxBytes: Int = maxRequestBytes
    ) -> [[CloudWatchClient.MetricDatum]] {
        let overhead = 64 + namespace.utf8.count * 2
        var batches: [[CloudWatchClient.MetricDatum]] = []
        var current: [CloudWatchClient.MetricDatum] = []
        var bytes = overhead
        for datum in data {
            let size = estimatedBytes(of: datum)
            if !current.isEmpty, current.count >= maxDatums || bytes + size > maxBytes {
                batches.append(current)
                current = []
                bytes = overhead
            }
            current.append(datum)
            bytes += size
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// An upper bound of the JSON bytes `datum` takes in a `PutMetricData` body: keys, strings as JSON escapes
    /// them (names and dimensions are printable ASCII, so only `"`, `\` and `/` grow, to two bytes), 26 bytes
    /// per number.
    package static func estimatedBytes(of datum: CloudWatchClient.MetricDatum) -> Int {
        let number = 26
        var bytes = 140 + jsonLength(datum.name) + (datum.unit?.rawValue.utf8.count ?? 0) + number
        for dimension in datum.dimensions {
            bytes += 30 + jsonLength(dimension.name) + jsonLength(dimension.value)
        }
        switch datum.value {
        case .single: bytes += 10 + number
        case .distribution(let values, let counts): bytes += 30 + (values.count + (counts?.count ?? 0)) * (number + 1)
        case .statistics: bytes += 70 + 4 * number
        }
        return bytes
    }

    /// The bytes `text` (printable ASCII) takes as a JSON string's content.
    static func jsonLength(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            var length = bytes.count
            for byte in bytes where byte == 0x22 || byte == 0x5C || byte == 0x2F || byte < 0x20 { length += 5 }
            return length
        }
    }
}
