import Foundation
import Logging
import TransferWatchAWS
import TransferWatchRules
import TransferWatchWorkflows

/// Aggregates metric samples per period and publishes them on an interval: to CloudWatch through a durable
/// spool, or as Embedded Metric Format lines.
///
/// CloudWatch output is write-ahead: each flush turns the aggregated data points into `PutMetricData`-sized
/// batches, appends them to the ``MetricSpool`` (fsynced), then delivers the spool in order, removing each
/// batch only after CloudWatch accepted it. While CloudWatch cannot be reached or refuses (throttling, 5xx,
/// connection refused, after the client's retries), batches stay in the spool and are delivered by later
/// flushes; data points that fell out of CloudWatch's accepted timestamp range meanwhile are dropped and
/// counted instead of being sent to be refused. Delivery from the spool is at-least-once: a crash after
/// CloudWatch accepted a batch and before the cursor's `fsync` sends it again (see ``MetricSpool``).
///
/// The agent owns the lifecycle:
///
/// ```swift
/// let publisher = try MetricsPublisher(settings: settings, destination: .cloudWatch(sink), spool: spoolSettings,
///                                      now: { Date() }, logger: logger)
/// await publisher.record(copyRecord)
/// await publisher.record(gauges)
/// try await publisher.run()          // flushes every interval until cancelled, then once more
/// await publisher.droppedDatapoints  // publish it and alert on it
/// ```
package actor MetricsPublisher {
    /// What to publish and how often.
    package struct Settings: Sendable {
        /// The CloudWatch namespace.
        package var namespace: String
        /// The `Environment` dimension.
        package var environment: String
        /// The aggregation period.
        package var period: Duration
        /// How often ``run()`` flushes.
        package var flushInterval: Duration
        /// How far inside CloudWatch's accepted timestamp range a data point must be to be sent, in seconds.
        package var timestampMargin: TimeInterval

        /// Settings with the documented defaults: 60 s periods, flushed every 60 s.
        package init(
            namespace: String, environment: String, period: Duration = .seconds(60),
            flushInterval: Duration = .seconds(60), timestampMargin: TimeInterval = 300
        ) {
            self.namespace = namespace
            self.environment = environment
            self.period = period
            self.flushInterval = flushInterval
            self.timestampMargin = timestampMargin
        }
    }

    /// Where data points go.
    package enum Destination: Sendable {
        /// `PutMetricData` through a sink.
        case cloudWatch(any MetricSink)
        /// EMF lines, one call per line (stdout for Lambda).
        case emf(@Sendable (String) -> Void)
    }

    /// Where the spool lives and how large it may grow.
    package struct SpoolSettings: Sendable {
        /// The spool's own folder.
        package var directory: String
        /// The most bytes it may hold.
        package var maxBytes: Int64
        /// The segment size.
        package var segmentBytes: Int64

        /// Spool settings.
        package init(directory: String, maxBytes: Int64, segmentBytes: Int64 = MetricSpool.defaultSegmentBytes) {
            self.directory = directory
            self.maxBytes = maxBytes
            self.segmentBytes = segmentBytes
        }
    }

    /// What happened to data points since the publisher started (sample counts).
    package struct Counters: Sendable, Equatable {
        /// Accepted by CloudWatch, or written as EMF.
        package var published = 0
        /// Dropped because the spool was full.
        package var droppedSpoolFull = 0
        /// Dropped because they fell outside CloudWatch's accepted timestamp range while waiting.
        package var droppedOutOfRange = 0
        /// Refused by CloudWatch as invalid (not retryable).
        package var droppedRejected = 0
        /// Lost because they could be neither spooled (no spool, or it could not be written) nor sent.
        package var droppedUnspoolable = 0
        /// Spool records that could not be decoded.
        package var droppedUnreadable = 0
        /// Samples refused before aggregation (NaN or infinite).
        package var droppedInvalid = 0

        /// All dropped data points.
        package var dropped: Int {
            droppedSpoolFull + droppedOutOfRange + droppedRejected + droppedUnspoolable + droppedUnreadable
                + droppedInvalid
        }
    }

    /// What one flush did.
    package struct FlushReport: Sendable, Equatable {
        /// Samples taken out of the aggregator.
        package var aggregated = 0
        /// Samples accepted by CloudWatch (or written as EMF) during this flush, spooled backlog included.
        package var published = 0
        /// Samples still waiting in the spool afterwards.
        package var pending = 0
        /// Whether the destination refused or could not be reached.
        package var destinationFailed = false
    }

    /// The settings.
    package let settings: Settings
    private let destination: Destination
    private let spool: MetricSpool?
    private let now: @Sendable () -> Date
    private let sleeper: any Sleeper
    private let logger: Logger
    private var aggregator: MetricAggregator
    private var counters = Counters()
    private var isDelivering = false
    private var droppedRecorded = 0

    /// A publisher.
    ///
    /// - Parameters:
    ///   - settings: Namespace, environment, period and interval.
    ///   - destination: CloudWatch (through a sink) or EMF lines.
    ///   - spool: The durable spool for CloudWatch output; `nil` sends directly and counts what fails as dropped.
    ///   - now: The clock for gauges and the timestamp range.
    ///   - sleeper: Waits between flushes in ``run()``.
    ///   - logger: Receives failures, drops and repairs.
    /// - Throws: ``SpoolError`` when the spool cannot be opened.
    package init(
        settings: Settings, destination: Destination, spool: SpoolSettings?, now: @escaping @Sendable () -> Date,
        sleeper: any Sleeper = ClockSleeper(), logger: Logger
    ) throws(SpoolError) {
        self.settings = settings
        self.destination = destination
        self.now = now
        self.sleeper = sleeper
        self.logger = logger
        if case .cloudWatch = destination, let spool {
            self.spool = try MetricSpool(
                directory: spool.directory, maxBytes: spool.maxBytes, segmentBytes: spool.segmentBytes, logger: logger)
        } else {
            self.spool = nil
        }
        let everything: Set<String>
        if case .emf = destination { everything = Set(MetricName.all.map(\.name)) } else { everything = [] }
        aggregator = MetricAggregator(
            environment: settings.environment, period: settings.period,
            distributionMetrics: MetricAggregator.defaultDistributionMetrics.union(everything))
    }

    // MARK: - Recording

    /// Adds samples to the current aggregation.
    package func record(_ samples: [MetricSample]) {
        for sample in samples where !aggregator.add(sample) {
            counters.droppedInvalid += 1
            logger.warning(
                "metric sample is not a finite number; dropped",
                metadata: ["metric.name": "\(sample.metric.name)", "metric.value": "\(sample.value)"])
        }
    }

    /// Records a copy step's metrics.
    package func record(_ step: CopyStepRecord) { record(MetricSample.samples(from: step)) }

    /// Records a provisioning run's metrics.
    package func record(_ step: ProvisioningStepRecord) { record(MetricSample.samples(from: step)) }

    /// Records a teardown run's metrics.
    package func record(_ step: TeardownStepRecord) { record(MetricSample.samples(from: step)) }

    /// Records the state gauges at the current time.
    package func record(_ gauges: PipelineGauges) { record(MetricSample.samples(from: gauges, at: now())) }

    /// Records `RuleViolations` for the verdicts that fired.
    package func record(verdicts: [RuleVerdict]) { record(MetricSample.samples(from: verdicts, at: now())) }

    /// Records `MetricsDropped`: the data points dropped since the last call (0 when none, so an alarm on it
    /// always has data). The agent calls it once per flush interval.
    ///
    /// - Returns: The number recorded.
    @discardableResult
    package func recordDroppedDatapoints() -> Int {
        let delta = counters.dropped - droppedRecorded
        droppedRecorded = counters.dropped
        record([MetricSample(.metricsDropped, Double(delta), at: now())])
        return delta
    }

    // MARK: - State

    /// Everything counted so far.
    package var statistics: Counters { counters }

    /// Data points dropped since the start (spool full, out of range, rejected, unspoolable, invalid): the
    /// counter the agent publishes and alerts on.
    package var droppedDatapoints: Int { counters.dropped }

    /// Data points waiting in the spool.
    package var pendingDatapoints: Int { spool?.pendingWeight ?? 0 }

    /// Samples recorded and not yet flushed.
    package var unflushedSamples: Int { aggregator.pendingSamples }

    // MARK: - Flushing

    /// Publishes everything aggregated so far, then delivers the spool's backlog in order.
    ///
    /// Never throws: failures leave batches in the spool (or count them as dropped) and are logged.
    @discardableResult
    package func flush() async -> FlushReport {
        let data = aggregator.drain()
        var report = FlushReport(aggregated: data.sampleCount)
        switch destination {
        case .emf(let write):
            for line in EMFEncoder.lines(namespace: settings.namespace, data: data, now: now()) { write(line) }
            counters.published += data.sampleCount
            report.published = data.sampleCount
        case .cloudWatch(let sink):
            let batches = MetricBatcher.batches(data, namespace: settings.namespace)
            if let spool {
                let unspooled = batches.filter { !spoolBatch($0, in: spool) }
                if !isDelivering {
                    isDelivering = true
                    (report.published, report.destinationFailed) = await deliver(spool, to: sink)
                    isDelivering = false
                }
                report.pending = spool.pendingWeight
                // Batches the spool could not take (disk full, folder gone) are still sent once, directly.
                for batch in unspooled {
                    switch await send(batch, namespace: settings.namespace, to: sink) {
                    case .accepted: report.published += batch.sampleCount
                    case .rejected: break
                    case .unreachable:
                        report.destinationFailed = true
                        counters.droppedUnspoolable += batch.sampleCount
                    }
                }
            } else {
                for batch in batches {
                    let sent = await send(batch, namespace: settings.namespace, to: sink)
                    switch sent {
                    case .accepted: report.published += batch.sampleCount
                    case .rejected: break
                    case .unreachable:
                        report.destinationFailed = true
                        counters.droppedUnspoolable += batch.sampleCount
                    }
                }
            }
        }
        return report
    }

    /// Flushes every `flushInterval` until the task is cancelled, then flushes once more (in a task of its
    /// own, so the cancellation does not cut that last delivery short; what it cannot deliver stays spooled).
    package func run() async {
        while !Task.isCancelled {
            do {
                try await sleeper.sleep(for: settings.flushInterval)
            } catch {
                break
            }
            await flush()
        }
        _ = await Task { await self.flush() }.value
    }

    /// Appends `batch` to the spool; `false` when it could not be written (it is then sent directly).
    private func spoolBatch(_ batch: [CloudWatchClient.MetricDatum], in spool: MetricSpool) -> Bool {
        let weight = batch.sampleCount
        do {
            let dropped = try spool.append(
                SpooledBatch(namespace: settings.namespace, data: batch).encoded(), weight: UInt32(clamping: weight))
            counters.droppedSpoolFull += dropped
            return true
        } catch {
            logger.error(
                "metric batch could not be spooled; sending it directly",
                metadata: ["spool.error": "\(error)", "metric.datapoints": "\(weight)"])
            return false
        }
    }

    /// Delivers the spool from its cursor until it is empty or the destination fails.
    private func deliver(_ spool: MetricSpool, to sink: any MetricSink) async -> (published: Int, failed: Bool) {
        var published = 0
        while true {
            let entry: MetricSpool.Entry
            do {
                guard let next = try spool.peek() else { return (published, false) }
                entry = next
            } catch {
                logger.error("metric spool could not be read", metadata: ["spool.error": "\(error)"])
                return (published, true)
            }
            let batch: SpooledBatch
            do {
                batch = try SpooledBatch.decode(entry.payload)
            } catch {
                counters.droppedUnreadable += Int(entry.weight)
                logger.error(
                    "metric spool record unreadable; skipped",
                    metadata: ["spool.segment": "\(entry.position.segment)", "spool.offset": "\(entry.position.offset)"])
                if !commit(entry, in: spool) { return (published, true) }
                continue
            }
            let window = MetricTimestampWindow(now: now(), margin: settings.timestampMargin)
            let (accepted, outOfRange) = window.partition(batch.metricData)
            if !outOfRange.isEmpty {
                counters.droppedOutOfRange += outOfRange.sampleCount
                logger.warning(
                    "spooled metric data points outside CloudWatch's accepted time range; dropped",
                    metadata: ["metric.datapoints": "\(outOfRange.sampleCount)"])
            }
            if !accepted.isEmpty {
                switch await send(accepted, namespace: batch.namespace, to: sink) {
                case .accepted: published += accepted.sampleCount
                case .rejected: break
                case .unreachable: return (published, true)
                }
            }
            if !commit(entry, in: spool) { return (published, true) }
        }
    }

    private func commit(_ entry: MetricSpool.Entry, in spool: MetricSpool) -> Bool {
        do {
            try spool.commit(entry)
            return true
        } catch {
            logger.error("metric spool cursor could not be saved", metadata: ["spool.error": "\(error)"])
            return false
        }
    }

    private enum SendOutcome { case accepted, rejected, unreachable }

    private func send(
        _ data: [CloudWatchClient.MetricDatum], namespace: String, to sink: any MetricSink
    ) async -> SendOutcome {
        do {
            try await sink.publish(namespace: namespace, data: data)
            counters.published += data.sampleCount
            return .accepted
        } catch {
            if Self.isPermanent(error) {
                counters.droppedRejected += data.sampleCount
                logger.error(
                    "CloudWatch refused metric data as invalid; dropped",
                    metadata: ["aws.error": "\(error)", "metric.datapoints": "\(data.sampleCount)"])
                return .rejected
            }
            logger.warning(
                "CloudWatch unavailable; metric data kept for later",
                metadata: ["aws.error": "\(error)", "metric.datapoints": "\(data.sampleCount)"])
            return .unreachable
        }
    }

    /// Whether CloudWatch will never accept the request however often it is sent (a parameter it refuses).
    /// Throttling, 5xx, transport, credential and permission failures are not permanent: an operator can fix
    /// them, and the data waits in the spool.
    package static func isPermanent(_ error: AWSError) -> Bool {
        switch error.kind {
        case .invalidRequest: return true
        case .service:
            return [
                "InvalidParameterValue", "InvalidParameterValueException", "MissingParameter",
                "MissingRequiredParameterException", "InvalidParameterCombination",
                "InvalidParameterCombinationException", "SerializationException",
            ].contains(error.code) || error.statusCode == 413
        case .transport, .credentials, .malformedResponse: return false
        }
    }
}
