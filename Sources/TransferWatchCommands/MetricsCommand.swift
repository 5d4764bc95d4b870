import ArgumentParser
import Foundation
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchTelemetry
import TransferWatchWorkflows

/// `transferwatch metrics flush|emf`: the metric spool and Embedded Metric Format from the command line.
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Deliver the metric spool to CloudWatch, or turn step records into EMF lines.",
        subcommands: [Flush.self, EMF.self]
    )

    /// `metrics flush`: deliver what waits in `<spool>/metrics` now.
    struct Flush: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "flush",
            abstract: "Deliver the metric batches waiting in the spool to CloudWatch, oldest first.",
            discussion: """
                Batches whose data points fell outside CloudWatch's accepted time range (2 weeks back, 2 hours
                ahead) are dropped and counted. The spool is locked while the agent runs: stop it first.
                Exit status: 0 the spool is empty; 1 CloudWatch could not be reached (the rest stays spooled)
                or the spool is in use; 2 configuration error.
                """
        )

        @ParentCommand var root: TransferWatchCommand

        func run() async throws {
            let context = try CommandContext.make(global: root.global)
            let directory = MetricsPublisher.spoolDirectory(context.configuration)
            let publisher: MetricsPublisher
            do {
                publisher = try MetricsPublisher(
                    settings: .init(namespace: context.configuration.namespace, environment: context.configuration.environment),
                    destination: .cloudWatch(CloudWatchMetricSink(client: CloudWatchClient(context: context.aws))),
                    spool: .init(directory: directory, maxBytes: context.configuration.metrics.spoolMaxBytes.bytes),
                    now: context.now, logger: context.logger)
            } catch {
                throw CommandFailure.failed("error: \(error)")
            }
            let before = await publisher.pendingDatapoints
            let report = await publisher.flush()
            let statistics = await publisher.statistics
            print(
                "delivered \(report.published) of \(before) spooled data points; \(report.pending) pending; "
                    + "\(statistics.dropped) dropped (\(statistics.droppedOutOfRange) out of range, \(statistics.droppedRejected) rejected)"
            )
            if report.destinationFailed || report.pending > 0 {
                throw CommandFailure.failed("error: CloudWatch did not accept every batch; \(report.pending) data points stay in \(directory)")
            }
        }
    }

    /// `metrics emf`: step records in, EMF lines out.
    struct EMF: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "emf",
            abstract: "Print the metrics of step records (copy/provision/teardown --json) as Embedded Metric Format lines.",
            discussion: """
                Reads a `copy --json` report, a step record, an array of step records, or one record per line, from
                FILE or standard input (-). Each record's metrics are aggregated per minute like the agent's and
                printed as one JSON line per event for CloudWatch Logs (Lambda stdout). A record that cannot be
                read is reported on stderr by its position, the others are still printed, and the exit status is 1.
                """
        )

        @ParentCommand var root: TransferWatchCommand

        @Argument(help: "The step records (a file, or - for standard input).") var input: String = "-"

        func run() async throws {
            let context = try CommandContext.make(global: root.global)
            let data: Data
            if input == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let read = FileManager.default.contents(atPath: input) else {
                    throw CommandFailure.usage("error: \(input): cannot be read")
                }
                data = read
            }
            let name = input == "-" ? "<stdin>" : input
            let (samples, errors) = StepRecordSamples.read(data, name: name)
            var aggregator = MetricAggregator(
                environment: context.configuration.environment, distributionMetrics: Set(MetricName.all.map(\.name)))
            aggregator.add(samples)
            for line in EMFEncoder.lines(
                namespace: context.configuration.namespace, data: aggregator.drain(), now: context.now())
            {
                print(line)
            }
            for error in errors { TransferWatchCommand.printError(error) }
            if !errors.isEmpty { throw CommandFailure.failed() }
        }
    }
}

/// Reads step records of any workflow from JSON and turns them into metric samples.
enum StepRecordSamples {
    /// The samples of every readable record in `data`, and one error line per unreadable record.
    static func read(_ data: Data, name: String) -> (samples: [MetricSample], errors: [String]) {
        var objects: [(position: Int, label: String, object: Any)] = []
        var errors: [(position: Int, message: String)] = []
        if let whole = try? JSONSerialization.jsonObject(with: data) {
            if let report = whole as? [String: Any], let records = report["records"] as? [Any] {
                objects = records.enumerated().map { ($0.offset, "\(name): record \($0.offset + 1)", $0.element) }
            } else if let array = whole as? [Any] {
                objects = array.enumerated().map { ($0.offset, "\(name): record \($0.offset + 1)", $0.element) }
            } else {
                objects = [(0, "\(name): record 1", whole)]
            }
        } else {
            for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) {
                    objects.append((index, "\(name):\(index + 1)", object))
                } else {
                    errors.append((index, "error: \(name):\(index + 1): not a JSON step record"))
                }
            }
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var samples: [MetricSample] = []
        for (position, label, object) in objects {
            guard let fields = object as? [String: Any],
                let bytes = try? JSONSerialization.data(withJSONObject: fields)
            else {
                errors.append((position, "error: \(label): not a JSON object"))
                continue
            }
            do {
                if fields["source"] != nil {
                    samples += MetricSample.samples(from: try decoder.decode(CopyStepRecord.self, from: bytes))
                } else if fields["runID"] != nil {
                    samples += MetricSample.samples(from: try decoder.decode(ProvisioningStepRecord.self, from: bytes))
                } else if fields["reason"] != nil {
                    samples += MetricSample.samples(from: try decoder.decode(TeardownStepRecord.self, from: bytes))
                } else {
                    errors.append((position, "error: \(label): not a copy, provisioning or teardown step record"))
                }
            } catch {
                errors.append((position, "error: \(label): \(describe(error))"))
            }
        }
        return (samples, errors.sorted { $0.position < $1.position }.map(\.message))
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "field '\(path)': \(context.debugDescription)"
        case DecodingError.valueNotFound(_, let context):
            return "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' is null"
        default: return "\(error)"
        }
    }
}
