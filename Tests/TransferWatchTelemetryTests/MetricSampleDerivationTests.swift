import Foundation
import Testing
import TransferWatchRules
import TransferWatchWorkflows
@testable import TransferWatchTelemetry

/// Which samples each step record and the gauges produce.
@Suite struct MetricSampleDerivationTests {
    static let at = Date(timeIntervalSince1970: 1_795_000_000)

    static func copy(_ result: CopyStepRecord.Result, bytes: Int64 = 2048, latency: Int = 120) -> CopyStepRecord {
        var record = CopyStepRecord(
            source: .init(bucket: "in", key: "alice/a.pdf"), destination: .init(bucket: "out", key: "alice/a.pdf"),
            startedAt: at.addingTimeInterval(-1))
        record.result = result
        record.bytes = result == .moved ? bytes : 0
        record.latencyMilliseconds = latency
        record.finishedAt = at
        return record
    }

    static func pairs(_ samples: [MetricSample]) -> [String] {
        samples.map { "\($0.metric.name)=\($0.value)" + ($0.dimensions.isEmpty ? "" : "\($0.dimensions)") }
    }

    @Test func copyRecords() {
        #expect(Self.pairs(MetricSample.samples(from: Self.copy(.moved))) == [
            "CopySucceeded=1.0", "CopyFailed=0.0", "CopyLatency=120.0", "BytesCopied=2048.0",
        ])
        #expect(Self.pairs(MetricSample.samples(from: Self.copy(.failed))) == ["CopySucceeded=0.0", "CopyFailed=1.0"])
        #expect(Self.pairs(MetricSample.samples(from: Self.copy(.alreadyMoved))) == ["CopySucceeded=0.0", "CopyFailed=0.0"])
        #expect(MetricSample.samples(from: Self.copy(.moved)).allSatisfy { $0.timestamp == Self.at })
    }

    @Test func provisioningAndTeardownRecords() {
        var provisioning = ProvisioningStepRecord(window: "2026-11", runID: "r", startedAt: Self.at)
        provisioning.result = .provisioned
        provisioning.usersCreated = ["alice", "bob"]
        provisioning.usersAdopted = ["carol"]
        #expect(Self.pairs(MetricSample.samples(from: provisioning)) == ["UsersProvisioned=3.0", "ProvisioningFailed=0.0"])
        provisioning.result = .failed
        #expect(Self.pairs(MetricSample.samples(from: provisioning)).last == "ProvisioningFailed=1.0")
        provisioning.result = .deferred
        #expect(MetricSample.samples(from: provisioning).isEmpty)

        var teardown = TeardownStepRecord(window: "2026-11", reason: .scheduled, dryRun: false, includeOrphans: false, startedAt: Self.at)
        teardown.result = .tornDown
        #expect(Self.pairs(MetricSample.samples(from: teardown)) == ["TeardownCompleted=1.0"])
        teardown.result = .planned
        #expect(MetricSample.samples(from: teardown).isEmpty)
    }

    @Test func gaugesAndVerdicts() {
        let gauges = PipelineGauges(delivered: 3, expected: 5, serverOnline: true, serverAgeHours: 34.5, alertsFiring: 2)
        #expect(Self.pairs(MetricSample.samples(from: gauges, at: Self.at)) == [
            "UploadsDelivered=3.0", "EmployeesExpected=5.0", "ServerOnline=1.0", "ServerAgeHours=34.5", "AlertsFiring=2.0",
        ])
        let noServer = PipelineGauges(delivered: 0, expected: 5, serverOnline: false, serverAgeHours: nil, alertsFiring: 0)
        #expect(!Self.pairs(MetricSample.samples(from: noServer, at: Self.at)).contains { $0.hasPrefix("ServerAgeHours") })
        let verdicts = [
            RuleVerdict(rule: "copy-failed", severity: .critical, fired: true, labels: [:], annotations: [:]),
            RuleVerdict(rule: "copy-integrity", severity: .critical, fired: false, labels: [:], annotations: [:]),
        ]
        #expect(Self.pairs(MetricSample.samples(from: verdicts, at: Self.at)) == [#"RuleViolations=1.0["Rule": "copy-failed"]"#])
    }
}
