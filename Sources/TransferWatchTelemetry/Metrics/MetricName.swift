/// The metrics TransferWatch publishes (CONTRACT.md): names, units, and the dimensions besides `Environment`.
///
/// Dashboards and alarms may plot only these; `dashboards lint` and `rules lint` check against this list.
package struct MetricName: Sendable, Hashable, CustomStringConvertible {
    /// The CloudWatch metric name.
    package var name: String
    /// The CloudWatch unit.
    package var unit: String
    /// Dimensions besides `Environment` (only `RuleViolations` has one: `Rule`).
    package var extraDimensions: [String]

    /// The metric name.
    package var description: String { name }

    package static let copySucceeded = MetricName(name: "CopySucceeded", unit: "Count", extraDimensions: [])
    package static let copyFailed = MetricName(name: "CopyFailed", unit: "Count", extraDimensions: [])
    package static let copyLatency = MetricName(name: "CopyLatency", unit: "Milliseconds", extraDimensions: [])
    package static let bytesCopied = MetricName(name: "BytesCopied", unit: "Bytes", extraDimensions: [])
    package static let uploadsDelivered = MetricName(name: "UploadsDelivered", unit: "Count", extraDimensions: [])
    package static let employeesExpected = MetricName(name: "EmployeesExpected", unit: "Count", extraDimensions: [])
    package static let serverOnline = MetricName(name: "ServerOnline", unit: "Count", extraDimensions: [])
    package static let serverAgeHours = MetricName(name: "ServerAgeHours", unit: "None", extraDimensions: [])
    package static let usersProvisioned = MetricName(name: "UsersProvisioned", unit: "Count", extraDimensions: [])
    package static let provisioningFailed = MetricName(name: "ProvisioningFailed", unit: "Count", extraDimensions: [])
    package static let teardownCompleted = MetricName(name: "TeardownCompleted", unit: "Count", extraDimensions: [])
    package static let ruleViolations = MetricName(name: "RuleViolations", unit: "Count", extraDimensions: ["Rule"])
    package static let alertsFiring = MetricName(name: "AlertsFiring", unit: "Count", extraDimensions: [])
    /// Metric data points the publisher dropped (spool full, outside CloudWatch's time range, refused as invalid):
    /// the agent records it with ``MetricsPublisher/recordDroppedDatapoints()`` and alerts on it.
    package static let metricsDropped = MetricName(name: "MetricsDropped", unit: "Count", extraDimensions: [])

    /// Every published metric, in CONTRACT.md's order, then the publisher's own `MetricsDropped`.
    package static let all: [MetricName] = [
        copySucceeded, copyFailed, copyLatency, bytesCopied, uploadsDelivered, employeesExpected, serverOnline,
        serverAgeHours, usersProvisioned, provisioningFailed, teardownCompleted, ruleViolations, alertsFiring,
        metricsDropped,
    ]

    /// The published metric called `name`, if any.
    package static func named(_ name: String) -> MetricName? { all.first { $0.name == name } }
}
