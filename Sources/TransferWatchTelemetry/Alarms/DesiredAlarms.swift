import TransferWatchAWS

/// The alarms the rules declare: what `alarms sync` makes CloudWatch match.
package struct DesiredAlarms: Sendable, Hashable {
    /// One metric alarm per rule with an `alarm` block, sorted by name, each carrying the ownership tags.
    package var metricAlarms: [CloudWatchClient.MetricAlarm]
    /// The "pipeline unhealthy" summary: ALARM when any of ``metricAlarms`` is; `nil` when there are none.
    package var composite: CloudWatchClient.CompositeAlarm?

    /// A desired set of alarms.
    package init(metricAlarms: [CloudWatchClient.MetricAlarm], composite: CloudWatchClient.CompositeAlarm?) {
        self.metricAlarms = metricAlarms
        self.composite = composite
    }
}
