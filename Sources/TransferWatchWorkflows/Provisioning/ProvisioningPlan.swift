import Foundation

/// Which users a provisioning run must create: the valid active employees (desired state) minus the users the
/// state table already records (actual state). Computed before any call, from values only.
///
/// ```swift
/// let plan = ProvisioningPlan(roster: roster, recorded: try await registry.users("2026-11"))
/// plan.toCreate.count   // what this run creates
/// plan.total            // the users the window should have when it is done
/// ```
package struct ProvisioningPlan: Sendable, Equatable {
    /// Valid active employees without a recorded user, in username order.
    package var toCreate: [Employee]
    /// Valid active employees whose user is already recorded (no call is made for them).
    package var alreadyProvisioned: [String]
    /// Recorded users whose employee is no longer a valid active employee: kept until teardown, still expected.
    package var noLongerListed: [String]
    /// Employee records that cannot be provisioned, with the directory's reasons.
    package var skipped: [SkippedEmployee]
    /// Inactive employees (no user, not expected).
    package var inactive: [String]

    /// The plan for `roster` given the users already `recorded` for the window.
    package init(roster: EmployeeRoster, recorded: [ServerRegistry.UserRecord]) {
        let recordedNames = Set(recorded.map(\.username))
        let valid = roster.valid.sorted { $0.username < $1.username }
        toCreate = valid.filter { !recordedNames.contains($0.username) }
        alreadyProvisioned = valid.map(\.username).filter { recordedNames.contains($0) }
        let validNames = Set(valid.map(\.username))
        noLongerListed = recordedNames.subtracting(validNames).sorted()
        skipped = roster.skipped
        inactive = roster.inactive.sorted()
    }

    /// The users the window should have once this plan is carried out: every recorded user plus those to create.
    package var total: Int { toCreate.count + alreadyProvisioned.count + noLongerListed.count }

    /// Whether there is nothing to create.
    package var isEmpty: Bool { toCreate.isEmpty }
}
