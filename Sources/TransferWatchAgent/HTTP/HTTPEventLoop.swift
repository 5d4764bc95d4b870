import Glibc
import Logging
import TransferWatchLocking

/// The server thread's `poll` loop; it alone touches the sockets and the connections.
///
/// Each connection moves reading → awaiting (its handler runs in a task) → writing → reading again
/// (keep-alive) or lingering (half-closed, draining input until the peer closes) → closed. Every phase has a
/// deadline, and `poll` sleeps until the earliest one, so no client can hold a connection indefinitely.
final class HTTPEventLoop {
    private let server: HTTPServer
    private let configuration: HTTPServerConfiguration
    private var connections: [Int: Connection] = [:]
    private var nextID = 0
    private var isListening = true
    /// Set while accepting is paused because the process ran out of descriptors: the listener stays readable,
    /// so polling it would spin.
    private var acceptPausedUntil: ContinuousClock.Instant?
    private var stopDeadline: ContinuousClock.Instant?
    private var chunk = [UInt8](repeating: 0, count: 4096)

    /// One connection's state.
    struct Connection {
        enum Phase: Equatable {
            /// Waiting for (the rest of) a request head.
            case reading
            /// The handler is producing the response.
            case awaiting
            /// Sending `output`.
            case writing
            /// Output sent and write side shut down; discarding input until the peer closes.
            case lingering
        }

        let fd: Int32
        /// Rejected for capacity: answered 503 and not counted as open.
        let isRejected: Bool
        var parser: HTTPRequestParser
        var phase: Phase = .reading
        var deadline: ContinuousClock.Instant
        /// When the current request's first byte arrived, for the head deadline.
        var requestStartedAt: ContinuousClock.Instant?
        var served = 0
        var keepAlive = true
        var isHeadRequest = false
        var output: [UInt8] = []
        var outputOffset = 0
    }

    init(server: HTTPServer) {
        self.server = server
        self.configuration = server.configuration
    }

    /// Serves until the server is stopped and every connection is finished, then closes everything.
    func run() {
        while true {
            let now = ContinuousClock.now
            let (isStopping, completions) = server.shared.withLock { shared in
                defer { shared.completions.removeAll() }
                return (shared.isStopping, shared.completions)
            }
            if isStopping && stopDeadline == nil { beginStopping(now: now) }
            for completion in completions { deliver(completion, now: now) }
            expireDeadlines(now: ContinuousClock.now)
            if isStopping && (connections.isEmpty || stopDeadline.map { $0 <= ContinuousClock.now } ?? false) { break }

            var fds = [pollfd(fd: server.wakePipe.read, events: Int16(POLLIN), revents: 0)]
            if let pause = acceptPausedUntil, pause <= ContinuousClock.now { acceptPausedUntil = nil }
            let isPollingListener = isListening && acceptPausedUntil == nil
            if isPollingListener { fds.append(pollfd(fd: server.listenerFD, events: Int16(POLLIN), revents: 0)) }
            var ids: [Int] = []
            for (id, connection) in connections {
                let events: Int16
                switch connection.phase {
                case .reading, .lingering: events = Int16(POLLIN)
                case .writing: events = Int16(POLLOUT)
                case .awaiting: continue
                }
                ids.append(id)
                fds.append(pollfd(fd: connection.fd, events: events, revents: 0))
            }
            let count = poll(&fds, nfds_t(fds.count), pollTimeout(now: ContinuousClock.now))
            if count < 0 {
                if errno == EINTR { continue }
                server.logger.error("HTTP server poll failed", metadata: ["errno": "\(errno)"])
                break
            }
            if fds[0].revents != 0 { drainWakePipe() }
            var offset = 1
            if isPollingListener {
                if fds[1].revents != 0 { acceptPending() }
                offset = 2
            }
            for (index, id) in ids.enumerated() where fds[offset + index].revents != 0 {
                service(id, revents: fds[offset + index].revents)
            }
        }
        shutdown()
    }

    // MARK: - Accepting

