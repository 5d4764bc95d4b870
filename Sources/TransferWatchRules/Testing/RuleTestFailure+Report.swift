import Foundation
import TransferWatchConfig

extension RuleTestFailure {
    /// The failure as a readable diff, in the manner of `promtool test rules`:
    ///
    /// ```
    ///     alertname: copy-failed, time: 10m (2026-11-28T00:10:00Z), match: exact
    ///         exp:
    ///           - labels: {alertname="copy-failed", …}
    ///             summary: "…"
    ///         got:
    ///           + labels: {alertname="copy-failed", …}
    ///             summary: "…"
    /// ```
    ///
    /// Lines marked `-` are expected alerts that no firing alert matched; `+` are firing alerts nobody expected;
    /// unmarked ones matched.
    package func report(timeZone: TimeZone = .gmt) -> [String] {
        var lines = [
            "    alertname: \(assertion.alertname), time: \(formatDuration(assertion.evalTime)) "
                + "(\(ValueFormatting.formatRFC3339(time, timeZone: timeZone))), match: \(assertion.match.rawValue)"
        ]
        lines.append("        exp:\(expected.isEmpty ? " (no alert firing)" : "")")
        for (index, alert) in expected.enumerated() {
            let mark = unmatchedExpected.contains(index) ? "-" : " "
            lines.append("          \(mark) labels: \(labelText(alert.labels))")
            lines += annotationLines(alert.annotations)
        }
        lines.append("        got:\(got.isEmpty ? " (no alert firing)" : "")")
        for (index, alert) in got.enumerated() {
            let mark = unmatchedGot.contains(index) ? "+" : " "
            lines.append("          \(mark) labels: \(labelText(alert.labels))")
            lines += annotationLines(alert.annotations)
        }
        for alert in pending {
            lines.append(
                "        note: pending since \(ValueFormatting.formatRFC3339(alert.activeAt, timeZone: timeZone)) "
                    + "(its 'for' has not run out): \(labelText(alert.labels))")
        }
        return lines
    }

    /// One line per annotation, sorted by name: `summary: "…"`.
    private func annotationLines(_ annotations: [String: String]) -> [String] {
        annotations.sorted { $0.key < $1.key }.map { "            \($0.key): \(quotedValue($0.value))" }
    }
}
