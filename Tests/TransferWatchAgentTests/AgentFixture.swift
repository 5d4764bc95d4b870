import Foundation
import Logging
import TransferWatchAWS
import TransferWatchTestSupport
import TransferWatchWorkflows

/// One moto, one configuration file, the employees, and helpers to run `bootstrap` and `agent` as processes.
struct AgentFixture {
    static let environment = [
        "AWS_ACCESS_KEY_ID": TestContexts.motoCredentials.accessKeyID,
        "AWS_SECRET_ACCESS_KEY": TestContexts.motoCredentials.secretAccessKey,
        "AWS_EC2_METADATA_DISABLED": "true",
    ]
    static let source = "invoices-incoming"
    static let destination = "invoices-archive"
    static let sshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"

    let moto: MotoServer
    let directory: URL
    let config: URL
    let s3: S3Client
    let sqs: SQSClient
    let dynamo: DynamoDBClient
    let transfer: TransferClient
    let queueURL: String

    /// Starts moto and writes a configuration: `sftp` and `agent` sections as given (YAML lines, indented).
    static func start(sftp: String = "", agent: String = "", copy: String = "") async throws -> AgentFixture {
        let moto = try await MotoServer.start(logger: Logger(label: "moto", factory: { _ in SwiftLogNoOpLogHandler() }))
        let context = TestContexts.make(endpoint: moto.endpoint)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tw-agent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let queueURL = "\(moto.endpoint.absoluteString)/123456789012/invoice-uploads"
        let config = directory.appendingPathComponent("transferwatch.yaml")
        try """
        region: us-east-1
        endpoint: \(moto.endpoint.absoluteString)
        buckets: {source: \(source), destination: \(destination)}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        queue: \(queueURL)
        sftp:
          userRole: arn:aws:iam::123456789012:role/sftp-invoice-user
          requestsPerSecond: 100
        \(sftp)
        alerts:
          snsTopicArn: arn:aws:sns:us-east-1:123456789012:oncall
        copy:
        \(copy.isEmpty ? "  concurrency: 8" : copy)
        agent:
        \(agent.isEmpty ? "  lease: 6s" : agent)
        """.write(to: config, atomically: true, encoding: .utf8)
        return AgentFixture(
            moto: moto, directory: directory, config: config, s3: S3Client(context: context),
            sqs: SQSClient(context: context), dynamo: DynamoDBClient(context: context),
            transfer: TransferClient(context: context), queueURL: queueURL)
    }

    /// Stops moto and removes the configuration and the agents' logs (failures quote the logs they need).
    func stop() {
        moto.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs the CLI to completion.
    func cli(_ arguments: [String]) async throws -> CLIProcess.Result {
        try await CLIProcess.run(
            ["--config", config.path] + arguments, environment: Self.environment, timeout: .seconds(120))
    }

    /// `transferwatch bootstrap`, which must succeed, then the employees.
    func bootstrap(employees: [String]) async throws {
        let result = try await cli(["bootstrap"])
        guard result.status == 0 else { throw FixtureError("bootstrap failed: \(result.standardError)") }
        for name in employees {
            try await dynamo.putItem(
                table: "SFTPUsers", item: ["username": .s(name), "sshPublicKey": .s("\(Self.sshKey) \(name)@laptop")])
        }
    }

    /// Starts `transferwatch agent` with `--now` and `--clock-rate`.
    func startAgent(
        name: String, now: String, clockRate: Double = 1, extra: [String] = [], logFormat: String = "text"
    )
        throws -> AgentProcess
    {
        try AgentProcess(
            name: name,
            arguments: [
                "--config", config.path, "--now", now, "--log-format", logFormat, "--log-level", "info", "agent",
                "--clock-rate", "\(clockRate)",
            ] + extra,
            environment: Self.environment, directory: directory)
    }

    /// Uploads `key` into the source bucket (the bucket notification sends its event to the queue).
    func upload(_ key: String, body: String? = nil) async throws {
        try await s3.putObject(bucket: Self.source, key: key, body: Data((body ?? "invoice \(key)").utf8))
    }

    /// The keys in a bucket.
    func keys(in bucket: String) async throws -> Set<String> {
        Set(try await s3.listAllObjects(bucket: bucket).map(\.key))
    }

    var ledger: DeliveryLedger {
        DeliveryLedger(
            dynamo: dynamo, stateTable: "TransferWatchState", employeesTable: "SFTPUsers",
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    var registry: ServerRegistry { ServerRegistry(dynamo: dynamo, table: "TransferWatchState") }

    /// Visible plus in-flight messages in a queue.
    func depth(_ queueURL: String) async throws -> Int {
        let attributes = try await sqs.getQueueAttributes(queueURL: queueURL)
        return (attributes.approximateNumberOfMessages ?? 0) + (attributes.approximateNumberOfMessagesNotVisible ?? 0)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
