import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchAgent
import TransferWatchAlerting
import TransferWatchConfig
import TransferWatchRules
import TransferWatchTestSupport
import TransferWatchWorkflows

/// The agent's component wrappers: the business-clock sleeper, the recent-copies ring, and (against moto) the
/// tracker store and the evaluator's leader/follower behaviour.
struct WiringComponentTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    /// Real waits follow the clock's rate, but never drop below the floor unless the business wait itself is
    /// shorter (a table: business wait, rate, expected real wait).
    @Test(arguments: [
        (Duration.seconds(60), 1.0, Duration.seconds(60)),  // real time: unchanged
        (.seconds(60), 60.0, .seconds(1)),  // 60×: a minute is a second
        (.seconds(60), 3600.0, .milliseconds(200)),  // 3600×: 16.7 ms, raised to the 200 ms floor
        (.milliseconds(100), 1.0, .milliseconds(100)),  // shorter than the floor at rate 1: kept
        (.zero, 3600.0, .zero),  // nothing to wait
    ])
    func agentClockSleeperWaitsBusinessTime(business: Duration, rate: Double, real: Duration) async throws {
        let recorder = RecordingSleeper()
        let sleeper = AgentClockSleeper(clock: AgentClock(start: Self.start, rate: rate), realSleeper: recorder)
        #expect(sleeper.realWait(for: business) == real)
        try await sleeper.sleep(for: business)
        #expect(recorder.delays == (real == .zero ? [] : [real]))
    }

    /// The ring keeps the newest `capacity` copies, newest first; records map to the page's results.
    @Test func recentCopiesKeepTheNewest() {
        let ring = RecentCopies(capacity: 3)
        for index in 1...5 {
            var record = CopyStepRecord(
                source: .init(bucket: "in", key: "alice/\(index).pdf", size: 10),
                destination: .init(bucket: "out", key: "alice/\(index).pdf"), startedAt: Self.start)
            record.uploader = "alice"
            record.result = index == 4 ? .failed : index == 5 ? .alreadyMoved : .moved
            record.errorCode = index == 4 ? "NoSuchBucket" : nil
            ring.add(RecentCopy(record, at: Self.start.addingTimeInterval(Double(index))))
        }
        let all = ring.all
        #expect(all.map(\.key) == ["alice/5.pdf", "alice/4.pdf", "alice/3.pdf"])
        #expect(all.map(\.result) == [.duplicate, .failed, .succeeded])
        #expect(all[1].errorCode == "NoSuchBucket")
        #expect(all.allSatisfy { $0.uploader == "alice" })
    }
}

