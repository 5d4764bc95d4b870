import Foundation
import Testing
import TransferWatchWorkflows

/// ``TeardownPlan``: what is deleted, and which managed servers are orphans.
@Suite struct TeardownPlanTests {
    static let recorded = "s-00000000000000001"
    static let opened = date("2026-11-28T00:00:00Z")

    static func server(
        _ id: String?, state: ServerRegistry.ServerRecord.State = .online, window: String = "2026-11"
    )
        -> ServerRegistry.ServerRecord
    {
        ServerRegistry.ServerRecord(windowID: window, state: state, owner: "run", intentAt: opened, serverID: id)
    }

    static func user(_ name: String, deleted: Bool = false) -> ServerRegistry.UserRecord {
        .init(
            username: name, serverID: recorded, origin: .created, recordedAt: opened, deletedAt: deleted ? opened : nil)
    }

    @Test func deletesRecordedUsersThenTheServerAndClosesTheWindow() {
        let plan = TeardownPlan(
            window: "2026-11", server: Self.server(Self.recorded),
            users: [Self.user("bob"), Self.user("alice"), Self.user("carol", deleted: true)],
            isWindowOpen: true, managed: [.init(serverID: Self.recorded, state: "ONLINE", window: "2026-11")])
        #expect(plan.users == ["alice", "bob"], "carol is already deleted")
        #expect(plan.serverID == Self.recorded)
        #expect(plan.marksServerDeleted)
        #expect(plan.closesWindow)
        #expect(plan.orphans.isEmpty)
        #expect(!plan.isEmpty)
    }

    @Test func aDeletedServerLeavesNothingToDo() {
        let plan = TeardownPlan(
            window: "2026-11", server: Self.server(Self.recorded, state: .deleted), users: [Self.user("alice")],
            isWindowOpen: false, managed: [])
        #expect(plan.users.isEmpty)
        #expect(plan.serverID == nil)
        #expect(plan.isEmpty)
    }

    @Test func anIntentWithoutAServerIsMarkedDeleted() {
        let plan = TeardownPlan(
            window: "2026-11", server: Self.server(nil, state: .creating), users: [], isWindowOpen: false, managed: [])
        #expect(plan.serverID == nil)
        #expect(plan.marksServerDeleted)
        #expect(!plan.isEmpty)
    }

    @Test func classifiesEveryManagedServer() {
        let managed: [ManagedServers.Server] = [
            .init(serverID: Self.recorded, state: "ONLINE", window: "2026-11"),
            .init(serverID: "s-00000000000000002", state: "ONLINE", window: "2026-11"),
            .init(serverID: "s-00000000000000003", state: "ONLINE", window: nil),
            .init(serverID: "s-00000000000000004", state: "ONLINE", window: "2026-09"),
            .init(serverID: "s-00000000000000005", state: "ONLINE", window: "2026-10"),
            .init(serverID: "s-00000000000000006", state: "OFFLINE", window: "2026-08"),
        ]
        let plan = TeardownPlan(
            window: "2026-11", server: Self.server(Self.recorded), users: [], isWindowOpen: true, managed: managed,
            recordedServers: [
                "2026-10": Self.server("s-00000000000000005", window: "2026-10"),
                "2026-08": Self.server("s-00000000000000006", state: .deleted, window: "2026-08"),
            ])
        #expect(
            plan.orphans.map(\.serverID) == [
                "s-00000000000000002", "s-00000000000000003", "s-00000000000000004", "s-00000000000000006",
            ])
        #expect(
            plan.orphans.map(\.reason) == [
                "window 2026-11 records server \(Self.recorded)", "no transferwatch:window tag",
                "window 2026-09 has no server record", "window 2026-08 recorded it as deleted",
            ])
        #expect(
            plan.otherWindows.map(\.serverID) == ["s-00000000000000005"],
            "October's live recorded server is not an orphan")
    }
}