    private func acceptPending() {
        while true {
            switch HTTPSocket.accept(server.listenerFD) {
            case .success(let fd):
                admit(fd)
            case .failure(let error) where error.code == EAGAIN || error.code == EWOULDBLOCK:
                return
            case .failure(let error) where error.code == EMFILE || error.code == ENFILE || error.code == ENOMEM:
                server.logger.warning("HTTP server out of descriptors", metadata: ["errno": "\(error.code)"])
                acceptPausedUntil = ContinuousClock.now + .milliseconds(100)
                return
            case .failure(let error) where error.code == ECONNABORTED || error.code == EPROTO || error.code == EPERM:
                continue  // that connection is gone: the next one
            case .failure(let error):
                server.logger.error("HTTP server accept failed", metadata: ["errno": "\(error.code)"])
                acceptPausedUntil = ContinuousClock.now + .milliseconds(100)
                return
            }
        }
    }

    private func admit(_ fd: Int32) {
        let now = ContinuousClock.now
        let openServed = connections.values.count { !$0.isRejected }
        let id = nextID
        nextID += 1
        if openServed >= configuration.maxConnections {
            guard connections.count < configuration.maxConnections * 2 else {
                close(fd)  // even the rejection slots are full: drop it
                server.shared.withLock { $0.statistics.rejected += 1 }
                return
            }
            var connection = Connection(
                fd: fd, isRejected: true, parser: HTTPRequestParser(headLimit: configuration.headLimit),
                deadline: now + configuration.lingerTimeout)
            connection.keepAlive = false
            connection.output = HTTPResponse.text(
                status: 503, "too many connections\n",
                headers: [
                    HTTPField("Retry-After", "1")
                ]
            ).serialized(includeBody: true, keepAlive: false)
            connection.phase = .writing
            connections[id] = connection
            server.shared.withLock { $0.statistics.rejected += 1 }
            server.logger.debug("HTTP connection rejected: too many connections")
            write(id, now: now)
            return
        }
        connections[id] = Connection(
            fd: fd, isRejected: false, parser: HTTPRequestParser(headLimit: configuration.headLimit),
            deadline: now + configuration.idleTimeout)
        server.shared.withLock { shared in
            shared.statistics.accepted += 1
            shared.statistics.open += 1
        }
    }

    // MARK: - Serving

    private func service(_ id: Int, revents: Int16) {
        guard let connection = connections[id] else { return }
        let now = ContinuousClock.now
        switch connection.phase {
        case .reading:
            switch HTTPSocket.receive(connection.fd, into: &chunk) {
            case .bytes(let count):
                connections[id]?.parser.append(chunk[0..<count])
                parse(id, now: now)
            case .wouldBlock:
                break
            case .closed:
                closeNow(id)
            }
        case .lingering:
            while true {
                switch HTTPSocket.receive(connection.fd, into: &chunk) {
                case .bytes: continue
                case .wouldBlock: return
                case .closed:
                    closeNow(id)
                    return
                }
            }
        case .writing:
            if revents & Int16(POLLERR | POLLHUP) != 0 && revents & Int16(POLLOUT) == 0 {
                closeNow(id)
            } else {
                write(id, now: now)
            }
        case .awaiting:
            break
        }
    }

    /// Parses what is buffered; starts the handler for a complete head, or answers a refused request.
    private func parse(_ id: Int, now: ContinuousClock.Instant) {
        guard var connection = connections[id], connection.phase == .reading else { return }
        do {
            if let head = try connection.parser.next() {
                connection.served += 1
                connection.phase = .awaiting
                connection.requestStartedAt = nil
                connection.isHeadRequest = head.method == "HEAD"
                connection.keepAlive =
                    head.isKeepAlive && connection.served < configuration.maxRequestsPerConnection
                    && stopDeadline == nil
                connection.deadline = now + configuration.responseTimeout
                connections[id] = connection
                server.shared.withLock { $0.statistics.requests += 1 }
                let server = self.server
                Task {
                    let response = await server.handler(head)
                    server.complete(id, with: response)
                }
                return
            }
            if connection.parser.hasPartialRequest && connection.requestStartedAt == nil {
                connection.requestStartedAt = now
                connection.deadline = now + configuration.headTimeout
            }
            connections[id] = connection
        } catch {
            server.shared.withLock { $0.statistics.refused += 1 }
            server.logger.debug("HTTP request refused", metadata: ["http.status": "\(error.status)"])
            connections[id] = connection
            respond(id, with: .text(status: error.status, "\(error)\n"), keepAlive: false, now: now)
        }
    }

