import Foundation
import Testing
import TransferWatchAWS
import TransferWatchTestSupport
import TransferWatchWorkflows

/// ``TeardownWorkflow`` against moto 5.2.1 (one moto for the suite, reset for each test): each reason, twice,
/// dry runs, orphans, a crash between deleting the server and recording it, and provisioning after teardown.
@Suite(.requiresMoto, .workflowMoto("test.teardown"), .serialized) struct TeardownWorkflowTests {

    /// A provisioned window of three employees; the clock then moves to the teardown.
    func provisioned() async throws -> (ProvisioningHarness, ProvisioningStepRecord) {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 3))
        let record = try await harness.provisioning().run(window: "2026-11")
        try #require(record.result == .provisioned, "\(record.failures)")
        harness.now.advance(by: .seconds(3 * 86_400))
        return (harness, record)
    }

    @Test(arguments: TeardownReason.allCases)
    func tearsDownForEachReason(_ reason: TeardownReason) async throws {
        let (harness, provisioned) = try await provisioned()
        let serverID = try #require(provisioned.server.serverID)

        let record = try await harness.teardown().run(window: "2026-11", reason: reason)

        #expect(record.result == .tornDown, "\(record.failures)")
        #expect(record.usersDeleted == ["employee01", "employee02", "employee03"])
        #expect(record.serverID == serverID)
        #expect(record.serverDeleted == true)
        #expect(record.serverAgeSeconds == 3 * 86_400)
        #expect(record.windowClosed)
        #expect(record.transitions.map(\.state) == ["deleted", "windowClosed"])
        #expect(try await harness.serverIDs().isEmpty)
        let window = try #require(try await harness.ledger.window("2026-11"))
        #expect(!window.isOpen)
        #expect(window.closedReason == reason.rawValue)
        let item = try #require(try await harness.registry.server("2026-11"))
        #expect(item.state == .deleted)
        #expect(item.deleteReason == reason.rawValue)
        #expect(try await harness.registry.users("2026-11").allSatisfy { $0.deletedAt != nil })
        #expect(record.requests["Transfer.DeleteUser"] == 3)
        #expect(record.requests["Transfer.DeleteServer"] == 1)
    }

    @Test func aSecondTeardownIsANoOpSuccess() async throws {
        let (harness, _) = try await provisioned()
        let first = try await harness.teardown().run(window: "2026-11", reason: .counter)
        harness.now.advance(by: .seconds(86_400))
        let second = try await harness.teardown().run(window: "2026-11", reason: .scheduled)

        #expect(first.result == .tornDown)
        #expect(second.result == .alreadyTornDown, "\(second.summary)")
        #expect(second.failures.isEmpty)
        #expect(second.usersDeleted.isEmpty && second.serverDeleted == nil && !second.windowClosed)
        #expect(second.requests["Transfer.DeleteUser"] == nil)
        #expect(second.requests["Transfer.DeleteServer"] == nil)
        #expect(second.plan?.isEmpty == true)
        // The first reason stays.
        #expect(try await harness.ledger.window("2026-11")?.closedReason == "counter")
        #expect(try await harness.registry.server("2026-11")?.deleteReason == "counter")
    }

    @Test func aDryRunPlansAndDeletesNothing() async throws {
        let (harness, provisioned) = try await provisioned()
        let serverID = try #require(provisioned.server.serverID)
        let record = try await harness.teardown().run(window: "2026-11", reason: .manual, dryRun: true)

        #expect(record.result == .planned)
        #expect(record.plan?.users == ["employee01", "employee02", "employee03"])
        #expect(record.plan?.serverID == serverID)
        #expect(record.plan?.closesWindow == true)
        #expect(
            record.requests.keys.allSatisfy {
                !$0.contains("Delete") && !$0.contains("Update") && !$0.contains("Batch")
            })
        #expect(try await harness.serverIDs() == [serverID])
        #expect(try await harness.ledger.window("2026-11")?.isOpen == true)
        #expect(try await harness.registry.server("2026-11")?.state == .online)
        let user = try await harness.transfer.describeUser(serverID: serverID, userName: "employee02")
        #expect(user.userName == "employee02")
    }

    @Test func findsOrphanedServersAndDeletesThemOnlyWhenAsked() async throws {
        let (harness, provisioned) = try await provisioned()
        let recorded = try #require(provisioned.server.serverID)
        let duplicate = try await harness.transfer.createServer(tags: ManagedServers.tags(window: "2026-11"))
        let forgotten = try await harness.transfer.createServer(tags: ManagedServers.tags(window: "2026-09"))
        let untagged = try await harness.transfer.createServer(tags: ["transferwatch:managed": "true"])
        let foreign = try await harness.transfer.createServer(tags: ["team": "payroll"])

        let reported = try await harness.teardown().run(window: "2026-11", reason: .manual)
        #expect(reported.result == .tornDown)
        #expect(Set(reported.plan?.orphans.map(\.serverID) ?? []) == [duplicate, forgotten, untagged])
        #expect(reported.orphansDeleted.isEmpty)
        #expect(reported.notes.contains { $0.contains("3 orphaned server(s) found and kept") })
        #expect(Set(try await harness.serverIDs()) == [duplicate, forgotten, untagged, foreign], "\(recorded) deleted")

        let cleaned = try await harness.teardown().run(window: "2026-11", reason: .manual, includeOrphans: true)
        #expect(cleaned.result == .tornDown)
        #expect(Set(cleaned.orphansDeleted) == [duplicate, forgotten, untagged])
        #expect(try await harness.serverIDs() == [foreign], "a server we do not manage is never touched")
    }

    @Test func aCrashAfterDeleteServerIsFinishedWithoutCallingDeleteServerAgain() async throws {
        let (harness, provisioned) = try await provisioned()
        var crashing = harness.teardown()
        crashing.checkpoint = { point in if point == .afterServer { throw SimulatedCrash(at: point) } }
        await #expect(throws: SimulatedCrash.self) { _ = try await crashing.run(window: "2026-11", reason: .lifespan) }
        #expect(try await harness.serverIDs().isEmpty)
        #expect(try await harness.registry.server("2026-11")?.state == .online, "deleted, not recorded")

        // moto answers DeleteServer on a missing server with HTTP 500: the re-run must see it is gone.
        let rerun = try await harness.teardown().run(window: "2026-11", reason: .lifespan)
        #expect(rerun.result == .tornDown, "\(rerun.failures)")
        #expect(rerun.serverID == provisioned.server.serverID)
        #expect(rerun.serverDeleted == false)
        #expect(rerun.requests["Transfer.DeleteServer"] == nil)
        #expect(rerun.windowClosed)
        #expect(try await harness.registry.server("2026-11")?.state == .deleted)
    }

    @Test func anIntentWithoutAServerIsClosedAndProvisioningDoesNotReopenTheWindow() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 2))
        var crashing = harness.provisioning()
        crashing.checkpoint = { point in if point == .afterIntent { throw SimulatedCrash(at: point) } }
        await #expect(throws: SimulatedCrash.self) { _ = try await crashing.run(window: "2026-11") }

        let teardown = try await harness.teardown().run(window: "2026-11", reason: .manual)
        #expect(teardown.result == .tornDown)
        #expect(teardown.notes.contains { $0.contains("had an intent but no server") })
        #expect(teardown.notes.contains { $0.contains("never opened") })

        harness.now.advance(by: .seconds(3_600))
        let provision = try await harness.provisioning().run(window: "2026-11")
        #expect(provision.result == .windowClosed)
        #expect(!provision.isFailure)
        #expect(try await harness.serverIDs().isEmpty)
    }

    @Test func nothingToTearDownForAWindowNeverProvisioned() async throws {
        let harness = try await ProvisioningHarness.make()
        let record = try await harness.teardown().run(window: "2026-10", reason: .scheduled)
        #expect(record.result == .nothingToTearDown)
        #expect(record.failures.isEmpty)
    }
}
