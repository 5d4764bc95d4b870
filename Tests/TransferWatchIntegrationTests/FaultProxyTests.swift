import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

/// The fault-injecting proxy (``FaultProxy``) and the AWS client through it: every kind of injected fault
/// reaches the client, and the client's retries still get every object and item across intact.
@Suite(.requiresMoto) struct FaultProxyTests {
    static let logger = Logger(label: "transferwatch.test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func clientRetriesThroughEveryKindOfFault() async throws {
        let moto = try await MotoServer.start(logger: Self.logger)
        defer { moto.stop() }
        let proxy = try await FaultProxy.start(upstream: moto.endpoint, rate: 0.15, latency: .milliseconds(20), seed: 11)
        defer { proxy.stop() }
        // Generous attempts: the point is that each fault is survivable, not botocore's default budget.
        let context = TestContexts.make(endpoint: proxy.endpoint, maxAttempts: 10)
        let s3 = S3Client(context: context)
        let dynamo = DynamoDBClient(context: context)

        let bucket = "tw-faults-\(UUID().uuidString.prefix(8).lowercased())"
        try await s3.createBucket(bucket)
        _ = try await dynamo.createTable(name: "faults", partitionKey: DynamoDBKeyAttribute("pk", .string))

        var bodies: [String: Data] = [:]
        for index in 0..<60 {
            let key = "alice/invoice-\(index).csv"
            let body = Data("invoice,\(index)\n".utf8) + Data(repeating: UInt8(ascii: "x"), count: 2_000 + index)
            bodies[key] = body
            _ = try await s3.putObject(bucket: bucket, key: key, body: body)
            try await dynamo.putItem(table: "faults", item: ["pk": .s(key), "size": .n("\(body.count)")])
        }
        for (key, body) in bodies {
            let (_, read) = try await s3.getObject(bucket: bucket, key: key)
            #expect(read == body, "\(key) came back different")
            let item = try await dynamo.getItem(table: "faults", key: ["pk": .s(key)], consistentRead: true)
            #expect(item?["size"] == .n("\(body.count)"))
        }

        let stats = try await proxy.statistics()
        let injected = FaultProxy.Fault.allCases.map { stats[$0.rawValue] ?? 0 }
        #expect(injected.reduce(0, +) >= 20, "too few faults injected: \(stats)")
        #expect(injected.filter { $0 > 0 }.count >= 5, "not every kind of fault was met: \(stats)")
    }

    @Test func downMakesTheUpstreamUnreachableUntilRestored() async throws {
        let moto = try await MotoServer.start(logger: Self.logger)
        defer { moto.stop() }
        let proxy = try await FaultProxy.start(upstream: moto.endpoint, rate: 0)
        defer { proxy.stop() }
        let dynamo = DynamoDBClient(context: TestContexts.make(endpoint: proxy.endpoint, maxAttempts: 2))
        _ = try await dynamo.createTable(name: "down", partitionKey: DynamoDBKeyAttribute("pk", .string))

        try await proxy.configure(down: true)
        await #expect(throws: AWSError.self) {
            try await dynamo.putItem(table: "down", item: ["pk": .s("lost")])
        }
        try await proxy.configure(down: false)
        try await dynamo.putItem(table: "down", item: ["pk": .s("kept")])
        #expect(try await dynamo.getItem(table: "down", key: ["pk": .s("kept")]) != nil)
        // Both attempts met the outage (libcurl may also retry once by itself on a reused connection that
        // died without an answer, so at least two).
        let stats = try await proxy.statistics()
        #expect((stats["outage"] ?? 0) >= 2, "\(stats)")
    }

    @Test func targetedFaultMeetsExactlyTheFirstMatchingRequests() async throws {
        let moto = try await MotoServer.start(logger: Self.logger)
        defer { moto.stop() }
        let proxy = try await FaultProxy.start(upstream: moto.endpoint, rate: 0)
        defer { proxy.stop() }
        let s3 = S3Client(context: TestContexts.make(endpoint: proxy.endpoint, maxAttempts: 1))
        let bucket = "tw-target-\(UUID().uuidString.prefix(8).lowercased())"
        try await s3.createBucket(bucket)
        _ = try await s3.putObject(bucket: bucket, key: "alice/a.csv", body: Data("a".utf8))
        try await proxy.target("dave/late", count: 2)

        for _ in 0..<2 {
            await #expect(throws: AWSError.self) {
                _ = try await s3.putObject(bucket: bucket, key: "dave/late invoice.csv", body: Data("d".utf8))
            }
            // Requests that do not match pass while the target still has faults left.
            _ = try await s3.getObject(bucket: bucket, key: "alice/a.csv")
        }
        _ = try await s3.putObject(bucket: bucket, key: "dave/late invoice.csv", body: Data("d".utf8))
        let (_, body) = try await s3.getObject(bucket: bucket, key: "dave/late invoice.csv")
        #expect(body == Data("d".utf8))
        let stats = try await proxy.statistics()
        #expect(stats["targeted"] == 2, "\(stats)")
        #expect(stats["500"] == 2, "\(stats)")
    }

    /// libcurl resends a request by itself when the reused connection it went on closes without a byte of answer
    /// ("Connection died, retrying a fresh connect"), whatever the method and whatever the client's attempt budget.
    /// For a call that is not idempotent that is a second effect: a second server from `CreateServer` (found by the
    /// metrics soak: two servers in Transfer), a batch CloudWatch counts twice. Such calls go on a fresh
    /// connection, so a lost answer is an error the caller sees and decides about, and the call took effect once.
    @Test func aCallThatIsNotIdempotentIsNeverResentBehindTheClientsBack() async throws {
        let moto = try await MotoServer.start(logger: Self.logger)
        defer { moto.stop() }
        let proxy = try await FaultProxy.start(upstream: moto.endpoint, rate: 0)
        defer { proxy.stop() }
        let cloudWatch = CloudWatchClient(context: TestContexts.make(endpoint: proxy.endpoint, maxAttempts: 1))
        let namespace = "TW/Once"
        _ = try await cloudWatch.listMetrics(namespace: namespace)  // leaves a connection to reuse
        try await proxy.target("PutMetricData", count: 1, fault: .resetAfterForwarding)
        let datum = CloudWatchClient.MetricDatum(
            name: "Sent", value: .single(1), unit: .count, dimensions: [], timestamp: Date())
        await #expect(throws: AWSError.self, "the lost answer reaches the caller") {
            try await cloudWatch.putMetricData(namespace: namespace, data: [datum])
        }
        let stats = try await proxy.statistics()
        #expect(stats["targeted"] == 1, "\(stats)")
        #expect(stats["forwarded"] == 2, "ListMetrics and one PutMetricData reached the emulator: \(stats)")
    }

}
