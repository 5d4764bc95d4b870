import Foundation

/// Where `status` gets the alerts it shows (firing, pending, silenced): the alerting engineer's alert store
/// implements it; by default there are none.
package protocol AlertStatusSource: Sendable {
    /// The alerts to show at `now`, in the order to print them.
    func alerts(at now: Date) async throws -> [PipelineStatus.Alert]
}

/// No alerts: the default until an alert store is wired in.
package struct NoAlerts: AlertStatusSource {
    /// Makes the source.
    package init() {}

    /// Always empty.
    package func alerts(at now: Date) async throws -> [PipelineStatus.Alert] { [] }
}
