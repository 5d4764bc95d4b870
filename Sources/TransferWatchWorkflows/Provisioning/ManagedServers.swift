import Foundation
import TransferWatchAWS
import TransferWatchLocking

/// The Transfer servers TransferWatch manages, found by their tags.
///
/// Every server provisioning creates carries `transferwatch:managed=true` and `transferwatch:window=YYYY-MM`.
/// Finding them takes `ListServers` and one `DescribeServer` per listed server, because `ListServers` reports
/// no tags (and moto 5.2.1 does not implement `ListTagsForResource`). A server that `DescribeServer` refuses
/// with an access error is not ours (the agent's policy scopes Transfer actions to the managed tag), and one
/// that vanished between the two calls is skipped.
package struct ManagedServers: Sendable {
    /// The tags of a window's server: ``TransferWatchTags/managed`` and `transferwatch:window=<windowID>`.
    package static func tags(window windowID: String) -> [String: String] {
        TransferWatchTags.managed.merging([TransferWatchTags.windowKey: windowID]) { _, window in window }
    }

    /// One managed server as found.
    package struct Server: Sendable, Equatable, Codable {
        /// The server's ID (`s-` and 17 hex digits).
        package var serverID: String
        /// Transfer's `State` (`ONLINE`, `STARTING`, …).
        package var state: String
        /// The `transferwatch:window` tag, if the server has one.
        package var window: String?

        /// Makes a value.
        package init(serverID: String, state: String, window: String?) {
            self.serverID = serverID
            self.state = state
            self.window = window
        }
    }

    /// The Transfer Family client.
    package let transfer: TransferClient

    /// Finds servers through `transfer`.
    package init(transfer: TransferClient) {
        self.transfer = transfer
    }

    /// What one look at the account found.
    package struct Listing: Sendable, Equatable {
        /// Every server `ListServers` returned, managed or not.
        package var listedIDs: Set<String>
        /// The servers tagged `transferwatch:managed=true`, in server-ID order.
        package var managed: [Server]

        /// Whether `ListServers` returned `serverID` (a server it does not list is gone).
        package func lists(_ serverID: String) -> Bool { listedIDs.contains(serverID) }
    }

    /// Lists the account's servers and describes each to read its tags.
    ///
    /// - Parameter tally: counts the requests made.
    package func find(tally: OperationTally? = nil) async throws(AWSError) -> Listing {
        tally?.add(TransferClient.Operations.listServers)
        let listed = try await transfer.listServers()
        var found: [Server] = []
        for summary in listed.sorted(by: { $0.serverID < $1.serverID }) {
            tally?.add(TransferClient.Operations.describeServer)
            let server: TransferClient.Server
            do {
                server = try await transfer.describeServer(serverID: summary.serverID)
            } catch  where TransferClient.isMissingResource(error) || error.isAccessDenied {
                continue
            }
            guard server.tags[TransferWatchTags.managedKey] == TransferWatchTags.managedValue else { continue }
            found.append(
                Server(
                    serverID: server.serverID, state: server.state.rawValue,
                    window: server.tags[TransferWatchTags.windowKey]))
        }
        return Listing(listedIDs: Set(listed.map(\.serverID)), managed: found)
    }
}

/// Counts AWS requests by operation for a step record (calls run concurrently, hence the lock).
package final class OperationTally: Sendable {
    private let counts = Locked<[String: Int]>([:])

    /// An empty tally.
    package init() {}

    /// Counts one call of `operation`.
    package func add(_ operation: AWSOperation, times: Int = 1) {
        guard times > 0 else { return }
        counts.withLock { $0[operation.description, default: 0] += times }
    }

    /// Calls so far, by `Service.Operation`.
    package var snapshot: [String: Int] { counts.withLock { $0 } }

    /// All calls so far.
    package var total: Int { counts.withLock { $0.values.reduce(0, +) } }
}
