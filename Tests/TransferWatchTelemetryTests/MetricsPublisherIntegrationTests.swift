import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchLocking
import TransferWatchTestSupport
import TransferWatchWorkflows
@testable import TransferWatchTelemetry

/// The publisher against moto 5.2.1's CloudWatch over real HTTP with SigV4: the sums GetMetricData returns
/// equal the step records', through several flushes, gzip, and an outage of CloudWatch (connection refused,
/// then 503s and throttling from local servers) after which every data point arrives exactly once.
@Suite(.requiresMoto)
struct MetricsPublisherIntegrationTests {
    static let environment = CloudWatchClient.Dimension(name: "Environment", value: "integration")

    /// Step records with deterministic results, latencies and sizes, spread over five minutes before `base`.
    static func copyRecords(_ count: Int, base: Date, seed: Int) -> [CopyStepRecord] {
        (0..<count).map { index in
            let n = index + seed
            var record = CopyStepRecord(
                source: .init(bucket: "in", key: "u\(n % 13)/f\(n).pdf"), destination: .init(bucket: "out", key: "u/f\(n).pdf"),
                startedAt: base)
            record.result = n % 11 == 0 ? .failed : (n % 17 == 0 ? .alreadyMoved : .moved)
            record.bytes = record.result == .moved ? Int64(1000 + (n * 7919) % 500_000) : 0
            record.latencyMilliseconds = 20 + (n * 31) % 400
            record.finishedAt = base.addingTimeInterval(Double(index % 300))
            return record
        }
    }

    /// What the records say the sums must be.
    struct Expected: Equatable {
        var succeeded = 0.0, failed = 0.0, copySamples = 0.0, latencySum = 0.0, latencyCount = 0.0, bytes = 0.0

        init(_ records: [CopyStepRecord]) {
            for record in records {
                copySamples += 1
                if record.result == .moved {
                    succeeded += 1
                    latencySum += Double(record.latencyMilliseconds)
                    latencyCount += 1
                    bytes += Double(record.bytes)
                }
                if record.result == .failed { failed += 1 }
            }
        }

        init() {}
    }

    static func readBack(_ client: CloudWatchClient, namespace: String, base: Date) async throws -> Expected {
        func query(_ id: String, _ name: String, _ stat: String) -> CloudWatchClient.MetricDataQuery {
            .metric(id: id, namespace: namespace, name: name, dimensions: [environment], period: 60, stat: stat)
        }
        let results = try await client.getMetricData(
            queries: [
                query("succeeded", "CopySucceeded", "Sum"), query("failed", "CopyFailed", "Sum"),
                query("samples", "CopySucceeded", "SampleCount"), query("latencysum", "CopyLatency", "Sum"),
                query("latencycount", "CopyLatency", "SampleCount"), query("bytes", "BytesCopied", "Sum"),
            ],
            start: base.addingTimeInterval(-120), end: base.addingTimeInterval(600))
        let sums = Dictionary(uniqueKeysWithValues: results.map { ($0.id, $0.sum) })
        var read = Expected()
        read.succeeded = sums["succeeded"] ?? -1
        read.failed = sums["failed"] ?? -1
        read.copySamples = sums["samples"] ?? -1
        read.latencySum = sums["latencysum"] ?? -1
        read.latencyCount = sums["latencycount"] ?? -1
        read.bytes = sums["bytes"] ?? -1
        return read
    }

