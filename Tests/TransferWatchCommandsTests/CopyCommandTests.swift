import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport
import TransferWatchWorkflows

/// `transferwatch copy` as a process against the emulator, configured the way the README says.
@Suite(.requiresMoto, .serialized) struct CopyCommandTests {
    struct Pipeline {
        var moto: MotoServer
        var configFile: URL
        var s3: S3Client
        var ledger: DeliveryLedger
        var environment: [String: String]
    }

    /// Buckets, tables, two active employees (alice, bob) and an open 2026-11 window, plus a config file.
    func makePipeline() async throws -> Pipeline {
        let moto = try await MotoServer.start(logger: Logger(label: "moto"))
        let context = TestContexts.make(endpoint: moto.endpoint)
        let s3 = S3Client(context: context)
        let dynamo = DynamoDBClient(context: context)
        try await s3.createBucket("invoices-incoming")
        try await s3.createBucket("invoices-archive")
        try await StateTable.create(named: "TransferWatchState", using: dynamo)
        try await StateTable.createEmployees(named: "SFTPUsers", using: dynamo)
        for name in ["alice", "bob"] {
            _ = try await dynamo.putItem(table: "SFTPUsers", item: ["username": .s(name), "sshPublicKey": .s("ssh-ed25519 AAAA")])
        }
        let ledger = DeliveryLedger(dynamo: dynamo, stateTable: "TransferWatchState", employeesTable: "SFTPUsers", logger: Logger(label: "test"))
        try await ledger.openWindow("2026-11", expected: 2, at: Date(timeIntervalSince1970: 1_795_824_000))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tw-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configFile = directory.appendingPathComponent("transferwatch.yaml")
        try """
            region: us-east-1
            endpoint: \(moto.endpoint.absoluteString)
            buckets: {source: invoices-incoming, destination: invoices-archive}
            tables: {employees: SFTPUsers, state: TransferWatchState}
            """.write(to: configFile, atomically: true, encoding: .utf8)
        let environment = ["AWS_ACCESS_KEY_ID": TestContexts.motoCredentials.accessKeyID,
                           "AWS_SECRET_ACCESS_KEY": TestContexts.motoCredentials.secretAccessKey,
                           "AWS_EC2_METADATA_DISABLED": "true"]
        return Pipeline(moto: moto, configFile: configFile, s3: s3, ledger: ledger, environment: environment)
    }

    @Test func movesOneObjectAndPrintsItsStepRecordAsJSON() async throws {
        let pipeline = try await makePipeline()
        defer { pipeline.moto.stop() }
        _ = try await pipeline.s3.putObject(bucket: "invoices-incoming", key: "alice/invoice 2026-11.pdf", body: Data("%PDF-1.7 alice".utf8),
                                           contentType: "application/pdf", metadata: ["employee-id": "42"])
        let result = try await CLIProcess.run(["--config", pipeline.configFile.path, "--now", "2026-11-29T10:00:00Z", "copy",
                                         "--bucket", "invoices-incoming", "--key", "alice/invoice 2026-11.pdf", "--json"],
                                        environment: pipeline.environment)
        #expect(result.status == 0, "\(result.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let record = try #require((report["records"] as? [[String: Any]])?.first)
        #expect(record["result"] as? String == "moved")
        #expect(record["uploader"] as? String == "alice")
        #expect(record["window"] as? String == "2026-11")
        #expect(record["delivery"] as? String == "counted")
        #expect(record["counted"] as? Bool == true)
        #expect(record["requests"] as? Int == 4, "HEAD (no event metadata), copy, count, delete")
        #expect((record["source"] as? [String: Any])?["size"] as? Int == 14)
        #expect(try await pipeline.s3.headObject(bucket: "invoices-incoming", key: "alice/invoice 2026-11.pdf") == nil)
        let moved = try #require(try await pipeline.s3.headObject(bucket: "invoices-archive", key: "alice/invoice 2026-11.pdf"))
        #expect(moved.contentType == "application/pdf")
        #expect(moved.metadata["employee-id"] == "42")
        #expect(try await pipeline.ledger.window("2026-11")?.delivered == 1)
    }

