import Foundation
import TransferWatchAWS

extension AlarmPlan {
    /// The plan as `alarms sync` prints it, one alarm a line, like `terraform plan`:
    ///
    /// ```
    /// + create TransferWatch-prod-copy-failed (CopyFailed Sum >= 1, 1 x 300s)
    /// ~ update TransferWatch-prod-stale-server
    ///     threshold: 48 -> 72
    /// - delete TransferWatch-prod-old-rule
    /// = unchanged TransferWatch-prod-copy-integrity
    /// + create TransferWatch-prod-pipeline-unhealthy (composite: ALARM when any of 3 alarms is in ALARM)
    /// Plan: 2 to create, 1 to update, 1 to delete, 1 unchanged.
    /// ```
    ///
    /// - Parameter dryRun: adds a last line saying nothing was changed.
    package func rendered(dryRun: Bool) -> String {
        var lines: [String] = []
        for step in metricSteps { lines += Self.lines(for: step, summary: Self.summary) }
        for step in compositeSteps { lines += Self.lines(for: step, summary: Self.summary) }
        let all = metricSteps.map(\.kind) + compositeSteps.map(\.kind)
        func count(_ kind: String) -> Int { all.filter { $0 == kind }.count }
        lines.append(
            "Plan: \(count("create")) to create, \(count("update")) to update, \(count("delete")) to delete, "
                + "\(count("unchanged")) unchanged"
                + (count("conflict") > 0 ? ", \(count("conflict")) in conflict." : "."))
        if dryRun { lines.append("Dry run: nothing was changed.") }
        return lines.joined(separator: "\n")
    }

    private static func lines<Alarm>(for step: Step<Alarm>, summary: (Alarm) -> String) -> [String] {
        switch step {
        case .create(let alarm): ["+ create \(step.name) (\(summary(alarm)))"]
        case .update(_, let changes): ["~ update \(step.name)"] + changes.map { "    \($0)" }
        case .delete: ["- delete \(step.name)"]
        case .unchanged: ["= unchanged \(step.name)"]
        case .conflict:
            [
                "! conflict \(step.name) exists but is not managed by transferwatch (no transferwatch:managed tag): "
                    + "left alone; delete or rename it, or tag it to adopt it"
            ]
        }
    }

    private static func summary(_ alarm: CloudWatchClient.MetricAlarm) -> String {
        let symbol =
            switch alarm.comparisonOperator {
            case .greaterThanOrEqualToThreshold: ">="
            case .greaterThanThreshold: ">"
            case .lessThanThreshold: "<"
            case .lessThanOrEqualToThreshold: "<="
            default: alarm.comparisonOperator.rawValue
            }
        let threshold = alarm.threshold.map(AlarmFieldChange.number) ?? "band"
        switch alarm.source {
        case .metric(_, let name, _, let statistic, let period, _):
            let stat =
                switch statistic {
                case .standard(let standard): standard.rawValue
                case .extended(let extended): extended
                }
            return "\(name) \(stat) \(symbol) \(threshold), \(alarm.evaluationPeriods) x \(period)s"
        case .queries:
            return "metric math \(symbol) \(threshold)"
        }
    }

    private static func summary(_ alarm: CloudWatchClient.CompositeAlarm) -> String {
        let count = alarm.rule.components(separatedBy: "ALARM(").count - 1
        return "composite: ALARM when any of \(count) alarm\(count == 1 ? "" : "s") is in ALARM"
    }
}

extension AlarmPlan.Step {
    /// `create`, `update`, `delete` or `unchanged`.
    package var kind: String {
        switch self {
        case .create: "create"
        case .update: "update"
        case .delete: "delete"
        case .unchanged: "unchanged"
        case .conflict: "conflict"
        }
    }
}
