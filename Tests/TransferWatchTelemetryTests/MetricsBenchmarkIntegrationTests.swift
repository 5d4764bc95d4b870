import Foundation
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

@testable import TransferWatchTelemetry

/// The two paths `make bench` measures, against moto 5.2.1 over real HTTP with SigV4 and gzip: the raw path
/// (``MetricsPublisher/publishSynthetic(datapoints:to:namespace:environment:now:)``, every data point its own
/// value, as boto3 sends them) and the agent's path (aggregation into statistic sets and values with counts,
/// then the spool) put the same information into CloudWatch: per minute and metric, GetMetricData returns the
/// same sum, sample count, minimum and maximum from both, and they equal what the data points say.
@Suite(.requiresMoto)
struct MetricsBenchmarkIntegrationTests {
    static let metrics = ["CopySucceeded", "CopyLatency", "BytesCopied"]
    static let statistics = ["Sum", "SampleCount", "Minimum", "Maximum"]

    @Test func rawAndAgentPathsReadBackTheSameStatisticsPerMinute() async throws {
        let moto = try await MotoServer.start(logger: quietLogger)
        defer { moto.stop() }
        let client = CloudWatchClient(context: TestContexts.make(endpoint: moto.endpoint))
        let sink = CloudWatchMetricSink(client: client)
        let count = 3_000
        // Mid-minute, so the hour of timestamps crosses minute boundaries unevenly.
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 - 60 + 37.5)

        let raw = try await MetricsPublisher.publishSynthetic(
            datapoints: count, to: sink, namespace: "Bench/Raw", environment: "raw", now: now)
        #expect(raw == .init(datapoints: count, requests: 3))
        let agent = try await MetricsPublisher.publishSyntheticThroughAgentPath(
            datapoints: count, to: sink, namespace: "Bench/Agent", environment: "agent",
            spoolDirectory: makeTemporaryDirectory(), now: now, logger: quietLogger)
        #expect(agent.datapoints == count)
        #expect(agent.requests == 1)

        // What the data points say, per metric, statistic and minute.
        var expected: [String: [Date: Double]] = [:]
        for sample in MetricsPublisher.syntheticSamples(count: count, now: now) {
            let minute = Date(timeIntervalSince1970: (sample.timestamp.timeIntervalSince1970 / 60).rounded(.down) * 60)
            let name = sample.metric.name
            expected["\(name).Sum", default: [:]][minute, default: 0] += sample.value
            expected["\(name).SampleCount", default: [:]][minute, default: 0] += 1
            expected["\(name).Minimum", default: [:]][minute] = min(
                expected["\(name).Minimum"]?[minute] ?? .infinity, sample.value)
            expected["\(name).Maximum", default: [:]][minute] = max(
                expected["\(name).Maximum"]?[minute] ?? -.infinity, sample.value)
        }
        #expect((expected["CopyLatency.SampleCount"]?.count ?? 0) >= 50)

        // Each path gets its own Environment: moto 5.2.1's GetMetricData ignores the namespace of a query with
        // dimensions (models.py filters on name and dimensions only).
        let start = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60 - 3660)
        let end = now.addingTimeInterval(120)
        let rawRead = try await Self.readBack(
            client, namespace: "Bench/Raw", environment: "raw", start: start, end: end)
        let agentRead = try await Self.readBack(
            client, namespace: "Bench/Agent", environment: "agent", start: start, end: end)
        for key in expected.keys.sorted() {
            #expect(rawRead[key] == expected[key], "raw \(key)")
            #expect(agentRead[key] == expected[key], "agent \(key)")
        }
    }

    /// Every metric's four statistics per minute, keyed `Metric.Statistic`.
    static func readBack(
        _ client: CloudWatchClient, namespace: String, environment: String, start: Date, end: Date
    ) async throws -> [String: [Date: Double]] {
        var queries: [CloudWatchClient.MetricDataQuery] = []
        var keys: [String: String] = [:]
        for (m, metric) in metrics.enumerated() {
            for (s, statistic) in statistics.enumerated() {
                let id = "q\(m)x\(s)"
                keys[id] = "\(metric).\(statistic)"
                queries.append(
                    .metric(
                        id: id, namespace: namespace, name: metric,
                        dimensions: [.init(name: "Environment", value: environment)], period: 60, stat: statistic))
            }
        }
        let results = try await client.getMetricData(queries: queries, start: start, end: end)
        var read: [String: [Date: Double]] = [:]
        for result in results {
            guard let key = keys[result.id] else { continue }
            read[key] = Dictionary(zip(result.timestamps, result.values), uniquingKeysWith: +)
        }
        return read
    }
}
