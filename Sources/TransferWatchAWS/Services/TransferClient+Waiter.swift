import Foundation

extension TransferClient {
    /// Why ``TransferClient/waitUntilServerState(serverID:target:timeout:pollInterval:sleeper:now:)`` gave up.
    package enum WaitError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The server reached an error state (`START_FAILED`, `STOP_FAILED`) it will not leave by itself.
        case failed(serverID: String, target: ServerState, state: ServerState)
        /// The timeout passed first; `lastState` is what the last `DescribeServer` said.
        case timedOut(serverID: String, target: ServerState, lastState: ServerState, waited: Duration, polls: Int)
        /// A `DescribeServer` call failed (after its own retries).
        case request(AWSError)
        /// The waiting task was cancelled.
        case cancelled(serverID: String, lastState: ServerState?)

        /// One line naming the server, the states and the time waited.
        package var description: String {
            switch self {
            case .failed(let serverID, let target, let state):
                "server \(serverID) reached \(state) while waiting for \(target)"
            case .timedOut(let serverID, let target, let lastState, let waited, let polls):
                "server \(serverID) was still \(lastState) after \(Self.seconds(waited)) (\(polls) polls) waiting for \(target)"
            case .request(let error):
                "waiting for a server state failed: \(error)"
            case .cancelled(let serverID, let lastState):
                "waiting for server \(serverID) was cancelled (last state \(lastState.map(\.rawValue) ?? "unknown"))"
            }
        }

        private static func seconds(_ duration: Duration) -> String {
            let (seconds, attoseconds) = duration.components
            let milliseconds = attoseconds / 1_000_000_000_000_000
            return milliseconds == 0 ? "\(seconds)s" : "\(seconds).\(String(format: "%03lld", milliseconds))s"
        }
    }

    /// Polls `DescribeServer` until the server is in `target`, like botocore's `ServerOnline`/`ServerOffline`
    /// waiters (every 30 s, failing on `START_FAILED`/`STOP_FAILED`) but with a time limit instead of a count.
    ///
    /// It returns as soon as the target is seen, fails at once on an error state (unless that state is the
    /// target), and never sleeps past the deadline: when the next poll would come after it, it fails with the
    /// last state seen.
    ///
    /// - Parameters:
    ///   - target: the state to wait for (`.online` after create or start, `.offline` after stop).
    ///   - timeout: the longest time to wait, measured with `now`.
    ///   - pollInterval: the pause between polls.
    ///   - sleeper: waits between polls; `nil` uses the context's retry sleeper.
    ///   - now: the clock; `nil` uses the context's.
    /// - Returns: The server as last described (in `target`).
    /// - Throws: ``WaitError``.
    @discardableResult
    package func waitUntilServerState(
        serverID: String, target: ServerState = .online, timeout: Duration,
        pollInterval: Duration = .seconds(30), sleeper: (any Sleeper)? = nil,
        now: (@Sendable () -> Date)? = nil
    ) async throws(WaitError) -> Server {
        let sleeper = sleeper ?? client.context.retry.sleeper
        let now = now ?? client.context.now
        let start = now()
        let deadline = start.addingTimeInterval(Self.timeInterval(timeout))
        var polls = 0
        var lastState: ServerState?
        while true {
            let server: Server
            do {
                server = try await describeServer(serverID: serverID)
            } catch {
                throw .request(error)
            }
            polls += 1
            lastState = server.state
            if server.state == target { return server }
            if server.state.isFailure { throw .failed(serverID: serverID, target: target, state: server.state) }
            let current = now()
            guard current.addingTimeInterval(Self.timeInterval(pollInterval)) <= deadline else {
                throw .timedOut(
                    serverID: serverID, target: target, lastState: server.state,
                    waited: Self.duration(current.timeIntervalSince(start)), polls: polls)
            }
            do {
                try Task.checkCancellation()
                try await sleeper.sleep(for: pollInterval)
            } catch {
                throw .cancelled(serverID: serverID, lastState: lastState)
            }
        }
    }

    private static func timeInterval(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }

    private static func duration(_ interval: TimeInterval) -> Duration {
        .milliseconds(Int64((max(0, interval) * 1000).rounded()))
    }
}
