import Foundation
import TransferWatchLocking

/// The named checks behind `/readyz`: the agent is ready when every one passes.
///
/// Two kinds: a check closure (for example "credentials valid", which asks STS or reads a cached answer)
/// and a heartbeat, which a loop calls ``beat(_:)`` on each round and which fails when the last beat is
/// older than `tolerance` × its interval (or there has been none). Time comes from the injected `now`.
///
/// ```swift
/// let readiness = ReadinessProbe(now: { Date() })
/// readiness.addCheck("credentials") { await credentials.isValid ? .ready("valid") : .notReady("expired") }
/// readiness.addHeartbeat("queue-consumer", interval: .seconds(20))
/// readiness.beat("queue-consumer")  // from the consumer's loop
/// let report = await readiness.evaluate()  // report.isReady, report.text
/// ```
package final class ReadinessProbe: Sendable {
    /// A check's outcome.
    package struct Result: Sendable, Equatable {
        /// Whether the check passes.
        package var isReady: Bool
        /// One line for the `/readyz` body (never a secret).
        package var detail: String

        /// A passing result.
        package static func ready(_ detail: String = "ok") -> Result { Result(isReady: true, detail: detail) }
        /// A failing result.
        package static func notReady(_ detail: String) -> Result { Result(isReady: false, detail: detail) }
    }

    /// Every check's outcome, in registration order.
    package struct Report: Sendable, Equatable {
        /// Check names and results.
        package var checks: [(name: String, result: Result)]

        /// Whether every check passed (true for no checks).
        package var isReady: Bool { checks.allSatisfy(\.result.isReady) }

        /// The `/readyz` body: one `ok|fail name: detail` line per check, then `ready` or `not ready`.
        package var text: String {
            var lines = checks.map { "\($0.result.isReady ? "ok  " : "FAIL") \($0.name): \($0.result.detail)" }
            lines.append(isReady ? "ready" : "not ready")
            return lines.joined(separator: "\n") + "\n"
        }

        /// Compares names and results.
        package static func == (lhs: Report, rhs: Report) -> Bool {
            lhs.checks.map(\.name) == rhs.checks.map(\.name) && lhs.checks.map(\.result) == rhs.checks.map(\.result)
        }
    }

    private enum Check: Sendable {
        case closure(@Sendable () async -> Result)
        case heartbeat(interval: Duration, tolerance: Double)
    }

    private struct State {
        var checks: [(name: String, check: Check)] = []
        var beats: [String: Date] = [:]
    }

    private let now: @Sendable () -> Date
    private let state = Locked(State())

    /// Creates a probe with no checks.
    ///
    /// - Parameter now: The clock heartbeats are judged by.
    package init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    /// Adds (or replaces) a check named `name`.
    package func addCheck(_ name: String, _ check: @escaping @Sendable () async -> Result) {
        register(name, .closure(check))
    }

    /// Adds (or replaces) a heartbeat check named `name`.
    ///
    /// - Parameters:
    ///   - name: The loop's name.
    ///   - interval: How often the loop beats.
    ///   - tolerance: How many intervals may pass without a beat before the check fails (3 by default).
    package func addHeartbeat(_ name: String, interval: Duration, tolerance: Double = 3) {
        register(name, .heartbeat(interval: interval, tolerance: tolerance))
    }

    /// Records that the loop `name` completed a round now.
    package func beat(_ name: String) {
        let instant = now()
        state.withLock { $0.beats[name] = instant }
    }

    /// Runs every check.
    package func evaluate() async -> Report {
        let (checks, beats) = state.withLock { ($0.checks, $0.beats) }
        let instant = now()
        var results: [(name: String, result: Result)] = []
        for (name, check) in checks {
            switch check {
            case .closure(let body):
                results.append((name, await body()))
            case .heartbeat(let interval, let tolerance):
                let limit = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
                guard let last = beats[name] else {
                    results.append((name, .notReady("no heartbeat yet")))
                    continue
                }
                let age = instant.timeIntervalSince(last)
                let detail = "last heartbeat \(Self.seconds(age)) ago (limit \(Self.seconds(limit * tolerance)))"
                results.append((name, age <= limit * tolerance ? .ready(detail) : .notReady(detail)))
            }
        }
        return Report(checks: results)
    }

    private func register(_ name: String, _ check: Check) {
        state.withLock { state in
            if let index = state.checks.firstIndex(where: { $0.name == name }) {
                state.checks[index].check = check
            } else {
                state.checks.append((name, check))
            }
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))s" : String(format: "%.1fs", value)
    }
}
