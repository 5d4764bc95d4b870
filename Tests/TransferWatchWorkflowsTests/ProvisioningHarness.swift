import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchLocking
import TransferWatchTestSupport
import TransferWatchWorkflows

/// Everything the provisioning and teardown suites need against one moto: tables, the source bucket's name,
/// employees, the clients (over an ``InterceptingTransport``), and time that only moves when a test moves it.
struct ProvisioningHarness {
    static let role = "arn:aws:iam::123456789012:role/sftp-invoice-user"
    static let bucket = "invoices-incoming"
    static let stateTable = "TransferWatchState"
    static let employeesTable = "SFTPUsers"
    static let window = "2026-11"
    static let start = date("2026-11-28T00:00:05Z")

    var moto: MotoServer
    var transport: InterceptingTransport
    var transfer: TransferClient
    var dynamo: DynamoDBClient
    var registry: ServerRegistry
    var ledger: DeliveryLedger
    /// The business clock (`--now`).
    var now: ManualNow
    /// The ONLINE waiter's clock: moves only when the waiter sleeps.
    var waitTime: SimulatedTime
    /// Retries' backoff, recorded instead of slept.
    var retrySleeper: RecordingSleeper

    /// The suite's moto (``WorkflowMoto``), reset, with the two tables and `employees` in the employees table.
    ///
    /// Reset because Transfer servers are account-wide: a test counts them and teardown looks for orphans
    /// among all of them, so these suites run `.serialized` on an empty emulator.
    static func make(employees: [EmployeeRow] = EmployeeRow.roster(valid: 5)) async throws -> ProvisioningHarness {
        let server = try #require(WorkflowMoto.server, "the suite's moto is not running")
        try await server.reset()
        let transport = InterceptingTransport()
        let retrySleeper = RecordingSleeper()
        let context = TestContexts.make(endpoint: server.endpoint, transport: transport, sleeper: retrySleeper)
        let dynamo = DynamoDBClient(context: context)
        try await StateTable.create(named: stateTable, using: dynamo)
        try await StateTable.createEmployees(named: employeesTable, using: dynamo)
        let harness = ProvisioningHarness(
            moto: server, transport: transport, transfer: TransferClient(context: context), dynamo: dynamo,
            registry: ServerRegistry(dynamo: dynamo, table: stateTable),
            ledger: DeliveryLedger(
                dynamo: dynamo, stateTable: stateTable, employeesTable: employeesTable, logger: Self.logger),
            now: ManualNow(start), waitTime: SimulatedTime(start), retrySleeper: retrySleeper)
        try await harness.put(employees)
        return harness
    }

    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Writes employee rows.
    func put(_ rows: [EmployeeRow]) async throws {
        for row in rows {
            var item: DynamoDBItem = ["username": .s(row.username)]
            if let key = row.sshPublicKey { item["sshPublicKey"] = .s(key) }
            if !row.isActive { item["active"] = .bool(false) }
            try await dynamo.putItem(table: Self.employeesTable, item: item)
        }
    }