    @Test func processesEveryRecordOfAnSQSWrappedEventAndReportsTheBrokenOne() async throws {
        let pipeline = try await makePipeline()
        defer { pipeline.moto.stop() }
        let etag = try await pipeline.s3.putObject(bucket: "invoices-incoming", key: "bob/a+b c.pdf", body: Data("bob".utf8))
        let s3Event = #"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventTime":"2026-11-29T09:00:00.000Z","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"invoices-incoming"},"object":{"key":"bob/a%2Bb+c.pdf","size":3,"eTag":"\#(etag.normalized)"}}},{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"invoices-incoming"},"object":{"size":1}}}]}"#
        let body = String(decoding: try JSONSerialization.data(withJSONObject: s3Event, options: [.fragmentsAllowed]), as: UTF8.self)
        let sqsMessage = #"{"MessageId":"m-1","ReceiptHandle":"r","Body":"# + body + "}"
        let result = try await CLIProcess.run(["--config", pipeline.configFile.path, "copy", "--event", "-"],
                                        environment: pipeline.environment, input: Data(sqsMessage.utf8))
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("moved invoices-incoming/bob/a+b c.pdf -> invoices-archive/bob/a+b c.pdf (3 bytes, counted, 3 requests)"),
                "\(result.standardOutput)")
        #expect(result.errorLines == ["error: stdin: Body.Records[1].s3.object.key: missing"])
        #expect(try await pipeline.s3.headObject(bucket: "invoices-archive", key: "bob/a+b c.pdf") != nil)
    }

    @Test func aMissingSourceFailsClearlyAndExitsOne() async throws {
        let pipeline = try await makePipeline()
        defer { pipeline.moto.stop() }
        let result = try await CLIProcess.run(["--config", pipeline.configFile.path, "copy", "--bucket", "invoices-incoming", "--key", "alice/nothing.pdf"],
                                        environment: pipeline.environment)
        #expect(result.status == 1)
        #expect(result.errorLines.count == 1)
        #expect(result.standardError.contains("SourceMissing"))
        #expect(result.standardError.contains("invoices-archive/alice/nothing.pdf does not exist"))
    }

    @Test func anUnreadableEventIsAUsageErrorButAnEmptyValidOneIsNot() async throws {
        let pipeline = try await makePipeline()
        defer { pipeline.moto.stop() }
        let broken = try await CLIProcess.run(["--config", pipeline.configFile.path, "copy", "--event", "-"], environment: pipeline.environment,
                                        input: Data("this is not json".utf8))
        #expect(broken.status == 2)
        #expect(broken.errorLines.first?.hasPrefix("error: stdin: $: not valid JSON") == true, "\(broken.standardError)")
        let testEvent = try await CLIProcess.run(["--config", pipeline.configFile.path, "copy", "--event", "-"], environment: pipeline.environment,
                                           input: Data(#"{"Service":"Amazon S3","Event":"s3:TestEvent"}"#.utf8))
        #expect(testEvent.status == 0, "\(testEvent.standardError)")
        let missingFile = try await CLIProcess.run(["--config", pipeline.configFile.path, "copy", "--event", "/nonexistent/event.json"], environment: pipeline.environment)
        #expect(missingFile.status == 2)
        #expect(missingFile.errorLines.count == 1)
    }

    @Test(arguments: [
        (["copy"], "give --bucket and --key"),
        (["copy", "--bucket", "b"], "--bucket and --key go together"),
        (["copy", "--bucket", "b", "--key", "k", "--event", "-"], "not both"),
    ])
    func argumentMistakesAreUsageErrors(arguments: [String], message: String) async throws {
        let result = try await CLIProcess.run(arguments)
        #expect(result.status == 2)
        #expect(result.standardError.contains(message), "\(result.standardError)")
    }
}
