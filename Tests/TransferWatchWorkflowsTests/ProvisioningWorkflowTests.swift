import Foundation
import Testing
import TransferWatchAWS
import TransferWatchLocking
import TransferWatchTestSupport
import TransferWatchWorkflows

/// ``ProvisioningWorkflow`` against moto 5.2.1 (one moto for the suite, reset for each test: Transfer servers
/// are account-wide, so the tests run one at a time).
///
/// moto creates servers ONLINE at once and cannot fail one, so `START_FAILED`, a server stuck `STARTING`,
/// throttling and AWS's `ResourceExistsException` (moto adds a duplicate user instead) are answered by an
/// ``InterceptingTransport`` in front of it. Time never passes for real: the business clock, the waiter's
/// clock and the rate limiter are all injected.
@Suite(.requiresMoto, .workflowMoto("test.provisioning"), .serialized) struct ProvisioningWorkflowTests {

    @Test func provisionsTwentyTwoOfTwentyFiveEmployeesAndSaysWhyNotTheOthers() async throws {
        let harness = try await ProvisioningHarness.make(
            employees: EmployeeRow.roster(valid: 22, extra: EmployeeRow.broken))
        let limiterSleeper = RecordingSleeper()
        var workflow = harness.provisioning(limiterSleeper: limiterSleeper)
        let progress = Locked<[ProvisioningWorkflow.Progress]>([])
        workflow.progress = { update in progress.withLock { $0.append(update) } }

        let record = try await workflow.run(window: ProvisioningHarness.window)

        #expect(record.result == .provisioned, "\(record.failures)")
        #expect(record.failures.isEmpty)
        #expect(record.usersCreated == (1...22).map { String(format: "employee%02d", $0) })
        #expect(record.usersAdopted.isEmpty)
        // The three broken records, each with its reason.
        #expect(Set(record.skipped.compactMap(\.username)) == ["nokey.nora", "badkey.bart", "-mallory"])
        let reasons = Dictionary(
            uniqueKeysWithValues: record.skipped.map { ($0.username ?? "", $0.reason.lowercased()) })
        #expect(reasons["nokey.nora"]?.contains("key") == true)
        #expect(reasons["badkey.bart"]?.contains("key") == true)
        #expect(reasons["-mallory"]?.contains("username") == true)

        // One server, tagged, created by this run, ONLINE, its ID and creation time recorded.
        let serverID = try #require(record.server.serverID)
        #expect(try await harness.serverIDs() == [serverID])
        let server = try await harness.transfer.describeServer(serverID: serverID)
        #expect(server.tags == ["transferwatch:managed": "true", "transferwatch:window": "2026-11"])
        #expect(server.identityProviderType == .serviceManaged)
        #expect(server.protocols == [.sftp])
        #expect(server.endpointType == .public)
        #expect(record.server.origin == .created)
        #expect(record.server.createdAt == ProvisioningHarness.start)
        #expect(record.transitions.map(\.state) == ["intentRecorded", "STARTING", "ONLINE", "windowOpened"])
        let item = try #require(try await harness.registry.server("2026-11"))
        #expect(item.serverID == serverID)
        #expect(item.state == .online)
        #expect(item.createdAt == ProvisioningHarness.start)
        #expect(item.provisionedUsers == 22)
        #expect(item.provisionedAt != nil)

        // The users: LOGICAL home, the role, the key; recorded in the state table.
        let user = try await harness.transfer.describeUser(serverID: serverID, userName: "employee07")
        #expect(user.homeDirectory == .logical([.init(entry: "/", target: "/invoices-incoming/employee07")]))
        #expect(user.role == ProvisioningHarness.role)
        #expect(user.sshPublicKeys.map(\.body) == [EmployeeRow.ed25519Key(7)])
        #expect(user.tags == ["transferwatch:managed": "true"], "the agent's policy reaches managed users only")
        #expect(user.policy == ProvisioningHarness.sessionPolicy)
        #expect(try await harness.registry.users("2026-11").map(\.username) == record.usersCreated)

        // The window expects the 22.
        let window = try #require(try await harness.ledger.window("2026-11"))
        #expect(window.isOpen)
        #expect((window.expected, window.remaining, window.delivered) == (22, 22, 0))
        #expect(window.serverID == serverID)
        #expect(record.windowOpened)
        #expect(record.expected == .init(before: 22, after: 22, remaining: 22))

        // Requests, rate limit and progress.
        #expect(record.requests["Transfer.CreateServer"] == 1)
        #expect(record.requests["Transfer.CreateUser"] == 22)
        #expect(limiterSleeper.delays.count == 22, "23 Transfer calls at 10/s on a clock that stands still: 22 waits")
        #expect(record.rateLimitWaitMilliseconds == (1...22).reduce(0) { $0 + $1 * 100 })
        let updates = progress.withLock { $0 }
        #expect(updates.first == .init(done: 0, total: 22, failed: 0))
        #expect(updates.last == .init(done: 22, total: 22, failed: 0))
        #expect(updates.map(\.done) == Array(0...22))
    }

    @Test func aRerunCreatesNothing() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 6))
        let first = try await harness.provisioning().run(window: "2026-11")
        harness.now.advance(by: .seconds(3_600))
        let second = try await harness.provisioning().run(window: "2026-11")

        #expect(first.result == .provisioned)
        #expect(second.result == .unchanged, "\(second.summary)")
        #expect(second.usersCreated.isEmpty && second.usersAdopted.isEmpty)
        #expect(second.usersAlreadyProvisioned == 6)
        #expect(second.server.serverID == first.server.serverID)
        #expect(second.server.origin == .recorded)
        #expect(!second.windowOpened)
        #expect(second.requests["Transfer.CreateServer"] == nil)
        #expect(second.requests["Transfer.CreateUser"] == nil)
        #expect(second.requests["Transfer.ListServers"] == nil, "a recorded server needs no lookup")
        #expect(try await harness.serverIDs().count == 1)
        #expect(try await harness.ledger.window("2026-11")?.expected == 6)
    }

    @Test func anEmployeeAddedMidWindowGetsOneUserAndOneMoreExpectedDelivery() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 4))
        _ = try await harness.provisioning().run(window: "2026-11")
        let delivered = try await harness.ledger.recordDelivery(
            window: "2026-11", username: "employee01", key: "employee01/inv.pdf", at: ProvisioningHarness.start)
        #expect(delivered == .counted(completesWindow: false))

        try await harness.put([EmployeeRow(username: "zoe", sshPublicKey: EmployeeRow.ed25519Key(42))])
        harness.now.advance(by: .seconds(86_400))
        let rerun = try await harness.provisioning().run(window: "2026-11")

        #expect(rerun.result == .provisioned)
        #expect(rerun.usersCreated == ["zoe"])
        #expect(rerun.usersAlreadyProvisioned == 4)
        #expect(rerun.expected == .init(before: 4, after: 5, remaining: 4))
        let window = try #require(try await harness.ledger.window("2026-11"))
        #expect((window.expected, window.remaining, window.delivered) == (5, 4, 1))
        #expect(try await harness.registry.users("2026-11").count == 5)
    }

    @Test func aCrashAfterCreateServerIsAdoptedByItsTagOnceTheLeaseHasPassed() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 3))
        var crashing = harness.provisioning()
        crashing.checkpoint = { point in if point == .afterCreateServer { throw SimulatedCrash(at: point) } }
        await #expect(throws: SimulatedCrash.self) { _ = try await crashing.run(window: "2026-11") }
        let created = try await harness.serverIDs()
        #expect(created.count == 1)
        let intent = try #require(try await harness.registry.server("2026-11"))
        #expect(intent.state == .creating && intent.serverID == nil)

        // Within the lease the crashed run still holds the intent: a re-run creates nothing.
        harness.now.advance(by: .seconds(60))
        let early = try await harness.provisioning().run(window: "2026-11")
        #expect(early.result == .deferred)
        #expect(early.notes.contains { $0.contains("has held the intent to create window 2026-11's server") })
        #expect(try await harness.serverIDs() == created)

        // After the lease: take the intent over, find the tagged server, adopt it.
        harness.now.advance(by: .seconds(300))
        let rerun = try await harness.provisioning().run(window: "2026-11")
        #expect(rerun.result == .provisioned, "\(rerun.failures)")
        #expect(rerun.server.serverID == created.first)
        #expect(rerun.server.origin == .adoptedTagged)
        #expect(rerun.server.createdAt == ProvisioningHarness.start, "the first intent's time bounds the age")
        #expect(rerun.transitions.map(\.state).prefix(2) == ["intentTakenOver", "adopted"])
        #expect(rerun.requests["Transfer.CreateServer"] == nil)
        #expect(rerun.usersCreated.count == 3)
        #expect(try await harness.serverIDs() == created, "no second server")
        #expect(try await harness.registry.server("2026-11")?.origin == .adoptedTagged)
    }

    @Test func aCrashAfterRecordingTheServerIsAdoptedAtOnce() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 3))
        var crashing = harness.provisioning()
        crashing.checkpoint = { point in if point == .afterServerRecorded { throw SimulatedCrash(at: point) } }
        await #expect(throws: SimulatedCrash.self) { _ = try await crashing.run(window: "2026-11") }

        let rerun = try await harness.provisioning().run(window: "2026-11")
        #expect(rerun.result == .provisioned)
        #expect(rerun.server.origin == .recorded)
        #expect(rerun.usersCreated.count == 3)
        #expect(rerun.windowOpened)
        #expect(try await harness.serverIDs() == [try #require(rerun.server.serverID)])
    }

    @Test func aCrashAfterCreateUserAdoptsTheUserAlreadyThere() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 3))
        harness.answerDuplicateUsersLikeAWS()
        var crashing = harness.provisioning(concurrency: 1)
        crashing.checkpoint = { point in if point == .afterCreateUser { throw SimulatedCrash(at: point) } }
        await #expect(throws: SimulatedCrash.self) { _ = try await crashing.run(window: "2026-11") }
        #expect(try await harness.registry.users("2026-11").isEmpty, "created, not recorded")

        let rerun = try await harness.provisioning().run(window: "2026-11")
        #expect(rerun.result == .provisioned, "\(rerun.failures)")
        #expect(rerun.usersAdopted == ["employee01"])
        #expect(rerun.usersCreated == ["employee02", "employee03"])
        let adopted = try await harness.registry.users("2026-11").first { $0.username == "employee01" }
        #expect(adopted?.origin == .adopted)
        #expect(try await harness.ledger.window("2026-11")?.expected == 3)
    }

    @Test func twoConcurrentRunsCreateOneServer() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 8))
        harness.answerDuplicateUsersLikeAWS()
        async let first = harness.provisioning().run(window: "2026-11")
        async let second = harness.provisioning().run(window: "2026-11")
        let records = try await [first, second]

        #expect(try await harness.serverIDs().count == 1)
        #expect(records.filter { $0.server.origin == .created }.count == 1)
        // The loser either found the intent fresh (deferred) or the server already recorded (and helped).
        #expect(records.contains { $0.result == .deferred || $0.server.origin == .recorded })
        #expect(records.allSatisfy { !$0.isFailure }, "\(records.map(\.failures))")
        #expect(records.map { $0.requests["Transfer.CreateServer"] ?? 0 }.reduce(0, +) == 1)
        let users = Set(records.flatMap { $0.usersCreated + $0.usersAdopted })
        #expect(users.count == 8)
        #expect(try await harness.registry.users("2026-11").count == 8)
        #expect(try await harness.ledger.window("2026-11")?.expected == 8)
    }

    @Test func startFailedIsAFailureAndARerunWaitsForTheRecordedServerAgain() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 2))
        harness.transport.intercept(Self.describeServer(state: "START_FAILED"))
        let failed = try await harness.provisioning().run(window: "2026-11")

        #expect(failed.result == .failed)
        #expect(failed.failures.map(\.code) == ["StartFailed"])
        #expect(failed.server.state == "START_FAILED")
        #expect(failed.transitions.map(\.state) == ["intentRecorded", "STARTING", "START_FAILED"])
        #expect(failed.usersCreated.isEmpty)
        #expect(try await harness.ledger.window("2026-11") == nil, "no window opens without a server")
        let item = try #require(try await harness.registry.server("2026-11"))
        #expect(item.state == .failed)
        #expect(item.failure?.contains("START_FAILED") == true)

        harness.transport.intercept(nil)
        let rerun = try await harness.provisioning().run(window: "2026-11")
        #expect(rerun.result == .provisioned)
        #expect(rerun.server.serverID == failed.server.serverID)
        #expect(try await harness.registry.server("2026-11")?.state == .online)
        #expect(try await harness.serverIDs().count == 1)
    }

    @Test func aServerThatStaysStartingTimesOutWithoutWaitingForReal() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 2))
        harness.transport.intercept(Self.describeServer(state: "STARTING"))
        let record = try await harness.provisioning(onlineTimeout: .seconds(60)).run(window: "2026-11")

        #expect(record.result == .failed)
        #expect(record.failures.map(\.code) == ["OnlineTimeout"])
        #expect(record.server.state == "STARTING")
        #expect(harness.waitTime.slept == Array(repeating: .seconds(15), count: 4))
        #expect(record.requests["Transfer.DescribeServer"] == 5)
        #expect(try await harness.registry.server("2026-11")?.state == .failed)
    }

    @Test func throttlingBeyondTheClientsAttemptsIsRetriedNotFailed() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 4))
        let throttled = Locked(0)
        harness.transport.intercept { request in
            guard request.target == "TransferService.CreateUser" else { return nil }
            let isThrottled = throttled.withLock { count -> Bool in
                count += 1
                return count <= 3
            }
            return isThrottled ? .awsError(400, code: "ThrottlingException", message: "Rate exceeded") : nil
        }
        let record = try await harness.provisioning(concurrency: 1).run(window: "2026-11")

        #expect(record.result == .provisioned, "\(record.failures)")
        #expect(record.usersCreated.count == 4)
        #expect(harness.transport.interceptedCount == 3)
        // The client's three attempts were all throttled (two backoffs); the workflow backed off once more and
        // sent it again.
        #expect(harness.retrySleeper.delays.count == 3)
        #expect(record.requests["Transfer.CreateUser"] == 5)
    }

    /// Answers `DescribeServer` with a server in `state`.
    static func describeServer(state: String) -> @Sendable (HTTPRequest) -> InterceptingTransport.Decision? {
        { request in
            guard request.target == "TransferService.DescribeServer",
                let serverID = request.jsonBody["ServerId"] as? String
            else { return nil }
            return .json(
                200,
                #"{"Server":{"Arn":"arn:aws:transfer:us-east-1:123456789012:server/\#(serverID)","ServerId":"\#(serverID)","State":"\#(state)","Tags":[{"Key":"transferwatch:managed","Value":"true"}]}}"#
            )
        }
    }
}