    static var base: Date { Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 - 420) }

    @Test func sumsOfTwelveHundredStepRecordsOverSeveralGzipFlushesMatchExactly() async throws {
        let moto = try await MotoServer.start(logger: quietLogger)
        defer { moto.stop() }
        let transport = EncodingRecordingTransport()
        var context = TestContexts.make(endpoint: moto.endpoint, transport: transport)
        context.minCompressionSize = 1024
        let client = CloudWatchClient(context: context)
        let namespace = "TransferWatch/Publisher"
        let base = Self.base
        let publisher = try MetricsPublisher(
            settings: .init(namespace: namespace, environment: "integration"),
            destination: .cloudWatch(CloudWatchMetricSink(client: client)),
            spool: .init(directory: makeTemporaryDirectory(), maxBytes: 64 << 20), now: { Date() }, logger: quietLogger)
        let records = Self.copyRecords(1_200, base: base, seed: 0)
        var flushes = 0
        for chunk in stride(from: 0, to: records.count, by: 300) {
            for record in records[chunk..<chunk + 300] { await publisher.record(record) }
            let report = await publisher.flush()
            #expect(report.pending == 0)
            #expect(!report.destinationFailed)
            flushes += 1
        }
        #expect(flushes == 4)
        #expect(await publisher.droppedDatapoints == 0)
        #expect(try await Self.readBack(client, namespace: namespace, base: base) == Expected(records))
        // Every flush's body crossed the (lowered) threshold: moto accepted them gzip-compressed.
        #expect(transport.encodings == ["gzip", "gzip", "gzip", "gzip"])
    }

    @Test func anOutageOfCloudWatchLosesAndDuplicatesNothing() async throws {
        let moto = try await MotoServer.start(logger: quietLogger)
        defer { moto.stop() }
        // A port nobody listens on (connection refused), a server answering 503, one throttling.
        let closed = try LocalHTTPServer.start(script: [])
        let closedEndpoint = URL(string: closed.baseURL)!
        closed.stop()
        let unavailable = try LocalHTTPServer.start { _ in
            .json(status: 503, #"{"__type":"ServiceUnavailable","message":"try later"}"#)
        }
        defer { unavailable.stop() }
        let throttling = try LocalHTTPServer.start { _ in
            .json(
                status: 400, #"{"__type":"com.amazonaws.cloudwatch#ThrottlingException","message":"Rate exceeded"}"#,
                headers: [("x-amzn-query-error", "Throttling;Sender")])
        }
        defer { throttling.stop() }
        let sink = SwitchingSink(
            [
                "refused": CloudWatchClient(context: TestContexts.make(endpoint: closedEndpoint, maxAttempts: 2)),
                "503": CloudWatchClient(context: TestContexts.make(endpoint: URL(string: unavailable.baseURL)!, maxAttempts: 2)),
                "throttled": CloudWatchClient(context: TestContexts.make(endpoint: URL(string: throttling.baseURL)!, maxAttempts: 2)),
                "moto": CloudWatchClient(context: TestContexts.make(endpoint: moto.endpoint)),
            ], current: "moto")
        let namespace = "TransferWatch/Outage"
        let base = Self.base
        let directory = makeTemporaryDirectory()
        let publisher = try MetricsPublisher(
            settings: .init(namespace: namespace, environment: "integration"), destination: .cloudWatch(sink),
            spool: .init(directory: directory, maxBytes: 64 << 20), now: { Date() }, logger: quietLogger)
        let records = Self.copyRecords(1_500, base: base, seed: 7)
        for (index, phase) in ["moto", "refused", "refused", "503", "throttled", "moto"].enumerated() {
            sink.switchTo(phase)
            for record in records[index * 250..<(index + 1) * 250] { await publisher.record(record) }
            let report = await publisher.flush()
            #expect(report.destinationFailed == (phase != "moto"), "phase \(index) \(phase)")
        }
        #expect(await publisher.pendingDatapoints == 0)
        #expect(await publisher.droppedDatapoints == 0)
        #expect(unavailable.requests().count >= 2)
        #expect(throttling.requests().count >= 2)
        #expect(try await Self.readBack(sink.client("moto"), namespace: namespace, base: base) == Expected(records))
    }
}

/// Forwards to libcurl and remembers each PutMetricData's `Content-Encoding`.
final class EncodingRecordingTransport: HTTPTransport {
    private let seen = Locked<[String]>([])
    var encodings: [String] { seen.withLock { $0 } }

    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        if request.headers["X-Amz-Target"]?.hasSuffix("PutMetricData") == true {
            seen.withLock { $0.append(request.headers["Content-Encoding"] ?? "identity") }
        }
        return try await TestContexts.sharedTransport.send(request, timeout: timeout)
    }
}

/// A sink that sends through one of several real clients, switched by the test: CloudWatch "goes away" by
/// pointing at a closed port or a server answering 503, and "comes back" by pointing at moto again.
final class SwitchingSink: MetricSink {
    private let clients: [String: CloudWatchClient]
    private let current: Locked<String>

    init(_ clients: [String: CloudWatchClient], current: String) {
        self.clients = clients
        self.current = Locked(current)
    }

    func switchTo(_ name: String) { current.withLock { $0 = name } }

    func client(_ name: String) -> CloudWatchClient { clients[name]! }

    func publish(namespace: String, data: [CloudWatchClient.MetricDatum]) async throws(AWSError) {
        let name = current.withLock { $0 }
        try await clients[name]!.putMetricData(namespace: namespace, data: data)
    }
}