/// Against moto: the tracker item and the evaluator's restore, save and leadership gating.
@Suite(.requiresMoto) struct WiringStateTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func failedCopy(_ key: String, fired: Bool = true) -> RuleVerdict {
        RuleVerdict(
            rule: "copy-failed", severity: .critical, fired: fired, labels: ["alertname": "copy-failed", "key": key],
            annotations: ["summary": "Copy of \(key) failed"])
    }

    /// A saved tracker comes back equal; an item whose body is not a tracker is an error naming the item.
    @Test func trackerRoundTripsAndABrokenItemIsNamed() async throws {
        let moto = try await MotoServer.start(logger: Self.logger)
        defer { moto.stop() }
        let dynamo = DynamoDBClient(context: TestContexts.make(endpoint: moto.endpoint))
        try await StateTable.create(named: "TransferWatchState", using: dynamo)
        let store = TrackerStore(dynamo: dynamo, table: "TransferWatchState", environment: "prod")
        #expect(try await store.load() == nil)

        var tracker = AlertTracker()
        _ = tracker.observe(step: [Self.failedCopy("alice/1.pdf")], at: WiringComponentTests.start)
        #expect(tracker.firing.count == 1)
        try await store.save(tracker, at: WiringComponentTests.start)
        #expect(try await store.load() == tracker)

        try await dynamo.putItem(
            table: "TransferWatchState", item: ["pk": .s("tracker#prod"), "sk": .s("tracker"), "body": .s("{nope")])
        do {
            _ = try await store.load()
            Issue.record("a broken tracker item must not load")
        } catch {
            #expect("\(error)".hasPrefix("state item pk=tracker#prod sk=tracker: unreadable tracker JSON"))
        }
    }

    /// A follower tracks its step verdicts but neither dispatches nor saves; the leader restores the saved
    /// tracker, dispatches, and saves after a step; with no window yet there is nothing to evaluate.
    @Test func onlyTheLeaderDispatchesAndSaves() async throws {
        let moto = try await MotoServer.start(logger: Self.logger)
        defer { moto.stop() }
        let aws = TestContexts.make(endpoint: moto.endpoint)
        let dynamo = DynamoDBClient(context: aws)
        try await StateTable.create(named: "TransferWatchState", using: dynamo)
        let configuration = try Configuration(
            yaml: """
                region: us-east-1
                endpoint: \(moto.endpoint.absoluteString)
                buckets: {source: invoices-incoming, destination: invoices-archive}
                tables: {employees: SFTPUsers, state: TransferWatchState}
                """, file: "transferwatch.yaml", environment: [:])
        let clock = AgentClock(start: WiringComponentTests.start)
        let dispatcher = AlertingComponents.make(configuration: configuration, context: aws, logger: Self.logger)
            .makeDispatcher(now: clock.now, sleeper: RecordingSleeper())
        let store = TrackerStore(dynamo: dynamo, table: "TransferWatchState", environment: configuration.environment)
        let leadership = Leadership()
        let environment = AgentEnvironment(clock: clock, leadership: leadership, environmentName: "prod")
        let evaluator = AlertEvaluator(
            rules: nil,
            snapshot: { throw PipelineSnapshotError.noWindow(provision: "cron(0 0 28 * ? *)", at: $0) },
            dispatcher: dispatcher, metrics: nil, store: store, environment: environment, logger: Self.logger)

        // Follower: tracked locally, nothing dispatched or saved.
        #expect(!leadership.isLeader)
        await evaluator.observe(step: [Self.failedCopy("alice/1.pdf")])
        #expect(await evaluator.current.firing.count == 1)
        #expect(await dispatcher.records().isEmpty)
        #expect(try await store.load() == nil)

        // Leader: the first round restores the saved tracker (none: keeps its own), dispatches and saves.
        leadership.held(until: .distantFuture)
        await evaluator.evaluate()
        #expect(await evaluator.status() == nil, "no window: no status")
        #expect(await dispatcher.records().values.map(\.alert.rule) == ["copy-failed"])
        #expect(try await store.load()?.firing.map(\.rule) == ["copy-failed"])

        // A later success of the same key resolves it, and the resolution is dispatched and saved.
        await evaluator.observe(step: [Self.failedCopy("alice/1.pdf", fired: false)])
        #expect(await dispatcher.records().values.map(\.alert.state) == [.resolved])
        #expect(try await store.load()?.firing.isEmpty == true)
    }
}

/// Against moto: a follower's step verdicts reach the leader's dispatcher through the state table.
@Suite(.requiresMoto) struct StepVerdictInboxTests {
    static let logger = WiringStateTests.logger

    /// One replica's evaluator over the shared state table, with its own dispatcher and inbox.
    struct Replica {
        var evaluator: AlertEvaluator
        var dispatcher: AlertDispatcher
        var leadership: Leadership
    }

    static func replica(
        _ name: String, moto: MotoServer, clock: AgentClock, store: TrackerStore, leads: Bool
    ) throws -> Replica {
        let aws = TestContexts.make(endpoint: moto.endpoint)
        let configuration = try Configuration(
            yaml: """
                region: us-east-1
                endpoint: \(moto.endpoint.absoluteString)
                buckets: {source: invoices-incoming, destination: invoices-archive}
                tables: {employees: SFTPUsers, state: TransferWatchState}
                """, file: "transferwatch.yaml", environment: [:])
        let dispatcher = AlertingComponents.make(configuration: configuration, context: aws, logger: logger)
            .makeDispatcher(now: clock.now, sleeper: RecordingSleeper())
        let leadership = Leadership()
        if leads { leadership.held(until: .distantFuture) }
        let inbox = StepVerdictInbox(
            dynamo: DynamoDBClient(context: aws), table: "TransferWatchState", environment: "prod", sender: name)
        let evaluator = AlertEvaluator(
            rules: nil,
            snapshot: { throw PipelineSnapshotError.noWindow(provision: "cron(0 0 28 * ? *)", at: $0) },
            dispatcher: dispatcher, metrics: nil, store: store,
            environment: AgentEnvironment(clock: clock, leadership: leadership, environmentName: "prod"),
            inbox: inbox, logger: logger)
        return Replica(evaluator: evaluator, dispatcher: dispatcher, leadership: leadership)
    }

