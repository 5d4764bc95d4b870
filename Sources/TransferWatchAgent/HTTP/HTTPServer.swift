import Glibc
import Logging
import TransferWatchConfig
import TransferWatchLocking

/// A small HTTP/1.1 server over POSIX sockets: one thread, one `poll` loop, no request bodies.
///
/// It binds when created (so a port in use is reported before anything else starts, and port 0 reports the
/// port it got), serves from ``start()`` until ``stop()``, and hands each request head to an `async` handler
/// in its own task. The loop enforces the limits of ``HTTPServerConfiguration``: 8 KiB heads (431), no
/// bodies (413), a head deadline against slow clients (408), a connection cap (503), keep-alive with a
/// request cap, and lingering closes so answers are not lost to resets.
///
/// ```swift
/// let server = try HTTPServer(address: ListenAddress(host: "127.0.0.1", port: 0), logger: logger) { head in
///     .text("ok\n")
/// }
/// try server.start()
/// print(server.port)
/// server.stop()
/// await server.waitUntilStopped()
/// ```
package final class HTTPServer: Sendable {
    /// The handler: one request head in, one response out.
    package typealias Handler = @Sendable (HTTPRequestHead) async -> HTTPResponse

    /// The address asked for.
    package let address: ListenAddress
    /// The bound TCP port (the chosen one when ``address`` had port 0).
    package let port: Int
    /// Limits and timeouts.
    package let configuration: HTTPServerConfiguration

    let handler: Handler
    let logger: Logger
    let listenerFD: Int32
    let wakePipe: (read: Int32, write: Int32)
    let shared = Locked(Shared())

    /// State shared between the loop thread and everyone else.
    struct Shared {
        var isStarted = false
        var isStopping = false
        var hasExited = false
        var completions: [Completion] = []
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
        var statistics = HTTPServerStatistics()
    }

    /// A handler's answer on its way back to the loop.
    struct Completion {
        var connectionID: Int
        var response: HTTPResponse
    }

    /// Binds the listening socket.
    ///
    /// - Parameters:
    ///   - address: Where to listen: IPv4, bracketed IPv6 or a host name; port 0 picks a free port.
    ///   - configuration: Limits and timeouts.
    ///   - logger: Where start, stop and refused requests are logged.
    ///   - handler: Answers each request; it runs in its own task.
    /// - Throws: ``HTTPServerError`` when the address does not resolve or cannot be bound.
    package init(
        address: ListenAddress,
        configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
        logger: Logger,
        handler: @escaping Handler
    ) throws(HTTPServerError) {
        self.address = address
        self.configuration = configuration
        self.logger = logger
        self.handler = handler
        (listenerFD, port) = try HTTPSocket.makeListener(on: address)
        do {
            wakePipe = try HTTPSocket.makeWakePipe()
        } catch {
            close(listenerFD)
            throw error
        }
    }

    deinit {
        // The thread holds the server, so by now it has ended (having closed the listener) or never ran.
        // The wake pipe is closed only here: a handler task finishing late may still write to it.
        let hasThread = shared.withLock { $0.isStarted }
        if !hasThread { close(listenerFD) }
        close(wakePipe.read)
        close(wakePipe.write)
    }

    /// Starts serving on a thread of its own. Calling it again does nothing.
    ///
    /// - Throws: ``HTTPServerError/threadFailed(errno:)``.
    package func start() throws(HTTPServerError) {
        let shouldStart = shared.withLock { shared in
            guard !shared.isStarted, !shared.isStopping else { return false }
            shared.isStarted = true
            return true
        }
        guard shouldStart else { return }
        logger.info("HTTP server listening", metadata: ["http.address": "\(address.host)", "http.port": "\(port)"])
        do {
            let thread = try HTTPSocket.startThread { [self] in
                HTTPEventLoop(server: self).run()
            }
            pthread_detach(thread)
        } catch {
            shared.withLock { $0.isStarted = false }
            throw error
        }
    }

    /// Asks the server to stop: it stops accepting at once, lets responses in progress finish (within
    /// their timeouts), closes every connection and ends its thread. Returns without waiting; see
    /// ``waitUntilStopped()``.
    package func stop() {
        let isStarted = shared.withLock { shared in
            shared.isStopping = true
            return shared.isStarted
        }
        if isStarted {
            wake()
        } else {
            finishExit()  // never started: nothing to wait for
        }
    }

    /// Waits until the server thread has closed every socket and ended (after ``stop()``).
    package func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let hasExited = shared.withLock { shared in
                if !shared.hasExited { shared.exitWaiters.append(continuation) }
                return shared.hasExited
            }
            if hasExited { continuation.resume() }
        }
    }

    /// Counters since the server started, for tests and logs.
    package var statistics: HTTPServerStatistics {
        shared.withLock { $0.statistics }
    }

    /// Hands a handler's response to the loop.
    func complete(_ connectionID: Int, with response: HTTPResponse) {
        shared.withLock { $0.completions.append(Completion(connectionID: connectionID, response: response)) }
        wake()
    }

    /// Wakes the loop thread out of `poll`.
    func wake() {
        var byte: UInt8 = 1
        _ = Glibc.send(wakePipe.write, &byte, 1, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
    }

    /// Marks the thread gone and resumes whoever waits for it.
    func finishExit() {
        let waiters = shared.withLock { shared in
            shared.hasExited = true
            defer { shared.exitWaiters.removeAll() }
            return shared.exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// What an ``HTTPServer`` has done since it started.
package struct HTTPServerStatistics: Sendable, Equatable {
    /// Connections accepted and served.
    package var accepted = 0
    /// Connections answered 503 because ``HTTPServerConfiguration/maxConnections`` were open.
    package var rejected = 0
    /// Connections open right now (served ones only).
    package var open = 0
    /// Requests handed to the handler.
    package var requests = 0
    /// Connections closed because a deadline passed (head, idle, response or linger).
    package var timedOut = 0
    /// Requests refused by the parser (400, 413, 414, 431, 505).
    package var refused = 0

    /// All zero.
    package init() {}
}
