import Glibc
import TransferWatchConfig

/// The POSIX calls the HTTP server makes, each retrying `EINTR`; every descriptor is non-blocking and
/// close-on-exec.
enum HTTPSocket {
    /// Opens a listening TCP socket on `address` (IPv4, IPv6 or a host name; port 0 picks a free port).
    ///
    /// `SO_REUSEADDR` is set so a restarted agent can bind while old connections sit in `TIME_WAIT`.
    ///
    /// - Returns: The descriptor and the bound port.
    /// - Throws: ``HTTPServerError``.
    static func makeListener(
        on address: ListenAddress, backlog: Int32 = 64
    ) throws(HTTPServerError) -> (
        fd: Int32, port: Int
    ) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(address.host, String(address.port), &hints, &list)
        guard resolved == 0, let first = list else {
            throw .unresolvableHost(address.host, reason: String(cString: gai_strerror(resolved)))
        }
        defer { freeaddrinfo(list) }
        let info = first.pointee
        let described = address.description
        let fd = socket(info.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .socketFailed(operation: "socket", address: described, errno: errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if info.ai_family == AF_INET6 {
            // `[::]` listens on IPv6 only, so `0.0.0.0` and `[::]` mean what they say on every system.
            _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        func fail(_ operation: String) -> HTTPServerError {
            let code = errno
            close(fd)
            return .socketFailed(operation: operation, address: described, errno: code)
        }
        guard bind(fd, info.ai_addr, info.ai_addrlen) == 0 else { throw fail("bind") }
        guard listen(fd, backlog) == 0 else { throw fail("listen") }
        guard setNonBlocking(fd) else { throw fail("fcntl") }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw fail("getsockname") }
        let family = Int32(storage.ss_family)
        let port: UInt16 = withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }
            }
        }
        return (fd, Int(UInt16(bigEndian: port)))
    }

    /// Makes the socket pair that wakes the server thread (Glibc's Swift module has no `pipe2`).
    ///
    /// - Returns: The end the thread polls and the end others write one byte to.
    static func makeWakePipe() throws(HTTPServerError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        guard socketpair(AF_UNIX, type, 0, &ends) == 0 else {
            throw .socketFailed(operation: "socketpair", address: "wake pipe", errno: errno)
        }
        return (ends[0], ends[1])
    }

    private typealias Accept4 =
        @convention(c) (
            Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32
        ) -> Int32

    /// glibc's `accept4`, looked up at run time (Glibc's Swift module does not export `_GNU_SOURCE` functions).
    private static let accept4: Accept4? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "accept4") else { return nil }
        return unsafeBitCast(symbol, to: Accept4.self)
    }()

    /// Accepts one pending connection, non-blocking and close-on-exec, with Nagle off.
    ///
    /// - Returns: The descriptor, or the `errno` of the failed accept (`EAGAIN` when none is pending).
    static func accept(_ listener: Int32) -> Result<Int32, Errno> {
        var fd: Int32
        repeat {
            if let accept4 {
                fd = accept4(listener, nil, nil, Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue))
            } else {
                fd = Glibc.accept(listener, nil, nil)
                if fd >= 0 {
                    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                    _ = setNonBlocking(fd)
                }
            }
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else { return .failure(Errno(code: errno)) }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return .success(fd)
    }

    /// Outcome of a non-blocking receive.
    enum Received {
        /// Bytes arrived.
        case bytes(Int)
        /// Nothing to read right now.
        case wouldBlock
        /// The peer closed its side, or the connection failed.
        case closed
    }

    /// Receives into `buffer` without blocking.
    static func receive(_ fd: Int32, into buffer: inout [UInt8]) -> Received {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 { return .bytes(count) }
            if count == 0 { return .closed }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return .wouldBlock }
            return .closed
        }
    }

    /// Sends as much of `bytes[offset...]` as the socket takes now. Never raises `SIGPIPE`.
    ///
    /// - Returns: How many bytes were sent (0 when the buffer is full), or `nil` when the peer is gone.
    static func send(_ fd: Int32, _ bytes: [UInt8], from offset: Int) -> Int? {
        while true {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            }
            if sent >= 0 { return sent }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return 0 }
            return nil
        }
    }

    /// Makes `fd` non-blocking.
    static func setNonBlocking(_ fd: Int32) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0
    }

    /// An `errno` value carried as an error.
    struct Errno: Error, Equatable {
        var code: Int32
    }

    /// Starts a joinable POSIX thread running `body`.
    static func startThread(_ body: @escaping @Sendable () -> Void) throws(HTTPServerError) -> pthread_t {
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

    private final class ThreadBody {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
