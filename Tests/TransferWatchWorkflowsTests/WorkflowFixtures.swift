import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchLocking
import TransferWatchTestSupport
import TransferWatchWorkflows

/// Runs one moto for a whole suite and stops it when the suite ends; its tests find it in ``endpoint``.
/// Each test makes its own uniquely named buckets and tables (``WorkflowFixture``), so the tests of a suite run
/// in parallel on one server.
///
/// ```swift
/// @Suite(.requiresMoto, .workflowMoto("test.copy")) struct CopyWorkflowIntegrationTests { ... }
/// ```
struct WorkflowMoto: SuiteTrait, TestScoping {
    /// The logger label for the server's events.
    var label: String

    /// The running suite's moto endpoint (`nil` outside such a suite).
    @TaskLocal static var endpoint: URL?
    /// The running suite's moto, for suites whose tests share account-wide state (Transfer servers) and so
    /// run `.serialized`, resetting it first (`nil` outside such a suite).
    @TaskLocal static var server: MotoServer?

    /// Once for the suite, not once per test.
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let moto = try await MotoServer.start(logger: quietLogger(label))
        defer { moto.stop() }
        try await Self.$endpoint.withValue(moto.endpoint) {
            try await Self.$server.withValue(moto) { try await function() }
        }
    }
}

extension Trait where Self == WorkflowMoto {
    /// One moto for the whole suite, stopped when it ends.
    static func workflowMoto(_ label: String) -> Self { WorkflowMoto(label: label) }
}

/// A logger that drops everything (tests never bootstrap the global logging system).
func quietLogger(_ label: String = "transferwatch.test.workflows") -> Logger {
    Logger(label: label, factory: { _ in SwiftLogNoOpLogHandler() })
}

/// What the copy workflow needs in the emulator, made fresh for one test: a source and a destination bucket, the
/// state and employees tables, the employees, and (by default) the open window `2026-11`.
///
/// The fixture's own ``s3``, ``dynamo`` and ``ledger`` set up and inspect; workflows from
/// ``makeWorkflow(destinationKey:multipartThreshold:partSize:credentials:now:)`` send through ``transport``,
/// which counts their requests, so a test can hold a step record's `requests` against the wire.
struct WorkflowFixture: Sendable {
    /// The window the default calendar puts ``deliveredAt`` in.
    static let windowID = "2026-11"
    /// When the fixture's uploads happen unless a test says otherwise: a day after the window opened.
    static let deliveredAt = date("2026-11-29T10:00:00Z")
    /// The default provisioning schedule (00:00 on the 28th), read in UTC.
    static let calendar = DeliveryWindowCalendar(provision: schedule("cron(0 0 28 * ? *)"), timeZone: .gmt)

    let endpoint: URL
    let credentials: AWSCredentials
    let s3: S3Client
    let dynamo: DynamoDBClient
    let ledger: DeliveryLedger
    let sourceBucket: String
    let destinationBucket: String
    let stateTable: String
    let employeesTable: String
    let calendar: DeliveryWindowCalendar
    /// Carries every request of the workflows this fixture makes, and counts them.
    let transport: CountingTransport

