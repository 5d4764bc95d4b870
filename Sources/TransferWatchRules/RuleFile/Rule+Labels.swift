extension Rule {
    /// Labels every alert gets from its rule, which a rule's `labels:` may not set.
    package static let reservedLabels: Set<String> = ["alertname", "severity"]
}
