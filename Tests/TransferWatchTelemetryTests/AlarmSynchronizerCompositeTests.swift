import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTelemetry
import TransferWatchTestSupport

/// The composite alarm's paths moto cannot run (it has no PutCompositeAlarm): a scripted CloudWatch answers
/// DescribeAlarms with an owned composite, and the test checks what is sent and in which order.
@Suite struct AlarmSynchronizerCompositeTests {
    typealias CW = CloudWatchClient

    @Test func theCompositeIsUpdatedBeforeTheAlarmItNoLongerNamesIsDeleted() async throws {
        let before = try Self.desired([.init(alert: "copy-failed"), .init(alert: "bytes-low", metric: "BytesCopied")])
        let transport = Self.cloudWatch(describing: before)
        let synchronizer = Self.synchronizer(transport)
        let after = try Self.desired([.init(alert: "copy-failed")])
        let plan = try await synchronizer.plan(for: after)
        #expect(plan.metricSteps.map(\.kind) == ["delete", "unchanged"])
        #expect(plan.compositeSteps.map(\.kind) == ["update"])
        let outcome = await synchronizer.apply(plan)
        #expect(outcome.failures.isEmpty)
        let writes = transport.requests.filter { !Self.isRead($0) }
        #expect(
            writes.compactMap(\.target) == [
                "GraniteServiceVersion20100801.PutCompositeAlarm", "GraniteServiceVersion20100801.DeleteAlarms",
            ])
        let put = writes[0].jsonBody
        #expect(put["AlarmName"] as? String == "TransferWatch-test-pipeline-unhealthy")
        #expect(put["AlarmRule"] as? String == #"ALARM("TransferWatch-test-copy-failed")"#)
        let tags = (put["Tags"] as? [[String: String]] ?? []).reduce(into: [String: String]()) {
            $0[$1["Key"] ?? ""] = $1["Value"]
        }
        #expect(tags == ["transferwatch:managed": "true", "transferwatch:environment": "test"])
        #expect(writes[1].jsonBody["AlarmNames"] as? [String] == ["TransferWatch-test-bytes-low"])
    }

    @Test func anUnchangedCompositeIsNotWritten() async throws {
        let desired = try Self.desired([.init(alert: "copy-failed")])
        let transport = Self.cloudWatch(describing: desired)
        let synchronizer = Self.synchronizer(transport)
        let plan = try await synchronizer.plan(for: desired)
        #expect(plan.writeCount == 0)
        _ = await synchronizer.apply(plan)
        #expect(transport.requests.allSatisfy(Self.isRead))
    }

    @Test func theCompositeIsDeletedOnItsOwnWhenNoRuleHasAnAlarm() async throws {
        let before = try Self.desired([.init(alert: "copy-failed")])
        let transport = Self.cloudWatch(describing: before)
        let synchronizer = Self.synchronizer(transport)
        let plan = try await synchronizer.plan(for: DesiredAlarms(metricAlarms: [], composite: nil))
        _ = await synchronizer.apply(plan)
        let deletes = transport.requests.filter { $0.target?.hasSuffix(".DeleteAlarms") == true }
        #expect(
            deletes.map { $0.jsonBody["AlarmNames"] as? [String] ?? [] } == [
                ["TransferWatch-test-pipeline-unhealthy"], ["TransferWatch-test-copy-failed"],
            ])
    }

    @Test func aForeignCompositeWithOurNameIsAConflict() async throws {
        let desired = try Self.desired([.init(alert: "copy-failed")])
        let transport = Self.cloudWatch(describing: desired, compositeTags: [:])
        let plan = try await Self.synchronizer(transport).plan(for: desired)
        #expect(plan.compositeSteps == [.conflict(name: "TransferWatch-test-pipeline-unhealthy")])
        #expect(
            plan.rendered(dryRun: false).hasSuffix(
                "Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged, 1 in conflict."))
    }

    // MARK: Helpers

    static func isRead(_ request: HTTPRequest) -> Bool {
        ["DescribeAlarms", "ListTagsForResource"].contains { request.target?.hasSuffix(".\($0)") == true }
    }

    static func desired(_ rules: [AlarmFixtures.AlarmRule]) throws -> DesiredAlarms {
        AlarmFixtures.compiler().compile(try AlarmFixtures.groups(rules)).alarms
    }

    static func synchronizer(_ transport: ScriptedTransport) -> AlarmSynchronizer {
        AlarmSynchronizer(
            cloudWatch: CW(
                context: TestContexts.make(endpoint: URL(string: "http://127.0.0.1:1")!, transport: transport)),
            naming: AlarmFixtures.naming, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// A CloudWatch that has `alarms` (all tagged as ours; the composite tagged `compositeTags`) and accepts
    /// every write.
    static func cloudWatch(
        describing alarms: DesiredAlarms,
        compositeTags: [String: String] = ["transferwatch:managed": "true", "transferwatch:environment": "test"]
    ) -> ScriptedTransport {
        let arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:"
        let metric = alarms.metricAlarms.map { alarm -> [String: Any] in
            guard
                case .metric(let namespace, let name, let dimensions, .standard(let statistic), let period, _) =
                    alarm.source
            else { return [:] }
            return [
                "AlarmName": alarm.name, "AlarmArn": arn + alarm.name, "AlarmDescription": alarm.description ?? "",
                "Namespace": namespace, "MetricName": name, "Statistic": statistic.rawValue, "Period": period,
                "Dimensions": dimensions.map { ["Name": $0.name, "Value": $0.value] },
                "EvaluationPeriods": alarm.evaluationPeriods, "Threshold": alarm.threshold ?? 0,
                "ComparisonOperator": alarm.comparisonOperator.rawValue,
                "TreatMissingData": alarm.treatMissingData?.rawValue ?? "missing", "ActionsEnabled": true,
                "AlarmActions": alarm.actions.alarm, "OKActions": alarm.actions.ok, "InsufficientDataActions": [],
            ]
        }
        let composite =
            alarms.composite.map { alarm -> [[String: Any]] in
                [
                    [
                        "AlarmName": alarm.name, "AlarmArn": arn + alarm.name,
                        "AlarmDescription": alarm.description ?? "",
                        "AlarmRule": alarm.rule, "ActionsEnabled": true, "AlarmActions": [], "OKActions": [],
                        "InsufficientDataActions": [],
                    ]
                ]
            } ?? []
        let described = String(
            decoding: try! JSONSerialization.data(
                withJSONObject: ["MetricAlarms": metric, "CompositeAlarms": composite]), as: UTF8.self)
        let compositeName = alarms.composite?.name
        return ScriptedTransport { request in
            let target = request.target ?? ""
            if target.hasSuffix(".DescribeAlarms") { return .json(200, described) }
            if target.hasSuffix(".ListTagsForResource") {
                let tags =
                    (request.jsonBody["ResourceARN"] as? String) == compositeName.map { arn + $0 }
                    ? compositeTags : ["transferwatch:managed": "true", "transferwatch:environment": "test"]
                let list = tags.map { #"{"Key":"\#($0.key)","Value":"\#($0.value)"}"# }.joined(separator: ",")
                return .json(200, #"{"Tags":[\#(list)]}"#)
            }
            return .json(200, "{}")
        }
    }
}