    /// Creates the buckets, tables, employees and window.
    ///
    /// - Parameters:
    ///   - employees: active employees (`active: true`).
    ///   - inactiveEmployees: employees with `active: false`.
    ///   - window: the window to open (`nil`: none), expecting `expected` deliveries (default: every active employee).
    ///   - createsDestinationBucket: `false` leaves the destination bucket missing.
    static func make(
        endpoint: URL, credentials: AWSCredentials = TestContexts.motoCredentials, employees: [String] = ["alice"],
        inactiveEmployees: [String] = [], window: String? = windowID, expected: Int? = nil,
        createsDestinationBucket: Bool = true, calendar: DeliveryWindowCalendar = calendar
    ) async throws -> WorkflowFixture {
        let context = TestContexts.make(endpoint: endpoint, credentials: credentials)
        let s3 = S3Client(context: context)
        let dynamo = DynamoDBClient(context: context)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let fixture = WorkflowFixture(
            endpoint: endpoint, credentials: credentials, s3: s3, dynamo: dynamo,
            ledger: DeliveryLedger(
                dynamo: dynamo, stateTable: "tw-state-\(suffix)", employeesTable: "tw-employees-\(suffix)",
                logger: quietLogger()),
            sourceBucket: "tw-incoming-\(suffix)", destinationBucket: "tw-archive-\(suffix)",
            stateTable: "tw-state-\(suffix)", employeesTable: "tw-employees-\(suffix)", calendar: calendar,
            transport: CountingTransport(base: TestContexts.sharedTransport))
        try await s3.createBucket(fixture.sourceBucket)
        if createsDestinationBucket { try await s3.createBucket(fixture.destinationBucket) }
        try await StateTable.create(named: fixture.stateTable, using: dynamo)
        try await StateTable.createEmployees(named: fixture.employeesTable, using: dynamo)
        let people = employees.map { ($0, true) } + inactiveEmployees.map { ($0, false) }
        if !people.isEmpty {
            let puts = people.map { name, active in
                DynamoDBWriteRequest.put(["username": .s(name), "active": .bool(active)])
            }
            try await dynamo.batchWriteItem([fixture.employeesTable: puts])
        }
        if let window {
            try await fixture.ledger.openWindow(
                window, expected: expected ?? employees.count, at: date("2026-11-28T00:00:00Z"))
        }
        return fixture
    }

    /// A workflow over the fixture's buckets and tables whose requests go through ``transport``.
    ///
    /// - Parameters:
    ///   - credentials: sign with these instead of the fixture's.
    ///   - now: the workflow's clock (also the delivery time of a run without an event).
    ///   - through: send to this endpoint instead (a ``FaultProxy`` in front of the fixture's emulator).
    func makeWorkflow(
        destinationKey: KeyTemplate = .sourceKey, multipartThreshold: Int64 = 5 << 30, partSize: Int64 = 5 << 20,
        credentials: AWSCredentials? = nil, now: @escaping @Sendable () -> Date = { WorkflowFixture.deliveredAt },
        through proxy: URL? = nil
    ) -> CopyWorkflow {
        let context = TestContexts.make(
            endpoint: proxy ?? endpoint, credentials: credentials ?? self.credentials, transport: transport)
        let dynamo = DynamoDBClient(context: context)
        return CopyWorkflow(
            s3: S3Client(context: context),
            ledger: DeliveryLedger(
                dynamo: dynamo, stateTable: stateTable, employeesTable: employeesTable, logger: quietLogger()),
            settings: .init(
                sourceBucket: sourceBucket, destinationBucket: destinationBucket, destinationKey: destinationKey,
                calendar: calendar, multipartThreshold: multipartThreshold, partSize: partSize),
            now: now, logger: quietLogger())
    }

    /// Uploads an object to the source bucket and returns the event S3 would send for it.
    @discardableResult
    func upload(
        _ key: String, body: Data? = nil, contentType: String? = "application/pdf", metadata: [String: String]? = nil,
        at eventTime: Date = WorkflowFixture.deliveredAt
    ) async throws -> S3ObjectEvent {
        let body = body ?? Data("invoice \(key)\n".utf8)
        let eTag = try await s3.putObject(
            bucket: sourceBucket, key: key, body: body, contentType: contentType, metadata: metadata)
        return S3ObjectEvent(
            bucket: sourceBucket, key: key, size: Int64(body.count), eTag: eTag.normalized, eventTime: eventTime)
    }

    /// The source bucket's keys, sorted.
    func sourceKeys() async throws -> [String] {
        try await s3.listAllObjects(bucket: sourceBucket).map(\.key).sorted()
    }

    /// The destination bucket's keys, sorted.
    func destinationKeys() async throws -> [String] {
        try await s3.listAllObjects(bucket: destinationBucket).map(\.key).sorted()
    }

    /// The fixture's window as the ledger reads it back.
    func windowState(_ id: String = WorkflowFixture.windowID) async throws -> DeliveryLedger.WindowState {
        try #require(try await ledger.window(id), "window \(id) was never opened")
    }
}

