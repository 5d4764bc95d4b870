import Foundation
import Logging
import ServiceLifecycle
import Testing
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchConfig
import TransferWatchLocking
import TransferWatchTestSupport
import TransferWatchWorkflows

/// The composition seam the other components plug into: a component runs with the core and is shut down
/// gracefully after the consumer finished; an observer sees every copy; the lease is released at the end.
@Suite(.requiresMoto) struct AgentServicesTests {
    @Test func componentsAndObserversRunWithTheCoreAndShutDownAfterIt() async throws {
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let moto = try await MotoServer.start(logger: logger)
        defer { moto.stop() }
        let context = TestContexts.make(endpoint: moto.endpoint)
        let sqs = SQSClient(context: context)
        let dynamo = DynamoDBClient(context: context)
        try await StateTable.create(named: "State", using: dynamo)
        try await StateTable.createEmployees(named: "Employees", using: dynamo)
        let queue = try await sqs.createQueue(name: "uploads")
        let configuration = Configuration(
            region: "us-east-1", endpoint: moto.endpoint,
            buckets: .init(source: "invoices-incoming", destination: "invoices-archive"),
            tables: .init(employees: "Employees", state: "State"), queue: URL(string: queue),
            agent: .init(lease: .seconds(30), reconcileInterval: .seconds(3600), tickInterval: .seconds(3600)))
        let ledger = DeliveryLedger(dynamo: dynamo, stateTable: "State", employeesTable: "Employees", logger: logger)
        let registry = ServerRegistry(dynamo: dynamo, table: "State")
        let mover = ScriptedMover { _ in .moved }
        let observer = RecordingObserver()
        let environment = AgentEnvironment(
            clock: AgentClock(start: nil), leadership: Leadership(), observer: observer, environmentName: "prod")
        var services = AgentServices.make(
            configuration: configuration,
            workflows: .init(
                mover: mover, provisioning: nil,
                teardown: TeardownWorkflow(
                    transfer: TransferClient(context: context), registry: registry, ledger: ledger, settings: .init(),
                    now: environment.clock.now, logger: logger),
                ledger: ledger, registry: registry),
            sqs: sqs, s3: S3Client(context: context), dynamo: dynamo, environment: environment, leaseOwner: "me",
            logger: logger)
        let component = RecordingComponent()
        services.add(component)
        #expect(services.orderedServices.count == 6, "lease, component, consumer, scheduler, reconciler, dead letters")
        #expect(services.orderedServices[1] is RecordingComponent)

        let group = services.makeServiceGroup(logger: logger)
        let running = Task { try await group.run() }
        for index in 0..<3 {
            try await sqs.sendMessage(queueURL: queue, body: UploadEventConsumerTests.event(key: "alice/\(index).pdf"))
        }
        #expect(await eventually(timeout: .seconds(60)) { observer.keys.count == 3 })
        #expect(await eventually(timeout: .seconds(30)) { environment.leadership.isLeader })
        #expect(component.events == ["run"])
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(component.events == ["run", "shutdown"])
        #expect(Set(observer.keys) == ["alice/0.pdf", "alice/1.pdf", "alice/2.pdf"])
        #expect(!environment.leadership.isLeader)
        let lease = LeaderLease(dynamo: dynamo, table: "State", environment: "prod", owner: "other", ttl: .seconds(30))
        #expect(try await lease.holder() == nil, "released on shutdown")
    }
}

/// An ``AgentComponent`` that records its life cycle.
final class RecordingComponent: AgentComponent {
    private let recorded = Locked<[String]>([])
    var name: String { "recording" }
    var events: [String] { recorded.withLock { $0 } }

    func run() async throws {
        recorded.withLock { $0.append("run") }
        try? await gracefulShutdown()
        recorded.withLock { $0.append("shutdown") }
    }
}

/// An ``AgentObserver`` that records the keys copied.
final class RecordingObserver: AgentObserver {
    private let recorded = Locked<[String]>([])
    var keys: [String] { recorded.withLock { $0 } }

    func copied(_ record: CopyStepRecord, origin: AgentEnvironment.CopyOrigin) async {
        recorded.withLock { $0.append(record.source.key) }
    }
}
