import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchTestSupport
import TransferWatchWorkflows

/// The leader lease against moto's DynamoDB: one holder at a time, renewal, takeover after it lapses, release.
@Suite(.requiresMoto) struct LeaderLeaseTests {
    @Test func oneHolderAtATimeWithRenewalTakeoverAndRelease() async throws {
        let moto = try await MotoServer.start(logger: Logger(label: "moto", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { moto.stop() }
        let dynamo = DynamoDBClient(context: TestContexts.make(endpoint: moto.endpoint))
        try await StateTable.create(named: "State", using: dynamo)
        func lease(_ owner: String) -> LeaderLease {
            LeaderLease(dynamo: dynamo, table: "State", environment: "prod", owner: owner, ttl: .seconds(30))
        }
        let a = lease("a")
        let b = lease("b")
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)

        #expect(try await a.acquire(at: t0) == t0.addingTimeInterval(30))
        #expect(try await b.acquire(at: t0.addingTimeInterval(1)) == nil, "held by a")
        #expect(try await a.acquire(at: t0.addingTimeInterval(10)) == t0.addingTimeInterval(40), "a renews")
        #expect(try await b.acquire(at: t0.addingTimeInterval(39)) == nil, "still a's until 40")
        // a stops renewing: b takes over once it lapsed.
        #expect(try await b.acquire(at: t0.addingTimeInterval(41)) == t0.addingTimeInterval(71))
        #expect(try await a.acquire(at: t0.addingTimeInterval(42)) == nil, "a lost it")
        #expect(try await a.holder()?.owner == "b")
        // a's release does not touch b's lease; b's release frees it at once.
        try await a.release(at: t0.addingTimeInterval(43))
        #expect(try await a.holder()?.owner == "b")
        try await b.release(at: t0.addingTimeInterval(44))
        #expect(try await a.holder() == nil)
        #expect(try await a.acquire(at: t0.addingTimeInterval(45)) != nil)
        // Another environment has its own lease.
        let other = LeaderLease(dynamo: dynamo, table: "State", environment: "staging", owner: "b", ttl: .seconds(30))
        #expect(try await other.acquire(at: t0.addingTimeInterval(45)) != nil)
    }

    @Test func leaseServiceReportsLeadershipAndLosesItWhenRenewalsFail() async throws {
        let moto = try await MotoServer.start(logger: Logger(label: "moto", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { moto.stop() }
        let dynamo = DynamoDBClient(context: TestContexts.make(endpoint: moto.endpoint))
        try await StateTable.create(named: "State", using: dynamo)
        let real = FakeRealClock(Date(timeIntervalSince1970: 1_800_000_000))
        func service(_ owner: String, table: String = "State") -> LeaseService {
            LeaseService(
                lease: LeaderLease(dynamo: dynamo, table: table, environment: "prod", owner: owner, ttl: .seconds(30)),
                leadership: Leadership(realNow: real.now), realNow: real.now, sleeper: RecordingSleeper(),
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
        let a = service("a")
        let b = service("b")
        #expect(await a.attempt())
        #expect(a.leadership.isLeader)
        #expect(await b.attempt() == false)
        #expect(!b.leadership.isLeader)
        // a's renewals fail (its table is gone for it): it keeps leading only until its lease lapses.
        let broken = LeaseService(
            lease: LeaderLease(dynamo: dynamo, table: "Missing", environment: "prod", owner: "a", ttl: .seconds(30)),
            leadership: a.leadership, realNow: real.now, sleeper: RecordingSleeper(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        real.advance(by: 20)
        #expect(await broken.attempt(), "a failed renewal keeps the lease until it lapses")
        real.advance(by: 11)
        #expect(!a.leadership.isLeader, "lapsed")
        #expect(await b.attempt())
    }
}
