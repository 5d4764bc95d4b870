import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport
import TransferWatchWorkflows

/// `transferwatch status` (and the step rules of `provision`/`copy`) as a process against moto, configured the
/// way the README says: before the window, after provisioning and a copy, as JSON in CONTRACT.md's shape and as
/// text.
@Suite(.requiresMoto, .serialized) struct StatusCommandTests {
    struct Pipeline {
        var moto: MotoServer
        var directory: URL
        var configFile: URL
        var s3: S3Client
        var environment: [String: String]

        func run(_ arguments: [String], now: String) async throws -> CLIProcess.Result {
            try await CLIProcess.run(["--config", configFile.path, "--now", now] + arguments, environment: environment)
        }
    }

    /// Buckets, tables, three valid employees and one with a broken key, a config file, and (optionally) a rules
    /// folder holding `rules`, or the configured `rulesFolder` (an existing folder, e.g. the repository's rules).
    static func makePipeline(
        rules: String? = nil, rulesFolder: String? = nil, brokenEmployee: Bool = true
    ) async throws -> Pipeline {
        let moto = try await MotoServer.start(logger: Logger(label: "moto"))
        let context = TestContexts.make(endpoint: moto.endpoint)
        let s3 = S3Client(context: context)
        let dynamo = DynamoDBClient(context: context)
        try await s3.createBucket("invoices-incoming")
        try await s3.createBucket("invoices-archive")
        try await StateTable.create(named: "TransferWatchState", using: dynamo)
        try await StateTable.createEmployees(named: "SFTPUsers", using: dynamo)
        for (index, name) in ["alice", "bob", "carol"].enumerated() {
            try await dynamo.putItem(
                table: "SFTPUsers", item: ["username": .s(name), "sshPublicKey": .s(Self.ed25519Key(index + 1))])
        }
        if brokenEmployee {
            try await dynamo.putItem(
                table: "SFTPUsers", item: ["username": .s("broken.bart"), "sshPublicKey": .s("ssh-ed25519 !!!")])
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tw-status-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let rules {
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent("rules"), withIntermediateDirectories: true)
            try rules.write(to: directory.appendingPathComponent("rules/steps.yaml"), atomically: true, encoding: .utf8)
        }
        let configFile = directory.appendingPathComponent("transferwatch.yaml")
        try """
        region: us-east-1
        endpoint: \(moto.endpoint.absoluteString)
        environment: e2e
        buckets: {source: invoices-incoming, destination: invoices-archive}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        \(rulesFolder.map { "rules: \($0)" } ?? "")
        sftp:
          userRole: arn:aws:iam::123456789012:role/sftp-invoice-user
        """.write(to: configFile, atomically: true, encoding: .utf8)
        let environment = [
            "AWS_ACCESS_KEY_ID": TestContexts.motoCredentials.accessKeyID,
            "AWS_SECRET_ACCESS_KEY": TestContexts.motoCredentials.secretAccessKey,
            "AWS_EC2_METADATA_DISABLED": "true",
        ]
        return Pipeline(moto: moto, directory: directory, configFile: configFile, s3: s3, environment: environment)
    }

    @Test func statusFollowsProvisioningAndACopyInContractShape() async throws {
        let pipeline = try await Self.makePipeline()
        defer { pipeline.moto.stop() }

        // Before November's provisioning: October's window, never recorded here.
        let before = try await pipeline.run(["status", "--json"], now: "2026-11-27T10:00:00Z")
        #expect(before.status == 0, "\(before.standardError)")
        let early = try Self.object(before.standardOutput)
        #expect(early["window"] as? String == "2026-10")
        #expect(early["server"] is NSNull)
        let earlyCounter = try #require(early["counter"] as? [String: Any])
        #expect(earlyCounter["delivered"] as? Int == 0)
        #expect(earlyCounter["expected"] as? Int == 3)
        #expect(earlyCounter["missing"] as? [String] == ["alice", "bob", "carol"])
        #expect(
            before.errorLines.contains {
                $0.hasPrefix("warning: employee record skipped: ") && $0.contains("broken.bart")
            })

