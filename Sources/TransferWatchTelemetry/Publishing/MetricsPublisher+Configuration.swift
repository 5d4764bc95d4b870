import Foundation
import Logging
import TransferWatchAWS
import TransferWatchConfig

extension MetricsPublisher {
    /// The spool's folder under the configured `spool` folder.
    package static func spoolDirectory(_ configuration: Configuration) -> String {
        configuration.spool.resolved + "/metrics"
    }

    /// The publisher the configuration describes: `metrics.output` picks CloudWatch (through the spool in
    /// `<spool>/metrics`, bounded by `metrics.spoolMaxBytes`) or EMF lines on standard output; `namespace`,
    /// `environment` and `metrics.flushInterval` come from the configuration.
    ///
    /// - Parameters:
    ///   - configuration: The validated configuration.
    ///   - cloudWatch: The client for PutMetricData.
    ///   - writeLine: Where EMF lines go (standard output by default).
    ///   - now: The business clock (`--now`).
    ///   - sleeper: Waits between flushes.
    ///   - logger: Receives failures, drops and repairs.
    /// - Throws: ``SpoolError`` when the spool cannot be opened (unwritable, or in use by another process).
    package static func make(
        configuration: Configuration, cloudWatch: CloudWatchClient,
        writeLine: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) },
        now: @escaping @Sendable () -> Date, sleeper: any Sleeper = ClockSleeper(), logger: Logger
    ) throws(SpoolError) -> MetricsPublisher {
        let settings = Settings(
            namespace: configuration.namespace, environment: configuration.environment,
            flushInterval: configuration.metrics.flushInterval)
        switch configuration.metrics.output {
        case .cloudwatch:
            return try MetricsPublisher(
                settings: settings, destination: .cloudWatch(CloudWatchMetricSink(client: cloudWatch)),
                spool: SpoolSettings(
                    directory: spoolDirectory(configuration), maxBytes: configuration.metrics.spoolMaxBytes.bytes),
                now: now, sleeper: sleeper, logger: logger)
        case .emf:
            return try MetricsPublisher(
                settings: settings, destination: .emf(writeLine), spool: nil, now: now, sleeper: sleeper,
                logger: logger)
        }
    }
}
