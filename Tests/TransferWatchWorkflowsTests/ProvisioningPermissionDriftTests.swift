import Foundation
import Testing
import TransferWatchAWS
import TransferWatchLocking
import TransferWatchTestSupport

@testable import TransferWatchWorkflows

/// Provisioning and teardown, run against the emulator down every path that makes a call, send exactly the
/// operations their ``PermissionSet``s declare, and the printed policy grants every IAM action of them (the
/// same check as ``PermissionDriftTests`` for the copy workflow).
@Suite(.requiresMoto, .workflowMoto("test.permissions.provisioning"), .serialized)
struct ProvisioningPermissionDriftTests {
    @Test func provisioningSendsExactlyWhatItDeclaresOnEveryPath() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 2))
        let server = try #require(WorkflowMoto.server)
        let context = TestContexts.make(endpoint: server.endpoint)

        // 1. A first provision: the intent, the lookup, CreateServer, the wait, the window, the users.
        let first = try await harness.provisioning(context: context).run(window: "2026-11")
        #expect(first.result == .provisioned, "\(first.failures)")

        // 2. A run that loses its intent while creating: another run records a server first, so this run deletes
        //    its own (DeleteServer) and uses the recorded one.
        let other = Locked<String?>(nil)
        var losing = harness.provisioning(context: context)
        losing.checkpoint = { point in
            guard point == .afterCreateServer, let intent = try await harness.registry.server("2026-12") else { return }
            // Meanwhile another agent took the stale intent over, created its server and recorded it.
            let created = try await harness.transfer.createServer(tags: ManagedServers.tags(window: "2026-12"))
            other.withLock { $0 = created }
            _ = try await harness.registry.takeOver(
                window: "2026-12", from: intent, owner: "other-run", at: intent.intentAt)
            _ = try await harness.registry.recordServer(
                window: "2026-12", serverID: created, owner: "other-run", origin: .created, createdAt: intent.intentAt)
        }
        let lost = try await losing.run(window: "2026-12")
        let otherID = try #require(other.withLock { $0 })
        #expect(lost.result == .provisioned, "\(lost.failures)")
        #expect(lost.server.serverID == otherID)
        #expect(lost.server.origin == .recorded)
        #expect(lost.notes.contains { $0.contains("got server \(otherID) from another run") }, "\(lost.notes)")
        #expect(Set(try await harness.serverIDs()) == [try #require(first.server.serverID), otherID])

        let sent = Set(context.requestCounter.snapshot.keys)
        #expect(sent == ProvisioningWorkflow.permissions.operationNames)
        PermissionDriftTests.expectPolicyCovers(sent)
    }

    @Test func teardownSendsExactlyWhatItDeclares() async throws {
        let harness = try await ProvisioningHarness.make(employees: EmployeeRow.roster(valid: 2))
        let provisioned = try await harness.provisioning().run(window: "2026-11")
        #expect(provisioned.result == .provisioned)
        _ = try await harness.transfer.createServer(tags: ManagedServers.tags(window: "2026-09"))
        let server = try #require(WorkflowMoto.server)
        let context = TestContexts.make(endpoint: server.endpoint)

        let record = try await harness.teardown(context: context).run(
            window: "2026-11", reason: .manual, includeOrphans: true)
        #expect(record.result == .tornDown, "\(record.failures)")
        #expect(record.orphansDeleted.count == 1)

        let sent = Set(context.requestCounter.snapshot.keys)
        #expect(sent == TeardownWorkflow.permissions.operationNames)
        PermissionDriftTests.expectPolicyCovers(sent)
    }
}
