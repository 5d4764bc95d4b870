import Foundation
import Testing
import TransferWatchAlerting

/// ``DedupPolicy/decide(entry:firing:resolved:repeatInterval:now:)`` as a table, one comment per case.
@Suite struct DedupPolicyTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var entry: (firing: Set<String>, resolved: Set<String>, minutesAgo: Double)?
        var firing: Set<String>
        var resolved: Set<String>
        var expected: DedupPolicy.Reason?
        var description: String { name }
    }

    static let cases: [Case] = [
        // Never notified, something fires: send.
        Case(name: "first firing", entry: nil, firing: ["a"], resolved: [], expected: .newFiring),
        // Never notified and nothing fires: nothing to say.
        Case(name: "nothing ever fired", entry: nil, firing: [], resolved: [], expected: nil),
        // Same alerts as last time, within the repeat interval: quiet.
        Case(name: "unchanged", entry: (["a"], [], 10), firing: ["a"], resolved: [], expected: nil),
        // A new alert joins the group.
        Case(name: "new alert", entry: (["a"], [], 10), firing: ["a", "b"], resolved: [], expected: .newFiring),
        // One of two resolved.
        Case(name: "one resolved", entry: (["a", "b"], [], 10), firing: ["b"], resolved: ["a"], expected: .resolved),
        // All resolved.
        Case(name: "all resolved", entry: (["a"], [], 10), firing: [], resolved: ["a"], expected: .resolved),
        // Resolved already told: quiet, even after the repeat interval (resolved alerts are not repeated).
        Case(name: "resolved told", entry: ([], ["a"], 300), firing: [], resolved: ["a"], expected: nil),
        // Repeat interval (4h) elapsed with the same alert firing.
        Case(name: "repeat", entry: (["a"], [], 240), firing: ["a"], resolved: [], expected: .repeatIntervalElapsed),
        // Just under the repeat interval.
        Case(name: "not yet repeat", entry: (["a"], [], 239), firing: ["a"], resolved: [], expected: nil),
        // Fewer alerts firing but none resolved (muted): quiet.
        Case(name: "muted one", entry: (["a", "b"], [], 10), firing: ["a"], resolved: [], expected: nil),
    ]

    @Test(arguments: cases) func decides(_ testCase: Case) {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let entry = testCase.entry.map {
            NotificationLogEntry(
                receiver: "r", group: AlertGroupKey(labels: ["alertname": "x"]), firing: $0.firing,
                resolved: $0.resolved, at: now.addingTimeInterval(-$0.minutesAgo * 60), sequence: 1)
        }
        #expect(
            DedupPolicy.decide(
                entry: entry, firing: testCase.firing, resolved: testCase.resolved, repeatInterval: .seconds(4 * 3600),
                now: now) == testCase.expected)
    }
}