    /// The session policy the harness's workflows pass to `CreateUser`.
    static let sessionPolicy =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::invoices-incoming/${transfer:UserName}/*"}]}"#

    /// A provisioning workflow on the harness's clocks, with a rate limiter that records instead of waiting.
    ///
    /// - Parameter context: the workflow's own AWS context (to count exactly its requests); by default the
    ///   harness's clients.
    func provisioning(
        concurrency: Int = 8, lease: Duration = .seconds(300), onlineTimeout: Duration = .seconds(600),
        limiterSleeper: RecordingSleeper = RecordingSleeper(), context: AWSClient.Context? = nil
    ) -> ProvisioningWorkflow {
        let dynamo = context.map(DynamoDBClient.init(context:)) ?? dynamo
        var workflow = ProvisioningWorkflow(
            transfer: context.map(TransferClient.init(context:)) ?? transfer,
            registry: ServerRegistry(dynamo: dynamo, table: Self.stateTable),
            ledger: DeliveryLedger(
                dynamo: dynamo, stateTable: Self.stateTable, employeesTable: Self.employeesTable, logger: Self.logger),
            employees: EmployeeDirectory(dynamo: dynamo, table: Self.employeesTable, logger: Self.logger),
            settings: .init(
                sourceBucket: Self.bucket, userRole: Self.role, sessionPolicy: Self.sessionPolicy,
                userConcurrency: concurrency, requestsPerSecond: 10, onlineTimeout: onlineTimeout,
                onlinePollInterval: .seconds(15), intentLease: lease),
            now: now.closure, logger: Self.logger)
        workflow.waiting = .init(sleeper: waitTime, now: waitTime.closure)
        workflow.limiter = RequestRateLimiter(requestsPerSecond: 10, sleeper: limiterSleeper, elapsed: { .zero })
        return workflow
    }

    /// A teardown workflow on the harness's clock, with a rate limiter that records instead of waiting.
    ///
    /// - Parameter context: the workflow's own AWS context; by default the harness's clients.
    func teardown(context: AWSClient.Context? = nil) -> TeardownWorkflow {
        let dynamo = context.map(DynamoDBClient.init(context:)) ?? dynamo
        var workflow = TeardownWorkflow(
            transfer: context.map(TransferClient.init(context:)) ?? transfer,
            registry: ServerRegistry(dynamo: dynamo, table: Self.stateTable),
            ledger: DeliveryLedger(
                dynamo: dynamo, stateTable: Self.stateTable, employeesTable: Self.employeesTable, logger: Self.logger),
            settings: .init(), now: now.closure, logger: Self.logger)
        workflow.limiter = RequestRateLimiter(requestsPerSecond: 10, sleeper: RecordingSleeper(), elapsed: { .zero })
        return workflow
    }

    /// The IDs of every server moto has.
    func serverIDs() async throws -> [String] {
        try await transfer.listServers().map(\.serverID).sorted()
    }

    /// Answers `CreateUser` for a name already created with AWS's `ResourceExistsException`, as AWS does;
    /// moto 5.2.1 instead adds a second user of the same name.
    func answerDuplicateUsersLikeAWS() {
        let created = Locked(Set<String>())
        transport.intercept { request in
            guard request.target == "TransferService.CreateUser" else { return nil }
            let key =
                "\(request.jsonBody["ServerId"] as? String ?? "")/\(request.jsonBody["UserName"] as? String ?? "")"
            let isNew = created.withLock { $0.insert(key).inserted }
            return isNew
                ? nil
                : .awsError(400, code: "ResourceExistsException", message: "User already exists")
        }
    }
}

/// One row of the employees table, possibly broken.
struct EmployeeRow: Sendable {
    var username: String
    var sshPublicKey: String?
    var isActive = true

    /// `count` valid employees `employee01`…, plus the given extra rows.
    static func roster(valid count: Int, extra: [EmployeeRow] = []) -> [EmployeeRow] {
        (0..<count).map {
            EmployeeRow(username: String(format: "employee%02d", $0 + 1), sshPublicKey: ed25519Key($0 + 1))
        }
            + extra
    }

    /// The three broken records of the issue's scenario: a missing key, a malformed key, a username Transfer
    /// refuses.
    static let broken: [EmployeeRow] = [
        EmployeeRow(username: "nokey.nora", sshPublicKey: nil),
        EmployeeRow(username: "badkey.bart", sshPublicKey: "ssh-ed25519 !!!this-is-not-base64!!! bart@laptop"),
        EmployeeRow(username: "-mallory", sshPublicKey: ed25519Key(999)),
    ]

    /// A structurally valid OpenSSH ed25519 public key line, distinct per seed.
    static func ed25519Key(_ seed: Int) -> String {
        var blob = Data()
        func append(_ bytes: some Collection<UInt8>) {
            var length = UInt32(bytes.count).bigEndian
            withUnsafeBytes(of: &length) { blob.append(contentsOf: $0) }
            blob.append(contentsOf: bytes)
        }
        append(Array("ssh-ed25519".utf8))
        var generator = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        append(
            (0..<32).map { _ -> UInt8 in
                generator ^= generator << 13
                generator ^= generator >> 7
                generator ^= generator << 17
                return UInt8(truncatingIfNeeded: generator)
            })
        return "ssh-ed25519 \(blob.base64EncodedString()) employee\(seed)@example.com"
    }
}

/// A clock and sleeper in one: sleeping moves the clock by the duration, at once.
final class SimulatedTime: Sleeper {
    private let instant: Locked<Date>
    private let sleeps = Locked<[Duration]>([])

    init(_ start: Date) { instant = Locked(start) }

    func sleep(for duration: Duration) async throws {
        sleeps.withLock { $0.append(duration) }
        instant.withLock {
            $0 = $0.addingTimeInterval(
                TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18)
        }
    }

    var now: Date { instant.withLock { $0 } }
    var closure: @Sendable () -> Date { { self.now } }
    var slept: [Duration] { sleeps.withLock { $0 } }
}

/// A business clock (`--now`) that stands still until a test moves it.
final class ManualNow: Sendable {
    private let instant: Locked<Date>

    init(_ start: Date) { instant = Locked(start) }

    /// The current instant.
    func callAsFunction() -> Date { instant.withLock { $0 } }

    /// Moves the clock forward.
    func advance(by duration: Duration) {
        instant.withLock { $0 = $0.addingTimeInterval(TimeInterval(duration.components.seconds)) }
    }

    /// A `@Sendable` closure reading this clock.
    var closure: @Sendable () -> Date { { self() } }
}
