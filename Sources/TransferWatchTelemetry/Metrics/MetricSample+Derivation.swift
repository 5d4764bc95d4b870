import Foundation
import TransferWatchRules
import TransferWatchWorkflows

extension MetricSample {
    /// The samples one copy step produces, at its `finishedAt`.
    ///
    /// Every record gives `CopySucceeded` and `CopyFailed` (1 or 0, so their sums count steps and their sample
    /// counts count records); a `moved` record also gives `CopyLatency` and `BytesCopied`. `alreadyMoved` and
    /// `superseded` steps copied nothing and count as neither success nor failure.
    package static func samples(from record: CopyStepRecord) -> [MetricSample] {
        let at = record.finishedAt
        var samples = [
            MetricSample(.copySucceeded, record.result == .moved ? 1 : 0, at: at),
            MetricSample(.copyFailed, record.result == .failed ? 1 : 0, at: at),
        ]
        if record.result == .moved {
            samples.append(MetricSample(.copyLatency, Double(record.latencyMilliseconds), at: at))
            samples.append(MetricSample(.bytesCopied, Double(record.bytes), at: at))
        }
        return samples
    }

    /// The samples one provisioning run produces, at its `finishedAt`: `UsersProvisioned` (users created or
    /// adopted by this run) and `ProvisioningFailed` (1 for a failed run, else 0). A deferred run gives nothing.
    package static func samples(from record: ProvisioningStepRecord) -> [MetricSample] {
        guard record.result != .deferred else { return [] }
        let at = record.finishedAt
        return [
            MetricSample(.usersProvisioned, Double(record.usersCreated.count + record.usersAdopted.count), at: at),
            MetricSample(.provisioningFailed, record.isFailure ? 1 : 0, at: at),
        ]
    }

    /// The samples one teardown run produces, at its `finishedAt`: `TeardownCompleted` 1 when it tore the window
    /// down, 0 when it failed; dry runs and runs with nothing to do give nothing.
    package static func samples(from record: TeardownStepRecord) -> [MetricSample] {
        switch record.result {
        case .tornDown: return [MetricSample(.teardownCompleted, 1, at: record.finishedAt)]
        case .failed: return [MetricSample(.teardownCompleted, 0, at: record.finishedAt)]
        case .planned, .alreadyTornDown, .nothingToTearDown: return []
        }
    }

    /// The gauges at `now`: `UploadsDelivered`, `EmployeesExpected`, `ServerOnline`, `ServerAgeHours` (when there
    /// is a server) and `AlertsFiring`.
    package static func samples(from gauges: PipelineGauges, at now: Date) -> [MetricSample] {
        var samples = [
            MetricSample(.uploadsDelivered, Double(gauges.delivered), at: now),
            MetricSample(.employeesExpected, Double(gauges.expected), at: now),
            MetricSample(.serverOnline, gauges.serverOnline ? 1 : 0, at: now),
        ]
        if let age = gauges.serverAgeHours, age.isFinite { samples.append(MetricSample(.serverAgeHours, age, at: now)) }
        samples.append(MetricSample(.alertsFiring, Double(gauges.alertsFiring), at: now))
        return samples
    }

    /// `RuleViolations` (dimension `Rule`): 1 for each verdict that fired, at `now`.
    package static func samples(from verdicts: [RuleVerdict], at now: Date) -> [MetricSample] {
        verdicts.filter(\.fired).map { MetricSample(.ruleViolations, 1, dimensions: ["Rule": $0.rule], at: now) }
    }
}
