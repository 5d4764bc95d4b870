import Foundation
import Glibc

/// One accepted TCP connection, served on its own thread: read requests, record them, act, repeat.
///
/// The connection owns its descriptor and is the only one to close it, so no other thread can ever touch
/// a descriptor number that has been closed and reused. Every blocking wait also watches the server's
/// stop pipe, which is how ``LocalHTTPServer/stop()`` wakes it.
final class LocalHTTPConnection {
    private let core: LocalHTTPServer.Core
    private let fd: Int32
    private let id: Int
    private var parser = LocalHTTPRequestParser()
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    private var isClosed = false

    init(core: LocalHTTPServer.Core, fd: Int32, id: Int) {
        self.core = core
        self.fd = fd
        self.id = id
    }

    /// Serves requests until the connection closes, then makes sure the descriptor is closed.
    func run() {
        defer {
            if !isClosed { close(fd) }
        }
        while !isClosed, let (head, body, trailers) = readRequest() {
            let request = core.record { sequenceNumber in
                LocalHTTPRequest(
                    method: head.method,
                    target: head.target,
                    version: head.version,
                    headers: head.headers,
                    body: body,
                    trailers: trailers,
                    connectionID: id,
                    sequenceNumber: sequenceNumber
                )
            }
            perform(core.handler(request), for: head)
        }
    }

    // MARK: - Reading

    /// Reads the next complete request; `nil` when the connection ended (EOF, error, stop, bad request).
    private func readRequest() -> (LocalHTTPRequestParser.Head, Data, [(name: String, value: String)])? {
        while true {
            let event: LocalHTTPRequestParser.Event
            do {
                event = try parser.next()
            } catch {
                let body = Data("\(error.reason)\n".utf8)
                let headers = [("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close")]
                if send(Self.serializeHead(status: error.status, headers: headers, bodyLength: body.count) + body) {
                    closeGracefully()
                } else {
                    closeNow()
                }
                return nil
            }
            switch event {
            case .needMoreData:
                guard receive() else { return nil }
            case .head(let head):
                if head.expectsContinue {
                    guard send(Data("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else {
                        closeNow()
                        return nil
                    }
                }
            case .request(let head, let body, let trailers):
                return (head, body, trailers)
            }
        }
    }

    /// Reads more bytes into the parser; `false` when the peer closed or reset, or the server stopped.
    private func receive() -> Bool {
        while true {
            guard LocalHTTPSocket.wait(for: fd, events: Int16(POLLIN), stopFD: core.stopPipe.read, until: nil) == .ready
            else {
                closeNow()
                return false
            }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                chunk.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                return true
            }
            if count < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) { continue }
            // EOF (a partial request is simply dropped) or ECONNRESET.
            closeNow()
            return false
        }
    }

    // MARK: - Acting

    private func perform(_ action: LocalHTTPAction, for head: LocalHTTPRequestParser.Head) {
        switch action {
        case .respond(let status, let headers, let body):
            respond(status: status, headers: headers, body: body, for: head)

        case .resetConnection:
            isClosed = true
            LocalHTTPSocket.closeWithReset(fd)

        case .closeWithoutResponse:
            closeGracefully()

        case .truncated(let status, let headers, let body, let sendBytes):
            var headers = headers
            if !Self.has("Content-Length", in: headers) {
                headers.append(("Content-Length", String(body.count)))
            }
            if !Self.has("Connection", in: headers) {
                headers.append(("Connection", "close"))
            }
            let sent = body.prefix(max(0, min(sendBytes, body.count)))
            let wire = Self.serializeHead(status: status, headers: headers, bodyLength: nil) + sent
            if send(wire) {
                closeGracefully()
            } else {
                closeNow()
            }

        case .stall(let seconds):
            if core.sleep(seconds: seconds) {
                closeGracefully()
            } else {
                closeNow()
            }

        case .delay(let seconds, let then):
            if core.sleep(seconds: seconds) {
                perform(then, for: head)
            } else {
                closeNow()
            }
        }
    }

    private func respond(status: Int, headers: [(String, String)], body: Data, for head: LocalHTTPRequestParser.Head) {
        var headers = headers
        let mayHaveBody = !(100..<200).contains(status) && status != 204 && status != 304
        let wantsClose =
            !head.isKeepAlive
            || headers.contains {
                $0.0.caseInsensitiveCompare("Connection") == .orderedSame
                    && $0.1.lowercased().split(separator: ",")
                        .contains { $0.trimmingCharacters(in: .whitespaces) == "close" }
            }
        if mayHaveBody && !Self.has("Content-Length", in: headers) && !Self.has("Transfer-Encoding", in: headers) {
            headers.append(("Content-Length", String(body.count)))
        }
        if !Self.has("Connection", in: headers) {
            if wantsClose {
                headers.append(("Connection", "close"))
            } else if head.version == "HTTP/1.0" {
                headers.append(("Connection", "keep-alive"))
            }
        }
        var wire = Self.serializeHead(status: status, headers: headers, bodyLength: nil)
        if mayHaveBody && head.method != "HEAD" {
            wire.append(body)
        }
        guard send(wire) else {
            closeNow()
            return
        }
        if wantsClose {
            closeGracefully()
        }
    }

    // MARK: - Writing and closing

    private func send(_ bytes: Data) -> Bool {
        LocalHTTPSocket.sendAll(fd, bytes, stopFD: core.stopPipe.read)
    }

    private func closeNow() {
        guard !isClosed else { return }
        isClosed = true
        close(fd)
    }

    private func closeGracefully() {
        guard !isClosed else { return }
        isClosed = true
        LocalHTTPSocket.closeGracefully(fd, stopFD: core.stopPipe.read)
    }

    private static func has(_ name: String, in headers: [(String, String)]) -> Bool {
        headers.contains { $0.0.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// The status line and header block; with `bodyLength`, a `Content-Length` header is appended too.
    private static func serializeHead(status: Int, headers: [(String, String)], bodyLength: Int?) -> Data {
        var text = "HTTP/1.1 \(status) \(reasonPhrase(for: status))\r\n"
        for (name, value) in headers {
            text += "\(name): \(value)\r\n"
        }
        if let bodyLength {
            text += "Content-Length: \(bodyLength)\r\n"
        }
        text += "\r\n"
        return Data(text.utf8)
    }

    private static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        case 599: "Script Exhausted"
        default: "Status \(status)"
        }
    }
}
