import Foundation
import Testing
import TransferWatchRules
import TransferWatchWorkflows

/// Each step record as the facts its step rules read: every field of ``PipelineFacts``' step schemas is set from
/// a realistic record and checked, and the checked paths must be exactly the schema's, so a schema change
/// (a field added, renamed or retyped) breaks these tests until the adapter follows.
@Suite struct StepRecordFactsTests {
    static let now = date("2026-11-29T10:00:05Z")

    @Test func copyRecordBecomesCopyStepFacts() throws {
        var record = CopyStepRecord(
            source: .init(bucket: "invoices-incoming", key: "alice/a.pdf", size: 1024, eTag: "0cc175b9"),
            destination: .init(bucket: "invoices-archive", key: "2026/11/alice/a.pdf"),
            startedAt: date("2026-11-29T10:00:00Z"))
        record.finishedAt = date("2026-11-29T10:00:01Z")
        record.result = .failed
        record.uploader = "alice"
        record.window = "2026-11"
        record.delivery = nil
        record.counted = false
        record.windowComplete = false
        record.multipart = true
        record.parts = 3
        record.bytes = 0
        record.latencyMilliseconds = 1250
        record.requests = 4
        record.attempts = 3
        record.errorCode = "AccessDenied"
        record.notes = ["a note"]

        let facts = try record.facts(environment: "prod", now: Self.now)
        let expected: [String: FactValue] = [
            "result": "failed",
            "source": .object([:]), "source.bucket": "invoices-incoming", "source.key": "alice/a.pdf",
            "source.size": .number(1024), "source.etag": "0cc175b9",
            "destination": .object([:]), "destination.bucket": "invoices-archive",
            "destination.key": "2026/11/alice/a.pdf", "destination.size": .null, "destination.etag": .null,
            "uploader": "alice", "window": "2026-11", "delivery": .null, "counted": false, "windowComplete": false,
            "multipart": true, "parts": .number(3), "bytes": .number(0), "latency": .duration(.milliseconds(1250)),
            "requests": .number(4), "attempts": .number(3), "errorCode": "AccessDenied", "notes": ["a note"],
            "startedAt": .timestamp(date("2026-11-29T10:00:00Z")),
            "finishedAt": .timestamp(date("2026-11-29T10:00:01Z")), "now": .timestamp(Self.now),
            "environment": "prod",
        ]
        try Self.check(facts, against: expected)
    }

    @Test func provisioningRecordBecomesProvisionStepFacts() throws {
        var record = ProvisioningStepRecord(window: "2026-11", runID: "run-1", startedAt: date("2026-11-28T00:00:05Z"))
        record.finishedAt = date("2026-11-28T00:02:05Z")
        record.result = .failed
        record.server = .init(
            serverID: "s-0123456789abcdef0", origin: .created, createdAt: date("2026-11-28T00:00:06Z"), state: "ONLINE")
        record.usersCreated = ["alice", "bob"]
        record.usersAdopted = ["carol"]
        record.usersAlreadyProvisioned = 2
        record.usersNoLongerListed = ["zed"]
        record.skipped = [
            .init(username: "eve", reason: "no sshPublicKey"), .init(username: nil, reason: "no username"),
        ]
        record.inactive = ["frank"]
        record.windowOpened = true
        record.failures = [
            StepFailure(step: "CreateUser", subject: "dave", code: "ThrottlingException", message: "slow down")
        ]
        record.requests = ["Transfer.CreateUser": 4, "DynamoDB.PutItem": 5]
        record.rateLimitWaitMilliseconds = 300
        record.serverWaitMilliseconds = 4000
        record.durationMilliseconds = 120_000
        record.notes = ["note"]

        let facts = try record.facts(environment: "staging", now: Self.now)
        let expected: [String: FactValue] = [
            "result": "failed", "window": "2026-11", "runID": "run-1",
            "server": .object([:]), "server.id": "s-0123456789abcdef0", "server.origin": "created",
            "server.createdAt": .timestamp(date("2026-11-28T00:00:06Z")), "server.state": "ONLINE",
            "usersCreated": ["alice", "bob"], "usersAdopted": ["carol"], "usersAlreadyProvisioned": .number(2),
            "usersNoLongerListed": ["zed"], "skipped": ["eve", "(no username)"], "inactive": ["frank"],
            "windowOpened": true, "failures": ["CreateUser dave: ThrottlingException: slow down"],
            "requests": .number(9), "rateLimitWait": .duration(.milliseconds(300)),
            "serverWait": .duration(.seconds(4)), "duration": .duration(.seconds(120)), "notes": ["note"],
            "startedAt": .timestamp(date("2026-11-28T00:00:05Z")),
            "finishedAt": .timestamp(date("2026-11-28T00:02:05Z")), "now": .timestamp(Self.now),
            "environment": "staging",
        ]
        try Self.check(facts, against: expected)
    }