        let provision = try await pipeline.run(["provision"], now: "2026-11-28T00:00:05Z")
        #expect(provision.status == 0, "\(provision.standardError)")
        _ = try await pipeline.s3.putObject(
            bucket: "invoices-incoming", key: "alice/a.pdf", body: Data("%PDF alice".utf8))
        let copy = try await pipeline.run(
            ["copy", "--bucket", "invoices-incoming", "--key", "alice/a.pdf"], now: "2026-11-29T10:00:00Z")
        #expect(copy.status == 0, "\(copy.standardError)")

        let result = try await pipeline.run(["status", "--json"], now: "2026-11-29T10:30:00Z")
        #expect(result.status == 0, "\(result.standardError)")
        let status = try Self.object(result.standardOutput)
        #expect(Set(status.keys) == ["now", "window", "server", "counter", "alerts"])
        #expect(status["now"] as? String == "2026-11-29T10:30:00Z")
        #expect(status["window"] as? String == "2026-11")
        let server = try #require(status["server"] as? [String: Any])
        #expect(Set(server.keys) == ["id", "state", "createdAt", "ageSeconds", "costSoFar"])
        #expect((server["id"] as? String)?.hasPrefix("s-") == true)
        #expect(server["state"] as? String == "ONLINE")
        #expect(server["createdAt"] as? String == "2026-11-28T00:00:05Z")
        #expect(server["ageSeconds"] as? Int == 124_195)
        #expect(server["costSoFar"] as? Double == 10.35)
        let counter = try #require(status["counter"] as? [String: Any])
        #expect(Set(counter.keys) == ["delivered", "expected", "missing", "lastDeliveryAt"])
        #expect(counter["delivered"] as? Int == 1)
        #expect(counter["expected"] as? Int == 3)
        #expect(counter["missing"] as? [String] == ["bob", "carol"])
        #expect(counter["lastDeliveryAt"] as? String == "2026-11-29T10:00:00Z")
        #expect((status["alerts"] as? [Any])?.isEmpty == true)

