import CTransferWatch
import Foundation
import TransferWatchLocking

/// The production ``HTTPTransport``: libcurl's multi interface, driven by one dedicated thread.
///
/// Easy handles are reset and reused across requests; connections live in the multi handle's cache and are
/// reused too. Timeouts are per request (`CURLOPT_TIMEOUT_MS`), TLS verification is always on for https, paths
/// are sent exactly as given (`CURLOPT_PATH_AS_IS`: S3 keys may contain `..`), and the body is never decoded.
///
/// ```swift
/// let transport = try CurlTransport(configuration: .init(connectTimeout: .seconds(5)))
/// let response = try await transport.send(request, timeout: .seconds(30))
/// ```
package final class CurlTransport: HTTPTransport, Sendable {
    /// Connection-level settings.
    package struct Configuration: Sendable {
        /// How long to wait for a TCP (and TLS) connection.
        package var connectTimeout: Duration
        /// At most this many open connections to one host (more requests wait for a free one).
        package var maxConnectionsPerHost: Int
        /// A PEM CA bundle to verify servers with, instead of the system's.
        package var caBundle: String?
        package var userAgent: String

        package init(connectTimeout: Duration = .seconds(5), maxConnectionsPerHost: Int = 32, caBundle: String? = nil,
                     userAgent: String = "transferwatch/0.1") {
            self.connectTimeout = connectTimeout
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.caBundle = caBundle
            self.userAgent = userAgent
        }
    }

    /// Counters for tests and benchmarks.
    package struct Statistics: Sendable, Equatable {
        /// Requests handed to libcurl.
        package var requests: Int
        /// New TCP connections libcurl had to open (the rest reused one).
        package var connectionsOpened: Int
    }

    private let engine: CurlLoop

    /// Creates the multi handle and starts the loop thread.
    package init(configuration: Configuration = Configuration()) throws {
        engine = try CurlLoop(configuration: configuration)
    }

    deinit {
        engine.shutdown()
    }

    /// Stops the loop thread; requests still in flight fail with a transport error.
    package func shutdown() { engine.shutdown() }

    /// The counters so far.
    package var statistics: Statistics { engine.statistics }

    package func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        try await engine.send(request, timeout: timeout)
    }
}

/// The libcurl engine: the multi handle and the thread that drives it. The thread holds the engine (not the
/// transport), so the transport can be released while the thread shuts down cleanly.
private final class CurlLoop: @unchecked Sendable {
    // @unchecked: the curl handles are touched only on the loop thread; everything shared with callers goes
    // through the `state` mutex.
    typealias Configuration = CurlTransport.Configuration
    typealias Statistics = CurlTransport.Statistics

    private struct State {
        var pending: [Exchange] = []
        var cancelled: [ObjectIdentifier] = []
        var running = true
        var statistics = Statistics(requests: 0, connectionsOpened: 0)
    }

    private let configuration: Configuration
    private let multi: UnsafeMutableRawPointer
    private let state = Locked(State())
    private let thread: Thread
    private let finished = DispatchSemaphore(value: 0)

