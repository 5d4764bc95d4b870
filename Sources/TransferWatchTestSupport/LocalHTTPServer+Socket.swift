import Foundation
import Glibc

/// Thin wrappers over the POSIX calls ``LocalHTTPServer`` makes, each retrying `EINTR`.
///
/// Every descriptor is created close-on-exec, so a `curl` that a test spawns never inherits one.
enum LocalHTTPSocket {
    /// Outcome of waiting for a descriptor.
    enum Readiness: Equatable {
        /// The descriptor is ready for the requested events (or has an error or hang-up to report).
        case ready
        /// The deadline passed first.
        case timedOut
        /// The server's stop signal fired first.
        case stopped
    }

    /// Opens a listening TCP socket on 127.0.0.1 with an ephemeral port.
    ///
    /// - Returns: The descriptor and the port the kernel chose.
    /// - Throws: ``LocalHTTPServerError/socketFailed(operation:errno:)``.
    static func makeListener() throws(LocalHTTPServerError) -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .socketFailed(operation: "socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw .socketFailed(operation: "bind", errno: code)
        }
        guard listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            throw .socketFailed(operation: "listen", errno: code)
        }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            let code = errno
            close(fd)
            throw .socketFailed(operation: "getsockname", errno: code)
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Makes the self-pipe that wakes every blocked server thread when the server stops.
    ///
    /// It is a close-on-exec socket pair (Glibc's Swift module does not export `pipe2`).
    ///
    /// - Returns: The end polled by the threads, and the end `stop()` writes one byte to.
    /// - Throws: ``LocalHTTPServerError/socketFailed(operation:errno:)``.
    static func makeStopPipe() throws(LocalHTTPServerError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &ends) == 0 else {
            throw .socketFailed(operation: "socketpair", errno: errno)
        }
        return (ends[0], ends[1])
    }

    private typealias Accept4 = @convention(c) (
        Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32
    ) -> Int32

    /// glibc's `accept4`, looked up at run time because Glibc's Swift module does not export it
    /// (it is a `_GNU_SOURCE` function). Without it a `curl` forked at the wrong moment could inherit a
    /// server-side socket and keep it open past our close.
    private static let accept4: Accept4? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "accept4") else { return nil }
        return unsafeBitCast(symbol, to: Accept4.self)
    }()

    /// Accepts one connection, close-on-exec and with Nagle off (so responses are not held back).
    ///
    /// - Returns: The descriptor, or the `errno` of a failed accept.
    static func accept(_ listener: Int32) -> Result<Int32, Errno> {
        let fd: Int32
        if let accept4 {
            fd = accept4(listener, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
        } else {
            fd = Glibc.accept(listener, nil, nil)
            if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        guard fd >= 0 else { return .failure(Errno(code: errno)) }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return .success(fd)
    }

    /// An `errno` value carried as an error.
    struct Errno: Error, Equatable {
        var code: Int32
    }

    /// Waits until `fd` is ready for `events`, the deadline passes, or the stop pipe becomes readable.
    ///
    /// - Parameters:
    ///   - fd: The descriptor to watch, or -1 to wait only for the deadline or the stop signal.
    ///   - events: `POLLIN` or `POLLOUT`.
    ///   - stopFD: The read end of the stop pipe.
    ///   - deadline: When to give up; `nil` waits without limit.
    static func wait(
        for fd: Int32,
        events: Int16,
        stopFD: Int32,
        until deadline: ContinuousClock.Instant?
    ) -> Readiness {
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let left = deadline - .now
                if left <= .zero { return .timedOut }
                let (seconds, attoseconds) = left.components
                // Round up so a wait never ends a hair before its deadline.
                timeout = Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            }
            var fds = [
                pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: fd, events: events, revents: 0),
            ]
            let count = poll(&fds, nfds_t(fds.count), timeout)
            if count < 0 {
                if errno == EINTR { continue }
                return .stopped  // poll itself failed: nothing sensible to wait for any more
            }
            if fds[0].revents != 0 { return .stopped }
            if fds[1].revents != 0 { return .ready }
            if count == 0, let deadline, deadline <= .now { return .timedOut }
        }
    }

    /// Sends all of `bytes`, waiting for buffer space as needed. Never raises `SIGPIPE`.
    ///
    /// - Returns: `true` when everything was sent; `false` when the peer went away or the server stopped.
    static func sendAll(_ fd: Int32, _ bytes: some ContiguousBytes, stopFD: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = send(
                    fd,
                    buffer.baseAddress! + offset,
                    buffer.count - offset,
                    Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)
                )
                if sent > 0 {
                    offset += sent
                    continue
                }
                if sent < 0 && errno == EINTR { continue }
                if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    let readiness = wait(for: fd, events: Int16(POLLOUT), stopFD: stopFD, until: nil)
                    guard readiness == .ready else { return false }
                    continue
                }
                return false  // EPIPE, ECONNRESET, …
            }
            return true
        }
    }

    /// Sets `SO_LINGER` {on, 0} and closes, so the kernel sends a TCP reset instead of a FIN.
    static func closeWithReset(_ fd: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close(fd)
    }

    /// Closes in an orderly way: sends FIN, then reads and discards what the peer still sends until it
    /// closes too, at most `linger`, so unread bytes never turn the close into a reset.
    static func closeGracefully(_ fd: Int32, stopFD: Int32, linger: Duration = .seconds(2)) {
        _ = shutdown(fd, Int32(SHUT_WR))
        let deadline = ContinuousClock.now + linger
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        drain: while wait(for: fd, events: Int16(POLLIN), stopFD: stopFD, until: deadline) == .ready {
            let count = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 { continue }
            if count < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) { continue }
            break drain
        }
        close(fd)
    }

    /// Starts a joinable POSIX thread running `body`.
    ///
    /// - Returns: The thread's handle, for `pthread_join`.
    /// - Throws: ``LocalHTTPServerError/threadFailed(errno:)``.
    static func startThread(_ body: @escaping @Sendable () -> Void) throws(LocalHTTPServerError) -> pthread_t {
        let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread,
            nil,
            { argument in
                let body = Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue()
                body.run()
                return nil
            },
            box
        )
        guard result == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            throw .threadFailed(errno: result)
        }
        return thread
    }

    /// Waits for `thread` to finish, or detaches it when it is the calling thread (joining would deadlock).
    static func join(_ thread: pthread_t) {
        if pthread_equal(thread, pthread_self()) != 0 {
            pthread_detach(thread)
        } else {
            pthread_join(thread, nil)
        }
    }

    /// Whether the calling thread is `thread`.
    static func isCurrent(_ thread: pthread_t) -> Bool {
        pthread_equal(thread, pthread_self()) != 0
    }

    private final class ThreadBody {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
