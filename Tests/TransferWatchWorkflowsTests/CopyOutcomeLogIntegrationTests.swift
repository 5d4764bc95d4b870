import Foundation
import Testing
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchTestSupport
import TransferWatchWorkflows

/// The outcome log, the run log and the snapshot against moto: what they write and read, that a failed flush
/// loses no count, that a failure that cannot be recorded leaves a note on a still-failed step, and that each
/// sends exactly the operations its ``PermissionSet`` declares (all within the printed policy).
@Suite(.requiresMoto, .workflowMoto("test.outcomes"), .serialized) struct CopyOutcomeLogIntegrationTests {
    @Test func flushAddsPerHourAndAFailedFlushKeepsItsCounts() async throws {
        let harness = try await ProvisioningHarness.make(employees: [])
        let context = TestContexts.make(endpoint: harness.moto.endpoint)
        let log = CopyOutcomeLog(dynamo: DynamoDBClient(context: context), table: ProvisioningHarness.stateTable)
        let counter = OutcomeCounter()
        counter.add(2, at: date("2026-11-29T09:59:00Z"))
        counter.add(3, at: date("2026-11-29T10:01:00Z"))
        #expect(try await counter.flush(to: log) == 5)
        counter.add(4, at: date("2026-11-29T10:30:00Z"))
        #expect(try await counter.flush(to: log) == 4)
        #expect(try await counter.flush(to: log) == 0, "nothing pending: no request")
        #expect(try await log.successes(hourStart: date("2026-11-29T09:00:00Z")) == 2)
        #expect(try await log.successes(hourStart: date("2026-11-29T10:00:00Z")) == 7)
        #expect(try await log.successes(hourStart: date("2026-11-29T11:00:00Z")) == 0)
        #expect(context.requestCounter.snapshot["DynamoDB.UpdateItem"] == 3, "one UpdateItem per hour per flush")

        // A table that does not exist: the flush fails and every count is still pending.
        let missing = CopyOutcomeLog(dynamo: DynamoDBClient(context: context), table: "no-such-table")
        counter.add(6, at: date("2026-11-29T10:40:00Z"))
        counter.add(1, at: date("2026-11-29T11:05:00Z"))
        await #expect(throws: AWSError.self) { try await counter.flush(to: missing) }
        #expect(counter.pendingCounts == [date("2026-11-29T10:00:00Z"): 6, date("2026-11-29T11:00:00Z"): 1])
        #expect(try await counter.flush(to: log) == 7)
        #expect(try await log.successes(hourStart: date("2026-11-29T10:00:00Z")) == 13)
    }

    @Test func aFailureThatCannotBeRecordedIsNotedAndTheStepStaysFailed() async throws {
        let harness = try await ProvisioningHarness.make(employees: [])
        let context = TestContexts.make(endpoint: harness.moto.endpoint)
        let s3 = S3Client(context: context)
        try await s3.createBucket(ProvisioningHarness.bucket)
        var workflow = CopyWorkflow(
            s3: s3, ledger: harness.ledger,
            settings: .init(
                sourceBucket: ProvisioningHarness.bucket, destinationBucket: "no-such-archive",
                calendar: WorkflowFixture.calendar),
            now: { date("2026-11-29T10:00:00Z") }, logger: quietLogger())
        workflow.failureLog = CopyOutcomeLog(dynamo: DynamoDBClient(context: context), table: "no-such-table")
        _ = try await s3.putObject(bucket: ProvisioningHarness.bucket, key: "alice/a.pdf", body: Data("a".utf8))
        let record = try await workflow.run(bucket: ProvisioningHarness.bucket, key: "alice/a.pdf")
        #expect(record.result == .failed)
        #expect(
            record.notes.contains("the failure could not be recorded in the state table: ResourceNotFoundException"))
        #expect(try await s3.headObject(bucket: ProvisioningHarness.bucket, key: "alice/a.pdf") != nil)
    }

    @Test func logsAndSnapshotSendExactlyWhatTheyDeclare() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 2))
        let setup = S3Client(context: TestContexts.make(endpoint: harness.moto.endpoint))
        try await setup.createBucket(ProvisioningHarness.bucket)
        _ = try await setup.putObject(bucket: ProvisioningHarness.bucket, key: "employee01/a.pdf", body: Data("a".utf8))
        var provisioning = harness.provisioning()
        provisioning.runLog = ProvisioningRunLog(dynamo: harness.dynamo, table: ProvisioningHarness.stateTable)
        let provisioned = try await provisioning.run(window: "2026-11")
        try #require(provisioned.result == .provisioned, "\(provisioned.failures)")

        // The logs, on their own context.
        let logContext = TestContexts.make(endpoint: harness.moto.endpoint)
        let log = CopyOutcomeLog(dynamo: DynamoDBClient(context: logContext), table: ProvisioningHarness.stateTable)
        var failed = CopyStepRecord(
            source: .init(bucket: ProvisioningHarness.bucket, key: "employee01/a.pdf"),
            destination: .init(bucket: "invoices-archive", key: "employee01/a.pdf"),
            startedAt: date("2026-11-29T10:00:00Z"))
        failed.window = "2026-11"
        failed.errorCode = "AccessDenied"
        failed.attempts = 3
        try await log.recordFailure(failed)
        try await log.addSuccesses(2, hourStart: date("2026-11-29T10:00:00Z"))
        #expect(try await log.failures(window: "2026-11").map(\.errorCode) == ["AccessDenied"])
        #expect(try await log.successes(hourStart: date("2026-11-29T10:00:00Z")) == 2)
        let logSent = Set(logContext.requestCounter.snapshot.keys)
        #expect(logSent == CopyOutcomeLog.permissions.operationNames)
        PermissionDriftTests.expectPolicyCovers(logSent)

        let runContext = TestContexts.make(endpoint: harness.moto.endpoint)
        let runs = ProvisioningRunLog(
            dynamo: DynamoDBClient(context: runContext), table: ProvisioningHarness.stateTable)
        try await runs.record(provisioned)
        #expect(try await runs.lastRun(window: "2026-11")?.result == "provisioned")
        #expect(Set(runContext.requestCounter.snapshot.keys) == ProvisioningRunLog.permissions.operationNames)
        PermissionDriftTests.expectPolicyCovers(ProvisioningRunLog.permissions.operationNames)

        // The snapshot, on its own context: every read it makes is declared.
        let context = TestContexts.make(endpoint: harness.moto.endpoint)
        let dynamo = DynamoDBClient(context: context)
        let builder = PipelineSnapshotBuilder(
            sources: .init(
                ledger: DeliveryLedger(
                    dynamo: dynamo, stateTable: ProvisioningHarness.stateTable,
                    employeesTable: ProvisioningHarness.employeesTable, logger: quietLogger()),
                registry: ServerRegistry(dynamo: dynamo, table: ProvisioningHarness.stateTable),
                employees: EmployeeDirectory(
                    dynamo: dynamo, table: ProvisioningHarness.employeesTable, logger: quietLogger()),
                transfer: TransferClient(context: context), s3: S3Client(context: context),
                outcomes: CopyOutcomeLog(dynamo: dynamo, table: ProvisioningHarness.stateTable),
                provisioningRuns: ProvisioningRunLog(dynamo: dynamo, table: ProvisioningHarness.stateTable)),
            settings: .init(
                environment: "test", calendar: WorkflowFixture.calendar, teardown: Configuration.SFTP.defaultTeardown,
                maxLifespan: Configuration.SFTP.defaultMaxLifespan, hourlyPrice: Configuration.SFTP.defaultHourlyPrice,
                sourceBucket: ProvisioningHarness.bucket),
            logger: quietLogger())
        let snapshot = try await builder.build(at: date("2026-11-29T10:30:00Z"))
        #expect(snapshot.copies.failedKeys == ["employee01/a.pdf"])
        #expect(snapshot.copies.succeededLast1h == 2)
        #expect(snapshot.provisioning.usersProvisioned == 2)
        // The snapshot's documented cost for one server, one failure and one window.
        #expect(
            context.requestCounter.snapshot == [
                "DynamoDB.GetItem": 5, "DynamoDB.Query": 3, "DynamoDB.Scan": 1, "Transfer.ListServers": 1,
                "Transfer.DescribeServer": 1, "S3.HeadObject": 1,
            ])
        let sent = Set(context.requestCounter.snapshot.keys)
        #expect(sent == PipelineSnapshotBuilder.permissions.operationNames)
        PermissionDriftTests.expectPolicyCovers(sent)
    }
}