    init(configuration: Configuration) throws {
        self.configuration = configuration
        guard curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK, let multi = curl_multi_init() else {
            throw TransportError(.other, "libcurl could not be initialised")
        }
        self.multi = multi
        _ = tw_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        _ = tw_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maxConnectionsPerHost * 4)
        let box = LoopBox()
        // The thread holds the engine until its loop ends, then lets go (no cycle outlives shutdown).
        thread = Thread {
            box.run?()
            box.run = nil
        }
        thread.name = "transferwatch-curl"
        box.run = { self.loop() }
        thread.start()
    }

    func shutdown() {
        let wasRunning = state.withLock { state -> Bool in
            let was = state.running
            state.running = false
            return was
        }
        guard wasRunning else { return }
        curl_multi_wakeup(multi)
        finished.wait()
    }

    var statistics: Statistics { state.withLock { $0.statistics } }

    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        let exchange = Exchange(request: request, timeout: timeout)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                exchange.continuation = continuation
                let accepted = state.withLock { state -> Bool in
                    guard state.running else { return false }
                    state.pending.append(exchange)
                    return true
                }
                if accepted {
                    curl_multi_wakeup(multi)
                } else {
                    exchange.complete(.failure(TransportError(.other, "transport is shut down")))
                }
            }
        } onCancel: {
            state.withLock { $0.cancelled.append(ObjectIdentifier(exchange)) }
            curl_multi_wakeup(multi)
        }
    }

    // MARK: - Loop thread

    /// Easy handles of finished requests, reset and kept for the next ones (loop thread only): a request
    /// costs no handle allocation and set-up once the pool is warm.
    private var idleHandles: [UnsafeMutableRawPointer] = []
    /// At most this many idle handles are kept.
    private static let maxIdleHandles = 32

    private func loop() {
        var active: [ObjectIdentifier: Exchange] = [:]
        while true {
            let (newExchanges, cancellations, running) = state.withLock { state in
                defer { state.pending.removeAll(); state.cancelled.removeAll() }
                return (state.pending, state.cancelled, state.running)
            }
            if !running { break }
            for exchange in newExchanges {
                if exchange.isCancelled { continue }
                do {
                    try start(exchange)
                    active[ObjectIdentifier(exchange)] = exchange
                } catch {
                    exchange.complete(.failure(error))
                }
            }
            for id in cancellations {
                if let exchange = active.removeValue(forKey: id) {
                    finish(exchange, with: .failure(CancellationError()))
                } else {
                    newExchanges.first { ObjectIdentifier($0) == id }?.markCancelled()
                }
            }
            var stillRunning: Int32 = 0
            curl_multi_perform(multi, &stillRunning)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                var raw: UnsafeMutableRawPointer?
                tw_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &raw)
                guard let raw else { continue }
                let exchange = Unmanaged<Exchange>.fromOpaque(raw).takeUnretainedValue()
                active.removeValue(forKey: ObjectIdentifier(exchange))
                finish(exchange, with: result(of: exchange, code: tw_message_result(message)))
            }
            // Sleep until a socket is ready, libcurl's next timer is due, or a caller wakes us (a new request,
            // a cancellation, shutdown); at most a second. A pending long poll costs no wake-ups.
            var timeout = -1
            curl_multi_timeout(multi, &timeout)
            curl_multi_poll(multi, nil, 0, Int32(timeout < 0 ? 1000 : min(timeout, 1000)), nil)
        }
        for exchange in active.values {
            finish(exchange, with: .failure(TransportError(.other, "transport shut down during the request")))
        }
        for exchange in state.withLock({ $0.pending }) {
            exchange.complete(.failure(TransportError(.other, "transport is shut down")))
        }
        for easy in idleHandles { curl_easy_cleanup(easy) }
        idleHandles.removeAll()
        curl_multi_cleanup(multi)
        finished.signal()
    }

    private func start(_ exchange: Exchange) throws {
        guard let easy = idleHandles.popLast() ?? curl_easy_init() else {
            throw TransportError(.other, "curl_easy_init failed")
        }
        exchange.easy = easy
        let request = exchange.request
        let retained = Unmanaged.passRetained(exchange).toOpaque()
        exchange.retainedPointer = retained
        tw_easy_setopt_pointer(easy, CURLOPT_PRIVATE, retained)
        tw_easy_setopt_string(easy, CURLOPT_URL, request.url)
        tw_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        tw_easy_setopt_long(easy, CURLOPT_PATH_AS_IS, 1)
        tw_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        tw_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        // Handles are reused: set both ways. A new connection is never "reused", so never silently resent.
        tw_easy_setopt_long(easy, CURLOPT_FRESH_CONNECT, request.sendsOnce ? 1 : 0)
        tw_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        tw_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        if let caBundle = configuration.caBundle { tw_easy_setopt_string(easy, CURLOPT_CAINFO, caBundle) }
        tw_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
        tw_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(exchange.timeout))
        tw_easy_setopt_string(easy, CURLOPT_USERAGENT, configuration.userAgent)
        tw_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, exchange.errorBuffer)

        let method = request.method.uppercased()
        switch method {
        case "HEAD":
            tw_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        case "GET" where request.body.isEmpty:
            tw_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
        default:
            if !request.body.isEmpty || method == "POST" || method == "PUT" {
                tw_easy_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
                request.body.withUnsafeBytes { raw in
                    // COPYPOSTFIELDS copies the bytes, so the Data need not outlive this call.
                    _ = tw_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(exchange.errorBuffer)))
                }
            }
            tw_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method)
        }

        var list: UnsafeMutablePointer<curl_slist>?
        for field in request.headers {
            let line = field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
            list = curl_slist_append(list, line)
        }
        // No 100-continue round trip, and no headers we did not ask for.
        if !request.headers.contains("Expect") { list = curl_slist_append(list, "Expect:") }
        if !request.headers.contains("Content-Type") { list = curl_slist_append(list, "Content-Type:") }
        if !request.headers.contains("Accept") { list = curl_slist_append(list, "Accept:") }
        exchange.headerList = list
        tw_easy_setopt_pointer(easy, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list))

        tw_easy_setopt_callback(easy, CURLOPT_WRITEFUNCTION, curlWriteCallback)
        tw_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, retained)
        tw_easy_setopt_callback(easy, CURLOPT_HEADERFUNCTION, curlHeaderCallback)
        tw_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, retained)

        let code = curl_multi_add_handle(multi, easy)
        guard code == CURLM_OK else {
            cleanup(exchange)
            throw TransportError(.other, "curl_multi_add_handle failed (\(code.rawValue))")
        }
        state.withLock { $0.statistics.requests += 1 }
    }

    private func result(of exchange: Exchange, code: CURLcode) -> Result<HTTPResponse, any Error> {
        guard let easy = exchange.easy else { return .failure(TransportError(.other, "no handle")) }
        var connects = 0
        tw_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
        if connects > 0 { state.withLock { $0.statistics.connectionsOpened += connects } }
        guard code == CURLE_OK else {
            let detail = String(cString: exchange.errorBuffer.assumingMemoryBound(to: CChar.self))
            let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            let message = "\(exchange.request.method) \(exchange.request.redactedURL): \(text)"
            return .failure(TransportError(Self.kind(of: code), message))
        }
        var status = 0
        tw_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: HTTPHeaders(exchange.responseHeaders), body: exchange.responseBody))
    }

    private func finish(_ exchange: Exchange, with result: Result<HTTPResponse, any Error>) {
        if let easy = exchange.easy { curl_multi_remove_handle(multi, easy) }
        cleanup(exchange)
        exchange.complete(result)
    }

    private func cleanup(_ exchange: Exchange) {
        if let easy = exchange.easy {
            if idleHandles.count < Self.maxIdleHandles {
                // Every option is set afresh for the next request; connections stay in the multi handle's cache.
                curl_easy_reset(easy)
                idleHandles.append(easy)
            } else {
                curl_easy_cleanup(easy)
            }
        }
        exchange.easy = nil
        if let list = exchange.headerList { curl_slist_free_all(list) }
        exchange.headerList = nil
        if let retained = exchange.retainedPointer { Unmanaged<Exchange>.fromOpaque(retained).release() }
        exchange.retainedPointer = nil
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    private static func kind(of code: CURLcode) -> TransportError.Kind {
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .connectFailed
        case CURLE_OPERATION_TIMEDOUT: .timedOut
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR: .connectionReset
        case CURLE_PARTIAL_FILE: .truncated
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            .tlsFailure
        default: .other
        }
    }
}

