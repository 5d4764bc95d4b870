import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTelemetry

extension ReliabilityFixture {
    /// The sum of every `name` datapoint the agents published (dimension `Environment=prod`), read from moto.
    func metricSum(_ name: String) async throws -> Double {
        let start = try #require(AWSDate.parseISO8601("2026-11-20T00:00:00Z"))
        let end = Date().addingTimeInterval(86_400)
        let results = try await cloudWatch.getMetricData(
            queries: [
                .metric(
                    id: "m", namespace: Self.namespace, name: name,
                    dimensions: [.init(name: "Environment", value: "prod")], period: 86_400, stat: "Sum")
            ], start: start, end: end)
        return results.flatMap(\.values).reduce(0, +)
    }

    /// Opens `<spool>/metrics` as the agent left it: it must exist (the agent spools its batches there), open
    /// without repairing anything (a `kill -9` never leaves a corrupt record), and, once every agent has
    /// stopped cleanly, hold nothing left to replay.
    func expectSpoolIntact(drained: Bool) throws {
        let directory = spool.appendingPathComponent("metrics").path
        #expect(FileManager.default.fileExists(atPath: directory), "the agent never created its metric spool \(directory)")
        guard FileManager.default.fileExists(atPath: directory) else { return }
        let opened = try MetricSpool(
            directory: directory, maxBytes: 64 << 20, logger: Logger(label: "soak", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { opened.close() }
        #expect(opened.recovery.truncatedBytes == 0, "a corrupt or torn record: \(opened.recovery)")
        #expect(opened.recovery.truncatedSegments.isEmpty, "corrupt segments: \(opened.recovery.truncatedSegments)")
        #expect(!opened.recovery.cursorReset, "the cursor was unreadable")
        var records = 0
        while let entry = try opened.peek() {
            records += 1
            try opened.commit(entry)
        }
        if drained { #expect(records == 0, "\(records) batches were never replayed") }
    }
}
