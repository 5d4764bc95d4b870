import Foundation

extension Configuration {
    /// How metrics are published (`metrics`).
    package struct Metrics: Sendable, Equatable {
        /// Where metrics go (`metrics.output`).
        package var output: MetricsOutput
        /// How often aggregated metrics are flushed (`metrics.flushInterval`, 1s to 1h).
        package var flushInterval: Duration
        /// The most the on-disk spool under `spool` may hold while CloudWatch is unreachable
        /// (`metrics.spoolMaxBytes`, 1MiB to 64GiB).
        package var spoolMaxBytes: ByteSize

        /// The default `flushInterval`, 60 seconds.
        package static let defaultFlushInterval = Duration.seconds(60)
        /// The default `spoolMaxBytes`, 64MiB.
        package static let defaultSpoolMaxBytes = ByteSize.mebibytes(64)
        /// The accepted `flushInterval` range.
        package static let flushIntervalRange = Duration.seconds(1)...Duration.seconds(3600)
        /// The accepted `spoolMaxBytes` range: room for at least one 1 MB PutMetricData batch.
        package static let spoolMaxBytesRange = ByteSize.mebibytes(1)...ByteSize.gibibytes(64)

        /// Creates the settings; each argument defaults to the documented default.
        package init(
            output: MetricsOutput = .cloudwatch, flushInterval: Duration = Metrics.defaultFlushInterval,
            spoolMaxBytes: ByteSize = Metrics.defaultSpoolMaxBytes
        ) {
            self.output = output
            self.flushInterval = flushInterval
            self.spoolMaxBytes = spoolMaxBytes
        }
    }

    /// Where metrics are published.
    package enum MetricsOutput: String, Sendable, Equatable, CaseIterable {
        /// `PutMetricData`, through the durable spool.
        case cloudwatch
        /// Embedded Metric Format JSON lines on stdout (for Lambda).
        case emf
    }

    static func decodeMetrics(_ reader: MappingReader) -> Metrics {
        let output = reader.value("output", FieldType<MetricsOutput>.oneOf("metrics output"), default: .cloudwatch)
        var flushInterval = reader.value("flushInterval", .duration, default: Metrics.defaultFlushInterval)
        if !Metrics.flushIntervalRange.contains(flushInterval) {
            reader.reportInvalid("flushInterval", "\(formatDuration(flushInterval)) is outside 1s-1h")
            flushInterval = Metrics.defaultFlushInterval
        }
        let spoolMaxBytes = reader.value(
            "spoolMaxBytes",
            .byteSize(in: Metrics.spoolMaxBytesRange, reason: "room for at least one 1MB PutMetricData batch"),
            default: Metrics.defaultSpoolMaxBytes)
        return Metrics(output: output, flushInterval: flushInterval, spoolMaxBytes: spoolMaxBytes)
    }
}
