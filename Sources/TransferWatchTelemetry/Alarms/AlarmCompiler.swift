import TransferWatchAWS
import TransferWatchConfig
import TransferWatchRules

/// Compiles the rules' `alarm` blocks into the CloudWatch alarms `alarms sync` manages.
///
/// ```swift
/// let compiler = AlarmCompiler(naming: AlarmNaming(namespace: "TransferWatch", environment: "prod"),
///                              topicARN: "arn:aws:sns:us-east-1:123456789012:oncall")
/// let compiled = compiler.compile(loaded.groups)
/// for diagnostic in compiled.diagnostics { print(diagnostic) }   // rules/copy.yaml:7:9: error: …
/// ```
///
/// Each alarm watches one published metric (``MetricName/all``) in the configured namespace with the
/// `Environment` dimension (and `Rule=<alert>` for `RuleViolations`), and sends its ALARM and OK
/// transitions to the SNS topic. The composite alarm has no actions of its own, so nobody is paged twice.
package struct AlarmCompiler: Sendable {
    /// Names and ownership tags.
    package var naming: AlarmNaming
    /// The SNS topic for ALARM and OK actions (`alerts.snsTopicArn`); `nil` for alarms without actions.
    package var topicARN: String?

    /// A compiler for one namespace, environment and topic.
    package init(naming: AlarmNaming, topicARN: String?) {
        self.naming = naming
        self.topicARN = topicARN
    }

    /// What compiling produced: the alarms, meaningful only when ``diagnostics`` is empty.
    package struct Compiled: Sendable {
        /// The alarms the valid rules declare.
        package var alarms: DesiredAlarms
        /// Every problem, at the rule's `alert` key, sorted.
        package var diagnostics: [RuleDiagnostic]
    }

    /// Compiles every rule with an `alarm` block, reporting every problem rather than stopping at the first.
    package func compile(_ groups: [RuleGroup]) -> Compiled {
        var alarms: [CloudWatchClient.MetricAlarm] = []
        var diagnostics: [RuleDiagnostic] = []
        for rule in groups.flatMap(\.rules) {
            guard let specification = rule.alarm else { continue }
            switch compile(rule, specification) {
            case .success(let alarm): alarms.append(alarm)
            case .failure(let problems): diagnostics += problems.diagnostics
            }
        }
        alarms.sort { $0.name < $1.name }
        let composite = alarms.isEmpty ? nil : makeComposite(over: alarms.map(\.name))
        return Compiled(
            alarms: DesiredAlarms(metricAlarms: alarms, composite: composite), diagnostics: diagnostics.sorted())
    }

    /// The actions every managed metric alarm takes.
    package var actions: CloudWatchClient.AlarmActions {
        guard let topicARN else { return .none }
        return CloudWatchClient.AlarmActions(alarm: [topicARN], ok: [topicARN])
    }

    /// The composite alarm over `names`: `ALARM("a") OR ALARM("b") …`.
    package func makeComposite(over names: [String]) -> CloudWatchClient.CompositeAlarm {
        CloudWatchClient.CompositeAlarm(
            name: naming.compositeAlarmName,
            rule: names.map { #"ALARM("\#($0)")"# }.joined(separator: " OR "),
            description: "TransferWatch \(naming.environment): the pipeline is unhealthy (some alarm managed by "
                + "transferwatch alarms sync is in ALARM)")
    }

    private struct Problems: Error {
        var diagnostics: [RuleDiagnostic]
    }

    private func compile(
        _ rule: Rule, _ specification: AlarmSpecification
    ) -> Result<CloudWatchClient.MetricAlarm, Problems> {
        var problems: [RuleDiagnostic] = []
        func report(_ message: String) {
            problems.append(RuleDiagnostic("rule '\(rule.alert)': \(message)", at: rule.location))
        }
        let metric = MetricName.named(specification.metric)
        if metric == nil {
            report(
                "alarm metric '\(specification.metric)' is not a metric TransferWatch publishes (one of "
                    + MetricName.all.map(\.name).joined(separator: ", ") + ")")
        }
        let (seconds, attoseconds) = specification.period.components
        let period = Int(seconds)
        if attoseconds != 0 || period < 60 || period % 60 != 0 {
            report(
                "alarm period \(specification.period) must be a whole number of minutes (CloudWatch periods of "
                    + "standard-resolution metrics are multiples of 60 seconds)")
        } else {
            let total = period * specification.evaluationPeriods
            let limit = period < 3600 ? 86_400 : 604_800
            if total > limit {
                report(
                    "alarm period × evaluationPeriods is \(total)s; CloudWatch allows at most \(limit)s"
                        + (period < 3600 ? " when the period is under an hour" : ""))
            }
        }
        let name = naming.metricAlarmName(for: rule.alert)
        if name == naming.compositeAlarmName {
            report("alert name '\(rule.alert)' is reserved for the composite alarm \(name)")
        }
        if name.utf8.count > 255 {
            report("alarm name \(name) is longer than CloudWatch's 255 characters")
        }
        guard problems.isEmpty, let metric,
            let statistic = CloudWatchClient.Statistic(rawValue: specification.statistic)
        else {
            return .failure(Problems(diagnostics: problems))
        }
        var dimensions = [CloudWatchClient.Dimension(name: "Environment", value: naming.environment)]
        for extra in metric.extraDimensions {
            // The only extra dimension is `Rule` (RuleViolations), whose value is the rule's alert name.
            dimensions.append(CloudWatchClient.Dimension(name: extra, value: rule.alert))
        }
        return .success(
            CloudWatchClient.MetricAlarm(
                name: name,
                description: "TransferWatch \(naming.environment): \(rule.severity.rawValue) alert '\(rule.alert)' "
                    + "(managed by transferwatch alarms sync; edit the rule, not the alarm)",
                source: .metric(
                    namespace: naming.namespace, name: metric.name, dimensions: dimensions,
                    statistic: .standard(statistic), period: period),
                comparisonOperator: CloudWatchClient.ComparisonOperator(rawValue: specification.comparison),
                threshold: specification.threshold,
                evaluationPeriods: specification.evaluationPeriods,
                treatMissingData: CloudWatchClient.TreatMissingData(rawValue: specification.treatMissingData),
                actions: actions,
                tags: naming.ownershipTags))
    }
}
