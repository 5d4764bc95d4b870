import Foundation

/// The state-derived metrics at one instant, filled by the agent from its pipeline snapshot.
package struct PipelineGauges: Sendable, Equatable {
    /// Employees who delivered in the current window (`UploadsDelivered`).
    package var delivered: Int
    /// Active employees expected to deliver (`EmployeesExpected`).
    package var expected: Int
    /// Whether the window's SFTP server is ONLINE (`ServerOnline`, 1 or 0).
    package var serverOnline: Bool
    /// The server's age in hours (`ServerAgeHours`); `nil` when there is no server (nothing is published).
    package var serverAgeHours: Double?
    /// Alerts firing now (`AlertsFiring`).
    package var alertsFiring: Int

    /// Makes a value.
    package init(delivered: Int, expected: Int, serverOnline: Bool, serverAgeHours: Double?, alertsFiring: Int) {
        self.delivered = delivered
        self.expected = expected
        self.serverOnline = serverOnline
        self.serverAgeHours = serverAgeHours
        self.alertsFiring = alertsFiring
    }
}
