import Foundation
import Testing
import TransferWatchWorkflows

/// ``ServerClaim``: every state of the server item and what a run does about it.
@Suite struct ServerClaimTests {
    static let intentAt = date("2026-11-28T00:00:00Z")
    static let lease = Duration.seconds(300)

    static func record(
        owner: String = "run-a", state: ServerRegistry.ServerRecord.State = .creating, serverID: String? = nil
    ) -> ServerRegistry.ServerRecord {
        ServerRegistry.ServerRecord(
            windowID: "2026-11", state: state, owner: owner, intentAt: intentAt, serverID: serverID,
            deletedAt: state == .deleted ? date("2026-12-01T00:00:00Z") : nil,
            deleteReason: state == .deleted ? "scheduled" : nil)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var record: ServerRegistry.ServerRecord
        var tagged: [String]?
        var secondsAfterIntent: Int = 10
        var expected: ServerClaim
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // This run just recorded its intent: look for a server a crashed run may have left, first.
        Case(name: "own intent, not looked", record: record(), expected: .lookForTaggedServer),
        Case(name: "own intent, nothing tagged", record: record(), tagged: [], expected: .create),
        // A run crashed after CreateServer: its server carries the window tag. The lowest ID wins.
        Case(
            name: "own intent, tagged servers", record: record(),
            tagged: ["s-22222222222222222", "s-11111111111111111"],
            expected: .adoptTagged(serverID: "s-11111111111111111")),
        // Another run is creating the server right now.
        Case(
            name: "another run's fresh intent", record: record(owner: "run-b"),
            expected: .heldByAnotherRun(owner: "run-b", since: intentAt, leaseEndsAt: date("2026-11-28T00:05:00Z"))),
        Case(
            name: "another run's intent, one second before the lease ends", record: record(owner: "run-b"),
            secondsAfterIntent: 299,
            expected: .heldByAnotherRun(owner: "run-b", since: intentAt, leaseEndsAt: date("2026-11-28T00:05:00Z"))),
        // That run went away without recording a server: take over.
        Case(
            name: "another run's stale intent", record: record(owner: "run-b"), secondsAfterIntent: 300,
            expected: .takeOver(staleOwner: "run-b")),
        // The server is recorded, whoever recorded it.
        Case(
            name: "recorded server", record: record(owner: "run-b", state: .online, serverID: "s-0123456789abcdef0"),
            expected: .adoptRecorded(serverID: "s-0123456789abcdef0")),
        Case(
            name: "recorded but failed server",
            record: record(owner: "run-b", state: .failed, serverID: "s-0123456789abcdef0"),
            secondsAfterIntent: 3_600, expected: .adoptRecorded(serverID: "s-0123456789abcdef0")),
        // Torn down: never again for this window.
        Case(
            name: "deleted", record: record(state: .deleted, serverID: "s-0123456789abcdef0"), tagged: [],
            expected: .windowClosed(reason: "scheduled", at: date("2026-12-01T00:00:00Z"))),
    ]

    @Test(arguments: cases)
    func decidesTheNextAction(_ testCase: Case) {
        let decision = ServerClaim.decide(
            record: testCase.record, runID: "run-a", taggedServers: testCase.tagged,
            now: Self.intentAt.addingTimeInterval(TimeInterval(testCase.secondsAfterIntent)), lease: Self.lease)
        #expect(decision == testCase.expected)
    }
}
