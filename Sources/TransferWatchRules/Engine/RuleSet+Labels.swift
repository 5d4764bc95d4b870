extension Rule {
    /// The alert's identifying labels for one evaluation: the rule's labels rendered against `facts`, then
    /// `alertname`, `severity` and (when the facts have a non-empty one) `environment`.
    ///
    /// A rule's own `environment` label wins over the facts'; `alertname` and `severity` cannot be overridden.
    func renderLabels(_ facts: FactValues) -> [String: String] {
        var labels: [String: String] = [:]
        labels.reserveCapacity(labelTemplates.count + 3)
        if case .string(let environment)? = facts["environment"], !environment.isEmpty {
            labels["environment"] = environment
        }
        for (name, template) in labelTemplates { labels[name] = template.render(facts) }
        labels["alertname"] = alert
        labels["severity"] = severity.rawValue
        return labels
    }

    /// The annotations rendered against `facts`.
    func renderAnnotations(_ facts: FactValues) -> [String: String] {
        annotations.mapValues { $0.render(facts) }
    }
}
