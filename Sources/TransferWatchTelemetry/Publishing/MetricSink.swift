import Foundation
import TransferWatchAWS

/// Where the publisher sends one `PutMetricData` request's worth of data points.
///
/// ``CloudWatchMetricSink`` is the real one; tests may point it at a closed port or a local server.
package protocol MetricSink: Sendable {
    /// Sends `data` (at most 1000 data points, already within PutMetricData's limits) to `namespace`.
    ///
    /// - Throws: ``AWSError`` after the client's own retries.
    func publish(namespace: String, data: [CloudWatchClient.MetricDatum]) async throws(AWSError)
}

/// Sends data points to CloudWatch with ``CloudWatchClient/putMetricData(namespace:data:)`` (gzip above the
/// client's `minCompressionSize`, retries per its ``RetryStrategy``).
package struct CloudWatchMetricSink: MetricSink {
    /// The client.
    package let client: CloudWatchClient

    /// A sink over `client`.
    package init(client: CloudWatchClient) {
        self.client = client
    }

    /// `PutMetricData`.
    package func publish(namespace: String, data: [CloudWatchClient.MetricDatum]) async throws(AWSError) {
        try await client.putMetricData(namespace: namespace, data: data)
    }
}
