import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport
import TransferWatchWorkflows

/// moto, a ``FaultProxy`` in front of it, and a configuration whose `endpoint:` is the proxy: the agents run
/// through the faults; the verification clients here talk to moto directly.
struct ReliabilityFixture {
    static let environment = [
        "AWS_ACCESS_KEY_ID": TestContexts.motoCredentials.accessKeyID,
        "AWS_SECRET_ACCESS_KEY": TestContexts.motoCredentials.secretAccessKey,
        "AWS_EC2_METADATA_DISABLED": "true",
    ]
    static let source = "invoices-incoming"
    static let destination = "invoices-archive"
    static let namespace = "TransferWatchSoak"
    static let sshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
    /// The employee who never uploads, so the window stays open and its server stays up to be counted.
    static let absentee = "absentee"

    let moto: MotoServer
    let proxy: FaultProxy
    /// The Alertmanager webhook the agents notify (direct, not through the proxy).
    let hook: LocalHTTPServer
    let directory: URL
    let config: URL
    let spool: URL
    let s3: S3Client
    let sqs: SQSClient
    let dynamo: DynamoDBClient
    let transfer: TransferClient
    let cloudWatch: CloudWatchClient
    let queueURL: String
    let uploaders: [String]

    /// Starts moto and the proxy (faulting nothing until ``faults(rate:)``), and writes the configuration.
    static func start(uploaders count: Int, seed: UInt64, agent: String) async throws -> ReliabilityFixture {
        let quiet = Logger(label: "soak", factory: { _ in SwiftLogNoOpLogHandler() })
        let moto = try await MotoServer.start(logger: quiet)
        let proxy: FaultProxy
        do {
            proxy = try await FaultProxy.start(upstream: moto.endpoint, rate: 0, seed: seed)
        } catch {
            moto.stop()
            throw error
        }
        let hook: LocalHTTPServer
        do {
            hook = try LocalHTTPServer.start { _ in .json("{}") }
        } catch {
            proxy.stop()
            moto.stop()
            throw error
        }
        guard let root = RepositoryPaths.root() else { throw SoakError("no repository root") }
        let context = TestContexts.make(endpoint: moto.endpoint)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tw-soak-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let spool = directory.appendingPathComponent("spool")
        let queueURL = "\(moto.endpoint.absoluteString)/123456789012/invoice-uploads"
        let config = directory.appendingPathComponent("transferwatch.yaml")
        try """
        region: us-east-1
        endpoint: \(proxy.endpoint.absoluteString)
        namespace: \(namespace)
        spool: \(spool.path)
        buckets: {source: \(source), destination: \(destination)}
        tables: {employees: SFTPUsers, state: TransferWatchState}
        queue: \(queueURL)
        aws:
          maxAttempts: 5
        sftp:
          userRole: arn:aws:iam::123456789012:role/sftp-invoice-user
          requestsPerSecond: 200
        rules: \(root.appendingPathComponent("rules").path)
        alerts:
          snsTopicArn: arn:aws:sns:us-east-1:123456789012:oncall
          webhooks: [{url: "\(hook.baseURL)/hook", format: alertmanager}]
          groupBy: [alertname, key]
          groupWait: 1s
          groupInterval: 2s
        metrics:
          flushInterval: 2s
        copy:
          concurrency: 8
          gracePeriod: 1d
        agent:
        \(agent)
        """.write(to: config, atomically: true, encoding: .utf8)
        let width = String(count).count
        let uploaders = (1...count).map { "employee" + String(repeating: "0", count: width - String($0).count) + "\($0)" }
        return ReliabilityFixture(
            moto: moto, proxy: proxy, hook: hook, directory: directory, config: config, spool: spool, s3: S3Client(context: context),
            sqs: SQSClient(context: context), dynamo: DynamoDBClient(context: context),
            transfer: TransferClient(context: context), cloudWatch: CloudWatchClient(context: context),
            queueURL: queueURL, uploaders: uploaders)
    }

