import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchAlerting
import TransferWatchConfig
import TransferWatchLocking
import TransferWatchRules
import TransferWatchTelemetry
import TransferWatchTestSupport
import TransferWatchWorkflows

/// The agent's services and the commands above the workflows, each run for real against the emulator through a
/// context of its own, send exactly the operations their ``ServicePermissions`` set declares, and the printed
/// policy grants every IAM action of them (the workflows' own checks are `PermissionDriftTests`). A new AWS call
/// in one of them without a policy line fails here.
@Suite(.requiresMoto, .serialized) struct PolicyDriftTests {
    static let now = Date(timeIntervalSince1970: 1_795_946_400)  // 2026-11-29T10:00:00Z
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func theConsumerAndTheDeadLetterCheckSendExactlyWhatTheyDeclare() async throws {
        let moto = try await MotoServer.start(logger: Self.quiet)
        defer { moto.stop() }
        let admin = SQSClient(context: TestContexts.make(endpoint: moto.endpoint))
        let queue = try await admin.createQueue(name: "invoice-uploads")
        // The dead-letter queue under the name `bootstrap` gives it, and the policy grants.
        let dlqName = Bootstrapper.deadLetterQueueName(for: "invoice-uploads")
        #expect(QueueAddress(try #require(URL(string: queue)))?.deadLetterName == dlqName)
        let dlq = try await admin.createQueue(name: dlqName)
        let dlqARN = try #require(try await admin.getQueueAttributes(queueURL: dlq).queueARN)
        try await admin.setQueueAttributes(
            queueURL: queue,
            attributes: [
                SQSClient.QueueAttribute.redrivePolicy: #"{"deadLetterTargetArn":"\#(dlqARN)","maxReceiveCount":"5"}"#
            ])
        for key in ["alice/a.pdf", "bob/b.pdf"] { try await admin.sendMessage(queueURL: queue, body: Self.event(key)) }

        // A copy that outlasts a third of the visibility timeout makes the consumer extend it.
        let context = TestContexts.make(endpoint: moto.endpoint, maxAttempts: 1)
        let environment = AgentEnvironment(
            clock: AgentClock(start: Self.now), leadership: Leadership(), environmentName: "prod")
        let consumer = UploadEventConsumer(
            sqs: SQSClient(context: context), mover: SlowMover(delay: .milliseconds(1500)),
            settings: .init(queueURL: queue, concurrency: 2, visibilityTimeout: 1, waitTimeSeconds: 1),
            environment: environment, logger: Self.quiet)
        let running = Task { try await consumer.run() }
        let drained = await Self.eventually { environment.counters.snapshot.messagesDeleted == 2 }
        running.cancel()
        _ = try? await running.value
        #expect(drained, "\(environment.counters.snapshot)")
        let sent = Set(context.requestCounter.snapshot.keys)
        #expect(sent == ServicePermissions.uploadEvents.operationNames)
        Self.expectPolicyCovers(sent)

        let monitorContext = TestContexts.make(endpoint: moto.endpoint, maxAttempts: 1)
        let monitor = DeadLetterMonitor(
            sqs: SQSClient(context: monitorContext), queueURL: queue, interval: .seconds(60), environment: environment,
            logger: Self.quiet)
        #expect(try await monitor.check() == 0)
        let checked = Set(monitorContext.requestCounter.snapshot.keys)
        #expect(checked == ServicePermissions.deadLetters.operationNames)
        Self.expectPolicyCovers(checked)
        // The check reads the queue the printed policy names.
        let policy = try Self.policy()
        #expect(
            policy.statement("DeadLetterQueue")?.resources == ["arn:aws:sqs:us-east-1:123456789012:invoice-uploads-dlq"]
        )
        #expect(policy.statement("DeadLetterQueue")?.actions == ["sqs:GetQueueAttributes"])
    }

    @Test func theLeaderLeaseAndReconciliationSendExactlyWhatTheyDeclare() async throws {
        let moto = try await MotoServer.start(logger: Self.quiet)
        defer { moto.stop() }
        let setup = TestContexts.make(endpoint: moto.endpoint)
        try await StateTable.create(named: "TransferWatchState", using: DynamoDBClient(context: setup))
        try await S3Client(context: setup).createBucket("invoices-incoming")
        _ = try await S3Client(context: setup).putObject(
            bucket: "invoices-incoming", key: "alice/late.pdf", body: Data("%PDF".utf8))

        let leaseContext = TestContexts.make(endpoint: moto.endpoint, maxAttempts: 1)
        let lease = LeaderLease(
            dynamo: DynamoDBClient(context: leaseContext), table: "TransferWatchState", environment: "prod",
            owner: "replica-1", ttl: .seconds(30))
        #expect(try await lease.acquire(at: Self.now) != nil)
        #expect(try await lease.holder()?.owner == "replica-1")
        try await lease.release(at: Self.now.addingTimeInterval(5))
        let leased = Set(leaseContext.requestCounter.snapshot.keys)
        #expect(leased == ServicePermissions.leaderLease.operationNames)
        Self.expectPolicyCovers(leased)

        let reconcileContext = TestContexts.make(endpoint: moto.endpoint, maxAttempts: 1)
        let mover = SlowMover(delay: .zero)
        let reconciler = Reconciler(
            s3: S3Client(context: reconcileContext), mover: mover,
            settings: .init(bucket: "invoices-incoming", interval: .seconds(60), gracePeriod: .zero, concurrency: 1),
            environment: AgentEnvironment(
                clock: AgentClock(start: Self.now), leadership: Leadership(), environmentName: "prod"),
            logger: Self.quiet)
        let pass = try await reconciler.reconcile()
        #expect(pass.listed == 1)
        let reconciled = Set(reconcileContext.requestCounter.snapshot.keys)
        #expect(reconciled == ServicePermissions.reconciliation.operationNames)
        Self.expectPolicyCovers(reconciled)
    }

    @Test func alertingSendsExactlyWhatItDeclares() async throws {
        let moto = try await MotoServer.start(logger: Self.quiet)
        defer { moto.stop() }
        let setup = TestContexts.make(endpoint: moto.endpoint)
        try await StateTable.create(named: "TransferWatchState", using: DynamoDBClient(context: setup))
        let topic = try await SNSClient(context: setup).createTopic(name: "oncall")
        var configuration = Configuration(
            region: "us-east-1", endpoint: moto.endpoint, buckets: .init(source: "in", destination: "out"),
            tables: .init(employees: "SFTPUsers", state: "TransferWatchState"))
        configuration.alerts.snsTopicArn = try ARN.snsTopic(topic)

        let context = TestContexts.make(endpoint: moto.endpoint, maxAttempts: 1)
        let alerting = AlertingComponents.make(
            configuration: configuration, context: context, random: SeededRandomSource(seed: 7), logger: Self.quiet)
        let clock = TimeBox(Self.now)
        var time: Date { clock.now }
        let dispatcher = alerting.makeDispatcher(now: { clock.now }, sleeper: RecordingSleeper())
        func alert(_ state: AlertState) -> AlertInstance {
            AlertInstance(
                rule: "copy-failed", labels: ["alertname": "copy-failed", "severity": "critical"],
                annotations: ["summary": "copy failed"], state: state, activeAt: Self.now, firedAt: Self.now,
                resolvedAt: state == .resolved ? time : nil, evaluatedAt: time)
        }
        // Fires (records, a group, the outbox and notification log in one transaction, SNS), then resolves and
        // is forgotten once told (records and the group deleted).
        for state in [AlertState.firing, .firing, .resolved, .resolved, .resolved] {
            await dispatcher.receive([alert(state)], at: time)
            await dispatcher.flushDue(at: time)
            await dispatcher.deliverDue(at: time)
            clock.advance(by: 600)
        }
        // Silences and the history, as `silence add|list|expire` and `alerts history` use them.
        let silence = Silence(
            matchers: [LabelMatcher(name: "alertname", value: "stalled-counter")], startsAt: time,
            endsAt: time.addingTimeInterval(3600), createdBy: "oncall", comment: "holiday")
        try await alerting.silences.add(silence)
        #expect(try await alerting.silences.all().silences.count == 1)
        _ = try await alerting.silences.expire(id: silence.id, at: time)
        let history = try await alerting.history.events(since: Self.now, until: time).events
        #expect(history.contains { $0.kind == .notified }, "\(history.map(\.kind))")

        let sent = Set(context.requestCounter.snapshot.keys)
        #expect(
            sent
                == ServicePermissions.alertState.operationNames.union(
                    ServicePermissions.alertNotifications.operationNames))
        Self.expectPolicyCovers(sent)
        // Deletes reach only the alerting partition.
        let policy = try Self.policy()
        #expect(policy.statement("StateTable")?.actions.contains("dynamodb:DeleteItem") == false)
        #expect(
            policy.statement("AlertItems")?.conditions == [
                .init("ForAllValues:StringEquals", "dynamodb:LeadingKeys", ["alerts#prod", "verdicts#prod"])
            ])
        #expect(alerting.store.partition == "alerts#prod")
    }

    @Test func metricsAlarmsAndDashboardsSendExactlyWhatTheyDeclare() async throws {
        let moto = try await MotoServer.start(logger: Self.quiet)
        defer { moto.stop() }

        let metricsContext = TestContexts.make(endpoint: moto.endpoint, maxAttempts: 1)
        try await CloudWatchMetricSink(client: CloudWatchClient(context: metricsContext)).publish(
            namespace: "TransferWatch", data: [.init(name: "CopySucceeded", value: .single(1), unit: .count)])
        let published = Set(metricsContext.requestCounter.snapshot.keys)
        #expect(published == ServicePermissions.metrics.operationNames)
        Self.expectPolicyCovers(published)

        // `alarms sync` of the shipped rules, then of all but one (which is deleted).
        let alarmsContext = TestContexts.make(endpoint: moto.endpoint, maxAttempts: 1)
        let naming = AlarmNaming(namespace: "TransferWatch", environment: "prod")
        let loaded = RuleFileLoader(environment: ExpressionEnvironment())
            .load(files: RuleFileDiscovery.files(in: [Self.repository.appendingPathComponent("rules").path]).files)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        let compiled = AlarmCompiler(naming: naming, topicARN: nil).compile(loaded.groups)
        #expect(compiled.alarms.metricAlarms.count >= 2)
        let synchronizer = AlarmSynchronizer(
            cloudWatch: CloudWatchClient(context: alarmsContext), naming: naming, logger: Self.quiet)
        let first = await synchronizer.apply(try await synchronizer.plan(for: compiled.alarms))
        withKnownIssue("moto 5.2.1 has no PutCompositeAlarm") {
            #expect(first.failures.isEmpty, "\(first.failures.map { $0.step })")
        }
        let fewer = DesiredAlarms(metricAlarms: Array(compiled.alarms.metricAlarms.dropLast()), composite: nil)
        let second = await synchronizer.apply(try await synchronizer.plan(for: fewer))
        #expect(second.done.contains { $0.hasPrefix("deleted ") }, "\(second.done)")
        let synced = Set(alarmsContext.requestCounter.snapshot.keys)
        #expect(synced == ServicePermissions.alarms.operationNames)
        Self.expectPolicyCovers(synced)
        // Every alarm it named is inside the printed statement's prefix.
        let policy = try Self.policy()
        let managed = try #require(policy.statement("ManagedAlarms")?.resources.first)
        #expect(managed == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:TransferWatch-prod-*")
        for alarm in compiled.alarms.metricAlarms { #expect(alarm.name.hasPrefix("TransferWatch-prod-")) }

        let dashboardsContext = TestContexts.make(endpoint: moto.endpoint, maxAttempts: 1)
        let file = Self.repository.appendingPathComponent("dashboards/transferwatch.json").path
        let template = DashboardTemplate(file: file, text: try String(contentsOfFile: file, encoding: .utf8))
        let results = await DashboardPublisher(
            cloudWatch: CloudWatchClient(context: dashboardsContext), namespace: "TransferWatch", region: "us-east-1",
            environment: "prod", logger: Self.quiet
        ).publish([template], dryRun: false)
        #expect(results.map(\.error) == [nil])
        let dashboards = Set(dashboardsContext.requestCounter.snapshot.keys)
        #expect(dashboards == ServicePermissions.dashboards.operationNames)
        Self.expectPolicyCovers(dashboards)
        // The dashboard's name is matched by the printed statement (`*-<environment>`).
        #expect(results.first?.dashboardName == "transferwatch-prod")
        #expect(
            policy.statement("EnvironmentDashboards")?.resources == [
                "arn:aws:cloudwatch::123456789012:dashboard/*-prod"
            ])
    }

    @Test func theStepVerdictInboxSendsExactlyWhatItDeclares() async throws {
        let moto = try await MotoServer.start(logger: Self.quiet)
        defer { moto.stop() }
        try await StateTable.create(
            named: "TransferWatchState", using: DynamoDBClient(context: TestContexts.make(endpoint: moto.endpoint)))
        let context = TestContexts.make(endpoint: moto.endpoint, maxAttempts: 1)
        let inbox = StepVerdictInbox(
            dynamo: DynamoDBClient(context: context), table: "TransferWatchState", environment: "prod",
            sender: "replica-2")
        let verdict = RuleVerdict(
            rule: "copy-failed", severity: .critical, fired: true, labels: ["alertname": "copy-failed"],
            annotations: [:])
        try await inbox.post([verdict], observedAt: Self.now)
        let drained = try await inbox.drain(logger: Self.quiet)
        #expect(drained.compactMap(\.posting?.verdicts) == [[verdict]])
        try await inbox.remove(drained)
        #expect(try await inbox.drain(logger: Self.quiet).isEmpty)
        let sent = Set(context.requestCounter.snapshot.keys)
        #expect(sent == ServicePermissions.stepVerdicts.operationNames)
        Self.expectPolicyCovers(sent)
        #expect(inbox.partitionKey == "verdicts#prod", "deletes stay inside the policy's LeadingKeys")
    }

    @Test func everyDeclaredSetIsInTheAgentPolicy() {
        let listed = Set(AgentPolicy.components.map(\.component))
        for set in [
            ServicePermissions.uploadEvents, ServicePermissions.deadLetters, ServicePermissions.leaderLease,
            ServicePermissions.reconciliation, ServicePermissions.alertState, ServicePermissions.alertNotifications,
            ServicePermissions.alertTracker, ServicePermissions.stepVerdicts, ServicePermissions.metrics,
            ServicePermissions.alarms,
            ServicePermissions.dashboards, PipelineSnapshotBuilder.permissions, CopyOutcomeLog.permissions,
            ProvisioningRunLog.permissions,
        ] {
            #expect(listed.contains(set.component), "\(set.component)")
        }
    }

    // MARK: - Helpers

    /// The repository's root (for the shipped rules and dashboards).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The agent policy for the README's configuration.
    static func policy() throws -> PolicyDocument {
        var configuration = Configuration(
            region: "us-east-1", buckets: .init(source: "invoices-incoming", destination: "invoices-archive"),
            tables: .init(employees: "SFTPUsers", state: "TransferWatchState"))
        configuration.queue = URL(string: "https://sqs.us-east-1.amazonaws.com/123456789012/invoice-uploads")
        configuration.alerts.snsTopicArn = try ARN.snsTopic("arn:aws:sns:us-east-1:123456789012:oncall")
        configuration.sftp.userRole = try ARN.iamRole("arn:aws:iam::123456789012:role/sftp-invoice-user")
        configuration.sftp.loggingRole = try ARN.iamRole("arn:aws:iam::123456789012:role/transfer-logging")
        return AgentPolicy.make(configuration: configuration, scope: try PolicyScope.resolve(configuration)).document
    }

    /// Every IAM action of every operation in `sent` (from the clients' own tables) is in the agent policy.
    static func expectPolicyCovers(_ sent: Set<String>, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let tables =
            S3Client.Operations.all + DynamoDBClient.Operations.all + SQSClient.Operations.all
            + SNSClient.Operations.all + TransferClient.Operations.all + CloudWatchClient.Operations.all
        let byName = Dictionary(tables.map { ("\($0)", $0) }, uniquingKeysWith: { first, _ in first })
        guard let granted = try? Set(policy().actions) else {
            Issue.record("no policy", sourceLocation: sourceLocation)
            return
        }
        // A transaction's IAM actions are every item action it may need; the declarations say which apply.
        let notApplicable: Set<String> = ["dynamodb:ConditionCheckItem", "dynamodb:DeleteItem"]
        let missing = sent.sorted().flatMap { name -> [String] in
            guard let operation = byName[name] else { return ["\(name) (not in any client's table)"] }
            return operation.iamActions.filter {
                !granted.contains($0) && !(name == "DynamoDB.TransactWriteItems" && notApplicable.contains($0))
            }
        }
        #expect(missing.isEmpty, "operations whose IAM actions the policy lacks", sourceLocation: sourceLocation)
    }

    /// An S3 ObjectCreated event for `key` in the source bucket.
    static func event(_ key: String) -> String {
        #"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put","eventTime":"2026-11-29T10:00:00.000Z","s3":{"bucket":{"name":"invoices-incoming"},"object":{"key":"\#(key)","size":4}}}]}"#
    }

    /// Polls `condition` every 100 ms for up to a minute (the outer bound only stops a broken test).
    static func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<600 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }
}

/// A time that moves only when the test says so.
final class TimeBox: Sendable {
    private let value: Locked<Date>
    init(_ start: Date) { value = Locked(start) }
    var now: Date { value.withLock { $0 } }
    func advance(by seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Moves nothing: reports every object moved after `delay` (real time).
struct SlowMover: UploadMover {
    let delay: Duration

    func move(_ event: S3ObjectEvent) async throws -> CopyStepRecord {
        try await move(bucket: event.bucket, key: event.key)
    }

    func move(bucket: String, key: String) async throws -> CopyStepRecord {
        try await Task.sleep(for: delay)
        var record = CopyStepRecord(
            source: .init(bucket: bucket, key: key), destination: .init(bucket: "invoices-archive", key: key),
            startedAt: Date())
        record.result = .moved
        return record
    }
}