/// The S3 event notification S3 would send for `objects`, keys URL-encoded as S3 encodes them.
func s3EventJSON(_ objects: [S3ObjectEvent]) -> Data {
    let records = objects.map { object in
        """
        {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",\
        "eventTime":"\(AWSDate.iso8601(object.eventTime ?? WorkflowFixture.deliveredAt))","eventName":"ObjectCreated:Put",\
        "s3":{"s3SchemaVersion":"1.0","bucket":{"name":"\(object.bucket)","arn":"arn:aws:s3:::\(object.bucket)"},\
        "object":{"key":"\(s3EventEncoded(object.key))","size":\(object.size ?? 0),"eTag":"\(object.eTag ?? "")",\
        "sequencer":"0065A1B2C3D4E5F6A7"}}}
        """
    }
    return Data((#"{"Records":["# + records.joined(separator: ",") + "]}").utf8)
}

/// A key as S3 writes it in event notifications: form-URL-encoded (`+` for a space, `%XX` for anything but
/// letters, digits, `-_.*` and `/`).
func s3EventEncoded(_ key: String) -> String {
    var encoded = ""
    for byte in key.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "*"), UInt8(ascii: "/"):
            encoded.append(Character(Unicode.Scalar(byte)))
        case UInt8(ascii: " "):
            encoded.append("+")
        default:
            encoded += String(format: "%%%02X", byte)
        }
    }
    return encoded
}

/// An ISO 8601 instant (tests only: traps on a typo).
func date(_ text: String) -> Date {
    guard let parsed = AWSDate.parseISO8601(text) else { preconditionFailure("not an ISO 8601 instant: \(text)") }
    return parsed
}

/// A schedule expression (tests only: traps on a typo).
func schedule(_ text: String) -> ScheduleExpression {
    do {
        return try ScheduleExpression(parsing: text)
    } catch {
        preconditionFailure("not a schedule expression: \(text): \(error)")
    }
}

/// What a test throws from a workflow's `checkpoint` to stop a run there, as a crash would.
struct SimulatedCrash: Error, Equatable {
    /// `<workflow>.<checkpoint>`.
    var at: String

    init(at checkpoint: CopyWorkflow.Checkpoint) { at = "copy.\(checkpoint.rawValue)" }
    init(at checkpoint: ProvisioningWorkflow.Checkpoint) { at = "provisioning.\(checkpoint.rawValue)" }
    init(at checkpoint: TeardownWorkflow.Checkpoint) { at = "teardown.\(checkpoint.rawValue)" }
}

/// An ``HTTPTransport`` that passes every request on and remembers which AWS operation it was, so tests can
/// check the requests a step record claims against what went over the wire.
final class CountingTransport: HTTPTransport {
    private let base: any HTTPTransport
    private let sent = Locked<[String]>([])

    init(base: any HTTPTransport) {
        self.base = base
    }

    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        sent.withLock { $0.append(Self.operation(of: request)) }
        return try await base.send(request, timeout: timeout)
    }

    /// The operations sent so far, in order (each attempt counts).
    var operations: [String] { sent.withLock { $0 } }

    /// Forgets the operations sent so far.
    func reset() { sent.withLock { $0.removeAll() } }

    /// The operation name of a request: the `X-Amz-Target` action for DynamoDB, or the S3 operation its method,
    /// query and headers make.
    static func operation(of request: HTTPRequest) -> String {
        if let target = request.headers["X-Amz-Target"] {
            return String(target.split(separator: ".").last ?? Substring(target))
        }
        let isCopy = request.headers["x-amz-copy-source"] != nil
        switch request.method {
        case "HEAD": return "HeadObject"
        case "GET": return request.query.contains("list-type") ? "ListObjectsV2" : "GetObject"
        case "DELETE": return request.query.contains("uploadId") ? "AbortMultipartUpload" : "DeleteObject"
        case "POST": return request.query.contains("uploads") ? "CreateMultipartUpload" : "CompleteMultipartUpload"
        case "PUT" where isCopy: return request.query.contains("partNumber") ? "UploadPartCopy" : "CopyObject"
        case "PUT": return "PutObject"
        default: return request.method
        }
    }
}

/// SplitMix64: a seeded generator, so a shuffled test replays the same order every time.
struct SeededGenerator: RandomNumberGenerator {
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
