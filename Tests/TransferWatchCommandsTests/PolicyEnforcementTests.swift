import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchTestSupport
import TransferWatchWorkflows

#if canImport(Glibc)
    import Glibc
#endif

/// The printed agent policy, enforced: moto verifies every signature and evaluates IAM, and an IAM user holding
/// only that policy runs `transferwatch copy`, `provision`, `copy`, `teardown --reason counter` for a whole
/// window, and `transferwatch agent` (lease, queue consumer, reconciliation, dead-letter check), as processes,
/// and is denied what the policy does not grant.
///
/// moto cannot evaluate the whole policy as AWS would (see ``MotoPolicyDialect``): the S3, SQS and PassRole
/// statements are attached exactly as printed, the others in moto's dialect. The printed policy itself is never
/// weakened. What moto cannot show at all: table and topic scoping (so writing the employees table is not shown
/// denied), the tag conditions (so deleting an unmanaged server is not shown denied), the `dynamodb:LeadingKeys`
/// condition (so deleting a delivery item is not shown denied), the namespace condition, and
/// `iam:PassRole` (moto's `CreateUser` never asks for it).
@Suite(.requiresMoto, .serialized) struct PolicyEnforcementTests {
    @Test func aUserHoldingOnlyThePrintedPolicyCopiesAndIsDeniedTheRest() async throws {
        let fixture = try await Fixture.start()
        defer { fixture.moto.stop() }
        let (adminS3, adminDynamo, agent, agentEnvironment) = (
            fixture.adminS3, fixture.adminDynamo, fixture.agent, fixture.agentEnvironment
        )
        let (config, queueURL, otherQueueURL, topicARN) = (
            fixture.config, fixture.queueURL, fixture.otherQueueURL, fixture.topicARN
        )
        try await DeliveryLedger(
            dynamo: adminDynamo, stateTable: "TransferWatchState", employeesTable: "SFTPUsers",
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        ).openWindow("2026-11", expected: 2, at: Date(timeIntervalSince1970: 1_795_824_000))
        _ = try await adminS3.putObject(
            bucket: "invoices-incoming", key: "alice/invoice 2026-11.pdf", body: Data("%PDF alice".utf8))

        // It runs the copy workflow, as a process, the way the agent would.
        let copy = try await CLIProcess.run(
            [
                "--config", config, "--now", "2026-11-29T10:00:00Z", "copy", "--bucket", "invoices-incoming",
                "--key", "alice/invoice 2026-11.pdf", "--json",
            ], environment: agentEnvironment)
        #expect(copy.status == 0, "\(copy.standardError)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(copy.standardOutput.utf8)) as? [String: Any])
        let record = try #require((report["records"] as? [[String: Any]])?.first)
        #expect(record["result"] as? String == "moved")
        #expect(record["delivery"] as? String == "counted")
        #expect(try await adminS3.headObject(bucket: "invoices-archive", key: "alice/invoice 2026-11.pdf") != nil)
        #expect(try await adminS3.headObject(bucket: "invoices-incoming", key: "alice/invoice 2026-11.pdf") == nil)
        // Again: the source is gone and the archive has it (a HeadObject of the destination).
        let again = try await CLIProcess.run(
            [
                "--config", config, "--now", "2026-11-29T10:00:00Z", "copy", "--bucket", "invoices-incoming",
                "--key", "alice/invoice 2026-11.pdf",
            ], environment: agentEnvironment)
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardOutput.hasPrefix("alreadyMoved "), "\(again.standardOutput)")
        // Above the multipart threshold (5 MiB here): CreateMultipartUpload, UploadPartCopy, CompleteMultipartUpload.
        _ = try await adminS3.putObject(bucket: "invoices-incoming", key: "bob/scan.pdf", body: Data(count: 6 << 20))
        let large = try await CLIProcess.run(
            [
                "--config", config, "--now", "2026-11-29T10:00:00Z", "copy", "--bucket", "invoices-incoming",
                "--key", "bob/scan.pdf", "--json",
            ], environment: agentEnvironment)
        #expect(large.status == 0, "\(large.standardError)")
        #expect(large.standardOutput.contains(#""multipart" : true"#), "\(large.standardOutput)")
        #expect(try await adminS3.headObject(bucket: "invoices-archive", key: "bob/scan.pdf")?.contentLength == 6 << 20)

