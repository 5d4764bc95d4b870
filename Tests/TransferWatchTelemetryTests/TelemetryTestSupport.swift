import Foundation
import Logging
import TransferWatchAWS
import TransferWatchLocking
@testable import TransferWatchTelemetry

/// A fresh temporary folder for one test.
func makeTemporaryDirectory(_ name: String = #function) -> String {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let path = NSTemporaryDirectory() + "tw-telemetry-\(safe)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A logger that drops everything.
let quietLogger = Logger(label: "test.telemetry", factory: { _ in SwiftLogNoOpLogHandler() })

/// A logger that keeps every message, for checking what was logged.
final class LogRecorder: @unchecked Sendable {
    private let lock = Locked<[String]>([])
    /// The messages so far.
    var messages: [String] { lock.withLock { $0 } }

    /// A logger writing into this recorder.
    var logger: Logger {
        Logger(label: "test.telemetry.recorded", factory: { _ in RecordingHandler(recorder: self) })
    }

    fileprivate func append(_ message: String) { lock.withLock { $0.append(message) } }

    private struct RecordingHandler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let data = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            recorder.append("\(event.message) \(data.joined(separator: " "))")
        }
    }
}

/// A sink that records what it accepted and can be told to fail like an unreachable CloudWatch.
actor FakeMetricSink: MetricSink {
    enum Mode { case accept, unreachable, reject }
    private(set) var accepted: [[CloudWatchClient.MetricDatum]] = []
    private(set) var attempts = 0
    var mode: Mode = .accept

    func set(_ mode: Mode) { self.mode = mode }

    func publish(namespace: String, data: [CloudWatchClient.MetricDatum]) async throws(AWSError) {
        attempts += 1
        switch mode {
        case .accept: accepted.append(data)
        case .unreachable:
            throw AWSError(kind: .transport(.connectFailed), service: "CloudWatch", operation: "PutMetricData", code: "connectFailed", message: "refused", attempts: 3)
        case .reject:
            throw AWSError(service: "CloudWatch", operation: "PutMetricData", statusCode: 400, code: "InvalidParameterValue", message: "bad")
        }
    }

    /// The total samples accepted.
    var acceptedSamples: Int { accepted.reduce(0) { $0 + $1.sampleCount } }
}

/// A clock the test moves by hand.
final class ManualNow: @unchecked Sendable {
    private let lock: Locked<Date>
    init(_ start: Date) { lock = Locked(start) }
    var now: Date { lock.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { lock.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var closure: @Sendable () -> Date { { [self] in self.now } }
}
