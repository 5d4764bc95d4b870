extension AlarmSpecification {
    /// The metrics TransferWatch publishes (CONTRACT.md, "Metrics"): the only ones an `alarm:` block may name.
    ///
    /// Kept here rather than read from the telemetry module so that `rules lint` needs nothing but the rules
    /// module; `AlarmSpecificationMetricsTests` checks that the two lists agree.
    package static let metrics = [
        "CopySucceeded", "CopyFailed", "CopyLatency", "BytesCopied", "UploadsDelivered", "EmployeesExpected",
        "ServerOnline", "ServerAgeHours", "UsersProvisioned", "ProvisioningFailed", "TeardownCompleted",
        "RuleViolations", "AlertsFiring", "MetricsDropped",
    ]
}
