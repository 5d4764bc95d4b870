import Foundation
import Testing
import TransferWatchWorkflows

/// ``ProvisioningPlan``: the valid active employees minus the users already recorded.
@Suite struct ProvisioningPlanTests {
    static func employee(_ name: String) -> Employee {
        Employee(username: name, sshPublicKey: EmployeeRow.ed25519Key(name.count))
    }

    static func recorded(_ name: String) -> ServerRegistry.UserRecord {
        .init(
            username: name, serverID: "s-0123456789abcdef0", origin: .created, recordedAt: date("2026-11-28T00:00:00Z"))
    }

    @Test func createsOnlyWhatIsNotRecorded() {
        let roster = EmployeeRoster(
            valid: [Self.employee("carol"), Self.employee("alice"), Self.employee("bob")],
            skipped: [SkippedEmployee(username: "dave", reason: "it has no 'sshPublicKey' attribute")],
            inactive: ["frank", "erin"])
        let plan = ProvisioningPlan(roster: roster, recorded: [Self.recorded("bob")])
        #expect(plan.toCreate.map(\.username) == ["alice", "carol"])
        #expect(plan.alreadyProvisioned == ["bob"])
        #expect(plan.noLongerListed.isEmpty)
        #expect(plan.skipped.map(\.username) == ["dave"])
        #expect(plan.inactive == ["erin", "frank"])
        #expect(plan.total == 3)
    }

    @Test func keepsCountingARecordedUserWhoseEmployeeLeftTheRoster() {
        let roster = EmployeeRoster(valid: [Self.employee("alice")], inactive: ["bob"])
        let plan = ProvisioningPlan(roster: roster, recorded: [Self.recorded("alice"), Self.recorded("bob")])
        #expect(plan.isEmpty)
        // bob's user stays until teardown and stays in `expected`: the window then completes by the schedule or
        // the lifespan, not the counter (the ledger counts active employees only).
        #expect(plan.noLongerListed == ["bob"])
        #expect(plan.total == 2)
    }
}
