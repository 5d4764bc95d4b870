import Foundation
import Testing
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchLocking
import TransferWatchRules
import TransferWatchTestSupport
import TransferWatchWorkflows

/// The pipeline snapshot against moto 5.2.1 over real HTTP: employees seeded (one broken record, one inactive),
/// the window provisioned, uploads copied (one failing for good, one failing then moved, one by an unknown
/// uploader), then the snapshot read on the 28th, on the 29th, on the 30th after 2 days, and after teardown, with
/// every fact checked. The workflows run a fake step-rule evaluator and keep its verdicts.
@Suite(.requiresMoto, .workflowMoto("test.snapshot"), .serialized) struct PipelineSnapshotIntegrationTests {
    static let archive = "invoices-archive"

    @Test func snapshotFollowsTheWindowFromProvisioningToTeardown() async throws {
        let harness = try await ProvisioningHarness.make(
            employees: EmployeeRow.roster(
                valid: 5,
                extra: [
                    EmployeeRow.broken[0],
                    EmployeeRow(username: "inactive.ian", sshPublicKey: EmployeeRow.ed25519Key(77), isActive: false),
                ]))
        let s3 = S3Client(context: TestContexts.make(endpoint: harness.moto.endpoint))
        try await s3.createBucket(ProvisioningHarness.bucket)
        try await s3.createBucket(Self.archive)
        let rules = FakeStepRules()
        let builder = makeBuilder(harness, s3: s3)

        // Provisioning on the 28th, with the step rules and the run log.
        var provisioning = harness.provisioning()
        provisioning.stepRules = StepRuleRunner(evaluator: rules, environment: "test")
        provisioning.runLog = ProvisioningRunLog(dynamo: harness.dynamo, table: ProvisioningHarness.stateTable)
        let provisioned = try await provisioning.run(window: "2026-11")
        try #require(provisioned.result == .provisioned, "\(provisioned.failures)")
        let serverID = try #require(provisioned.server.serverID)
        let createdAt = try #require(provisioned.server.createdAt)
        #expect(provisioned.verdicts == [FakeStepRules.verdict("provision-failed", fired: false, "provisioned")])
        #expect(provisioned.requests["DynamoDB.PutItem", default: 0] >= 1)

        // The 28th, right after provisioning: nothing delivered yet.
        let onThe28th = try await builder.build(at: date("2026-11-28T00:00:05Z"))
        #expect(onThe28th.window.id == "2026-11")
        #expect(onThe28th.window.isRecorded)
        #expect(onThe28th.window.openedAt == date("2026-11-28T00:00:05Z"))
        #expect(onThe28th.window.closesAt == date("2026-12-01T00:00:00Z"))
        #expect(!onThe28th.window.isComplete && !onThe28th.window.isClosed)
        #expect(onThe28th.window.maxLifespan == .seconds(2 * 86_400))
        #expect(onThe28th.counter == .init(delivered: 0, expected: 5, missing: Self.everyone, lastDeliveryAt: nil))
        #expect(
            onThe28th.server
                == .init(id: serverID, state: "ONLINE", isOnline: true, createdAt: createdAt, age: .zero, costSoFar: 0))
        #expect(onThe28th.copies == .init(failedLast1h: 0, succeededLast1h: 0, lastFailureAt: nil, failedKeys: []))
        #expect(
            onThe28th.provisioning
                == .init(expectedUsers: 5, usersProvisioned: 5, lastResult: "provisioned", lastRunAt: createdAt))
        #expect(onThe28th.managedServers == [serverID])
        #expect(onThe28th.orphanServers.isEmpty)
        #expect(onThe28th.environment == "test")
        #expect(onThe28th.problems.count == 1)
        #expect(onThe28th.problems.first?.contains("nokey.nora") == true)

        // The 29th at 10:00: uploads copied; employee04's copy fails (no destination bucket) and stays; employee05's
        // fails first, then is moved; a stranger's upload is moved but not counted.
        let at = date("2026-11-29T10:00:00Z")
        let counter = OutcomeCounter()
        let log = CopyOutcomeLog(dynamo: harness.dynamo, table: ProvisioningHarness.stateTable)
        let good = copyWorkflow(
            harness, s3: s3, destination: Self.archive, rules: rules, log: log, counter: counter, now: at)
        let broken = copyWorkflow(
            harness, s3: s3, destination: "no-such-archive", rules: rules, log: log, counter: counter, now: at)
        var records: [CopyStepRecord] = []
        for key in ["employee01/a.pdf", "employee02/b.pdf", "employee03/c.pdf", "stranger/x.pdf"] {
            records.append(try await good.run(try await upload(key, s3: s3, at: at)))
        }
        let failing = try await broken.run(try await upload("employee04/d.pdf", s3: s3, at: at))
        let failingFirst = try await broken.run(try await upload("employee05/e.pdf", s3: s3, at: at))
        let movedLater = try await good.run(try await upload("employee05/e.pdf", s3: s3, at: at))
        #expect(records.map(\.result) == [.moved, .moved, .moved, .moved])
        #expect(failing.result == .failed && failingFirst.result == .failed && movedLater.result == .moved)
        #expect(failing.errorCode == "NoSuchBucket")
        #expect(failing.verdicts.firing.map(\.rule) == ["copy-failed"])
        #expect(records[3].verdicts.firing.map(\.rule) == ["unknown-uploader"])
        #expect(records[0].verdicts.firing.isEmpty && records[0].verdicts.count == 2)
        #expect(counter.pendingCounts == [date("2026-11-29T10:00:00Z"): 5])
        #expect(try await counter.flush(to: log) == 5)
        #expect(counter.pendingCounts.isEmpty)
        #expect(try await log.failures(window: "2026-11").map(\.key) == ["employee04/d.pdf", "employee05/e.pdf"])

        // A redelivery of the failing key overwrites its failure item instead of adding one.
        _ = try await broken.run(
            S3ObjectEvent(bucket: ProvisioningHarness.bucket, key: "employee04/d.pdf", eventTime: at))
        #expect(try await log.failures(window: "2026-11").count == 2)

        let on29th = try await builder.build(at: date("2026-11-29T10:30:00Z"))
        #expect(
            on29th.counter
                == .init(delivered: 4, expected: 5, missing: ["employee04"], lastDeliveryAt: at))
        #expect(!on29th.window.isComplete && !on29th.window.isClosed)
        #expect(
            on29th.copies
                == .init(failedLast1h: 2, succeededLast1h: 5, lastFailureAt: at, failedKeys: ["employee04/d.pdf"]))
        let age29 = date("2026-11-29T10:30:00Z").timeIntervalSince(createdAt)
        #expect(on29th.server?.age == .seconds(Int64(age29)))
        #expect(on29th.server?.costSoFar == ((age29 / 3600) * 0.30 * 100).rounded() / 100)

        // The 30th, two days after provisioning: the failure is older than an hour, its key still waits.
        let on30th = try await builder.build(at: createdAt.addingTimeInterval(2 * 86_400))
        #expect(on30th.server?.age == .seconds(2 * 86_400))
        #expect(on30th.server?.costSoFar == 14.4)
        #expect(
            on30th.copies
                == .init(failedLast1h: 0, succeededLast1h: 0, lastFailureAt: at, failedKeys: ["employee04/d.pdf"]))
        #expect(on30th.counter.delivered == 4)
        #expect(!on30th.window.isClosed)
        let facts = try on30th.facts()
        #expect(facts["server.age"] == .duration(.seconds(2 * 86_400)))
        #expect(facts["window.maxLifespan"] == .duration(.seconds(2 * 86_400)))
        #expect(facts["copies.failedKeys"] == ["employee04/d.pdf"])

        // Teardown on the 1st, then the snapshot: window closed, no server, no users.
        harness.now.advance(by: .seconds(3 * 86_400))
        var teardown = harness.teardown()
        teardown.stepRules = StepRuleRunner(evaluator: rules, environment: "test")
        let tornDown = try await teardown.run(window: "2026-11", reason: .scheduled)
        #expect(tornDown.result == .tornDown, "\(tornDown.failures)")
        #expect(tornDown.verdicts == [FakeStepRules.verdict("teardown-failed", fired: false, "tornDown")])
        let after = try await builder.build(at: date("2026-12-01T00:00:10Z"))
        #expect(after.window.id == "2026-11")
        #expect(after.window.isClosed)
        #expect(after.window.closedReason == "scheduled")
        #expect(after.server == nil)
        #expect(after.provisioning.usersProvisioned == 0)
        #expect(after.managedServers.isEmpty && after.orphanServers.isEmpty)
        #expect(after.counter.delivered == 4)
        #expect(after.status(alerts: []).server == nil)
        #expect(
            rules.calls == ["provision", "copy", "copy", "copy", "copy", "copy", "copy", "copy", "copy", "teardown"])
    }

    /// Before provisioning recorded the window: a snapshot that says so, not an error.
    @Test func snapshotBeforeProvisioningSaysNothingYet() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 3))
        let s3 = S3Client(context: TestContexts.make(endpoint: harness.moto.endpoint))
        try await s3.createBucket(ProvisioningHarness.bucket)
        let snapshot = try await makeBuilder(harness, s3: s3).build(at: date("2026-11-29T10:00:00Z"))
        #expect(!snapshot.window.isRecorded)
        #expect(snapshot.window.openedAt == date("2026-11-28T00:00:00Z"))
        #expect(
            snapshot.counter
                == .init(
                    delivered: 0, expected: 3, missing: ["employee01", "employee02", "employee03"], lastDeliveryAt: nil)
        )
        #expect(snapshot.server == nil)
        #expect(snapshot.provisioning == .init(expectedUsers: 3, usersProvisioned: 0, lastResult: nil, lastRunAt: nil))
        #expect(try snapshot.facts()["server"] == .null)
        // Before the first provisioning time there is no window at all.
        await #expect(throws: PipelineSnapshotError.self) {
            try await makeBuilder(harness, s3: s3, provision: "cron(0 0 28 11 ? 2026)").build(
                at: date("2026-11-01T00:00:00Z"))
        }
    }

    /// A managed server that no window records is an orphan.
    @Test func managedServerWithoutRecordIsAnOrphan() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 1))
        let s3 = S3Client(context: TestContexts.make(endpoint: harness.moto.endpoint))
        try await s3.createBucket(ProvisioningHarness.bucket)
        let orphan = try await harness.transfer.createServer(tags: ManagedServers.tags(window: "2026-10"))
        let snapshot = try await makeBuilder(harness, s3: s3).build(at: date("2026-11-29T10:00:00Z"))
        #expect(snapshot.managedServers == [orphan])
        #expect(snapshot.orphanServers == [orphan])
        #expect(try snapshot.facts()["servers.orphans"] == [.string(orphan)])
    }

    static let everyone = ["employee01", "employee02", "employee03", "employee04", "employee05"]

    func makeBuilder(
        _ harness: ProvisioningHarness, s3: S3Client, provision: String = "cron(0 0 28 * ? *)"
    ) -> PipelineSnapshotBuilder {
        PipelineSnapshotBuilder(
            sources: .init(
                ledger: harness.ledger, registry: harness.registry,
                employees: EmployeeDirectory(
                    dynamo: harness.dynamo, table: ProvisioningHarness.employeesTable, logger: quietLogger()),
                transfer: harness.transfer, s3: s3,
                outcomes: CopyOutcomeLog(dynamo: harness.dynamo, table: ProvisioningHarness.stateTable),
                provisioningRuns: ProvisioningRunLog(dynamo: harness.dynamo, table: ProvisioningHarness.stateTable)),
            settings: .init(
                environment: "test",
                calendar: DeliveryWindowCalendar(provision: schedule(provision), timeZone: .gmt),
                teardown: schedule("cron(0 0 1 * ? *)"), maxLifespan: .seconds(2 * 86_400), hourlyPrice: 0.30,
                sourceBucket: ProvisioningHarness.bucket),
            logger: quietLogger())
    }

    func copyWorkflow(
        _ harness: ProvisioningHarness, s3: S3Client, destination: String, rules: FakeStepRules, log: CopyOutcomeLog,
        counter: OutcomeCounter, now: Date
    ) -> CopyWorkflow {
        var workflow = CopyWorkflow(
            s3: s3, ledger: harness.ledger,
            settings: .init(
                sourceBucket: ProvisioningHarness.bucket, destinationBucket: destination,
                calendar: WorkflowFixture.calendar),
            now: { now }, logger: quietLogger())
        workflow.stepRules = StepRuleRunner(evaluator: rules, environment: "test")
        workflow.failureLog = log
        workflow.successCounter = counter
        return workflow
    }

    func upload(_ key: String, s3: S3Client, at: Date) async throws -> S3ObjectEvent {
        let body = Data("invoice \(key)\n".utf8)
        let eTag = try await s3.putObject(
            bucket: ProvisioningHarness.bucket, key: key, body: body, contentType: "application/pdf")
        return S3ObjectEvent(
            bucket: ProvisioningHarness.bucket, key: key, size: Int64(body.count), eTag: eTag.normalized, eventTime: at)
    }
}

/// A step-rule evaluator for tests: one rule per workflow that fires on a failed step, and for copies an
/// `unknown-uploader` rule; it records which workflows it was asked about.
final class FakeStepRules: StepRuleEvaluating {
    private let asked = Locked<[String]>([])

    var calls: [String] { asked.withLock { $0 } }

    func verdicts(for workflow: StepWorkflow, facts: FactValues, now: Date) -> [RuleVerdict] {
        asked.withLock { $0.append(workflow.rawValue) }
        guard case .string(let result)? = facts["result"] else { return [] }
        var verdicts = [Self.verdict("\(workflow.rawValue)-failed", fired: result == "failed", result)]
        if workflow == .copy {
            verdicts.append(Self.verdict("unknown-uploader", fired: facts["delivery"] == "unknownUploader", result))
        }
        return verdicts
    }

    static func verdict(_ rule: String, fired: Bool, _ result: String) -> RuleVerdict {
        RuleVerdict(
            rule: rule, severity: .warning, fired: fired, labels: ["alertname": rule, "severity": "warning"],
            annotations: fired ? ["summary": "step \(result)"] : [:])
    }
}
