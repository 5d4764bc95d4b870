import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchLocking
import TransferWatchTestSupport

@testable import TransferWatchWorkflows

/// Each component, run for real against the emulator down every path it has, sends exactly the operations its
/// ``PermissionSet`` declares, and every IAM action those operations need is in the printed policy. A new call
/// in a workflow that is not declared (and so not in the policy) fails here.
@Suite(.requiresMoto, .serialized) struct PermissionDriftTests {
    static let now = Date(timeIntervalSince1970: 1_795_946_400)  // 2026-11-29T10:00:00Z, in window 2026-11

    @Test func theCopyWorkflowSendsExactlyWhatItDeclaresOnEveryPath() async throws {
        let moto = try await MotoServer.start(logger: Self.quiet)
        defer { moto.stop() }
        try await Self.makePipeline(moto.endpoint)
        let setup = S3Client(context: TestContexts.make(endpoint: moto.endpoint))

        // The workflow's own context: its counter sees every operation the workflow sends, and nothing else.
        let transport = PartCopyFailures(base: TestContexts.sharedTransport)
        let context = TestContexts.make(endpoint: moto.endpoint, transport: transport, maxAttempts: 1)
        let workflow = CopyWorkflow(
            s3: S3Client(context: context),
            ledger: DeliveryLedger(
                dynamo: DynamoDBClient(context: context), stateTable: "TransferWatchState", employeesTable: "SFTPUsers",
                logger: Self.quiet),
            settings: .init(
                sourceBucket: "invoices-incoming", destinationBucket: "invoices-archive",
                calendar: DeliveryWindowCalendar(provision: Configuration.SFTP.defaultProvision, timeZone: .gmt),
                multipartThreshold: 5 << 20, partSize: 5 << 20, partConcurrency: 2),
            now: { Self.now }, logger: Self.quiet)

        // 1. A bare bucket and key: HeadObject, CopyObject, the delivery transaction, DeleteObject.
        _ = try await setup.putObject(bucket: "invoices-incoming", key: "alice/small.pdf", body: Data("small".utf8))
        let moved = try await workflow.run(bucket: "invoices-incoming", key: "alice/small.pdf")
        #expect(moved.result == .moved, "\(moved.errorMessage ?? "")")
        // 2. The same key again: the source is gone and the destination holds it (HeadObject of the destination).
        let again = try await workflow.run(bucket: "invoices-incoming", key: "alice/small.pdf")
        #expect(again.result == .alreadyMoved, "\(again.errorMessage ?? "")")
        // 3. Above the multipart threshold: CreateMultipartUpload, UploadPartCopy, CompleteMultipartUpload.
        _ = try await setup.putObject(bucket: "invoices-incoming", key: "bob/large.pdf", body: Data(count: 6 << 20))
        let large = try await workflow.run(bucket: "invoices-incoming", key: "bob/large.pdf")
        #expect(large.result == .moved, "\(large.errorMessage ?? "")")
        #expect(large.multipart == true)
        // 4. A part copy that fails: the upload is aborted (AbortMultipartUpload).
        _ = try await setup.putObject(bucket: "invoices-incoming", key: "bob/broken.pdf", body: Data(count: 6 << 20))
        transport.isFailing.withLock { $0 = true }
        let broken = try await workflow.run(bucket: "invoices-incoming", key: "bob/broken.pdf")
        #expect(broken.result == .failed)
        #expect(try await setup.listMultipartUploads(bucket: "invoices-archive").isEmpty)

        let sent = Set(context.requestCounter.snapshot.keys)
        #expect(sent == CopyWorkflow.permissions.operationNames)
        Self.expectPolicyCovers(sent)
    }

    @Test func theLedgerSendsExactlyWhatItDeclares() async throws {
        let moto = try await MotoServer.start(logger: Self.quiet)
        defer { moto.stop() }
        try await Self.makePipeline(moto.endpoint, openWindow: false)
        let context = TestContexts.make(endpoint: moto.endpoint)
        let ledger = DeliveryLedger(
            dynamo: DynamoDBClient(context: context), stateTable: "TransferWatchState", employeesTable: "SFTPUsers",
            logger: Self.quiet)
        #expect(try await ledger.openWindow("2026-11", expected: 1, at: Self.now))
        #expect(
            try await ledger.recordDelivery(window: "2026-11", username: "alice", key: "alice/a.pdf", at: Self.now)
                == .counted(completesWindow: true))
        #expect(try await ledger.deliveredUsernames("2026-11") == ["alice"])
        try await ledger.closeWindow("2026-11", reason: "counter", at: Self.now)
        #expect(try await ledger.window("2026-11")?.closedReason == "counter")