    /// The items waiting in the inbox.
    static func pending(_ dynamo: DynamoDBClient) async throws -> [DynamoDBClient.Item] {
        try await dynamo.queryAll(
            table: "TransferWatchState", keyCondition: "pk = :pk", values: [":pk": .s("verdicts#prod")],
            consistentRead: true)
    }

    /// A copy failing on a follower pages through the leader, and its later success on the follower resolves
    /// it; a failure the leader saw is resolved by the follower's success; quiet verdicts nobody needs are not
    /// written; an unreadable item is dropped without holding up the rest.
    @Test func aFollowersFailedCopyPagesThroughTheLeaderAndItsSuccessResolvesIt() async throws {
        let moto = try await MotoServer.start(logger: Self.logger)
        defer { moto.stop() }
        let dynamo = DynamoDBClient(context: TestContexts.make(endpoint: moto.endpoint))
        try await StateTable.create(named: "TransferWatchState", using: dynamo)
        let store = TrackerStore(dynamo: dynamo, table: "TransferWatchState", environment: "prod")
        let clock = AgentClock(start: WiringComponentTests.start)
        let leader = try Self.replica("replica-a", moto: moto, clock: clock, store: store, leads: true)
        let follower = try Self.replica("replica-b", moto: moto, clock: clock, store: store, leads: false)
        let failed = WiringStateTests.failedCopy

        // A quiet verdict for an alert nobody fires: nothing written.
        await follower.evaluator.observe(step: [failed("carol/1.pdf", false)])
        #expect(try await Self.pending(dynamo).isEmpty)

        // The follower's failed copy: posted, not dispatched by the follower.
        await follower.evaluator.observe(step: [failed("alice/1.pdf", true)])
        #expect(try await Self.pending(dynamo).count == 1)
        #expect(await follower.dispatcher.records().isEmpty)

        // The leader's round: dispatched, saved, and the inbox emptied.
        await leader.evaluator.evaluate()
        #expect(await leader.dispatcher.records().values.map(\.alert.rule) == ["copy-failed"])
        #expect(try await store.load()?.firing.map { $0.labels["key"] } == ["alice/1.pdf"])
        #expect(try await Self.pending(dynamo).isEmpty)

        // The leader sees bob's copy fail; the follower learns it at its next round and passes on bob's success.
        await leader.evaluator.observe(step: [failed("bob/1.pdf", true)])
        await follower.evaluator.evaluate()
        await follower.evaluator.observe(step: [failed("bob/1.pdf", false)])
        // The follower moves alice's file after all: its success is passed on too.
        await follower.evaluator.observe(step: [failed("alice/1.pdf", false)])
        #expect(try await Self.pending(dynamo).count == 2)

        // An unreadable item among them is dropped; the rest are observed.
        try await dynamo.putItem(
            table: "TransferWatchState",
            item: ["pk": .s("verdicts#prod"), "sk": .s("0000000000000#broken#1"), "body": .s("{nope")])
        await leader.evaluator.evaluate()
        #expect(try await Self.pending(dynamo).isEmpty)
        #expect(try await store.load()?.firing.isEmpty == true)
        let states = await leader.dispatcher.records().values.map { "\($0.alert.labels["key"] ?? "?") \($0.alert.state)" }
        #expect(states.sorted() == ["alice/1.pdf resolved", "bob/1.pdf resolved"])
    }
}
