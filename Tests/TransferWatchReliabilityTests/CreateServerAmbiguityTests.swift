import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchLocking
import TransferWatchTestSupport
import TransferWatchWorkflows

/// Found while building the soak (its proxy injects exactly this): a `CreateServer` whose answer is lost after Transfer did the work (the proxy's
/// `reset-after`, a 500 from a load balancer, a truncated answer) must not end in a second server. Transfer has
/// no client token for `CreateServer`, so a plain retry creates another one.
@Suite(.requiresMoto, .serialized) struct CreateServerAmbiguityTests {
    static let logger = Logger(label: "soak", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test(arguments: [500, 503])
    func aCreateServerWhoseAnswerIsLostAfterTheWorkLeavesOneServer(status: Int) async throws {
        let moto = try await MotoServer.start(logger: Self.logger)
        defer { moto.stop() }
        let transport = InterceptingTransport()
        let context = TestContexts.make(endpoint: moto.endpoint, transport: transport)
        try await Self.prepare(context)
        // The first CreateServer reaches Transfer (a server is created), and its answer is lost.
        let lost = Locked(false)
        transport.intercept { request in
            guard request.target == "TransferService.CreateServer", lost.withLock({ done in defer { done = true }; return !done })
            else { return nil }
            return .forward { _ in
                HTTPResponse(
                    status: status, headers: HTTPHeaders([("Content-Type", "application/x-amz-json-1.1")]),
                    body: Data(#"{"__type":"InternalServiceError","Message":"answer lost"}"#.utf8))
            }
        }

        let record = try await Self.provision(context)

        #expect(transport.interceptedCount == 1)
        try await Self.expectOneServer(context, record: record)
    }

    /// The same over real HTTP: the connection `CreateServer` goes on closes after Transfer did the work, with
    /// no byte of answer. Found by the metrics soak (two servers in Transfer): libcurl resent the call by itself
    /// on a fresh connection, behind the workflow's one-attempt budget; `CreateServer` now never goes on a reused
    /// connection, so the lost answer reaches the workflow, which finds the tagged server and adopts it.
    @Test func aCreateServerWhoseConnectionDiesAfterTheWorkLeavesOneServer() async throws {
        let moto = try await MotoServer.start(logger: Self.logger)
        defer { moto.stop() }
        let proxy = try await FaultProxy.start(upstream: moto.endpoint, rate: 0)
        defer { proxy.stop() }
        let context = TestContexts.make(endpoint: proxy.endpoint)
        try await Self.prepare(context)
        try await proxy.target("CreateServer", count: 1, fault: .resetAfterForwarding)

        let record = try await Self.provision(context)

        #expect(try await proxy.statistics()["targeted"] == 1)
        try await Self.expectOneServer(context, record: record)
        #expect(record.notes.contains { $0.contains("adopted") }, "\(record.notes)")
    }

    /// The state and employee tables, with two employees.
    static func prepare(_ context: AWSClient.Context) async throws {
        let dynamo = DynamoDBClient(context: context)
        try await StateTable.create(named: "TransferWatchState", using: dynamo)
        try await StateTable.createEmployees(named: "SFTPUsers", using: dynamo)
        for name in ["alice", "bob"] {
            try await dynamo.putItem(
                table: "SFTPUsers",
                item: ["username": .s(name), "sshPublicKey": .s("\(ReliabilityFixture.sshKey) \(name)@laptop")])
        }
    }

    /// One provisioning run for window 2026-11.
    static func provision(_ context: AWSClient.Context) async throws -> ProvisioningStepRecord {
        let dynamo = DynamoDBClient(context: context)
        let start = try #require(AWSDate.parseISO8601("2026-11-28T00:00:05Z"))
        var workflow = ProvisioningWorkflow(
            transfer: TransferClient(context: context), registry: ServerRegistry(dynamo: dynamo, table: "TransferWatchState"),
            ledger: DeliveryLedger(
                dynamo: dynamo, stateTable: "TransferWatchState", employeesTable: "SFTPUsers", logger: Self.logger),
            employees: EmployeeDirectory(dynamo: dynamo, table: "SFTPUsers", logger: Self.logger),
            settings: .init(
                sourceBucket: "invoices-incoming", userRole: "arn:aws:iam::123456789012:role/sftp-invoice-user",
                sessionPolicy: #"{"Version":"2012-10-17","Statement":[]}"#, requestsPerSecond: 100),
            now: { start }, logger: Self.logger)
        workflow.waiting = .init(sleeper: RecordingSleeper(), now: { start })
        return try await workflow.run(window: "2026-11")
    }

    /// Exactly one server in Transfer, provisioned and recorded.
    static func expectOneServer(_ context: AWSClient.Context, record: ProvisioningStepRecord) async throws {
        let servers = try await TransferClient(context: context).listServers().map(\.serverID)
        #expect(servers.count == 1, "servers after one lost CreateServer answer: \(servers); notes: \(record.notes)")
        #expect(record.result == .provisioned, "\(record.failures)")
        let recorded = try await ServerRegistry(dynamo: DynamoDBClient(context: context), table: "TransferWatchState")
            .server("2026-11")
        #expect(recorded?.serverID.map { [$0] } == servers, "the registry holds the one server")
    }
}
