extension Rule {
    /// The alert's identifying labels for one evaluation: the rule's labels rendered against `facts`, then
    /// `alertname`, `severity` and (when the facts have a non-empty one) `environment`.
    ///
    /// A rule's own `environment` label wins over the facts'; `alertname` and `severity` cannot be overridden.
    ///
    /// - Parameter environment: The facts' environment, looked up once per evaluation by ``environmentLabel(_:)``.
    func renderLabels(_ facts: FactValues, environment: String?) -> [String: String] {
        var labels: [String: String] = [:]
        labels.reserveCapacity(labelTemplates.count + 3)
        if let environment { labels["environment"] = environment }
        for (name, template) in labelTemplates { labels[name] = template.render(facts) }
        labels["alertname"] = alert
        labels["severity"] = severity.rawValue
        return labels
    }

    /// The `environment` label of every alert evaluated against `facts`: the fact, unless it is absent or empty.
    static func environmentLabel(_ facts: FactValues) -> String? {
        guard case .string(let environment)? = facts["environment"], !environment.isEmpty else { return nil }
        return environment
    }

    /// The annotations rendered against `facts`.
    func renderAnnotations(_ facts: FactValues) -> [String: String] {
        annotations.mapValues { $0.render(facts) }
    }
}
