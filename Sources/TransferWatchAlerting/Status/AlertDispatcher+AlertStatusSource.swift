import Foundation
import TransferWatchWorkflows

/// `status` and the status page list the dispatcher's alerts: firing, pending, silenced and inhibited, read
/// from the state table, so a `status` run without an agent shows what the agent knows.
extension AlertDispatcher: AlertStatusSource {
    /// The alerts as stored in the state table (``loadStatusAlerts()``).
    package func alerts(at now: Date) async throws -> [PipelineStatus.Alert] {
        await loadStatusAlerts()
    }
}
