import TransferWatchConfig

/// How bad a firing alert is.
package enum Severity: String, Sendable, Hashable, Codable, CaseIterable {
    /// Page someone.
    case critical
    /// Look at it today.
    case warning
    /// For the record.
    case info
}

/// What a rule group is evaluated against.
package enum RuleGroupKind: Sendable, Equatable {
    /// After every step of one workflow, against that step's record.
    case step(StepWorkflow)
    /// At an interval, against a snapshot of the pipeline's state.
    case state(interval: Duration)
}

/// The workflows whose steps a step group follows.
package enum StepWorkflow: String, Sendable, Equatable, CaseIterable {
    /// One upload copied to the destination bucket.
    case copy
    /// The window's server and users provisioned.
    case provision
    /// The window's server and users torn down.
    case teardown

    /// The facts a step of this workflow offers to expressions.
    package var schema: FactSchema {
        switch self {
        case .copy: PipelineFacts.copyStep
        case .provision: PipelineFacts.provisionStep
        case .teardown: PipelineFacts.teardownStep
        }
    }
}

/// A validated group of rules: built only from a rule file without errors, so evaluating it cannot fail.
package struct RuleGroup: Sendable {
    /// The group's name, unique within its file.
    package var name: String
    /// Step or state, with the workflow or interval.
    package var kind: RuleGroupKind
    /// The rules, in file order.
    package var rules: [Rule]
    /// Where the group is declared.
    package var location: SourceLocation
}

/// A validated alerting rule: a compiled condition, its hold times, and its templated annotations.
package struct Rule: Sendable {
    /// The alert's name, unique across every rule file.
    package var alert: String
    /// The condition, a compiled `bool` expression.
    package var expression: CompiledExpression
    /// How long the condition must hold before the alert fires (state rules only; zero fires at once).
    package var holdDuration: Duration
    /// How long the alert keeps firing after the condition clears (state rules only).
    package var keepFiringFor: Duration
    /// How bad it is.
    package var severity: Severity
    /// Extra labels, by Prometheus label name, as written (a value may be a template: `"{{ source.key }}"`).
    package var labels: [String: String]
    /// The same labels compiled as templates against the group's schema; what evaluation renders.
    package var labelTemplates: [String: Template]
    /// Annotations (`summary`, `description`, `runbook_url`, …), each a compiled template.
    package var annotations: [String: Template]
    /// The CloudWatch alarm `alarms sync` derives from the rule, if any.
    package var alarm: AlarmSpecification?
    /// Where the rule's `alert` key is.
    package var location: SourceLocation
}

/// The CloudWatch alarm a rule asks for.
package struct AlarmSpecification: Sendable, Equatable {
    /// The CloudWatch statistics an alarm may use.
    package static let statistics = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]
    /// The CloudWatch comparison operators.
    package static let comparisons = [
        "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold",
    ]
    /// What CloudWatch does with missing data points.
    package static let missingDataTreatments = ["breaching", "notBreaching", "ignore", "missing"]

    /// The metric name (one of CONTRACT.md's).
    package var metric: String
    /// One of ``statistics``.
    package var statistic: String
    /// The threshold compared with the statistic.
    package var threshold: Double
    /// One of ``comparisons``.
    package var comparison: String
    /// The length of one period.
    package var period: Duration
    /// How many periods must breach.
    package var evaluationPeriods: Int
    /// One of ``missingDataTreatments``.
    package var treatMissingData: String

    /// Creates an alarm specification.
    package init(
        metric: String, statistic: String, threshold: Double, comparison: String, period: Duration,
        evaluationPeriods: Int, treatMissingData: String
    ) {
        self.metric = metric
        self.statistic = statistic
        self.threshold = threshold
        self.comparison = comparison
        self.period = period
        self.evaluationPeriods = evaluationPeriods
        self.treatMissingData = treatMissingData
    }
}