        let text = try await pipeline.run(["status"], now: "2026-11-29T10:30:00Z")
        #expect(text.status == 0)
        let lines = text.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == "window 2026-11: 1/3 delivered, last delivery 2026-11-29T10:00:00Z")
        #expect(lines.dropFirst().first == "missing: bob, carol")
        #expect(lines.count == 4 && lines[2].hasSuffix(": ONLINE, age 1d 10h, $10.35 so far"), "\(lines)")
        #expect(lines.last == "alerts: none")
    }

    static let rules = """
        groups:
          - name: copy
            kind: step
            workflow: copy
            rules:
              - alert: unknown-uploader
                expr: delivery == "unknownUploader"
                severity: warning
                annotations:
                  summary: "{{ source.key }} was uploaded by {{ uploader }}, who is not an active employee"
          - name: provision
            kind: step
            workflow: provision
            rules:
              - alert: provisioning-incomplete
                expr: len(skipped) > 0
                severity: warning
                annotations:
                  summary: "{{ len(skipped) }} employee record(s) skipped in {{ window }}"
        """

    /// The configured step rules run after each step: a firing verdict is printed and exits 1, and `--json`
    /// carries every verdict.
    @Test func firingStepRulesArePrintedAndExitOne() async throws {
        let pipeline = try await Self.makePipeline(rules: Self.rules)
        defer { pipeline.moto.stop() }
        let provision = try await pipeline.run(["provision"], now: "2026-11-28T00:00:05Z")
        #expect(provision.status == 1, "\(provision.standardError)")
        #expect(
            provision.standardOutput.contains(
                "  FIRING provisioning-incomplete (warning): 1 employee record(s) skipped in 2026-11"),
            "\(provision.standardOutput)")

        _ = try await pipeline.s3.putObject(bucket: "invoices-incoming", key: "mallory/x.pdf", body: Data("x".utf8))
        let copy = try await pipeline.run(
            ["copy", "--bucket", "invoices-incoming", "--key", "mallory/x.pdf", "--json"], now: "2026-11-29T10:00:00Z")
        #expect(copy.status == 1, "\(copy.standardError)")
        let report = try Self.object(copy.standardOutput)
        let record = try #require((report["records"] as? [[String: Any]])?.first)
        let verdicts = try #require(record["verdicts"] as? [[String: Any]])
        #expect(verdicts.count == 1)
        #expect(verdicts.first?["rule"] as? String == "unknown-uploader")
        #expect(verdicts.first?["fired"] as? Bool == true)
        #expect((verdicts.first?["labels"] as? [String: String])?["alertname"] == "unknown-uploader")

        _ = try await pipeline.s3.putObject(bucket: "invoices-incoming", key: "alice/a.pdf", body: Data("a".utf8))
        let quiet = try await pipeline.run(
            ["copy", "--bucket", "invoices-incoming", "--key", "alice/a.pdf"], now: "2026-11-29T10:05:00Z")
        #expect(quiet.status == 0, "\(quiet.standardError)")
        #expect(!quiet.standardOutput.contains("FIRING"))
    }

    /// A broken rule file stops the workflow before it starts: exit 2, with file:line:col.
    @Test func aBrokenRuleFileIsExitTwoWithItsPosition() async throws {
        let pipeline = try await Self.makePipeline(
            rules:
                "groups:\n  - name: copy\n    kind: step\n    workflow: copy\n    rules:\n      - alert: x\n        expr: result ==\n        severity: warning\n"
        )
        defer { pipeline.moto.stop() }
        _ = try await pipeline.s3.putObject(bucket: "invoices-incoming", key: "alice/a.pdf", body: Data("a".utf8))
        let copy = try await pipeline.run(
            ["copy", "--bucket", "invoices-incoming", "--key", "alice/a.pdf"], now: "2026-11-29T10:00:00Z")
        #expect(copy.status == 2)
        #expect(copy.errorLines.first?.contains("rules/steps.yaml:7:") == true, "\(copy.standardError)")
        #expect(copy.errorLines.first?.contains(": error: ") == true)
        #expect(
            try await pipeline.s3.headObject(bucket: "invoices-incoming", key: "alice/a.pdf") != nil, "nothing moved")
    }

    /// A schedule with no provisioning time before `--now` is a configuration problem: exit 2, naming the file.
    @Test func noProvisioningTimeBeforeNowIsExitTwo() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tw-status-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configFile = directory.appendingPathComponent("transferwatch.yaml")
        try """
        region: us-east-1
        endpoint: http://127.0.0.1:9
        buckets: {source: invoices-incoming, destination: invoices-archive}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        sftp:
          provision: "cron(0 0 28 11 ? 2030)"
        """.write(to: configFile, atomically: true, encoding: .utf8)
        let result = try await CLIProcess.run(
            ["--config", configFile.path, "--now", "2026-11-29T10:00:00Z", "status"],
            environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"])
        #expect(result.status == 2)
        #expect(
            result.errorLines == [
                "error: \(configFile.path): sftp.provision cron(0 0 28 11 ? 2030) has no time at or before 2026-11-29T10:00:00Z: no delivery window yet"
            ])
        #expect(result.standardOutput.isEmpty)
    }

    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(json)")
    }

    /// A structurally valid OpenSSH ed25519 public key line, distinct per seed.
    static func ed25519Key(_ seed: Int) -> String {
        var blob = Data()
        func append(_ bytes: some Collection<UInt8>) {
            var length = UInt32(bytes.count).bigEndian
            withUnsafeBytes(of: &length) { blob.append(contentsOf: $0) }
            blob.append(contentsOf: bytes)
        }
        append(Array("ssh-ed25519".utf8))
        append((0..<32).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 7) })
        return "ssh-ed25519 \(blob.base64EncodedString()) employee\(seed)@example.com"
    }
}
