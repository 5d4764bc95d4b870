import Dispatch
import Foundation
import Glibc
import TransferWatchLocking

/// A scriptable HTTP/1.1 server on 127.0.0.1 for tests, built on POSIX sockets so it can misbehave on purpose.
///
/// It listens on an ephemeral port, parses each request properly (Content-Length or chunked bodies,
/// keep-alive, `Expect: 100-continue`), records it, and carries out whatever ``LocalHTTPAction`` the
/// handler returns: a normal response, or a reset, an empty reply, a truncated body, a stall or a delay.
/// One thread accepts connections and each connection gets its own thread, so a stalled connection never
/// holds up another.
///
/// ```swift
/// let server = try LocalHTTPServer.start(script: [
///     .resetConnection,
///     .json(#"{"ok":true}"#),
/// ])
/// defer { server.stop() }
/// let response = try await client.get(server.baseURL + "/thing")  // retried once after the reset
/// #expect(server.requests().count == 2)
/// ```
///
/// Call ``stop()`` when done (deinit stops too, but a handler that captures the server keeps it alive).
/// `SIGPIPE` is never raised: every send uses `MSG_NOSIGNAL`.
package final class LocalHTTPServer: Sendable {
    /// The TCP port the server listens on.
    package var port: Int { core.port }

    /// `http://127.0.0.1:PORT`, with no trailing slash.
    package var baseURL: String { "http://127.0.0.1:\(core.port)" }

    private let core: Core

    private init(core: Core) {
        self.core = core
    }

    deinit {
        core.stop()
    }

    /// Starts a server that asks `handler` what to do with each request.
    ///
    /// The handler runs on the request's connection thread, so it may block; requests on other
    /// connections are handled meanwhile.
    ///
    /// - Parameter handler: Called once per complete request, after the request is recorded.
    /// - Returns: A running server.
    /// - Throws: ``LocalHTTPServerError`` when the socket or a thread cannot be set up.
    package static func start(
        handler: @escaping @Sendable (LocalHTTPRequest) -> LocalHTTPAction
    ) throws -> LocalHTTPServer {
        let core = try Core(handler: handler)
        try core.startAccepting()
        return LocalHTTPServer(core: core)
    }

    /// Starts a server whose handler is asynchronous (for example one that awaits an actor).
    ///
    /// The connection thread waits for the handler's task, so this behaves like
    /// ``start(handler:)`` otherwise.
    ///
    /// - Parameter asyncHandler: Called once per complete request, after the request is recorded.
    /// - Returns: A running server.
    /// - Throws: ``LocalHTTPServerError`` when the socket or a thread cannot be set up.
    package static func start(
        asyncHandler: @escaping @Sendable (LocalHTTPRequest) async -> LocalHTTPAction
    ) throws -> LocalHTTPServer {
        try start { request in
            let result = ActionBox()
            Task {
                result.deliver(await asyncHandler(request))
            }
            return result.waitForAction()
        }
    }

    /// Starts a server that plays `script` in order, one action per request, across all connections.
    ///
    /// Once the script is used up every further request gets status 599 with a plain-text body that
    /// starts with `script exhausted`, so a test that sends one request too many fails loudly.
    ///
    /// - Parameter script: The actions for the first, second, … request.
    /// - Returns: A running server.
    /// - Throws: ``LocalHTTPServerError`` when the socket or a thread cannot be set up.
    package static func start(script: [LocalHTTPAction]) throws -> LocalHTTPServer {
        try start { request in
            // Sequence numbers are handed out once per request, in arrival order, so they index the script.
            if request.sequenceNumber < script.count {
                return script[request.sequenceNumber]
            }
            return .text(
                status: 599,
                "script exhausted: request #\(request.sequenceNumber) (\(request.method) \(request.target)) "
                    + "arrived after all \(script.count) scripted actions were used\n"
            )
        }
    }

    /// `baseURL` followed by `target`, for example `server.url("/latest/api/token")`.
    ///
    /// - Parameter target: A path (and query) starting with `/`.
    /// - Returns: The absolute URL string.
    package func url(_ target: String) -> String {
        baseURL + target
    }

    /// Every complete request received so far, in arrival order (thread-safe snapshot).
    ///
    /// A request is recorded before its action runs, so it is here even when the action was a reset or
    /// a stall. Requests cut off by the client half-way are not recorded.
    package func requests() -> [LocalHTTPRequest] {
        core.state.withLock { $0.requests }
    }

    /// How many TCP connections the server has accepted since it started (open or closed).
    package func connectionCount() -> Int {
        core.state.withLock { $0.acceptedConnections }
    }

    /// How many accepted connections are still open on the server's side right now.
    package func openConnectionCount() -> Int {
        core.state.withLock { $0.openConnections }
    }

    /// Stops the server: closes the listener and every open connection, and waits for all its threads.
    ///
    /// Stalls and delays in progress are cut short, so this returns promptly (unless a handler itself
    /// blocks). Later calls return at once. Calling it from inside a handler is allowed: it waits for every
    /// other thread, and the calling thread finishes on its own once the handler returns.
    package func stop() {
        core.stop()
    }
}

extension LocalHTTPServer {
    /// Hands an action from the task running an async handler to the connection thread waiting for it.
    private final class ActionBox: Sendable {
        private let action = Locked<LocalHTTPAction?>(nil)
        private let delivered = DispatchSemaphore(value: 0)

        func deliver(_ action: LocalHTTPAction) {
            self.action.withLock { $0 = action }
            delivered.signal()
        }

