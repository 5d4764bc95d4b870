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

    /// Publishes `datapoints` distinct single-value data points through `sink`, batched as the publisher batches
    /// (1000 per request, 1 MB): the path `make bench` measures against boto3's `put_metric_data`.
    ///
    /// Data point `i` is `CopyLatency` = `i % 1000` with the `Environment` dimension, timestamped `now`.
    ///
    /// - Throws: ``AWSError`` from the first request that fails.
    package static func publishSynthetic(
        datapoints: Int, to sink: any MetricSink, namespace: String, environment: String, now: Date
    ) async throws(AWSError) -> SyntheticReport {
        let dimension = CloudWatchClient.Dimension(name: "Environment", value: environment)
        let data = (0..<datapoints).map { index in
            CloudWatchClient.MetricDatum(
                name: MetricName.copyLatency.name, value: .single(Double(index % 1000)), unit: .milliseconds,
                dimensions: [dimension], timestamp: now)
        }
        let batches = MetricBatcher.batches(data, namespace: namespace)
        for batch in batches { try await sink.publish(namespace: namespace, data: batch) }
        return SyntheticReport(datapoints: datapoints, requests: batches.count)
    }
}
