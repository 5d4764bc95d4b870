import Foundation
import Testing
import TransferWatchConfig
import TransferWatchTestSupport
import TransferWatchWorkflows

/// `transferwatch policy` as a process: pure JSON on stdout, notes and errors on stderr, exit 0 or 2.
@Suite struct PolicyCommandTests {
    static let readme = """
        region: us-east-1
        buckets: {source: invoices-incoming, destination: invoices-archive}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        queue: https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads
        sftp:
          userRole: arn:aws:iam::123456789012:role/sftp-invoice-user
        alerts:
          snsTopicArn: arn:aws:sns:us-east-1:123456789012:oncall
        """

    static let bare = """
        region: eu-west-1
        buckets: {source: uploads-in, destination: uploads-out}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        """

    @Test func printsTheAgentPolicyAsJSONAndNotesOnStandardError() async throws {
        let config = try Self.write(Self.readme)
        let result = try await CLIProcess.run(["--config", config, "policy"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.errorLines == ["note: sftp.loggingRole is not configured: iam:PassRole left out"])
        let configuration = try Configuration.load(contentsOf: config, environment: [:])
        let expected = AgentPolicy.make(configuration: configuration, scope: try PolicyScope.resolve(configuration))
        #expect(result.standardOutput == expected.document.json() + "\n")
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(parsed["Version"] as? String == "2012-10-17")
        #expect((parsed["Statement"] as? [[String: Any]])?.count == 20)
    }

    @Test(arguments: [
        ("--user-role", ["ListSourceBucket", "SourceObjects"]),
        ("--user-session", ["ListOwnPrefix", "OwnObjects"]),
        ("--user-role-trust", ["TransferAssumesRoleForUsers"]),
    ])
    func printsTheSFTPUserPolicies(flag: String, sids: [String]) async throws {
        let result = try await CLIProcess.run(["--config", try Self.write(Self.readme), "policy", flag])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.isEmpty)
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect((parsed["Statement"] as? [[String: Any]])?.compactMap { $0["Sid"] as? String } == sids)
    }

    @Test func needsAnAccountWhenTheConfigurationNamesNone() async throws {
        let config = try Self.write(Self.bare)
        let refused = try await CLIProcess.run(["--config", config, "policy"])
        #expect(refused.status == 2)
        #expect(refused.standardOutput.isEmpty)
        #expect(
            refused.errorLines == [
                "error: no AWS account ID in the configuration (sftp.userRole, sftp.loggingRole, alerts.snsTopicArn or queue would give one); pass --account ACCOUNT_ID"
            ])

        let given = try await CLIProcess.run(["--config", config, "policy", "--account", "111122223333"])
        #expect(given.status == 0, "\(given.standardError)")
        #expect(given.standardOutput.contains(#""arn:aws:dynamodb:eu-west-1:111122223333:table/TransferWatchState""#))
        #expect(
            given.errorLines == [
                "note: queue is not configured: sqs:ChangeMessageVisibility, sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:ReceiveMessage left out",
                "note: queue is not configured: sqs:GetQueueAttributes left out",
                "note: alerts.snsTopicArn is not configured: sns:Publish left out",
                "note: sftp.userRole is not configured: iam:PassRole left out",
                "note: sftp.loggingRole is not configured: iam:PassRole left out",
            ])

        let invalid = try await CLIProcess.run(["--config", config, "policy", "--user-role-trust", "--account", "12-34"])
        #expect(invalid.status == 2)
        #expect(invalid.errorLines == ["error: --account '12-34' is not a 12-digit AWS account ID"])
    }

    @Test func usageAndConfigurationMistakesExitTwo() async throws {
        let config = try Self.write(Self.readme)
        let both = try await CLIProcess.run(["--config", config, "policy", "--user-role", "--user-session"])
        #expect(both.status == 2)
        #expect(both.standardError.contains("give at most one of --user-role, --user-session, --user-role-trust"))

        let missing = try await CLIProcess.run(["--config", "/nonexistent/transferwatch.yaml", "policy"])
        #expect(missing.status == 2)
        #expect(missing.standardOutput.isEmpty)
        #expect(
            missing.errorLines.first?.hasPrefix("/nonexistent/transferwatch.yaml") == true, "\(missing.standardError)")
    }

    /// Writes a configuration file into a fresh folder and returns its path.
    static func write(_ yaml: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tw-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("transferwatch.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}
