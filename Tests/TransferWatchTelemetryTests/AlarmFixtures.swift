import Foundation
import TransferWatchRules
import TransferWatchTelemetry

/// Rule files with `alarm` blocks, written by the alarm tests (the shipped rules belong to another engineer).
enum AlarmFixtures {
    /// One rule with an alarm block.
    struct AlarmRule {
        var alert: String
        var metric: String = "CopyFailed"
        var threshold: String = "1"
        var comparison: String = "GreaterThanOrEqualToThreshold"
        var period: String = "5m"
        var evaluationPeriods: Int = 1
        var statistic: String = "Sum"
    }

    /// A rule file (one step group on the copy workflow) declaring `rules`.
    static func ruleFile(_ rules: [AlarmRule]) -> String {
        var text = """
            groups:
              - name: copy
                kind: step
                workflow: copy
                rules:

            """
        for rule in rules {
            text += """
                      - alert: \(rule.alert)
                        expr: result == "failed"
                        severity: critical
                        alarm:
                          metric: \(rule.metric)
                          statistic: \(rule.statistic)
                          threshold: \(rule.threshold)
                          comparison: \(rule.comparison)
                          period: \(rule.period)
                          evaluationPeriods: \(rule.evaluationPeriods)

                """
        }
        return text
    }

    /// The rule groups of `rules`, loaded as `rules/alarms.yaml`; fails the test on a diagnostic.
    static func groups(_ rules: [AlarmRule]) throws -> [RuleGroup] {
        let loaded = RuleFileLoader().load(sources: [(file: "rules/alarms.yaml", yaml: ruleFile(rules))])
        guard loaded.diagnostics.isEmpty else {
            throw FixtureError(message: loaded.diagnostics.map(\.description).joined(separator: "\n"))
        }
        return loaded.groups
    }

    /// The standard naming of the tests: namespace `TransferWatch`, environment `test`.
    static let naming = AlarmNaming(namespace: "TransferWatch", environment: "test")
    /// The SNS topic the tests configure.
    static let topic = "arn:aws:sns:us-east-1:123456789012:oncall"

    /// A compiler with the standard naming and topic.
    static func compiler(topic: String? = AlarmFixtures.topic) -> AlarmCompiler {
        AlarmCompiler(naming: naming, topicARN: topic)
    }

    struct FixtureError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