        /// Blocks the calling (connection) thread until ``deliver(_:)`` has run.
        func waitForAction() -> LocalHTTPAction {
            delivered.wait()
            return action.withLock { $0 } ?? .closeWithoutResponse
        }
    }

    /// The state shared by the accept thread and the connection threads.
    ///
    /// Threads hold the core, never the ``LocalHTTPServer``, so dropping the server runs its deinit
    /// (which stops the core) even while threads are blocked.
    final class Core: Sendable {
        struct State {
            var isStopping = false
            var acceptThread: pthread_t?
            var connectionThreads: [Int: pthread_t] = [:]
            var finishedConnections: [Int] = []
            var acceptedConnections = 0
            var openConnections = 0
            var requests: [LocalHTTPRequest] = []
            var isStopPipeClosed = false
        }

        let handler: @Sendable (LocalHTTPRequest) -> LocalHTTPAction
        let listenerFD: Int32
        let port: Int
        let stopPipe: (read: Int32, write: Int32)
        let state = Locked(State())

        init(handler: @escaping @Sendable (LocalHTTPRequest) -> LocalHTTPAction) throws(LocalHTTPServerError) {
            self.handler = handler
            (listenerFD, port) = try LocalHTTPSocket.makeListener()
            do {
                stopPipe = try LocalHTTPSocket.makeStopPipe()
            } catch {
                close(listenerFD)
                throw error
            }
        }

        deinit {
            // Normally stop() closed these; it leaves the stop pipe open only when it was called from one of
            // the server's own threads, which may still be polling it.
            let isStopPipeClosed = state.withLock { $0.isStopPipeClosed }
            if !isStopPipeClosed {
                close(stopPipe.read)
                close(stopPipe.write)
            }
        }

        func startAccepting() throws(LocalHTTPServerError) {
            do {
                let thread = try LocalHTTPSocket.startThread { [self] in acceptLoop() }
                state.withLock { $0.acceptThread = thread }
            } catch {
                state.withLock { $0.isStopping = true }
                close(listenerFD)
                throw error
            }
        }

        /// Records a complete request and gives it the next sequence number.
        func record(_ make: (_ sequenceNumber: Int) -> LocalHTTPRequest) -> LocalHTTPRequest {
            state.withLock { state in
                let request = make(state.requests.count)
                state.requests.append(request)
                return request
            }
        }

        /// Waits `seconds`, returning `false` if the server stopped first.
        func sleep(seconds: Double) -> Bool {
            guard seconds > 0 else { return true }
            let deadline = ContinuousClock.now + .seconds(seconds)
            return LocalHTTPSocket.wait(for: -1, events: 0, stopFD: stopPipe.read, until: deadline) == .timedOut
        }

        private func acceptLoop() {
            while true {
                reapFinishedConnections()
                let readiness = LocalHTTPSocket.wait(
                    for: listenerFD,
                    events: Int16(POLLIN),
                    stopFD: stopPipe.read,
                    until: nil
                )
                guard readiness == .ready else { return }
                let fd: Int32
                switch LocalHTTPSocket.accept(listenerFD) {
                case .success(let accepted):
                    fd = accepted
                case .failure(let error) where error.code == EMFILE || error.code == ENFILE || error.code == ENOMEM:
                    // Out of descriptors: back off instead of spinning on a listener that stays readable.
                    guard sleep(seconds: 0.05) else { return }
                    continue
                case .failure:
                    continue  // EINTR, ECONNABORTED, EAGAIN: the next poll sorts it out
                }
                let connectionID: Int? = state.withLock { state in
                    guard !state.isStopping else { return nil }
                    defer { state.acceptedConnections += 1 }
                    state.openConnections += 1
                    return state.acceptedConnections
                }
                guard let connectionID else {
                    close(fd)
                    return
                }
                do {
                    let thread = try LocalHTTPSocket.startThread { [self] in
                        LocalHTTPConnection(core: self, fd: fd, id: connectionID).run()
                        state.withLock { state in
                            state.openConnections -= 1
                            state.finishedConnections.append(connectionID)
                        }
                    }
                    state.withLock { $0.connectionThreads[connectionID] = thread }
                } catch {
                    LocalHTTPSocket.closeWithReset(fd)
                    state.withLock { $0.openConnections -= 1 }
                }
            }
        }

        /// Joins connection threads that have finished, so they do not pile up between accepts.
        private func reapFinishedConnections() {
            let threads = state.withLock { state in
                let threads = state.finishedConnections.compactMap { state.connectionThreads.removeValue(forKey: $0) }
                state.finishedConnections.removeAll()
                return threads
            }
            threads.forEach(LocalHTTPSocket.join)
        }

        func stop() {
            let acceptThread: pthread_t?? = state.withLock { state in
                guard !state.isStopping else { return .none }
                state.isStopping = true
                return .some(state.acceptThread)
            }
            guard case .some(let acceptThread) = acceptThread else { return }
            var byte: UInt8 = 1
            _ = Glibc.send(stopPipe.write, &byte, 1, Int32(MSG_NOSIGNAL))
            if let acceptThread {
                LocalHTTPSocket.join(acceptThread)
            }
            close(listenerFD)
            // The accept thread is done, so no connection thread can be added any more.
            let threads = state.withLock { state in
                let threads = Array(state.connectionThreads.values)
                state.connectionThreads.removeAll()
                state.finishedConnections.removeAll()
                return threads
            }
            let calledFromServerThread = threads.contains(where: LocalHTTPSocket.isCurrent)
            threads.forEach(LocalHTTPSocket.join)
            if !calledFromServerThread {
                state.withLock { $0.isStopPipeClosed = true }
                close(stopPipe.read)
                close(stopPipe.write)
            }
        }
    }
}
