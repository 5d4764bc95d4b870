import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport
import TransferWatchWorkflows

/// `transferwatch provision` and `transferwatch teardown` as processes against the emulator, configured the
/// way the README says: provision on the 28th, a re-run, a dry run, teardown by the counter, teardown again.
@Suite(.requiresMoto) struct ProvisionCommandTests {
    static let environment = [
        "AWS_ACCESS_KEY_ID": TestContexts.motoCredentials.accessKeyID,
        "AWS_SECRET_ACCESS_KEY": TestContexts.motoCredentials.secretAccessKey,
        "AWS_EC2_METADATA_DISABLED": "true",
    ]

    @Test func provisionsOnThe28thAndTearsDownByTheCounter() async throws {
        let moto = try await MotoServer.start(logger: Logger(label: "moto", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { moto.stop() }
        let context = TestContexts.make(endpoint: moto.endpoint)
        let dynamo = DynamoDBClient(context: context)
        let transfer = TransferClient(context: context)
        try await StateTable.create(named: "TransferWatchState", using: dynamo)
        try await StateTable.createEmployees(named: "SFTPUsers", using: dynamo)
        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
        for name in ["alice", "bob", "carol"] {
            try await dynamo.putItem(
                table: "SFTPUsers", item: ["username": .s(name), "sshPublicKey": .s("\(key) \(name)@laptop")])
        }
        try await dynamo.putItem(table: "SFTPUsers", item: ["username": .s("dave")])
        let config = try Self.writeConfig(endpoint: moto.endpoint, userRole: true)
        func transferwatch(_ arguments: [String]) async throws -> CLIProcess.Result {
            try await CLIProcess.run(
                ["--config", config.path, "--now", "2026-11-28T00:05:00Z"] + arguments, environment: Self.environment)
        }

        // The 28th: one server, three users, dave skipped with his reason, progress logged.
        let provision = try await transferwatch(["provision"])
        #expect(provision.status == 0, "\(provision.standardError)")
        #expect(
            provision.standardOutput.hasPrefix("provisioned window 2026-11: server s-"), "\(provision.standardOutput)")
        #expect(provision.standardOutput.contains("3 users created"))
        #expect(provision.standardOutput.contains("  skipped dave: "))
        #expect(provision.standardError.contains("provisioning users"), "progress is logged")
        let servers = try await transfer.listServers()
        #expect(servers.count == 1)
        let serverID = try #require(servers.first?.serverID)
        #expect(try await transfer.describeUser(serverID: serverID, userName: "bob").userName == "bob")

        // Again: nothing to create.
        let rerun = try await transferwatch(["provision", "--json"])
        #expect(rerun.status == 0, "\(rerun.standardError)")
        let record = try #require(
            try JSONSerialization.jsonObject(with: Data(rerun.standardOutput.utf8)) as? [String: Any])
        #expect(record["result"] as? String == "unchanged")
        #expect(record["usersAlreadyProvisioned"] as? Int == 3)
        #expect((record["server"] as? [String: Any])?["serverID"] as? String == serverID)

        // A dry run prints the plan and deletes nothing.
        let dryRun = try await transferwatch(["teardown", "--reason", "counter", "--dry-run"])
        #expect(dryRun.status == 0, "\(dryRun.standardError)")
        #expect(dryRun.standardOutput.contains("would tear down window 2026-11 (counter):"), "\(dryRun.standardOutput)")
        #expect(dryRun.standardOutput.contains("  delete 3 users: alice, bob, carol"))
        #expect(dryRun.standardOutput.contains("  delete server \(serverID)"))
        #expect(dryRun.standardOutput.contains("planned window 2026-11 (counter)"))
        #expect(try await transfer.listServers().count == 1)

        // Teardown by the counter.
        let teardown = try await transferwatch(["teardown", "--reason", "counter"])
        #expect(teardown.status == 0, "\(teardown.standardError)")
        #expect(
            teardown.standardOutput.contains(
                "tornDown window 2026-11 (counter): server \(serverID) deleted, 3 users deleted, window closed"),
            "\(teardown.standardOutput)")
        #expect(try await transfer.listServers().isEmpty)
        let ledger = DeliveryLedger(
            dynamo: dynamo, stateTable: "TransferWatchState", employeesTable: "SFTPUsers",
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(try await ledger.window("2026-11")?.closedReason == "counter")

        // And again: already done, still success.
        let again = try await transferwatch(["teardown", "--json"])
        #expect(again.status == 0, "\(again.standardError)")
        let second = try #require(
            try JSONSerialization.jsonObject(with: Data(again.standardOutput.utf8)) as? [String: Any])
        #expect(second["result"] as? String == "alreadyTornDown")
    }

    @Test func anUnknownReasonIsAUsageError() async throws {
        let result = try await CLIProcess.run(["teardown", "--reason", "bored"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("bored"), "\(result.standardError)")
    }

    @Test func provisioningWithoutAUserRoleIsAConfigurationError() async throws {
        let config = try Self.writeConfig(endpoint: URL(string: "http://127.0.0.1:9")!, userRole: false)
        let result = try await CLIProcess.run(["--config", config.path, "provision"], environment: Self.environment)
        #expect(result.status == 2)
        #expect(result.errorLines == ["error: \(config.path): sftp.userRole is required to provision SFTP users"])
    }

    static func writeConfig(endpoint: URL, userRole: Bool) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tw-provision-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("transferwatch.yaml")
        try """
        region: us-east-1
        endpoint: \(endpoint.absoluteString)
        buckets: {source: invoices-incoming, destination: invoices-archive}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        sftp:
        \(userRole ? "  userRole: arn:aws:iam::123456789012:role/sftp-invoice-user" : "  maxLifespan: 2d")
          requestsPerSecond: 50
        """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }
}
