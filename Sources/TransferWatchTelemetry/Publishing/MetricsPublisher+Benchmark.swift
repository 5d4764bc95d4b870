import Foundation
import TransferWatchAWS

extension MetricsPublisher {
    /// What ``publishSynthetic(datapoints:to:namespace:environment:now:)`` did.
    package struct SyntheticReport: Sendable, Equatable {
        /// Data points sent.
        package var datapoints: Int
        /// PutMetricData requests made.
        package var requests: Int
    }

    /// Publishes `datapoints` single-value data points through `sink`, each its own `Value` (no aggregation),
    /// batched as the publisher batches (1000 per request, 1 MB): the path `make bench` measures against boto3's
    /// `put_metric_data`, with the same data points as `bench/baseline_boto3.py metrics`.
    ///
    /// Data point `i` is `CopySucceeded`, `CopyLatency` or `BytesCopied` in turn (`i % 3`), value `i % 997`,
    /// unit `Count`, dimension `Environment`, timestamped `now - (i % 3600)` seconds. The agent's own path
    /// (aggregation and the spool) is ``publishSyntheticThroughAgentPath(datapoints:to:namespace:environment:spoolDirectory:now:logger:)``.
    ///
    /// - Throws: ``AWSError`` from the first request that fails.
    package static func publishSynthetic(
        datapoints: Int, to sink: any MetricSink, namespace: String, environment: String, now: Date
    ) async throws(AWSError) -> SyntheticReport {
        let dimension = CloudWatchClient.Dimension(name: "Environment", value: environment)
        let names = [MetricName.copySucceeded.name, MetricName.copyLatency.name, MetricName.bytesCopied.name]
        let base = now.timeIntervalSince1970
        let data = (0..<max(0, datapoints)).map { index in
            CloudWatchClient.MetricDatum(
                name: names[index % 3], value: .single(Double(index % 997)), unit: .count, dimensions: [dimension],
                timestamp: Date(timeIntervalSince1970: base - Double(index % 3600)))
        }
        let batches = MetricBatcher.batches(data, namespace: namespace)
        for batch in batches { try await sink.publish(namespace: namespace, data: batch) }
        return SyntheticReport(datapoints: data.count, requests: batches.count)
    }
}
