import Foundation

/// What a teardown of one window deletes, computed from values before any deletion: the recorded users and
/// server, whether the window closes, and the managed servers that belong to no window (orphans).
///
/// `transferwatch teardown --dry-run` prints this plan and stops.
package struct TeardownPlan: Sendable, Equatable, Codable {
    /// A managed server that is not its window's recorded, live server.
    package struct Orphan: Sendable, Equatable, Codable {
        /// The server's ID (`s-` and 17 hex digits).
        package var serverID: String
        /// Transfer's state.
        package var state: String
        /// Its `transferwatch:window` tag.
        package var window: String?
        /// Why it is an orphan, e.g. `window 2026-11 records server s-…`.
        package var reason: String

        /// Makes a value.
        package init(serverID: String, state: String, window: String?, reason: String) {
            self.serverID = serverID
            self.state = state
            self.window = window
            self.reason = reason
        }
    }

    /// The window (`2026-11`).
    package var window: String
    /// The recorded users still to delete (not marked deleted), in name order.
    package var users: [String]
    /// The recorded server to delete; `nil` when none is recorded or it was deleted already.
    package var serverID: String?
    /// Whether the window's server item is marked deleted by this teardown (also for an intent without a
    /// server, so no later run creates one for the window).
    package var marksServerDeleted: Bool
    /// Whether the window item is open and will be closed.
    package var closesWindow: Bool
    /// Managed servers that are no window's recorded, live server.
    package var orphans: [Orphan]
    /// Managed servers that are another window's recorded, live server: left alone, reported.
    package var otherWindows: [ManagedServers.Server]

    /// The plan for `window`.
    ///
    /// - Parameters:
    ///   - server: the window's server item.
    ///   - users: the window's user items.
    ///   - isWindowOpen: whether the window item exists and is open.
    ///   - managed: every managed server found (`nil` when not looked up: no orphans are computed).
    ///   - recordedServers: the server items of the other windows the managed servers are tagged for.
    package init(
        window: String, server: ServerRegistry.ServerRecord?, users: [ServerRegistry.UserRecord], isWindowOpen: Bool,
        managed: [ManagedServers.Server]?, recordedServers: [String: ServerRegistry.ServerRecord] = [:]
    ) {
        self.window = window
        let serverIsLive = server.map { $0.state != .deleted } ?? false
        self.serverID = serverIsLive ? server?.serverID : nil
        self.marksServerDeleted = serverIsLive
        self.users = serverIsLive ? users.filter { $0.deletedAt == nil }.map(\.username).sorted() : []
        self.closesWindow = isWindowOpen
        var orphans: [Orphan] = []
        var others: [ManagedServers.Server] = []
        for candidate in (managed ?? []).sorted(by: { $0.serverID < $1.serverID }) {
            guard let tag = candidate.window else {
                orphans.append(Orphan(candidate, reason: "no \(TransferWatchTags.windowKey) tag"))
                continue
            }
            let record = tag == window ? server : recordedServers[tag]
            switch record {
            case nil:
                orphans.append(Orphan(candidate, reason: "window \(tag) has no server record"))
            case let record? where record.serverID == candidate.serverID && record.state != .deleted:
                if tag != window { others.append(candidate) }
            case let record? where record.serverID == candidate.serverID:
                orphans.append(Orphan(candidate, reason: "window \(tag) recorded it as deleted"))
            case let record?:
                orphans.append(
                    Orphan(
                        candidate,
                        reason: record.serverID.map { "window \(tag) records server \($0)" }
                            ?? "window \(tag) records no server"))
            }
        }
        self.orphans = orphans
        self.otherWindows = others
    }

    /// Whether there is nothing to delete or close (orphans aside).
    package var isEmpty: Bool { users.isEmpty && serverID == nil && !marksServerDeleted && !closesWindow }
}

extension TeardownPlan.Orphan {
    init(_ server: ManagedServers.Server, reason: String) {
        self.init(serverID: server.serverID, state: server.state, window: server.window, reason: reason)
    }
}