        // What the policy grants beyond the copy works too.
        let s3 = S3Client(context: agent)
        #expect(
            try await s3.listAllObjects(bucket: "invoices-archive").map(\.key) == [
                "alice/invoice 2026-11.pdf", "bob/scan.pdf",
            ])
        let sqs = SQSClient(context: agent)
        #expect(try await sqs.receiveMessage(queueURL: queueURL, waitTimeSeconds: 0).isEmpty)
        // No space in the message: moto re-encodes a form body before checking its signature (a space becomes
        // '+', where we send the equally valid '%20') and refuses it with SignatureDoesNotMatch.
        _ = try await SNSClient(context: agent).publish(topicARN: topicARN, message: "test-alert")
        try await CloudWatchClient(context: agent).putMetricData(
            namespace: "TransferWatch", data: [.init(name: "CopySucceeded", value: .single(1), unit: .count)])
        _ = try await TransferClient(context: agent).listServers()

        // And it is denied everything else.
        try await Self.expectDenied("delete the archived copy") {
            try await s3.deleteObject(bucket: "invoices-archive", key: "alice/invoice 2026-11.pdf")
        }
        try await Self.expectDenied("overwrite an upload") {
            _ = try await s3.putObject(bucket: "invoices-incoming", key: "bob/forged.pdf", body: Data("x".utf8))
        }
        try await Self.expectDenied("read another bucket") {
            _ = try await s3.headObject(bucket: "payroll", key: "salaries.csv")
        }
        try await Self.expectDenied("list another bucket") { _ = try await s3.listObjectsV2(bucket: "payroll") }
        try await Self.expectDenied("create a bucket") { try await s3.createBucket("agent-made") }
        try await Self.expectDenied("read another queue") {
            _ = try await sqs.receiveMessage(queueURL: otherQueueURL, waitTimeSeconds: 0)
        }
        try await Self.expectDenied("read another queue's attributes") {
            _ = try await sqs.getQueueAttributes(queueURL: otherQueueURL)
        }
        try await Self.expectDenied("send to the upload queue") {
            _ = try await sqs.sendMessage(queueURL: queueURL, body: "forged event")
        }
        let dynamo = DynamoDBClient(context: agent)
        try await Self.expectDenied("delete the state table") {
            _ = try await dynamo.deleteTable(name: "TransferWatchState")
        }
        // (Deleting a delivery item is refused by the printed policy's `dynamodb:LeadingKeys` condition, which only
        // lets alerting delete in its own partition; moto ignores conditions, so it cannot be shown denied here.)
        try await Self.expectDenied("create a topic") {
            _ = try await SNSClient(context: agent).createTopic(name: "agent-made")
        }
        try await Self.expectDenied("read metrics") { _ = try await CloudWatchClient(context: agent).listMetrics() }
        try await Self.expectDenied("create IAM users") {
            try await IAMClient(context: agent).createUser(name: "escalated")
        }
    }

    @Test func theSameUserProvisionsCopiesAndTearsDownTheWindow() async throws {
        let fixture = try await Fixture.start()
        defer { fixture.moto.stop() }
        let admin = fixture.adminContext
        let adminTransfer = TransferClient(context: admin)
        let ledger = DeliveryLedger(
            dynamo: fixture.adminDynamo, stateTable: "TransferWatchState", employeesTable: "SFTPUsers",
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        func transferwatch(_ now: String, _ arguments: [String]) async throws -> CLIProcess.Result {
            try await CLIProcess.run(
                ["--config", fixture.config, "--now", now] + arguments, environment: fixture.agentEnvironment)
        }

        // The 28th: the agent provisions the window (the employees alice and bob are seeded by the fixture).
        let provision = try await transferwatch("2026-11-28T00:05:00Z", ["provision"])
        #expect(provision.status == 0, "\(provision.standardError)")
        #expect(
            provision.standardOutput.hasPrefix("provisioned window 2026-11: server s-"), "\(provision.standardOutput)")
        #expect(provision.standardOutput.contains("2 users created"), "\(provision.standardOutput)")
        let servers = try await adminTransfer.listServers()
        #expect(servers.count == 1)
        let serverID = try #require(servers.first?.serverID)
        // (DescribeUser, not ListUsers: moto 5.2.1 answers ListUsers with HTTP 500.)
        for name in ["alice", "bob"] {
            #expect(try await adminTransfer.describeUser(serverID: serverID, userName: name).userName == name)
        }
        #expect(try await ledger.window("2026-11")?.expected == 2)

        // While the server is up, what provisioning does not need is denied.
        let transfer = TransferClient(context: fixture.agent)
        try await Self.expectDenied("stop the server") { try await transfer.stopServer(serverID: serverID) }
        try await Self.expectDenied("import another key for a user") {
            _ = try await transfer.importSSHPublicKey(
                serverID: serverID, userName: "alice", body: fixture.employeeKey)
        }

        // Both employees deliver: the copy workflow counts the window down to zero.
        for key in ["alice/invoice 2026-11.pdf", "bob/invoice 2026-11.pdf"] {
            _ = try await fixture.adminS3.putObject(bucket: "invoices-incoming", key: key, body: Data("%PDF".utf8))
            let copy = try await transferwatch(
                "2026-11-29T10:00:00Z", ["copy", "--bucket", "invoices-incoming", "--key", key, "--json"])
            #expect(copy.status == 0, "\(key): \(copy.standardError)")
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(copy.standardOutput.utf8)) as? [String: Any])
            let record = try #require((report["records"] as? [[String: Any]])?.first)
            #expect(record["result"] as? String == "moved", "\(key)")
            #expect(record["delivery"] as? String == "counted", "\(key)")
        }
        #expect(try await ledger.window("2026-11")?.remaining == 0)

        // The counter reached zero: the agent tears the window down.
        let teardown = try await transferwatch("2026-11-29T10:05:00Z", ["teardown", "--reason", "counter"])
        #expect(teardown.status == 0, "\(teardown.standardError)")
        #expect(
            teardown.standardOutput.contains(
                "tornDown window 2026-11 (counter): server \(serverID) deleted, 2 users deleted, window closed"),
            "\(teardown.standardOutput)")
        #expect(try await adminTransfer.listServers().isEmpty)
        let window = try #require(try await ledger.window("2026-11"))
        #expect(!window.isOpen)
        #expect(window.closedReason == "counter")
    }

    @Test func theSameUserRunsTheAgentsConsumerReconciliationAndDeadLetterCheck() async throws {
        let fixture = try await Fixture.start()
        defer { fixture.moto.stop() }
        let adminSQS = SQSClient(context: fixture.adminContext)
        try await DeliveryLedger(
            dynamo: fixture.adminDynamo, stateTable: "TransferWatchState", employeesTable: "SFTPUsers",
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        ).openWindow("2026-11", expected: 2, at: Date(timeIntervalSince1970: 1_795_824_000))
        // bootstrap's dead-letter queue, holding one poison message.
        let dlq = try await adminSQS.createQueue(name: "invoice-uploads-dlq")
        let dlqARN = try #require(try await adminSQS.getQueueAttributes(queueURL: dlq).queueARN)
        try await adminSQS.setQueueAttributes(
            queueURL: fixture.queueURL,
            attributes: [
                SQSClient.QueueAttribute.redrivePolicy: #"{"deadLetterTargetArn":"\#(dlqARN)","maxReceiveCount":"5"}"#
            ])
        try await adminSQS.sendMessage(queueURL: dlq, body: "poison")
        // alice's upload is announced on the queue; bob's event was lost (reconciliation moves it).
        for key in ["alice/invoice.pdf", "bob/invoice.pdf"] {
            _ = try await fixture.adminS3.putObject(bucket: "invoices-incoming", key: key, body: Data("%PDF".utf8))
        }
        try await adminSQS.sendMessage(
            queueURL: fixture.queueURL,
            body:
                #"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"invoices-incoming"},"object":{"key":"alice/invoice.pdf","size":4}}}]}"#
        )
        try """

        agent: {reconcileInterval: 1m}
        """.appendLine(toFile: fixture.config)

        // The agent, with the lease, at 60 business seconds per real second: reconciliation and the dead-letter
        // check every real second.
        let log = URL(fileURLWithPath: fixture.config).deletingLastPathComponent().appendingPathComponent("agent.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let agent = Process()
        agent.executableURL = CLIProcess.binary
        agent.arguments = [
            "--config", fixture.config, "--now", "2026-11-29T10:00:00Z", "agent", "--clock-rate", "60",
            "--replica-id", "enforced",
        ]
        agent.environment = fixture.agentEnvironment.merging(
            ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        ) { first, _ in first }
        let handle = try FileHandle(forWritingTo: log)
        agent.standardOutput = handle
        agent.standardError = handle
        agent.standardInput = FileHandle.nullDevice
        try agent.run()
        try? handle.close()
        defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL) } }
        func text() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        // Generous real-time bounds: they only stop a broken test.
        var archived = false
        for _ in 0..<1200 where agent.isRunning {
            let alice = try? await fixture.adminS3.headObject(bucket: "invoices-archive", key: "alice/invoice.pdf")
            let bob = try? await fixture.adminS3.headObject(bucket: "invoices-archive", key: "bob/invoice.pdf")
            if alice != nil, bob != nil, text().contains("upload events in the dead-letter queue") {
                archived = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(agent.processIdentifier, SIGTERM)
        for _ in 0..<600 where agent.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(archived, "\(text())")
        #expect(!agent.isRunning && agent.terminationStatus == 0, "\(text())")
        #expect(!text().contains("AccessDenied"), "\(text())")
        #expect(!text().contains("not authorized"), "\(text())")
        #expect(text().contains("upload moved by reconciliation"), "\(text())")
        // The agent user took the lease item and released it (conditional PutItem, GetItem).
        #expect(text().contains("leader lease acquired"), "\(text())")
        #expect(text().contains("leader lease released"), "\(text())")
        // Every event was handled and deleted (DeleteMessageBatch).
        #expect(
            try await SQSClient(context: fixture.adminContext).getQueueAttributes(queueURL: fixture.queueURL)
                .approximateNumberOfMessages == 0)
    }

    // MARK: - Helpers

    /// What the administrators and `bootstrap` would have made, and an IAM user holding only the printed agent
    /// policy (in ``MotoPolicyDialect``), on a moto that verifies every signature.
    struct Fixture {
        var moto: MotoServer
        var adminContext: AWSClient.Context
        var adminS3: S3Client
        var adminDynamo: DynamoDBClient
        /// The employees' (shared) Ed25519 public key line.
        var employeeKey: String
        var queueURL: String
        var otherQueueURL: String
        var topicARN: String
        /// The configuration file's path.
        var config: String
        /// The agent user's context: its own keys, one attempt per request.
        var agent: AWSClient.Context
        /// The agent user's keys as a `transferwatch` process reads them.
        var agentEnvironment: [String: String]

        /// Buckets (two of ours and `payroll`), both tables, employees alice and bob, the queues, the topic, the
        /// user role, and the agent user.
        static func start() async throws -> Fixture {
            let moto = try await MotoServer.start(
                verifySignatures: true, logger: Logger(label: "moto", factory: { _ in SwiftLogNoOpLogHandler() }))
            do {
                return try await make(moto)
            } catch {
                moto.stop()
                throw error
            }
        }

        private static func make(_ moto: MotoServer) async throws -> Fixture {
            let admin = try await moto.makeCredentials(userName: "admin")
            let adminContext = TestContexts.make(
                endpoint: moto.endpoint,
                credentials: AWSCredentials(accessKeyID: admin.accessKeyID, secretAccessKey: admin.secretAccessKey))
            let adminS3 = S3Client(context: adminContext)
            let adminDynamo = DynamoDBClient(context: adminContext)
            for bucket in ["invoices-incoming", "invoices-archive", "payroll"] {
                try await adminS3.createBucket(bucket)
            }
            try await StateTable.create(named: "TransferWatchState", using: adminDynamo)
            try await StateTable.createEmployees(named: "SFTPUsers", using: adminDynamo)
            let key = try #require(try SSHKeygenLine.ed25519())
            for name in ["alice", "bob"] {
                _ = try await adminDynamo.putItem(
                    table: "SFTPUsers", item: ["username": .s(name), "sshPublicKey": .s(key)])
            }
            let adminSQS = SQSClient(context: adminContext)
            let queueURL = try await adminSQS.createQueue(name: "invoice-uploads")
            let otherQueueURL = try await adminSQS.createQueue(name: "payroll-events")
            let topicARN = try await SNSClient(context: adminContext).createTopic(name: "oncall")
            _ = try await adminS3.putObject(bucket: "payroll", key: "salaries.csv", body: Data("secret".utf8))
            let iam = IAMClient(context: adminContext)
            // The SFTP users' role, as AWS requires for CreateUser. moto 5.2.1 requires neither the role nor
            // iam:PassRole on it (see ``MotoPolicyDialect``); it exists so the printed ARN names a real role.
            _ = try await iam.createRole(
                name: "sftp-invoice-user",
                assumeRolePolicy:
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"transfer.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
            )

            // The policy, as `transferwatch policy` prints it for this configuration.
            let config = try writeConfiguration(endpoint: moto.endpoint, queueURL: queueURL, topicARN: topicARN)
            let printed = try await CLIProcess.run(["--config", config, "policy"])
            #expect(printed.status == 0, "\(printed.standardError)")
            let dialect = try MotoPolicyDialect.translate(printed.standardOutput)
            // The S3, SQS and PassRole statements keep their printed resources (SQS gains moto's batch names).
            for sid in ["SourceBucket", "SourceObjects", "DestinationBucket", "DestinationObjects", "DeadLetterQueue"] {
                #expect(dialect.unchanged.contains(sid), "\(sid) must be tested as printed")
            }
            #expect(dialect.sameResources.contains("UploadQueue"), "the queue must be tested on its printed ARN")
            #expect(dialect.unchanged.contains("UserRole"), "PassRole must stay scoped to the user role")

            // An IAM user holding only that policy.
            try await iam.createUser(name: "transferwatch-agent")
            try await iam.putUserPolicy(
                userName: "transferwatch-agent", policyName: "transferwatch", document: dialect.json)
            let agentKey = try await iam.createAccessKey(userName: "transferwatch-agent")
            return Fixture(
                moto: moto, adminContext: adminContext, adminS3: adminS3, adminDynamo: adminDynamo,
                employeeKey: key, queueURL: queueURL, otherQueueURL: otherQueueURL, topicARN: topicARN,
                config: config,
                agent: TestContexts.make(endpoint: moto.endpoint, credentials: agentKey, maxAttempts: 1),
                agentEnvironment: [
                    "AWS_ACCESS_KEY_ID": agentKey.accessKeyID, "AWS_SECRET_ACCESS_KEY": agentKey.secretAccessKey,
                    "AWS_EC2_METADATA_DISABLED": "true",
                ])
        }
    }

    static func expectDenied(
        _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation,
        _ body: () async throws -> Void
    ) async throws {
        let error = await #expect(throws: AWSError.self, "\(what)", sourceLocation: sourceLocation) { try await body() }
        #expect(
            error?.isAccessDenied == true, "\(what): \(error.map { "\($0)" } ?? "allowed")",
            sourceLocation: sourceLocation)
        #expect(error?.statusCode == 403, "\(what)", sourceLocation: sourceLocation)
    }

    static func writeConfiguration(endpoint: URL, queueURL: String, topicARN: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tw-enforce-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("transferwatch.yaml")
        try """
        region: us-east-1
        endpoint: \(endpoint.absoluteString)
        buckets: {source: invoices-incoming, destination: invoices-archive}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        queue: \(queueURL)
        sftp:
          userRole: arn:aws:iam::123456789012:role/sftp-invoice-user
        alerts:
          snsTopicArn: \(topicARN)
        copy: {multipartThreshold: 5MiB, partSize: 5MiB}
        """.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}