/// Hands the loop closure to the thread, which is created before the engine's `self` is complete.
private final class LoopBox: @unchecked Sendable {
    // @unchecked: written once before the thread starts, read once by it.
    var run: (() -> Void)?
}

/// One request in flight: its continuation, the response as it arrives, and the C resources it owns.
private final class Exchange: @unchecked Sendable {
    // @unchecked: fields are written by the loop thread only, except `continuation` (set before submission,
    // under the transport's mutex) and `cancelled` (its own mutex).
    let request: HTTPRequest
    let timeout: Duration
    var continuation: CheckedContinuation<HTTPResponse, any Error>?
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var retainedPointer: UnsafeMutableRawPointer?
    var responseHeaders: [(String, String)] = []
    var responseBody = Data()
    let errorBuffer: UnsafeMutableRawPointer
    private let cancelled = Locked(false)
    private let completed = Locked(false)

    init(request: HTTPRequest, timeout: Duration) {
        self.request = request
        self.timeout = timeout
        errorBuffer = UnsafeMutableRawPointer.allocate(byteCount: Int(CURL_ERROR_SIZE) + 1, alignment: 1)
        errorBuffer.initializeMemory(as: UInt8.self, repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit { errorBuffer.deallocate() }

    var isCancelled: Bool {
        if cancelled.withLock({ $0 }) {
            complete(.failure(CancellationError()))
            return true
        }
        return false
    }

    func markCancelled() { cancelled.withLock { $0 = true } }

    func complete(_ result: Result<HTTPResponse, any Error>) {
        let first = completed.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first, let continuation else { return }
        self.continuation = nil
        continuation.resume(with: result)
    }
}

private let curlWriteCallback: tw_curl_data_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let exchange = Unmanaged<Exchange>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    exchange.responseBody.append(UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: length)
    return length
}

private let curlHeaderCallback: tw_curl_data_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let exchange = Unmanaged<Exchange>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    let line = UnsafeRawBufferPointer(start: pointer, count: length).bindMemory(to: UInt8.self)
    if let field = HeaderLine.field(line) {
        exchange.responseHeaders.append(field)
    } else if HeaderLine.isStatusLine(line) {
        // A new response begins (after a 1xx): forget any earlier headers.
        exchange.responseHeaders.removeAll()
    }
    return length
}

/// Reads one raw response header line as libcurl hands it over (with its CRLF), on bytes: no Foundation.
enum HeaderLine {
    /// Whether the line starts a response (`HTTP/1.1 200 OK`).
    static func isStatusLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.count >= 5 && line[0] == 0x48 && line[1] == 0x54 && line[2] == 0x54 && line[3] == 0x50 && line[4] == 0x2F
    }

    /// `name: value` with the value trimmed of spaces, tabs, CR and LF on both sides; `nil` for a status line,
    /// the blank line that ends the headers, or a line without a colon.
    static func field(_ line: UnsafeBufferPointer<UInt8>) -> (String, String)? {
        guard !isStatusLine(line), let colon = line.firstIndex(of: 0x3A) else { return nil }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var start = colon + 1
        var end = line.count
        while start < end, isSpace(line[start]) { start += 1 }
        while end > start, isSpace(line[end - 1]) { end -= 1 }
        let name = String(decoding: UnsafeBufferPointer(rebasing: line[..<colon]), as: UTF8.self)
        let value = String(decoding: UnsafeBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
        return (name, value)
    }
}
