import TransferWatchAWS

/// One field that differs between an alarm in CloudWatch and the alarm the rules declare, shown in the plan as
/// `threshold: 1 -> 5`.
package struct AlarmFieldChange: Sendable, Hashable, CustomStringConvertible {
    /// The field, named as in `PutMetricAlarm` (lower camel case).
    package var field: String
    /// The value CloudWatch has, rendered.
    package var old: String
    /// The value the rule declares, rendered.
    package var new: String

    /// A change of one field.
    package init(field: String, old: String, new: String) {
        self.field = field
        self.old = old
        self.new = new
    }

    /// `field: old -> new`.
    package var description: String { "\(field): \(old) -> \(new)" }

    /// The fields that differ between two metric alarms, in a fixed order; tags are not compared (CloudWatch
    /// does not describe them, and ownership is checked before planning).
    package static func changes(
        from old: CloudWatchClient.MetricAlarm, to new: CloudWatchClient.MetricAlarm
    ) -> [AlarmFieldChange] {
        compare(fields(of: old), fields(of: new))
    }

    /// The fields that differ between two composite alarms.
    package static func changes(
        from old: CloudWatchClient.CompositeAlarm, to new: CloudWatchClient.CompositeAlarm
    ) -> [AlarmFieldChange] {
        compare(fields(of: old), fields(of: new))
    }

    private static func compare(_ old: [(String, String)], _ new: [(String, String)]) -> [AlarmFieldChange] {
        zip(old, new).compactMap { old, new in
            old.1 == new.1 ? nil : AlarmFieldChange(field: old.0, old: old.1, new: new.1)
        }
    }

    private static let none = "(none)"

    private static func fields(of alarm: CloudWatchClient.MetricAlarm) -> [(String, String)] {
        var source: [(String, String)]
        switch alarm.source {
        case .metric(let namespace, let name, let dimensions, let statistic, let period, let unit):
            let statisticText =
                switch statistic {
                case .standard(let standard): standard.rawValue
                case .extended(let extended): extended
                }
            source = [
                ("namespace", namespace), ("metricName", name),
                (
                    "dimensions",
                    dimensions.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
                        .map { "\($0.name)=\($0.value)" }.joined(separator: ",")
                ),
                ("statistic", statisticText), ("period", "\(period)"), ("unit", unit?.rawValue ?? none),
            ]
        case .queries(let queries):
            source = [
                ("namespace", none), ("metricName", "metric math (\(queries.count) queries)"), ("dimensions", none),
                ("statistic", none), ("period", none), ("unit", none),
            ]
        }
        return [("description", alarm.description ?? none)] + source + [
            ("comparisonOperator", alarm.comparisonOperator.rawValue),
            ("threshold", alarm.threshold.map(number) ?? none),
            ("thresholdMetricId", alarm.thresholdMetricID ?? none),
            ("evaluationPeriods", "\(alarm.evaluationPeriods)"),
            ("datapointsToAlarm", alarm.datapointsToAlarm.map { "\($0)" } ?? "\(alarm.evaluationPeriods)"),
            ("treatMissingData", (alarm.treatMissingData ?? .missing).rawValue),
            ("evaluateLowSampleCountPercentile", alarm.evaluateLowSampleCountPercentile ?? none),
        ] + actionFields(alarm.actions)
    }

    private static func fields(of alarm: CloudWatchClient.CompositeAlarm) -> [(String, String)] {
        [("description", alarm.description ?? none), ("alarmRule", alarm.rule)] + actionFields(alarm.actions)
    }

    private static func actionFields(_ actions: CloudWatchClient.AlarmActions) -> [(String, String)] {
        func list(_ arns: [String]) -> String { arns.isEmpty ? none : arns.sorted().joined(separator: ",") }
        return [
            ("actionsEnabled", "\(actions.isEnabled)"), ("alarmActions", list(actions.alarm)),
            ("okActions", list(actions.ok)), ("insufficientDataActions", list(actions.insufficientData)),
        ]
    }

    /// A threshold as written in a rule: `1`, not `1.0`; `0.5` stays `0.5`.
    static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