/// Rewrites a printed policy into what moto 5.2.1's IAM engine can evaluate, changing only what moto gets wrong
/// (read in `moto/iam/access_control.py` and `moto/core/authorization.py`, and confirmed against moto):
///
/// 1. **Resources.** Only S3 (bucket and object ARNs) and SQS (the queue's ARN) requests are authorized against
///    their resource. DynamoDB, SNS, CloudWatch and Transfer requests are authorized against the resource `*`,
///    which no ARN pattern matches, so moto denies a table- or topic-scoped Allow that AWS grants. Those
///    statements get `Resource: "*"` here (moto then cannot show table or topic scoping; S3 and SQS scoping is
///    shown as printed).
/// 2. **Action names.** moto names the action `<signing name>:<operation>`: CloudWatch's is `monitoring:…`, not
///    `cloudwatch:…`, and `TransactWriteItems` is checked as `dynamodb:TransactWriteItems`, an action IAM does not
///    have (AWS checks `PutItem`, `UpdateItem`, `ConditionCheckItem` per item instead). Both are renamed or added.
/// 3. **Conditions.** moto passes no request context to identity policies, so every condition (`cloudwatch:namespace`,
///    `aws:RequestTag`, `aws:ResourceTag`, `iam:PassedToService`) passes: moto *allows* what AWS would deny there.
///    They are kept as printed, and no test here claims to show them working.
/// 4. **SQS batches.** AWS authorizes `DeleteMessageBatch` and `ChangeMessageVisibilityBatch` as `sqs:DeleteMessage`
///    and `sqs:ChangeMessageVisibility` (IAM has no batch actions); moto checks the batch names, which are added.
/// 5. **`iam:PassRole`.** Not translated, and not evaluated either: moto's Transfer `CreateUser` neither checks
///    that the caller may pass the role nor that the role exists, so the `UserRole` statement is attached exactly
///    as printed (a role-ARN resource, which moto's IAM requests are authorized against) and nothing here claims
///    to show it working. Provisioning would pass without it in moto; on AWS it cannot.
enum MotoPolicyDialect {
    struct Output {
        /// The policy in moto's dialect.
        var json: String
        /// The `Sid`s of the statements kept exactly as printed.
        var unchanged: Set<String>
        /// The `Sid`s of the statements whose resources and conditions are as printed, with moto's name of the same
        /// permission added (SQS's batch actions).
        var sameResources: Set<String>
    }

