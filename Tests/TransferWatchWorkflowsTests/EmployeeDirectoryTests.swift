import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

@testable import TransferWatchWorkflows

/// The employees table read from the emulator: every page of the scan, records sorted, bad ones skipped.
@Suite(.requiresMoto, .serialized) struct EmployeeDirectoryTests {
    @Test func readsEveryPageAndSortsTheRecords() async throws {
        let moto = try await MotoServer.start(logger: Logger(label: "moto", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { moto.stop() }
        let context = TestContexts.make(endpoint: moto.endpoint)
        let dynamo = DynamoDBClient(context: context)
        try await StateTable.createEmployees(named: "SFTPUsers", using: dynamo)
        let keys = try SSHKeygen.shared.get().keys
        let rsa = try #require(keys["rsa-2048"]?.line)
        let ed25519 = try #require(keys["ed25519-256"]?.line)
        // 22 good employees, 2 inactive, 3 broken.
        for index in 1...22 {
            _ = try await dynamo.putItem(
                table: "SFTPUsers",
                item: [
                    "username": .s(String(format: "employee%02d", index)), "email": .s("e\(index)@corp.example"),
                    "sshPublicKey": .s(index.isMultiple(of: 2) ? rsa : ed25519),
                ])
        }
        for name in ["left-2025", "on-leave"] {
            _ = try await dynamo.putItem(table: "SFTPUsers", item: ["username": .s(name), "active": .bool(false)])
        }
        _ = try await dynamo.putItem(
            table: "SFTPUsers",
            item: ["username": .s("weak-key"), "sshPublicKey": .s(try #require(keys["rsa-1024"]?.line))])
        _ = try await dynamo.putItem(table: "SFTPUsers", item: ["username": .s("no key")])
        _ = try await dynamo.putItem(
            table: "SFTPUsers", item: ["username": .s("stringly"), "active": .s("yes"), "sshPublicKey": .s(ed25519)])

        var directory = EmployeeDirectory(
            dynamo: dynamo, table: "SFTPUsers",
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        directory.pageSize = 4
        let before = context.requestCounter.snapshot["DynamoDB.Scan"] ?? 0
        let roster = try await directory.load()

        #expect((context.requestCounter.snapshot["DynamoDB.Scan"] ?? 0) - before >= 7, "27 records at 4 per page")
        #expect(roster.valid.count == 22)
        #expect(
            roster.valid.first
                == Employee(username: "employee01", sshPublicKey: ed25519, email: "e1@corp.example", isActive: true))
        #expect(roster.valid.map(\.username) == (1...22).map { String(format: "employee%02d", $0) })
        #expect(roster.inactive == ["left-2025", "on-leave"])
        #expect(
            roster.skipped.map(\.description) == [
                "employee 'no key' skipped: Transfer Family would refuse it: UserName 'no key' may contain only letters, digits, '_', '@', '.' and '-'",
                "employee 'stringly' skipped: 'active' has type S, expected BOOL (true or false)",
                "employee 'weak-key' skipped: 'sshPublicKey' is not usable: the RSA key has 1024 bits; at least 2048 are required",
            ])
        #expect(
            Set(context.requestCounter.snapshot.keys).isSubset(of: [
                "DynamoDB.Scan", "DynamoDB.PutItem", "DynamoDB.CreateTable", "DynamoDB.DescribeTable",
            ]))
    }

    @Test func aMissingTableIsAnAWSError() async throws {
        let moto = try await MotoServer.start(logger: Logger(label: "moto", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { moto.stop() }
        let directory = EmployeeDirectory(
            dynamo: DynamoDBClient(context: TestContexts.make(endpoint: moto.endpoint)), table: "NoSuchTable",
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let error = await #expect(throws: AWSError.self) { try await directory.load() }
        #expect(error?.code == "ResourceNotFoundException")
        #expect(error?.operation == "Scan")
    }
}
