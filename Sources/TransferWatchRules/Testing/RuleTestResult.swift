import Foundation
import TransferWatchConfig

/// The outcome of one test file.
package struct RuleTestFileResult: Sendable {
    /// The test file.
    package var path: String
    /// Each test's outcome, in file order.
    package var tests: [RuleTestResult]

    /// Whether any test failed.
    package var failed: Bool { tests.contains { !$0.passed } }
}

/// The outcome of one test case.
package struct RuleTestResult: Sendable {
    /// The test's name.
    package var name: String
    /// Where the test is written.
    package var location: SourceLocation
    /// The test's zone, in which its times are shown.
    package var timeZone: TimeZone
    /// Every assertion that did not hold.
    package var failures: [RuleTestFailure]

    /// Whether every assertion held.
    package var passed: Bool { failures.isEmpty }
}

/// An assertion that did not hold: what was expected and what was firing.
package struct RuleTestFailure: Sendable {
    /// The assertion.
    package var assertion: AlertAssertion
    /// The calendar time of its `eval_time`.
    package var time: Date
    /// The expected alerts, with `alertname` added to their labels.
    package var expected: [ExpectedAlert]
    /// The firing alerts of the rule, sorted by labels.
    package var got: [AlertInstance]
    /// The rule's pending alerts at that time (not compared; shown to explain a `for` that has not run out).
    package var pending: [AlertInstance]
    /// The indices in ``expected`` that matched no firing alert.
    package var unmatchedExpected: [Int]
    /// The indices in ``got`` that matched no expected alert.
    package var unmatchedGot: [Int]
}
