import Foundation
import Glibc
import TransferWatchTestSupport

/// A blocking raw-socket HTTP client for the server tests: it sends exactly the bytes a test writes
/// (malformed ones included) and reads responses by hand.
///
/// Every blocking call runs on a thread of its own through ``onDedicatedThread(_:)``, never on the cooperative pool,
/// so a test waiting for a response cannot starve the server's handler tasks. Reads give up after
/// `SO_RCVTIMEO` (20 s), so a broken server fails a test instead of hanging it.
/// `@unchecked Sendable`: a test hands a connection between threads but only ever uses it from one at a time.
final class HTTPTestConnection: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(host: String = "127.0.0.1", port: Int, receiveTimeoutSeconds: Int = 20) throws {
        // The descriptor is made before `self` is complete, so a failed connect never reaches deinit (which
        // would close the number a second time, perhaps after another thread got it again).
        fd = try Self.connect(host: host, port: port, receiveTimeoutSeconds: receiveTimeoutSeconds)
    }

    private static func connect(host: String, port: Int, receiveTimeoutSeconds: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list?.pointee else {
            throw Failure(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(info.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard Glibc.connect(fd, info.ai_addr, info.ai_addrlen) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Failure(description: "connect failed: errno \(code)")
        }
        return fd
    }

    deinit { Glibc.close(fd) }

    /// Sends all of `text`; `false` when the peer is gone.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Sends all of `bytes`; `false` when the peer is gone.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    /// Whether the server has sent something (or closed) that is not read yet, without waiting.
    func hasDataAvailable() -> Bool {
        if !buffer.isEmpty { return true }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }

    /// Reads one response; `isHead` for a response to `HEAD` (no body despite its `Content-Length`).
    func readResponse(isHead: Bool = false) throws -> HTTPTestResponse {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find([13, 10, 13, 10], in: buffer).map { $0 + 4 }
            if headEnd == nil { guard try fill() else { throw Failure(description: "closed before a response") } }
        }
        let headText = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        buffer.removeFirst(headEnd!)
        var lines = headText.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line in \(headText)")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = isHead ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length {
            guard try fill() else { throw Failure(description: "closed in the body") }
        }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return HTTPTestResponse(status: status, headers: headers, body: body)
    }

    /// Whether the server closes the connection (EOF or reset) before the receive timeout, discarding input.
    func waitForClose() -> Bool {
        while true {
            do {
                guard try fill() else { return true }
            } catch {
                return false  // timed out: still open
            }
        }
    }

    /// Whatever is buffered or arrives until the peer closes.
    func readUntilClose() throws -> [UInt8] {
        while try fill() {}
        defer { buffer.removeAll() }
        return buffer
    }

    /// Reads more bytes; `false` on EOF or reset; throws when the receive timeout passes.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer += chunk[0..<count]
                return true
            }
            if count == 0 { return false }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure(description: "receive timed out") }
            return false  // ECONNRESET
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }
}

/// A response as the test client read it.
struct HTTPTestResponse: Sendable {
    var status: Int
    /// Header fields by lower-cased name.
    var headers: [String: String]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// One request on a fresh connection: `GET path` (or `method`), answered and read.
func fetch(
    _ path: String, method: String = "GET", port: Int, host: String = "127.0.0.1"
) async throws
    -> HTTPTestResponse
{
    try await onDedicatedThread {
        let connection = try HTTPTestConnection(host: host, port: port)
        connection.send("\(method) \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        return try connection.readResponse(isHead: method == "HEAD")
    }
}
