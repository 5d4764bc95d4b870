import Foundation
import Testing
import TransferWatchTestSupport

/// `transferwatch` as a process: global options, exit statuses, and `config check`.
@Suite struct ConfigCommandTests {
    static let validConfig = """
        region: eu-west-1
        environment: staging
        buckets: {source: invoices-incoming, destination: invoices-archive}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        queue: https://sqs.eu-west-1.amazonaws.com/123456789012/invoice-uploads
        sftp:
          maxLifespan: 2d
        """

    func write(_ text: String, name: String = "transferwatch.yaml") throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tw-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func helpListsTheCommandsAndExitsZero() async throws {
        let result = try await CLIProcess.run(["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("USAGE: transferwatch"))
        #expect(result.standardOutput.contains("config"))
    }

    @Test func configCheckResolvesEndpointsAndSchedules() async throws {
        let file = try write(Self.validConfig)
        let result = try await CLIProcess.run(["--config", file.path, "--now", "2026-11-20T12:00:00Z", "config", "check"],
                                        environment: ["AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("region: eu-west-1"))
        #expect(result.standardOutput.contains("next provisioning: 2026-11-28T00:00:00Z (GMT)") || result.standardOutput.contains("next provisioning: 2026-11-28T00:00:00Z (UTC)"))
        #expect(result.standardOutput.contains("next teardown: 2026-12-01T00:00:00Z; max lifespan 2d"))
        #expect(result.standardOutput.contains("S3: http://127.0.0.1:9000"))
        #expect(result.standardOutput.contains("DynamoDB: https://dynamodb.eu-west-1.amazonaws.com"))
    }

    @Test func configCheckJSONIsMachineReadable() async throws {
        let file = try write(Self.validConfig)
        let result = try await CLIProcess.run(["config", "check", "--json", "--now", "2026-11-28T00:00:00Z"], environment: ["TRANSFERWATCH_CONFIG": file.path])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["region"] as? String == "eu-west-1")
        #expect(object["nextProvision"] as? String == "2026-12-28T00:00:00Z", "a schedule firing exactly now is not 'next'")
        #expect((object["endpoints"] as? [String: String])?["CloudWatch"] == "https://monitoring.eu-west-1.amazonaws.com")
    }

    @Test func everyConfigurationMistakeIsOneLineWithFileLineAndColumnAndExitTwo() async throws {
        let file = try write("""
            region: us-east-1
            buckets: {source: invoices-incoming, destination: invoices-archive}
            tables: {employees: SFTPUsers, state: TransferWatchState}
            sftp:
              maxLifespan: 2 days
              provison: "cron(0 0 28 * ? *)"
            """)
        let result = try await CLIProcess.run(["--config", file.path, "config", "check"])
        #expect(result.status == 2)
        #expect(result.standardOutput.isEmpty)
        #expect(result.errorLines.count == 2, "\(result.standardError)")
        #expect(result.errorLines.allSatisfy { $0.hasPrefix("\(file.path):") && $0.contains(": error: ") })
        #expect(result.errorLines.contains { $0.hasPrefix("\(file.path):5:") && $0.contains("sftp.maxLifespan") })
        #expect(result.errorLines.contains { $0.hasPrefix("\(file.path):6:") && $0.contains("provison") && $0.contains("provision") })
    }

    @Test func aMissingConfigFileIsAUsageError() async throws {
        let result = try await CLIProcess.run(["--config", "/nonexistent/transferwatch.yaml", "config", "check"])
        #expect(result.status == 2)
        #expect(result.errorLines.count == 1)
        #expect(result.standardError.contains("/nonexistent/transferwatch.yaml"))
    }

    @Test(arguments: [
        (["--now", "yesterday", "config", "check"], "--now"),
        (["no-such-command"], "no-such-command"),
        (["config", "check", "--bogus"], "--bogus"),
    ])
    func usageErrorsAreOneLineAndExitTwo(arguments: [String], mentions: String) async throws {
        let result = try await CLIProcess.run(arguments)
        #expect(result.status == 2)
        #expect(result.errorLines.first?.contains(mentions) == true, "\(result.standardError)")
        #expect(result.errorLines.count <= 2)
    }

    @Test func configCheckNamesTheCredentialSourceWithoutTheSecret() async throws {
        let file = try write(Self.validConfig)
        let result = try await CLIProcess.run(["--config", file.path, "config", "check", "--credentials"],
                                        environment: ["AWS_ACCESS_KEY_ID": "AKIAEXAMPLEKEY000001", "AWS_SECRET_ACCESS_KEY": "verysecretvalue/abc"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("credentials: environment (AKIA…)"))
        #expect(!result.standardOutput.contains("verysecretvalue") && !result.standardError.contains("verysecretvalue"))
    }

    @Test func configCheckWithoutCredentialsListsEverySourceTriedAndExitsOne() async throws {
        let file = try write(Self.validConfig)
        let result = try await CLIProcess.run(["--config", file.path, "config", "check", "--credentials"],
                                        environment: ["AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/nonexistent/config",
                                                      "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials"])
        #expect(result.status == 1)
        #expect(result.errorLines.count == 1, "\(result.standardError)")
        #expect(result.standardError.contains("environment"))
        #expect(result.standardError.contains("container"))
        #expect(result.standardError.contains("instance metadata"))
    }
}
