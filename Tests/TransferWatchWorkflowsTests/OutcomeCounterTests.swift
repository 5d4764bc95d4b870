import Foundation
import Testing
import TransferWatchAWS
import TransferWatchWorkflows

/// The in-memory success counter's arithmetic, and the snapshot's copy facts from recorded outcomes: values
/// only, no emulator.
@Suite struct OutcomeCounterTests {
    @Test func countsOnlyMovedStepsByTheirHour() {
        let counter = OutcomeCounter()
        counter.record(Self.record(.moved, at: "2026-11-29T10:05:00Z"))
        counter.record(Self.record(.moved, at: "2026-11-29T10:59:59Z"))
        counter.record(Self.record(.moved, at: "2026-11-29T11:00:00Z"))
        counter.record(Self.record(.alreadyMoved, at: "2026-11-29T10:10:00Z"))
        counter.record(Self.record(.superseded, at: "2026-11-29T10:10:00Z"))
        counter.record(Self.record(.failed, at: "2026-11-29T10:10:00Z"))
        #expect(counter.pendingCounts == [date("2026-11-29T10:00:00Z"): 2, date("2026-11-29T11:00:00Z"): 1])
    }

    @Test func drainTakesEverythingOldestFirstAndLeavesNothing() {
        let counter = OutcomeCounter()
        counter.add(3, at: date("2026-11-29T11:30:00Z"))
        counter.add(2, at: date("2026-11-29T10:30:00Z"))
        counter.add(0, at: date("2026-11-29T09:30:00Z"))
        let drained = counter.drain()
        #expect(drained.map(\.hourStart) == [date("2026-11-29T10:00:00Z"), date("2026-11-29T11:00:00Z")])
        #expect(drained.map(\.count) == [2, 3])
        #expect(counter.pendingCounts.isEmpty)
        #expect(counter.drain().isEmpty)
    }

    /// A failed write puts the counts back, added to what was counted meanwhile: nothing is lost or doubled.
    @Test func restoreAddsToCountsMadeMeanwhile() {
        let counter = OutcomeCounter()
        counter.add(4, at: date("2026-11-29T10:30:00Z"))
        let drained = counter.drain()
        counter.add(1, at: date("2026-11-29T10:45:00Z"))
        counter.restore(drained)
        #expect(counter.pendingCounts == [date("2026-11-29T10:00:00Z"): 5])
    }

    @Test func hourStartIsTheUTCHour() {
        #expect(CopyOutcomeLog.hourStart(of: date("2026-11-29T10:59:59Z")) == date("2026-11-29T10:00:00Z"))
        #expect(CopyOutcomeLog.hourStart(of: date("2026-11-29T00:00:00Z")) == date("2026-11-29T00:00:00Z"))
    }

    @Test func successBucketKeysNameTheDayAndHour() {
        let key = StateTable.successBucketKey(hourStart: date("2026-11-29T07:00:00Z"))
        #expect(key["pk"] == .s("outcomes#2026-11-29"))
        #expect(key["sk"] == .s("succeeded#07"))
        #expect(StateTable.failureKey("2026-11", key: "alice/a.pdf")["pk"] == .s("window#2026-11"))
        #expect(StateTable.failureKey(nil, key: "alice/a.pdf")["pk"] == .s("copies#unwindowed"))
        #expect(StateTable.failureKey(nil, key: "alice/a.pdf")["sk"] == .s("failure#alice/a.pdf"))
    }

    struct CopiesCase: Sendable, CustomTestStringConvertible {
        var name: String
        var now: String
        var currentHour: Int
        var previousHour: Int
        var succeeded: Int
        var testDescription: String { name }
    }

    static let copiesCases: [CopiesCase] = [
        // At the top of the hour the whole previous hour is within the last hour.
        CopiesCase(name: "top of the hour", now: "2026-11-29T10:00:00Z", currentHour: 0, previousHour: 8, succeeded: 8),
        // At 10:15, 45 of the previous hour's 60 minutes count: 8 × 0.75 = 6.
        CopiesCase(name: "quarter past", now: "2026-11-29T10:15:00Z", currentHour: 3, previousHour: 8, succeeded: 9),
        // At 10:30, half: 5 × 0.5 = 2.5, rounded to 3 (schoolbook rounding away from zero).
        CopiesCase(name: "half past", now: "2026-11-29T10:30:00Z", currentHour: 1, previousHour: 5, succeeded: 4),
        // At 10:59:59 almost none of the previous hour counts.
        CopiesCase(
            name: "end of the hour", now: "2026-11-29T10:59:59Z", currentHour: 7, previousHour: 100, succeeded: 7),
    ]

    @Test(arguments: copiesCases) func succeededLastHourProratesThePreviousHour(_ test: CopiesCase) {
        let copies = PipelineSnapshot.Copies.make(
            failures: [], waitingKeys: [], currentHour: test.currentHour, previousHour: test.previousHour,
            now: date(test.now))
        #expect(copies.succeededLast1h == test.succeeded)
    }

    @Test func failuresCountWithinTheLastHourAndUpToNow() {
        let now = date("2026-11-29T10:00:00Z")
        func failure(_ key: String, _ at: String) -> CopyOutcomeLog.Failure {
            CopyOutcomeLog.Failure(
                key: key, bucket: "in", window: "2026-11", errorCode: "AccessDenied", attempts: 3, at: date(at))
        }
        let copies = PipelineSnapshot.Copies.make(
            failures: [
                failure("a/1", "2026-11-29T08:59:00Z"),  // more than an hour ago
                // Exactly an hour ago: outside, the last hour being (now - 1h, now].
                failure("a/2", "2026-11-29T09:00:00Z"),
                failure("b/1", "2026-11-29T09:30:00Z"),
                failure("c/1", "2026-11-29T10:00:00Z"),
                failure("d/1", "2026-11-29T10:30:00Z"),  // after now (a replay at an earlier --now): ignored
            ],
            waitingKeys: ["c/1", "a/1"], currentHour: 0, previousHour: 0, now: now)
        #expect(copies.failedLast1h == 2)
        #expect(copies.lastFailureAt == date("2026-11-29T10:00:00Z"))
        #expect(copies.failedKeys == ["a/1", "c/1"])
    }

    static func record(_ result: CopyStepRecord.Result, at finished: String) -> CopyStepRecord {
        var record = CopyStepRecord(
            source: .init(bucket: "in", key: "alice/a.pdf"), destination: .init(bucket: "out", key: "alice/a.pdf"),
            startedAt: date(finished))
        record.result = result
        record.finishedAt = date(finished)
        return record
    }
}
