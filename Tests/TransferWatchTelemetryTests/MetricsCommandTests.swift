import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport
import TransferWatchWorkflows
@testable import TransferWatchTelemetry

/// `transferwatch metrics flush` and `transferwatch metrics emf` as processes.
@Suite(.requiresMoto) struct MetricsCommandTests {
    static let environment = [
        "AWS_ACCESS_KEY_ID": TestContexts.motoCredentials.accessKeyID,
        "AWS_SECRET_ACCESS_KEY": TestContexts.motoCredentials.secretAccessKey,
        "AWS_EC2_METADATA_DISABLED": "true",
    ]

    static func writeConfig(endpoint: URL, spool: String, extra: String = "") throws -> String {
        let directory = makeTemporaryDirectory("config")
        let path = directory + "/transferwatch.yaml"
        try """
        region: us-east-1
        endpoint: \(endpoint.absoluteString)
        environment: integration
        namespace: TransferWatch/CLI
        buckets: {source: invoices-incoming, destination: invoices-archive}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        spool: \(spool)
        aws: {maxAttempts: 1}
        \(extra)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func flushDeliversTheSpoolWhenCloudWatchAnswersAndKeepsItWhenNot() async throws {
        let moto = try await MotoServer.start(logger: quietLogger)
        defer { moto.stop() }
        let spoolRoot = makeTemporaryDirectory("spool")
        let base = MetricsPublisherIntegrationTests.base
        let records = MetricsPublisherIntegrationTests.copyRecords(400, base: base, seed: 3)
        let samples = records.flatMap { MetricSample.samples(from: $0) }.count
        // An agent that could not reach CloudWatch left its batches in the spool.
        do {
            let sink = FakeMetricSink()
            await sink.set(.unreachable)
            let publisher = try MetricsPublisher(
                settings: .init(namespace: "TransferWatch/CLI", environment: "integration"), destination: .cloudWatch(sink),
                spool: .init(directory: spoolRoot + "/metrics", maxBytes: 64 << 20), now: { Date() }, logger: quietLogger)
            for record in records { await publisher.record(record) }
            await publisher.flush()
            #expect(await publisher.pendingDatapoints == samples)
        }

        // CloudWatch unreachable: exit 1, everything stays.
        let closed = try writeConfigForClosedPort(spool: spoolRoot)
        let failed = try await CLIProcess.run(["--config", closed, "metrics", "flush"], environment: Self.environment)
        #expect(failed.status == 1, "\(failed.standardError)")
        #expect(failed.standardOutput.hasPrefix("delivered 0 of \(samples) spooled data points; \(samples) pending"))
        #expect(failed.errorLines.last?.hasPrefix("error: CloudWatch did not accept every batch; \(samples) data points stay in") == true)

        let config = try Self.writeConfig(endpoint: moto.endpoint, spool: spoolRoot)
        let flushed = try await CLIProcess.run(["--config", config, "metrics", "flush"], environment: Self.environment)
        #expect(flushed.status == 0, "\(flushed.standardError)")
        #expect(flushed.standardOutput.hasPrefix("delivered \(samples) of \(samples) spooled data points; 0 pending; 0 dropped"))
        let client = CloudWatchClient(context: TestContexts.make(endpoint: moto.endpoint))
        #expect(
            try await MetricsPublisherIntegrationTests.readBack(client, namespace: "TransferWatch/CLI", base: base)
                == MetricsPublisherIntegrationTests.Expected(records))

        // Again: nothing left, nothing sent twice.
        let again = try await CLIProcess.run(["--config", config, "metrics", "flush"], environment: Self.environment)
        #expect(again.status == 0)
        #expect(again.standardOutput.hasPrefix("delivered 0 of 0 spooled data points"))
        #expect(
            try await MetricsPublisherIntegrationTests.readBack(client, namespace: "TransferWatch/CLI", base: base)
                == MetricsPublisherIntegrationTests.Expected(records))
    }

    func writeConfigForClosedPort(spool: String) throws -> String {
        let server = try LocalHTTPServer.start(script: [])
        let endpoint = URL(string: server.baseURL)!
        server.stop()
        return try Self.writeConfig(endpoint: endpoint, spool: spool)
    }

    @Test func emfPrintsLinesForGoodRecordsAndNamesTheBadOnes() async throws {
        let config = try Self.writeConfig(endpoint: URL(string: "http://127.0.0.1:9")!, spool: makeTemporaryDirectory("spool"))
        let records = MetricsPublisherIntegrationTests.copyRecords(3, base: Date(timeIntervalSince1970: 1_795_000_000), seed: 1)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        var lines = try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        lines.insert(#"{"source": {"bucket": "in"}}"#, at: 1)
        lines.insert("not json", at: 3)
        let input = makeTemporaryDirectory("records") + "/records.jsonl"
        try lines.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)

        let result = try await CLIProcess.run(["--config", config, "metrics", "emf", input], environment: Self.environment)
        #expect(result.status == 1)
        #expect(result.errorLines == [
            "error: \(input):2: missing field 'key'",
            "error: \(input):4: not a JSON step record",
        ])
        let events = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(!events.isEmpty)
        #expect(events.allSatisfy { EMFEncoderTests.specificationProblems($0) == [] })
        let copies = events.flatMap { EMFEncoderTests.values($0, "CopySucceeded") } + events.flatMap { EMFEncoderTests.values($0, "CopyFailed") }
        #expect(copies.count == 6)
        #expect(events.allSatisfy { $0.contains(#""Namespace":"TransferWatch/CLI""#) && $0.contains(#""Environment":"integration""#) })
    }

    @Test func aBadMetricsKeyIsAConfigurationErrorWithItsLine() async throws {
        let config = try Self.writeConfig(
            endpoint: URL(string: "http://127.0.0.1:9")!, spool: makeTemporaryDirectory("spool"),
            extra: "metrics: {output: prometheus}")
        let result = try await CLIProcess.run(["--config", config, "metrics", "flush"], environment: Self.environment)
        #expect(result.status == 2)
        #expect(result.errorLines.first?.hasPrefix("\(config):9:19: error: metrics.output: unknown metrics output 'prometheus'") == true, "\(result.standardError)")
    }
}
