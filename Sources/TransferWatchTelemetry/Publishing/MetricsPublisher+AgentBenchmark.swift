import Foundation
import Logging
import TransferWatchAWS

extension MetricsPublisher {
    /// The samples of the metrics benchmark: boto3's data set in `bench/baseline_boto3.py metrics`, as samples
    /// of the metric catalogue.
    ///
    /// Sample `i` is `CopySucceeded`, `CopyLatency` or `BytesCopied` in turn (`i % 3`), value `i % 997`,
    /// timestamped `now - (i % 3600)` seconds.
    package static func syntheticSamples(count: Int, now: Date) -> [MetricSample] {
        let metrics = [MetricName.copySucceeded, .copyLatency, .bytesCopied]
        let base = now.timeIntervalSince1970
        return (0..<max(0, count)).map { index in
            MetricSample(
                metrics[index % 3], Double(index % 997),
                at: Date(timeIntervalSince1970: base - Double(index % 3600)))
        }
    }

    /// Publishes ``syntheticSamples(count:now:)`` the way the agent does: a ``MetricsPublisher`` with a spool
    /// in `spoolDirectory` records them, aggregates them per 60-second period (statistic sets, values and counts
    /// for `CopyLatency`), appends the batches to the spool (fsynced) and delivers the spool through `sink`.
    ///
    /// - Returns: The samples recorded and the PutMetricData requests made.
    /// - Throws: ``SpoolError`` when the spool cannot be opened; ``AWSError`` (kind `service`) when the flush
    ///   could not deliver everything.
    package static func publishSyntheticThroughAgentPath(
        datapoints: Int, to sink: any MetricSink, namespace: String, environment: String, spoolDirectory: String,
        now: Date, logger: Logger
    ) async throws -> SyntheticReport {
        let counting = CountingSink(sink)
        let publisher = try MetricsPublisher(
            settings: Settings(namespace: namespace, environment: environment), destination: .cloudWatch(counting),
            spool: SpoolSettings(directory: spoolDirectory, maxBytes: 64 << 20), now: { now }, logger: logger)
        await publisher.record(syntheticSamples(count: datapoints, now: now))
        let report = await publisher.flush()
        guard !report.destinationFailed, report.published == datapoints else {
            throw AWSError(
                kind: .service, service: "monitoring", operation: "PutMetricData", code: "BenchmarkIncomplete",
                message: "published \(report.published) of \(datapoints) samples (\(report.pending) pending)")
        }
        return SyntheticReport(datapoints: report.published, requests: await counting.requests)
    }
}

/// Counts the requests a sink is asked to make.
private actor CountingSink: MetricSink {
    private let base: any MetricSink
    private(set) var requests = 0

    init(_ base: any MetricSink) { self.base = base }

    func publish(namespace: String, data: [CloudWatchClient.MetricDatum]) async throws(AWSError) {
        requests += 1
        try await base.publish(namespace: namespace, data: data)
    }
}
