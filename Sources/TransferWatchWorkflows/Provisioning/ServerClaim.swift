import Foundation

/// What a provisioning run does next about its window's server, decided from the server item alone (and, when
/// it asks for them, the servers tagged for the window): a pure function, so every interleaving of runs and
/// crashes is a table of values.
///
/// The run first tries to record its intent with a conditional put; whatever the outcome, it then loops on
/// ``decide(record:runID:taggedServers:now:lease:)`` and carries out the action until it holds a server or
/// stops:
///
/// | server item | action |
/// | --- | --- |
/// | state `deleted` | ``windowClosed(reason:at:)``: a torn-down window is not provisioned again |
/// | a server ID | ``adoptRecorded(serverID:)`` |
/// | our intent, no ID, tagged servers not looked up | ``lookForTaggedServer`` |
/// | our intent, a server tagged for the window | ``adoptTagged(serverID:)`` (a crash between `CreateServer` and recording its ID) |
/// | our intent, none tagged | ``create`` |
/// | another run's intent younger than the lease | ``heldByAnotherRun(owner:since:leaseEndsAt:)``: do not create |
/// | another run's intent older than the lease | ``takeOver(staleOwner:)`` (conditional), then decide again |
package enum ServerClaim: Sendable, Equatable {
    /// List and describe the managed servers, then decide again with the ones tagged for the window.
    case lookForTaggedServer
    /// Create the server (this run holds the intent and no server exists for the window).
    case create
    /// Record this server, found by its window tag, as the window's server.
    case adoptTagged(serverID: String)
    /// The window's server is recorded: use it.
    case adoptRecorded(serverID: String)
    /// The intent's run went away without recording a server: take the intent over, then decide again.
    case takeOver(staleOwner: String)
    /// Another run holds a fresh intent: it is creating the server; this run creates nothing.
    case heldByAnotherRun(owner: String, since: Date, leaseEndsAt: Date)
    /// Teardown has run for this window.
    case windowClosed(reason: String?, at: Date?)

    /// The next action for run `runID`.
    ///
    /// - Parameters:
    ///   - record: the window's server item, as last read or written.
    ///   - taggedServers: IDs of live servers tagged for this window, or `nil` when not looked up yet.
    ///   - now: the business clock.
    ///   - lease: how long an intent without a server ID protects its run.
    package static func decide(
        record: ServerRegistry.ServerRecord, runID: String, taggedServers: [String]?, now: Date, lease: Duration
    ) -> ServerClaim {
        if record.state == .deleted { return .windowClosed(reason: record.deleteReason, at: record.deletedAt) }
        if let serverID = record.serverID { return .adoptRecorded(serverID: serverID) }
        if record.owner == runID {
            guard let taggedServers else { return .lookForTaggedServer }
            if let first = taggedServers.sorted().first { return .adoptTagged(serverID: first) }
            return .create
        }
        let leaseEndsAt = record.intentAt.addingTimeInterval(Double(lease.components.seconds))
        if now < leaseEndsAt {
            return .heldByAnotherRun(owner: record.owner, since: record.intentAt, leaseEndsAt: leaseEndsAt)
        }
        return .takeOver(staleOwner: record.owner)
    }
}