    private func deliver(_ completion: HTTPServer.Completion, now: ContinuousClock.Instant) {
        guard let connection = connections[completion.connectionID], connection.phase == .awaiting else {
            return  // timed out and answered already, or gone
        }
        respond(completion.connectionID, with: completion.response, keepAlive: connection.keepAlive, now: now)
    }

    private func respond(_ id: Int, with response: HTTPResponse, keepAlive: Bool, now: ContinuousClock.Instant) {
        guard var connection = connections[id] else { return }
        connection.keepAlive = keepAlive && stopDeadline == nil
        connection.output = response.serialized(
            includeBody: !connection.isHeadRequest, keepAlive: connection.keepAlive)
        connection.outputOffset = 0
        connection.phase = .writing
        connection.deadline = now + configuration.responseTimeout
        connections[id] = connection
        write(id, now: now)
    }

    private func write(_ id: Int, now: ContinuousClock.Instant) {
        guard var connection = connections[id], connection.phase == .writing else { return }
        guard let sent = HTTPSocket.send(connection.fd, connection.output, from: connection.outputOffset) else {
            closeNow(id)
            return
        }
        connection.outputOffset += sent
        guard connection.outputOffset == connection.output.count else {
            connections[id] = connection
            return
        }
        connection.output = []
        connection.outputOffset = 0
        connection.isHeadRequest = false
        if connection.keepAlive {
            connection.phase = .reading
            connection.deadline = now + configuration.idleTimeout
            connections[id] = connection
            parse(id, now: now)  // a pipelined request may be buffered already
        } else {
            _ = Glibc.shutdown(connection.fd, Int32(SHUT_WR))
            connection.phase = .lingering
            connection.deadline = now + configuration.lingerTimeout
            connections[id] = connection
        }
    }

    // MARK: - Deadlines and closing

    private func expireDeadlines(now: ContinuousClock.Instant) {
        for (id, connection) in connections where connection.deadline <= now {
            server.shared.withLock { $0.statistics.timedOut += 1 }
            switch connection.phase {
            case .reading where connection.parser.hasPartialRequest:
                server.logger.debug("HTTP request head timed out")
                respond(id, with: .text(status: 408, "request head not received in time\n"), keepAlive: false, now: now)
            case .awaiting:
                server.logger.warning("HTTP handler timed out")
                respond(id, with: .text(status: 503, "response not ready in time\n"), keepAlive: false, now: now)
            case .reading, .writing, .lingering:
                closeNow(id)
            }
        }
    }

    private func pollTimeout(now: ContinuousClock.Instant) -> Int32 {
        var earliest = connections.values.map(\.deadline).min()
        for instant in [stopDeadline, acceptPausedUntil].compactMap({ $0 }) {
            earliest = min(earliest ?? instant, instant)
        }
        guard let earliest else { return -1 }
        let left = earliest - now
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        // Round up so the loop never wakes a hair before the deadline and spins.
        return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }

    private func beginStopping(now: ContinuousClock.Instant) {
        stopDeadline = now + configuration.lingerTimeout
        if isListening {
            isListening = false
            close(server.listenerFD)
        }
        for (id, connection) in connections {
            switch connection.phase {
            case .reading: closeNow(id)
            case .awaiting, .writing: connections[id]?.keepAlive = false
            case .lingering: break
            }
        }
    }

    private func drainWakePipe() {
        var scratch = [UInt8](repeating: 0, count: 64)
        while case .bytes = HTTPSocket.receive(server.wakePipe.read, into: &scratch) {}
    }

    private func closeNow(_ id: Int) {
        guard let connection = connections.removeValue(forKey: id) else { return }
        close(connection.fd)
        if !connection.isRejected {
            server.shared.withLock { $0.statistics.open -= 1 }
        }
    }

    private func shutdown() {
        for id in Array(connections.keys) { closeNow(id) }
        if isListening { close(server.listenerFD) }
        server.logger.info("HTTP server stopped", metadata: ["http.port": "\(server.port)"])
        server.finishExit()
    }
}