    /// Stops the proxy and moto, and removes the configuration and the logs.
    func stop() {
        hook.stop()
        proxy.stop()
        moto.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// `transferwatch bootstrap` (through the proxy, before any fault), then the employees (direct).
    func bootstrap() async throws {
        let result = try await CLIProcess.run(
            ["--config", config.path, "bootstrap"], environment: Self.environment, timeout: .seconds(120))
        guard result.status == 0 else { throw SoakError("bootstrap failed: \(result.standardError)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in uploaders + [Self.absentee] {
                group.addTask {
                    try await dynamo.putItem(
                        table: "SFTPUsers",
                        item: ["username": .s(name), "sshPublicKey": .s("\(Self.sshKey) \(name)@laptop")])
                }
            }
            try await group.waitForAll()
        }
    }

    /// Starts `transferwatch agent` at `now`, its clock running `clockRate` times real time, as the replica `soak`
    /// (a restart after a kill holds the same lease at once).
    func startAgent(name: String, now: Date, clockRate: Double = 1) throws -> AgentProcess {
        try AgentProcess(
            name: name,
            arguments: [
                "--config", config.path, "--now", AWSDate.iso8601(now), "--log-format", "text", "--log-level", "info",
                "agent", "--replica-id", "soak", "--clock-rate", "\(clockRate)",
            ],
            environment: Self.environment, directory: directory)
    }

    /// The uploads: `uploadsPerUploader` invoices per uploader, keyed `<employee>/2026-11/invoice-<n>.pdf`, and
    /// each one's content.
    func plannedUploads(perUploader: Int) -> [String: String] {
        var uploads: [String: String] = [:]
        for round in 0..<perUploader {
            for name in uploaders {
                let key = "\(name)/2026-11/invoice-\(round).pdf"
                uploads[key] = "invoice \(round) of \(name): \(UUID().uuidString)"
            }
        }
        return uploads
    }

    /// Puts the objects into the source bucket (direct to moto; the bucket notification sends the events),
    /// `parallel` at a time, in key order shuffled by `seed`.
    func upload(_ uploads: [String: String], parallel: Int = 16, seed: UInt64) async throws {
        var random = SplitMix(seed: seed)
        let keys = uploads.keys.sorted().shuffled(using: &random)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, key) in keys.enumerated() {
                if index >= parallel { try await group.next() }
                group.addTask { _ = try await s3.putObject(bucket: Self.source, key: key, body: Data(uploads[key]!.utf8)) }
            }
            try await group.waitForAll()
        }
    }

    /// The keys in a bucket.
    func keys(in bucket: String) async throws -> Set<String> {
        Set(try await s3.listAllObjects(bucket: bucket).map(\.key))
    }

    /// Visible plus in-flight messages in a queue.
    func depth(_ queueURL: String) async throws -> Int {
        let attributes = try await sqs.getQueueAttributes(queueURL: queueURL)
        return (attributes.approximateNumberOfMessages ?? 0) + (attributes.approximateNumberOfMessagesNotVisible ?? 0)
    }

    var ledger: DeliveryLedger {
        DeliveryLedger(
            dynamo: dynamo, stateTable: "TransferWatchState", employeesTable: "SFTPUsers",
            logger: Logger(label: "soak", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    var registry: ServerRegistry { ServerRegistry(dynamo: dynamo, table: "TransferWatchState") }

    /// How many Alertmanager notifications said `alertname` for `key` was in `status` (`firing`, `resolved`).
    /// Alerts are grouped by `alertname` and `key`, so each notification is about one key's alert.
    func notifications(_ alertname: String, key: String, status: String) -> Int {
        alertKeys(alertname, status: status).filter { $0 == key }.count
    }

    /// The `key` label of every alert named `alertname` in notifications with `status`, one per notification.
    func alertKeys(_ alertname: String, status: String) -> [String] {
        hook.requests().filter { $0.path == "/hook" }.compactMap { request -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any],
                object["status"] as? String == status,
                let alerts = object["alerts"] as? [[String: Any]]
            else { return nil }
            return alerts.compactMap { $0["labels"] as? [String: String] }
                .first { $0["alertname"] == alertname }?["key"]
        }
    }

    /// The proxy's counts, for the report: requests, forwarded, and each fault.
    func faultSummary() async -> String {
        guard let stats = try? await proxy.statistics() else { return "proxy statistics unavailable" }
        return stats.sorted { $0.key < $1.key }.filter { $0.value > 0 }.map { "\($0.key)=\(Int($0.value))" }
            .joined(separator: " ")
    }
}

/// A failure of the fixture itself.
struct SoakError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A seeded generator (SplitMix64), so a failing run's order and kill times can be replayed.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
