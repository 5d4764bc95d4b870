import Testing
import TransferWatchAWS
import TransferWatchRules
import TransferWatchTelemetry

/// Compiling rules' `alarm` blocks into CloudWatch alarms: names, dimensions, actions, tags, and the errors.
@Suite struct AlarmCompilerTests {
    typealias CW = CloudWatchClient

    @Test func compilesARuleIntoATaggedMetricAlarmWithActionsToTheTopic() throws {
        let groups = try AlarmFixtures.groups([.init(alert: "copy-failed", threshold: "2", evaluationPeriods: 3)])
        let compiled = AlarmFixtures.compiler().compile(groups)
        #expect(compiled.diagnostics.isEmpty)
        let alarm = try #require(compiled.alarms.metricAlarms.first)
        #expect(alarm.name == "TransferWatch-test-copy-failed")
        #expect(
            alarm.source
                == .metric(
                    namespace: "TransferWatch", name: "CopyFailed",
                    dimensions: [CW.Dimension(name: "Environment", value: "test")], statistic: .standard(.sum),
                    period: 300))
        #expect(alarm.threshold == 2)
        #expect(alarm.evaluationPeriods == 3)
        #expect(alarm.comparisonOperator == .greaterThanOrEqualToThreshold)
        #expect(alarm.treatMissingData == .notBreaching)
        #expect(alarm.actions == CW.AlarmActions(alarm: [AlarmFixtures.topic], ok: [AlarmFixtures.topic]))
        #expect(alarm.tags == ["transferwatch:managed": "true", "transferwatch:environment": "test"])
    }

    @Test func theCompositeAlarmIsInAlarmWhenAnyManagedAlarmIs() throws {
        let groups = try AlarmFixtures.groups([
            .init(alert: "copy-failed"),
            .init(alert: "bytes-low", metric: "BytesCopied", comparison: "LessThanThreshold"),
        ])
        let composite = try #require(AlarmFixtures.compiler().compile(groups).alarms.composite)
        #expect(composite.name == "TransferWatch-test-pipeline-unhealthy")
        #expect(
            composite.rule == #"ALARM("TransferWatch-test-bytes-low") OR ALARM("TransferWatch-test-copy-failed")"#)
        #expect(composite.actions == .none, "the metric alarms notify; the summary must not page twice")
    }

    @Test func noAlarmBlocksMeansNoAlarmsAndNoComposite() throws {
        let compiled = AlarmFixtures.compiler().compile([])
        #expect(compiled.alarms == DesiredAlarms(metricAlarms: [], composite: nil))
    }

    @Test func ruleViolationsAlarmsWatchTheirOwnRuleDimension() throws {
        let groups = try AlarmFixtures.groups([.init(alert: "stalled-counter", metric: "RuleViolations")])
        let alarm = try #require(AlarmFixtures.compiler().compile(groups).alarms.metricAlarms.first)
        guard case .metric(_, _, let dimensions, _, _, _) = alarm.source else {
            Issue.record("expected a metric source")
            return
        }
        #expect(
            dimensions == [.init(name: "Environment", value: "test"), .init(name: "Rule", value: "stalled-counter")])
    }

    @Test func withoutATopicTheAlarmsHaveNoActions() throws {
        let groups = try AlarmFixtures.groups([.init(alert: "copy-failed")])
        let alarm = try #require(AlarmFixtures.compiler(topic: nil).compile(groups).alarms.metricAlarms.first)
        #expect(alarm.actions == .none)
    }

    @Test func anUnpublishedMetricIsAnErrorAtTheRule() throws {
        // The rule-file loader refuses it already (so `rules lint` does too), at the metric's value.
        #expect {
            _ = try AlarmFixtures.groups([.init(alert: "copy-failed", metric: "CopyFailures")])
        } throws: { error in
            "\(error)".hasPrefix(
                "rules/alarms.yaml:10:19: error: unknown alarm metric 'CopyFailures' (did you mean 'CopyFailed'?)")
        }
        // The compiler checks again, for rules built without the loader: a published metric it knows, an
        // unpublished one it refuses at the rule.
        var groups = try AlarmFixtures.groups([.init(alert: "copy-failed")])
        groups[0].rules[0].alarm?.metric = "CopyFailures"
        let compiled = AlarmFixtures.compiler().compile(groups)
        #expect(compiled.diagnostics.map(\.description).first?.hasPrefix(
            "rules/alarms.yaml:6:16: error: rule 'copy-failed': alarm metric 'CopyFailures' is not a metric "
                + "TransferWatch publishes") == true, "\(compiled.diagnostics)")
        #expect(compiled.alarms.metricAlarms.isEmpty)
    }

    @Test func periodsMustBeWholeMinutesWithinCloudWatchsLimits() throws {
        let groups = try AlarmFixtures.groups([
            .init(alert: "a-seconds", period: "90s"),
            .init(alert: "b-too-long", period: "30m", evaluationPeriods: 49),
            .init(alert: "c-fine", period: "1h", evaluationPeriods: 168),
        ])
        let compiled = AlarmFixtures.compiler().compile(groups)
        #expect(compiled.diagnostics.count == 2)
        #expect(compiled.diagnostics[0].message.contains("rule 'a-seconds': alarm period"))
        #expect(compiled.diagnostics[0].message.contains("multiples of 60 seconds"))
        #expect(
            compiled.diagnostics[1].message
                == "rule 'b-too-long': alarm period × evaluationPeriods is 88200s; CloudWatch allows at most 86400s "
                + "when the period is under an hour")
        #expect(compiled.alarms.metricAlarms.map(\.name) == ["TransferWatch-test-c-fine"])
    }

    @Test func anAlertCannotTakeTheCompositeAlarmsName() throws {
        let groups = try AlarmFixtures.groups([.init(alert: "pipeline-unhealthy")])
        let compiled = AlarmFixtures.compiler().compile(groups)
        #expect(
            compiled.diagnostics.map(\.message) == [
                "rule 'pipeline-unhealthy': alert name 'pipeline-unhealthy' is reserved for the composite alarm "
                    + "TransferWatch-test-pipeline-unhealthy"
            ])
    }

    @Test func ownershipNeedsBothTagsForThisEnvironment() {
        let naming = AlarmFixtures.naming
        #expect(naming.isOwned(tags: ["transferwatch:managed": "true", "transferwatch:environment": "test"]))
        #expect(!naming.isOwned(tags: [:]))
        #expect(!naming.isOwned(tags: ["transferwatch:managed": "true"]))
        #expect(!naming.isOwned(tags: ["transferwatch:managed": "true", "transferwatch:environment": "prod"]))
        #expect(!naming.isOwned(tags: ["transferwatch:managed": "false", "transferwatch:environment": "test"]))
    }
}