    @Test func teardownRecordBecomesTeardownStepFacts() throws {
        var record = TeardownStepRecord(
            window: "2026-11", reason: .counter, dryRun: false, includeOrphans: true,
            startedAt: date("2026-12-01T00:00:00Z"))
        record.finishedAt = date("2026-12-01T00:00:02Z")
        record.result = .tornDown
        record.serverID = "s-0123456789abcdef0"
        record.serverCreatedAt = date("2026-11-28T00:00:06Z")
        record.serverAgeSeconds = 259_194
        record.serverDeleted = true
        record.usersDeleted = ["alice", "bob"]
        record.usersAlreadyGone = ["carol"]
        record.windowClosed = true
        record.orphansDeleted = ["s-00000000000000001"]
        record.failures = []
        record.requests = ["Transfer.DeleteUser": 3, "Transfer.DeleteServer": 2]
        record.rateLimitWaitMilliseconds = 0
        record.durationMilliseconds = 2000
        record.notes = []

        let facts = try record.facts(environment: "prod", now: Self.now)
        let expected: [String: FactValue] = [
            "result": "tornDown", "window": "2026-11", "reason": "counter", "dryRun": false, "includeOrphans": true,
            "server": .object([:]), "server.id": "s-0123456789abcdef0",
            "server.createdAt": .timestamp(date("2026-11-28T00:00:06Z")), "server.age": .duration(.seconds(259_194)),
            "server.deleted": true, "usersDeleted": ["alice", "bob"], "usersAlreadyGone": ["carol"],
            "windowClosed": true, "orphansDeleted": ["s-00000000000000001"], "failures": .list([]),
            "requests": .number(5), "rateLimitWait": .duration(.zero), "duration": .duration(.seconds(2)),
            "notes": .list([]), "startedAt": .timestamp(date("2026-12-01T00:00:00Z")),
            "finishedAt": .timestamp(date("2026-12-01T00:00:02Z")), "now": .timestamp(Self.now),
            "environment": "prod",
        ]
        try Self.check(facts, against: expected)
    }

    /// A record without a server (nothing to tear down) leaves every `server.*` fact absent.
    @Test func teardownWithoutServerHasAbsentServerFacts() throws {
        let record = TeardownStepRecord(
            window: "2026-11", reason: .manual, dryRun: true, includeOrphans: false, startedAt: Self.now)
        let facts = try record.facts(environment: "prod", now: Self.now)
        for path in ["server.id", "server.createdAt", "server.age", "server.deleted"] {
            #expect(facts[path] == .null, "\(path)")
        }
        #expect(facts["result"] == "failed")
    }

    /// Every schema path is checked, and has the value expected.
    static func check(
        _ facts: FactValues, against expected: [String: FactValue], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let paths = Set(facts.schema.slots.map(\.path))
        #expect(paths == Set(expected.keys), "schema paths and checked paths differ", sourceLocation: sourceLocation)
        for (path, value) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(facts[path] == value, "\(path)", sourceLocation: sourceLocation)
        }
    }
}