    static func translate(_ printed: String) throws -> Output {
        guard var policy = try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Any],
            let statements = policy["Statement"] as? [[String: Any]]
        else { throw DialectError(description: "not a policy document: \(printed.prefix(200))") }
        var unchanged: Set<String> = []
        var sameResources: Set<String> = []
        var translated: [[String: Any]] = []
        for var statement in statements {
            let sid = statement["Sid"] as? String ?? ""
            var actions = statement["Action"] as? [String] ?? []
            let services = Set(actions.map { $0.split(separator: ":").first.map(String.init) ?? "" })
            var changed = false
            var renamed = false
            if !services.isSubset(of: ["s3", "sqs", "iam"]), statement["Resource"] as? [String] != ["*"] {
                statement["Resource"] = ["*"]
                changed = true
            }
            if actions.contains(where: { $0.hasPrefix("cloudwatch:") }) {
                actions = actions.map {
                    $0.hasPrefix("cloudwatch:") ? "monitoring:" + $0.dropFirst("cloudwatch:".count) : $0
                }
                changed = true
            }
            // SQS's batch calls are authorized by AWS as their single action (there is no
            // `sqs:DeleteMessageBatch` in IAM); moto checks the batch operation's own name.
            for (single, batch) in [
                ("sqs:DeleteMessage", "sqs:DeleteMessageBatch"),
                ("sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch"),
            ] where actions.contains(single) {
                actions.append(batch)
                renamed = true
            }
            let itemActions: Set<String> = [
                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem",
            ]
            if !itemActions.isDisjoint(with: actions) {
                actions.append("dynamodb:TransactWriteItems")
                changed = true
            }
            statement["Action"] = actions
            if !changed { renamed ? sameResources.insert(sid) : unchanged.insert(sid) }
            translated.append(statement)
        }
        policy["Statement"] = translated
        let data = try JSONSerialization.data(withJSONObject: policy, options: [.sortedKeys])
        return Output(json: String(decoding: data, as: UTF8.self), unchanged: unchanged, sameResources: sameResources)
    }

    struct DialectError: Error, CustomStringConvertible {
        var description: String
    }
}

extension String {
    /// Appends the text to the file at `path`.
    func appendLine(toFile path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(self.utf8))
    }
}

/// An Ed25519 public key line from the real `ssh-keygen`.
enum SSHKeygenLine {
    static func ed25519() throws -> String? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tw-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alice@laptop", "-f",
            folder.appendingPathComponent("id").path,
        ]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let data = FileManager.default.contents(atPath: folder.appendingPathComponent("id.pub").path)
        else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
