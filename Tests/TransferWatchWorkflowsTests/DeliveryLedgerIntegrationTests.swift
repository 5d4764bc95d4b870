import Foundation
import Testing
import TransferWatchAWS
import TransferWatchLocking
import TransferWatchTestSupport
import TransferWatchWorkflows

/// The monthly counter against moto: each employee counted once per window whatever the concurrency or
/// redelivery, the window reported complete exactly when the last active employee delivers, and no item that
/// grows with the number of employees.
@Suite(.requiresMoto, .workflowMoto("test.workflows.ledger")) struct DeliveryLedgerIntegrationTests {
    /// The counter test: 4 workers (each its own agent with its own clients) process 200 uploads from 50
    /// of 60 employees, every event delivered twice, in a seeded shuffle. Afterwards the window counts exactly
    /// the 50, every object is in the destination once, the source is empty, and no run failed.
    @Test func theCounterStaysExactWithFourWorkersAndEveryEventDeliveredTwice() async throws {
        let uploaders = (0..<50).map { String(format: "employee-%02d", $0) }
        let idle = (50..<60).map { String(format: "employee-%02d", $0) }
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint(), employees: uploaders + idle)
        let keys = uploaders.flatMap { name in (1...4).map { "\(name)/invoice \($0).pdf" } }
        #expect(keys.count == 200)
        let events = try await uploadAll(keys, to: fixture)

        var generator = SeededGenerator(seed: 2026_11)
        let deliveries = (events + events).shuffled(using: &generator)
        let queue = EventQueue(deliveries)
        let records = try await withThrowingTaskGroup(of: [CopyStepRecord].self) { group in
            for _ in 1...4 {
                let worker = fixture.makeWorkflow()
                group.addTask {
                    var done: [CopyStepRecord] = []
                    while let event = queue.next() { done.append(try await worker.run(event)) }
                    return done
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }

        #expect(records.count == 400)
        let failures = records.filter(\.isFailure)
        #expect(failures.isEmpty, "\(failures.prefix(3).map(\.summary))")
        let byKey = Dictionary(grouping: records, by: \.source.key)
        #expect(byKey.count == 200)
        for (key, runs) in byKey {
            #expect(runs.count == 2)
            #expect(runs.contains { $0.result == .moved }, "\(key): \(runs.map(\.result))")
            #expect(runs.allSatisfy { [.moved, .alreadyMoved].contains($0.result) }, "\(key): \(runs.map(\.result))")
        }
        let counted = records.filter(\.counted)
        #expect(counted.count == 50)
        #expect(Set(counted.compactMap(\.uploader)) == Set(uploaders))
        #expect(records.filter(\.windowComplete).isEmpty)

        let window = try await fixture.windowState()
        #expect(window.isOpen)
        #expect(window.expected == 60)
        #expect(window.delivered == 50)
        #expect(window.remaining == 60 - 50)
        #expect(try await fixture.ledger.deliveredUsernames(WorkflowFixture.windowID) == uploaders)
        #expect(try await fixture.destinationKeys() == keys.sorted())
        #expect(try await fixture.sourceKeys() == [])

        // No item grows with the number of employees: the window item holds counters only.
        let item = try #require(
            try await fixture.dynamo.getItem(
                table: fixture.stateTable, key: StateTable.windowKey(WorkflowFixture.windowID), consistentRead: true))
        #expect(
            Set(item.keys) == ["pk", "sk", "state", "expected", "remaining", "delivered", "openedAt", "lastDeliveryAt"])
    }

    /// With 3 active employees the third distinct delivery completes the window (one extra transaction, and the
    /// record says so); later uploads by the same people are already counted and complete nothing.
    @Test func theLastMissingDeliveryCompletesTheWindow() async throws {
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint(), employees: ["alice", "bob", "carol"])
        let workflow = fixture.makeWorkflow()
        var records: [CopyStepRecord] = []
        for key in ["alice/1.pdf", "bob/1.pdf", "alice/2.pdf", "carol/1.pdf", "bob/2.pdf", "carol/2.pdf"] {
            fixture.transport.reset()
            let record = try await workflow.run(try await fixture.upload(key))
            #expect(record.requests == fixture.transport.operations.count, "\(key): \(fixture.transport.operations)")
            records.append(record)
        }

        #expect(records.map(\.result) == Array(repeating: .moved, count: 6))
        #expect(
            records.map(\.delivery) == [
                "counted", "counted", "alreadyCounted", "counted", "alreadyCounted", "alreadyCounted",
            ])
        #expect(records.map(\.windowComplete) == [false, false, false, true, false, false])
        #expect(records[3].requests == 4)
        #expect(records[3].summary.contains("counted, window 2026-11 complete, 4 requests"))
        let window = try await fixture.windowState()
        #expect(window.delivered == 3)
        #expect(window.remaining == 0)
        #expect(window.lastDeliveryAt == WorkflowFixture.deliveredAt)
        #expect(try await fixture.ledger.deliveredUsernames(WorkflowFixture.windowID) == ["alice", "bob", "carol"])
    }

    /// The ledger on its own, raced: the same three employees counted by 12 concurrent calls each, with a window
    /// of 3 — each counted once, and exactly one call reports the completion.
    @Test func concurrentDeliveriesCompleteTheWindowExactlyOnce() async throws {
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint(), employees: ["alice", "bob", "carol"])
        let ledger = fixture.ledger
        let outcomes = try await withThrowingTaskGroup(of: DeliveryLedger.Outcome.self) { group in
            for round in 0..<12 {
                for name in ["alice", "bob", "carol"] {
                    group.addTask {
                        try await ledger.recordDelivery(
                            window: WorkflowFixture.windowID, username: name, key: "\(name)/\(round).pdf",
                            at: WorkflowFixture.deliveredAt)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        #expect(outcomes.filter(\.isCounted).count == 3)
        #expect(outcomes.filter { $0 == .counted(completesWindow: true) }.count == 1)
        #expect(outcomes.filter { $0 == .alreadyCounted }.count == 33)
        let window = try await fixture.windowState()
        #expect(window.delivered == 3)
        #expect(window.remaining == 0)
    }

    /// An employee activated after the window opened (so not in `expected`) is counted when they deliver, but
    /// the window is reported complete only once.
    @Test func aDeliveryPastCompletionIsCountedWithoutCompletingTheWindowAgain() async throws {
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint(), employees: ["alice", "bob"])
        _ = try await fixture.dynamo.putItem(table: fixture.employeesTable, item: ["username": .s("carol"), "sshPublicKey": .s("ssh-ed25519 AAAA")])
        var outcomes: [DeliveryLedger.Outcome] = []
        for name in ["alice", "bob", "carol", "carol"] {
            outcomes.append(try await fixture.ledger.recordDelivery(
                window: WorkflowFixture.windowID, username: name, key: "\(name)/1.pdf", at: WorkflowFixture.deliveredAt))
        }
        #expect(outcomes == [.counted(completesWindow: false), .counted(completesWindow: true), .counted(completesWindow: false), .alreadyCounted])
        let window = try await fixture.windowState()
        #expect(window.delivered == 3)
        #expect(window.expected == 2)
    }

    /// Opening a window twice keeps the first one's counters; a closed window counts nothing more.
    @Test func openingIsIdempotentAndAClosedWindowCountsNothing() async throws {
        let fixture = try await WorkflowFixture.make(endpoint: try endpoint(), employees: ["alice", "bob"])
        let ledger = fixture.ledger
        let id = WorkflowFixture.windowID
        #expect(
            try await ledger.recordDelivery(
                window: id, username: "alice", key: "alice/1.pdf", at: WorkflowFixture.deliveredAt)
                == .counted(completesWindow: false))
        #expect(try await ledger.openWindow(id, expected: 99, at: WorkflowFixture.deliveredAt) == false)
        var window = try await fixture.windowState()
        #expect(window.expected == 2)
        #expect(window.delivered == 1)

        try await ledger.closeWindow(id, reason: "teardown", at: date("2026-12-27T00:00:00Z"))
        #expect(
            try await ledger.recordDelivery(
                window: id, username: "bob", key: "bob/1.pdf", at: WorkflowFixture.deliveredAt) == .windowNotOpen)
        #expect(
            try await ledger.recordDelivery(
                window: id, username: "alice", key: "alice/2.pdf", at: WorkflowFixture.deliveredAt) == .alreadyCounted)
        #expect(
            try await ledger.recordDelivery(
                window: id, username: "mallory", key: "mallory/1.pdf", at: WorkflowFixture.deliveredAt)
                == .unknownUploader)
        #expect(
            try await ledger.recordDelivery(
                window: "2026-10", username: "bob", key: "bob/1.pdf", at: WorkflowFixture.deliveredAt) == .windowNotOpen
        )
        window = try await fixture.windowState()
        #expect(!window.isOpen)
        #expect(window.closedReason == "teardown")
        #expect(window.delivered == 1)
        #expect(window.remaining == 1)
        #expect(try await ledger.deliveredUsernames(id) == ["alice"])
    }

    // MARK: - Helpers

    /// Uploads every key (8 at a time) and returns their events in key order.
    private func uploadAll(_ keys: [String], to fixture: WorkflowFixture) async throws -> [S3ObjectEvent] {
        try await withThrowingTaskGroup(of: S3ObjectEvent.self) { group in
            var events: [S3ObjectEvent] = []
            var pending = keys[...]
            for _ in 0..<8 {
                guard let key = pending.popFirst() else { break }
                group.addTask { try await fixture.upload(key) }
            }
            while let event = try await group.next() {
                events.append(event)
                if let key = pending.popFirst() { group.addTask { try await fixture.upload(key) } }
            }
            return events.sorted { $0.key < $1.key }
        }
    }

    private func endpoint() throws -> URL {
        try #require(WorkflowMoto.endpoint, "the suite's moto is not running")
    }
}

/// The work the counter test's workers share: each event is taken by exactly one worker.
final class EventQueue: Sendable {
    private let remaining: Locked<ArraySlice<S3ObjectEvent>>

    init(_ events: [S3ObjectEvent]) {
        remaining = Locked(events[...])
    }

    /// The next event, or `nil` when all are taken.
    func next() -> S3ObjectEvent? {
        remaining.withLock { $0.popFirst() }
    }
}
