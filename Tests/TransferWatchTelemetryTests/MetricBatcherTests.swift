import Foundation
import Testing
import TransferWatchAWS
import TransferWatchLocking
import TransferWatchTestSupport
@testable import TransferWatchTelemetry

/// Splitting into PutMetricData requests: 1000 data points, 1 MB, order kept; the size estimate is checked
/// against the bodies the real client sends to a local server.
@Suite struct MetricBatcherTests {
    static let now = Date()

    static func datum(_ index: Int, dimensionValue: String = "prod") -> CloudWatchClient.MetricDatum {
        .init(
            name: "CopyLatency", value: .distribution(values: [Double(index), 1e300, -0.000123456789], counts: [1, 2, 3]),
            unit: .milliseconds, dimensions: [.init(name: "Environment", value: dimensionValue)], timestamp: now)
    }

    @Test func splitsAt1000DataPointsKeepingOrder() {
        let data = (0..<2_345).map { Self.datum($0) }
        let batches = MetricBatcher.batches(data, namespace: "TransferWatch")
        #expect(batches.map(\.count) == [1000, 1000, 345])
        #expect(batches.flatMap { $0 } == data)
    }

    @Test func splitsByPayloadSizeAndTheEstimateBoundsTheRealBody() async throws {
        // 30 dimensions of 1,000 characters each: about 60 KB per data point, so far fewer than 1000 fit in 1 MB.
        let dimensions = (0..<30).map { CloudWatchClient.Dimension(name: "D\($0)", value: String(repeating: "v\($0 % 10)", count: 500)) }
        let data = (0..<60).map { index in
            CloudWatchClient.MetricDatum(
                name: "BytesCopied", value: .statistics(.init(sampleCount: 3, sum: Double(index) * 1.1, minimum: 0, maximum: 1e-7 + Double(index))),
                unit: .bytes, dimensions: dimensions, timestamp: Self.now)
        }
        let batches = MetricBatcher.batches(data, namespace: "TransferWatch/Size")
        #expect(batches.count > 1)
        #expect(batches.flatMap { $0 } == data)

        let sizes = Locked<[Int]>([])
        let server = try LocalHTTPServer.start { request in
            sizes.withLock { $0.append(request.body.count) }
            return .json("{}")
        }
        defer { server.stop() }
        var context = TestContexts.make(endpoint: URL(string: server.baseURL)!)
        context.minCompressionSize = .max
        let client = CloudWatchClient(context: context)
        for batch in batches {
            try await client.putMetricData(namespace: "TransferWatch/Size", data: batch)
        }
        let bodies = sizes.withLock { $0 }
        #expect(bodies.count == batches.count)
        for (body, batch) in zip(bodies, batches) {
            #expect(body <= MetricBatcher.maxRequestBytes)
            #expect(body <= 64 + 2 * "TransferWatch/Size".utf8.count + batch.map(MetricBatcher.estimatedBytes).reduce(0, +))
        }
        // The split is not wasteful: each full request is above half the limit.
        #expect(bodies.dropLast().allSatisfy { $0 > MetricBatcher.maxRequestBytes / 2 })
    }

    @Test func oneOversizedDatumStillGetsItsOwnRequest() {
        let data = [Self.datum(1), Self.datum(2), Self.datum(3)]
        let batches = MetricBatcher.batches(data, namespace: "N", maxBytes: 10)
        #expect(batches.map(\.count) == [1, 1, 1])
    }
}
