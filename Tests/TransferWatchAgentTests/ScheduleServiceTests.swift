import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchConfig
import TransferWatchTestSupport
import TransferWatchWorkflows

/// The scheduler's ticks against moto on a clock the test moves: catch-up after downtime, the lifespan and
/// scheduled teardown triggers, and provisioning without a user role.
@Suite(.requiresMoto) struct ScheduleServiceTests {
    @Test func anAgentStartedOnThe29thProvisionsTheOpenWindowOnce() async throws {
        let harness = try await Harness.start(now: "2026-11-29T10:00:00Z")
        defer { harness.moto.stop() }
        let scheduler = harness.scheduler()
        #expect(try await scheduler.tick() == .provisioned(window: "2026-11", reason: .windowMissing, failed: false))
        #expect(try await scheduler.tick() == .nothing, "provisioned: nothing more to do")
        #expect(try await harness.transfer.listServers().count == 1)
        #expect(try await harness.ledger.window("2026-11")?.expected == 2)
    }

    @Test func aServerOlderThanItsLifespanIsTornDown() async throws {
        let harness = try await Harness.start(now: "2026-11-28T00:05:00Z")
        defer { harness.moto.stop() }
        let scheduler = harness.scheduler(maxLifespan: .seconds(2 * 86_400))
        #expect(try await scheduler.tick() == .provisioned(window: "2026-11", reason: .windowMissing, failed: false))
        harness.real.advance(by: 86_400)
        #expect(try await scheduler.tick() == .nothing, "one day old: kept")
        harness.real.advance(by: 86_400 + 120)
        #expect(try await scheduler.tick() == .tornDown(window: "2026-11", reason: .lifespan, failed: false))
        #expect(try await harness.ledger.window("2026-11")?.closedReason == "lifespan")
        #expect(try await harness.transfer.listServers().isEmpty)
        #expect(try await scheduler.tick() == .nothing, "torn down: not provisioned again")
    }

    @Test func anAgentBackOnThe2ndTearsDownWithTheScheduleThatEndedTheWindow() async throws {
        let harness = try await Harness.start(now: "2026-11-28T00:05:00Z")
        defer { harness.moto.stop() }
        let scheduler = harness.scheduler(maxLifespan: .seconds(7 * 86_400))
        #expect(try await scheduler.tick() == .provisioned(window: "2026-11", reason: .windowMissing, failed: false))
        harness.real.advance(by: 4 * 86_400)  // down from the 28th to the 2nd
        #expect(try await scheduler.tick() == .tornDown(window: "2026-11", reason: .scheduled, failed: false))
        #expect(try await harness.registry.server("2026-11")?.deleteReason == "scheduled")
    }

    @Test func provisioningWithoutAUserRoleIsReportedNotRun() async throws {
        let harness = try await Harness.start(now: "2026-11-28T00:05:00Z")
        defer { harness.moto.stop() }
        let scheduler = harness.scheduler(provisioning: false)
        #expect(try await scheduler.tick() == .provisioningUnavailable(window: "2026-11"))
        #expect(try await harness.transfer.listServers().isEmpty)
    }

    @Test func waitsUntilTheNextFireTimeWhenItComesBeforeTheTick() async throws {
        let harness = try await Harness.start(now: "2026-11-27T23:59:00Z")
        defer { harness.moto.stop() }
        let scheduler = harness.scheduler(tickInterval: .seconds(3600))
        #expect(scheduler.nextWait() == .seconds(61), "a minute to midnight on the 27th, plus a second")
        harness.real.advance(by: 120)
        #expect(scheduler.nextWait() == .seconds(3600))
    }

    struct Harness {
        let moto: MotoServer
        let real: FakeRealClock
        let environment: AgentEnvironment
        let transfer: TransferClient
        let dynamo: DynamoDBClient
        let ledger: DeliveryLedger
        let registry: ServerRegistry
        static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

        static func start(now: String) async throws -> Harness {
            let moto = try await MotoServer.start(logger: logger)
            let context = TestContexts.make(endpoint: moto.endpoint)
            let dynamo = DynamoDBClient(context: context)
            try await StateTable.create(named: "State", using: dynamo)
            try await StateTable.createEmployees(named: "Employees", using: dynamo)
            let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
            for name in ["alice", "bob"] {
                try await dynamo.putItem(
                    table: "Employees", item: ["username": .s(name), "sshPublicKey": .s("\(key) \(name)")])
            }
            let real = FakeRealClock(try #require(AWSDate.parseISO8601(now)))
            let environment = AgentEnvironment(
                clock: AgentClock(start: nil, realNow: real.now), leadership: .always(), environmentName: "test")
            return Harness(
                moto: moto, real: real, environment: environment, transfer: TransferClient(context: context),
                dynamo: dynamo,
                ledger: DeliveryLedger(
                    dynamo: dynamo, stateTable: "State", employeesTable: "Employees", logger: logger),
                registry: ServerRegistry(dynamo: dynamo, table: "State"))
        }

        func scheduler(
            maxLifespan: Duration = .seconds(2 * 86_400), tickInterval: Duration = .seconds(60),
            provisioning: Bool = true
        ) -> ScheduleService {
            let calendar = DeliveryWindowCalendar(provision: Configuration.SFTP.defaultProvision, timeZone: .gmt)
            let workflow = ProvisioningWorkflow(
                transfer: transfer, registry: registry, ledger: ledger,
                employees: EmployeeDirectory(dynamo: dynamo, table: "Employees", logger: Self.logger),
                settings: .init(
                    sourceBucket: "invoices-incoming", userRole: "arn:aws:iam::123456789012:role/sftp-invoice-user",
                    userConcurrency: 4, requestsPerSecond: 0, onlineTimeout: .seconds(60)),
                now: environment.clock.now, logger: Self.logger)
            return ScheduleService(
                settings: .init(
                    calendar: calendar, teardown: Configuration.SFTP.defaultTeardown, maxLifespan: maxLifespan,
                    tickInterval: tickInterval),
                provisioning: provisioning ? workflow : nil,
                teardown: TeardownWorkflow(
                    transfer: transfer, registry: registry, ledger: ledger, settings: .init(),
                    now: environment.clock.now,
                    logger: Self.logger),
                ledger: ledger, registry: registry, environment: environment, logger: Self.logger)
        }
    }
}
