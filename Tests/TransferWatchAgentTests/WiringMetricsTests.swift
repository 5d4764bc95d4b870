import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchConfig
import TransferWatchLocking
import TransferWatchTelemetry
import TransferWatchTestSupport
import TransferWatchWorkflows

/// ``AgentMetrics``: the publisher (EMF here) and `/metrics` get the same samples.
struct WiringMetricsTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func aCopyAndTheGaugesReachBothDestinations() async throws {
        let configuration = try Configuration(
            yaml: """
                region: us-east-1
                buckets: {source: invoices-incoming, destination: invoices-archive}
                tables: {employees: SFTPUsers, state: TransferWatchState}
                metrics: {output: emf}
                """, file: "transferwatch.yaml", environment: [:])
        let lines = Locked<[String]>([])
        let publisher = try MetricsPublisher.make(
            configuration: configuration, cloudWatch: CloudWatchClient(context: TestContexts.make(endpoint: URL(string: "http://127.0.0.1:9")!)),
            writeLine: { line in lines.withLock { $0.append(line) } }, now: { Self.now },
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let prometheus = PrometheusMetricStore(environment: configuration.environment)
        let metrics = AgentMetrics(publisher: publisher, prometheus: prometheus)

        var moved = CopyStepRecord(
            source: .init(bucket: "invoices-incoming", key: "alice/1.pdf", size: 2048),
            destination: .init(bucket: "invoices-archive", key: "alice/1.pdf"), startedAt: Self.now)
        moved.result = .moved
        moved.bytes = 2048
        moved.latencyMilliseconds = 120
        await metrics.record(moved, at: Self.now)
        await metrics.record(
            PipelineGauges(delivered: 1, expected: 3, serverOnline: true, serverAgeHours: 7, alertsFiring: 1),
            firingRules: ["stalled-counter"], at: Self.now)

        let text = PrometheusTextFormat.render(await prometheus.metricFamilies())
        #expect(text.contains("transferwatch_copy_succeeded_total{environment=\"prod\"} 1"), "\(text)")
        #expect(text.contains("transferwatch_employees_expected{environment=\"prod\"} 3"), "\(text)")
        #expect(text.contains("rule=\"stalled-counter\""), "\(text)")

        _ = await publisher.flush()
        let emf = lines.withLock { $0 }.joined(separator: "\n")
        for name in ["CopySucceeded", "BytesCopied", "EmployeesExpected", "AlertsFiring", "RuleViolations"] {
            #expect(emf.contains("\"\(name)\""), "\(name) missing from \(emf)")
        }
    }
}
