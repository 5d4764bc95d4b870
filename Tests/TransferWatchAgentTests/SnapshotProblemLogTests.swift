import Testing
import TransferWatchAgent

/// The evaluator logs a snapshot's problems when they change, not every round.
struct SnapshotProblemLogTests {
    @Test func newProblemsAreListedOnceAndTheRestCounted() {
        var log = SnapshotProblemLog(listedPerRound: 2)
        let first = log.update(["a", "b", "c", "a"])
        #expect(first == .init(listed: ["a", "b"], unlisted: 1, total: 3, resolved: nil))
        // The same problems next round: nothing to say.
        #expect(log.update(["c", "b", "a"]) == .init(listed: [], unlisted: 0, total: 3, resolved: nil))
        // One gone, one new: only the new one.
        #expect(log.update(["a", "d"]) == .init(listed: ["d"], unlisted: 0, total: 2, resolved: nil))
        // All gone: said once.
        #expect(log.update([]) == .init(listed: [], unlisted: 0, total: 0, resolved: 2))
        #expect(log.update([]) == .init(listed: [], unlisted: 0, total: 0, resolved: nil))
        // Back again: listed again.
        #expect(log.update(["a"]) == .init(listed: ["a"], unlisted: 0, total: 1, resolved: nil))
    }
}