        let sent = Set(context.requestCounter.snapshot.keys)
        #expect(sent == DeliveryLedger.permissions.operationNames)
        Self.expectPolicyCovers(sent)
    }

    @Test func theEmployeeDirectorySendsExactlyWhatItDeclares() async throws {
        let moto = try await MotoServer.start(logger: Self.quiet)
        defer { moto.stop() }
        try await Self.makePipeline(moto.endpoint, openWindow: false)
        let context = TestContexts.make(endpoint: moto.endpoint)
        let roster = try await EmployeeDirectory(
            dynamo: DynamoDBClient(context: context), table: "SFTPUsers", logger: Self.quiet
        ).load()
        #expect(roster.valid.map(\.username) == ["alice", "bob"])

        let sent = Set(context.requestCounter.snapshot.keys)
        #expect(sent == EmployeeDirectory.permissions.operationNames)
        Self.expectPolicyCovers(sent)
    }

    @Test func anUndeclaredCallWouldBeCaught() throws {
        // What the checks above report when a workflow starts making a call nobody declared.
        let undeclared: Set<String> = ["DynamoDB.DeleteTable"]
        #expect(!undeclared.isSubset(of: CopyWorkflow.permissions.operationNames))
        #expect(Self.missingFromPolicy(undeclared) == ["dynamodb:DeleteTable"])
    }

    // MARK: - Helpers

    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Every IAM action of every operation in `sent` (looked up in the clients' own tables) is in the agent policy.
    static func expectPolicyCovers(_ sent: Set<String>, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(
            missingFromPolicy(sent).isEmpty, "operations whose IAM actions the policy lacks",
            sourceLocation: sourceLocation)
    }

    static func missingFromPolicy(_ sent: Set<String>) -> [String] {
        let tables =
            S3Client.Operations.all + DynamoDBClient.Operations.all + SQSClient.Operations.all
            + SNSClient.Operations.all + TransferClient.Operations.all + CloudWatchClient.Operations.all
        let byName = Dictionary(tables.map { ("\($0)", $0) }, uniquingKeysWith: { first, _ in first })
        let configuration = (try? AgentPolicyTests.configuration(loggingRole: true))
        guard let configuration, let scope = try? PolicyScope.resolve(configuration) else {
            return ["(no configuration)"]
        }
        let granted = Set(AgentPolicy.make(configuration: configuration, scope: scope).document.actions)
        // TransactWriteItems lists every item action it may need; the ledger's transaction never deletes.
        let neverUsed: Set<String> = ["dynamodb:DeleteItem"]
        return sent.sorted().flatMap { name -> [String] in
            guard let operation = byName[name] else { return ["\(name) (not in any client's table)"] }
            return operation.iamActions.filter { !granted.contains($0) && !neverUsed.contains($0) }
        }
    }

    /// Buckets, both tables, employees alice and bob, and (optionally) an open window 2026-11, all made through a
    /// context of their own.
    static func makePipeline(_ endpoint: URL, openWindow: Bool = true) async throws {
        let context = TestContexts.make(endpoint: endpoint)
        let s3 = S3Client(context: context)
        let dynamo = DynamoDBClient(context: context)
        try await s3.createBucket("invoices-incoming")
        try await s3.createBucket("invoices-archive")
        try await StateTable.create(named: "TransferWatchState", using: dynamo)
        try await StateTable.createEmployees(named: "SFTPUsers", using: dynamo)
        let key = try SSHKeygen.shared.get().keys["ed25519-256"]?.line ?? ""
        for name in ["alice", "bob"] {
            _ = try await dynamo.putItem(table: "SFTPUsers", item: ["username": .s(name), "sshPublicKey": .s(key)])
        }
        if openWindow {
            let ledger = DeliveryLedger(
                dynamo: dynamo, stateTable: "TransferWatchState", employeesTable: "SFTPUsers", logger: quiet)
            try await ledger.openWindow("2026-11", expected: 2, at: now)
        }
    }
}

/// The shared transport, but part copies fail (as a reset connection) once ``isFailing`` is set.
final class PartCopyFailures: HTTPTransport {
    let base: any HTTPTransport
    let isFailing = Locked(false)

    init(base: any HTTPTransport) { self.base = base }

    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        if isFailing.withLock({ $0 }), request.query.contains("partNumber=") {
            throw TransportError(.connectionReset, "injected: part copy failed")
        }
        return try await base.send(request, timeout: timeout)
    }
}
