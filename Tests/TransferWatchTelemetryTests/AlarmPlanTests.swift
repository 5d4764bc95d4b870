import Testing
import TransferWatchAWS
import TransferWatchRules
import TransferWatchTelemetry

/// The plan, desired minus owned, and how it prints: pure values, no CloudWatch.
@Suite struct AlarmPlanTests {
    typealias CW = CloudWatchClient

    @Test func everythingIsCreatedWhenNothingIsOwned() throws {
        let desired = try Self.desired([.init(alert: "copy-failed"), .init(alert: "bytes-low", metric: "BytesCopied")])
        let plan = AlarmPlan.make(desired: desired, ownedMetricAlarms: [], ownedCompositeAlarms: [])
        #expect(plan.metricSteps.map(\.kind) == ["create", "create"])
        #expect(plan.metricSteps.map(\.name) == ["TransferWatch-test-bytes-low", "TransferWatch-test-copy-failed"])
        #expect(plan.compositeSteps.map(\.kind) == ["create"])
        #expect(plan.writeCount == 3)
    }

    @Test func alarmsThatMatchAreUnchangedEvenWithoutTheirTags() throws {
        let desired = try Self.desired([.init(alert: "copy-failed")])
        // DescribeAlarms returns no tags, and may list dimensions in another order.
        let described = desired.metricAlarms.map { alarm -> CW.MetricAlarm in
            var alarm = alarm
            alarm.tags = [:]
            return alarm
        }
        let plan = AlarmPlan.make(
            desired: desired, ownedMetricAlarms: described, ownedCompositeAlarms: [try #require(desired.composite)])
        #expect(plan.writeCount == 0)
        #expect(plan.metricSteps == [.unchanged(name: "TransferWatch-test-copy-failed")])
        #expect(plan.compositeSteps == [.unchanged(name: "TransferWatch-test-pipeline-unhealthy")])
    }

    @Test func aChangedThresholdIsAnUpdateWithItsFieldDiff() throws {
        let before = try Self.desired([.init(alert: "copy-failed", threshold: "1", evaluationPeriods: 1)])
        let after = try Self.desired([.init(alert: "copy-failed", threshold: "2.5", evaluationPeriods: 3)])
        let plan = AlarmPlan.make(
            desired: after, ownedMetricAlarms: before.metricAlarms,
            ownedCompositeAlarms: [try #require(before.composite)])
        guard case .update(let alarm, let changes) = try #require(plan.metricSteps.first) else {
            Issue.record("expected an update, got \(plan.metricSteps)")
            return
        }
        #expect(alarm.threshold == 2.5)
        #expect(
            changes.map(\.description) == [
                "threshold: 1 -> 2.5", "evaluationPeriods: 1 -> 3", "datapointsToAlarm: 1 -> 3",
            ])
        #expect(plan.compositeSteps.map(\.kind) == ["unchanged"])
    }

    @Test func ownedAlarmsNoRuleDeclaresAreDeletedAndTheCompositeFollows() throws {
        let before = try Self.desired([.init(alert: "copy-failed"), .init(alert: "bytes-low", metric: "BytesCopied")])
        let after = try Self.desired([.init(alert: "copy-failed")])
        let plan = AlarmPlan.make(
            desired: after, ownedMetricAlarms: before.metricAlarms,
            ownedCompositeAlarms: [try #require(before.composite)])
        #expect(
            plan.metricSteps == [
                .delete(name: "TransferWatch-test-bytes-low"), .unchanged(name: "TransferWatch-test-copy-failed"),
            ])
        guard case .update(_, let changes) = try #require(plan.compositeSteps.first) else {
            Issue.record("expected the composite to be updated, got \(plan.compositeSteps)")
            return
        }
        #expect(
            changes == [
                AlarmFieldChange(
                    field: "alarmRule",
                    old: #"ALARM("TransferWatch-test-bytes-low") OR ALARM("TransferWatch-test-copy-failed")"#,
                    new: #"ALARM("TransferWatch-test-copy-failed")"#)
            ])
    }

    @Test func removingEveryAlarmDeletesTheCompositeToo() throws {
        let before = try Self.desired([.init(alert: "copy-failed")])
        let plan = AlarmPlan.make(
            desired: DesiredAlarms(metricAlarms: [], composite: nil), ownedMetricAlarms: before.metricAlarms,
            ownedCompositeAlarms: [try #require(before.composite)])
        #expect(plan.metricSteps == [.delete(name: "TransferWatch-test-copy-failed")])
        #expect(plan.compositeSteps == [.delete(name: "TransferWatch-test-pipeline-unhealthy")])
    }

    @Test func thePlanPrintsLikeTerraform() throws {
        let before = try Self.desired([
            .init(alert: "copy-failed"), .init(alert: "old-rule", metric: "TeardownCompleted"),
            .init(
                alert: "stale-server", metric: "ServerAgeHours", threshold: "48", comparison: "GreaterThanThreshold",
                statistic: "Maximum"),
        ])
        let after = try Self.desired([
            .init(alert: "copy-failed"),
            .init(alert: "bytes-low", metric: "BytesCopied", comparison: "LessThanThreshold"),
            .init(
                alert: "stale-server", metric: "ServerAgeHours", threshold: "72", comparison: "GreaterThanThreshold",
                statistic: "Maximum"),
        ])
        let plan = AlarmPlan.make(desired: after, ownedMetricAlarms: before.metricAlarms, ownedCompositeAlarms: [])
        #expect(
            plan.rendered(dryRun: true) == """
                + create TransferWatch-test-bytes-low (BytesCopied Sum < 1, 1 x 300s)
                = unchanged TransferWatch-test-copy-failed
                - delete TransferWatch-test-old-rule
                ~ update TransferWatch-test-stale-server
                    threshold: 48 -> 72
                + create TransferWatch-test-pipeline-unhealthy (composite: ALARM when any of 3 alarms is in ALARM)
                Plan: 2 to create, 1 to update, 1 to delete, 1 unchanged.
                Dry run: nothing was changed.
                """)
    }

    static func desired(_ rules: [AlarmFixtures.AlarmRule]) throws -> DesiredAlarms {
        let compiled = AlarmFixtures.compiler().compile(try AlarmFixtures.groups(rules))
        #expect(compiled.diagnostics.isEmpty, "\(compiled.diagnostics)")
        return compiled.alarms
    }
}
