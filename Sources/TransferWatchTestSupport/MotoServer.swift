import Foundation
import Logging
import TransferWatchLocking

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One moto (`moto[server]` 5.2.1) process serving every AWS service on a free 127.0.0.1 port.
///
/// Each integration suite starts its own server, so suites stay isolated and can run in parallel.
/// The server runs `Resources/moto_launcher.py`, which fixes moto's double gunzip of
/// `Content-Encoding: gzip` bodies and exits by itself when this process goes away, so a crashed
/// `swift test` leaves no moto behind.
///
/// ```swift
/// @Suite(.requiresMoto) struct CloudWatchIntegrationTests {
///     @Test func putsMetricData() async throws {
///         let moto = try await MotoServer.start(logger: Logger(label: "test"))
///         defer { moto.stop() }
///         // point the client at moto.endpoint ...
///     }
/// }
/// ```
///
/// Signatures: by default moto accepts any request (`INITIAL_NO_AUTH_ACTION_COUNT` unset, so infinite).
/// `start(verifySignatures: true)` starts it verifying SigV4 on every request; ``makeCredentials(userName:)``
/// creates an IAM access key that passes, and ``enforceAuthentication(afterUnauthenticatedRequests:)``
/// changes the policy at run time.
package final class MotoServer: Sendable {
    /// `http://127.0.0.1:<port>`: the endpoint for every service.
    package let endpoint: URL
    /// The launcher's process id (for tests that check it is gone after ``stop()``).
    package let processIdentifier: Int32
    /// How long ``start(verifySignatures:fixesGzipBodies:logger:)`` took, from launch to moto's first answer.
    package let startupDuration: Duration

    let session: URLSession
    let logger: Logger
    private let process: Process
    private let standardInput: Pipe
    private let logFile: URL
    private let isStopped = Locked(false)

    /// How long ``start(verifySignatures:fixesGzipBodies:logger:)`` waits for moto to answer.
    package static let startTimeout: Duration = .seconds(60)

    /// Limits how many moto processes start at the same moment (see ``start(verifySignatures:fixesGzipBodies:logger:)``).
    static let launchGate = LaunchGate(limit: 2)

    private init(
        endpoint: URL, process: Process, standardInput: Pipe, logFile: URL, session: URLSession,
        startupDuration: Duration, logger: Logger
    ) {
        self.endpoint = endpoint
        self.process = process
        self.processIdentifier = process.processIdentifier
        self.standardInput = standardInput
        self.logFile = logFile
        self.session = session
        self.startupDuration = startupDuration
        self.logger = logger
    }

    deinit {
        stop()
    }

    /// Starts moto on a free 127.0.0.1 port and waits until it answers `GET /moto-api/`.
    ///
    /// Python is `TRANSFERWATCH_PYTHON`, else `<repo>/.venv/bin/python3` (see ``RepositoryPaths/testPython(environment:)``).
    /// moto's request log goes to a temporary file, whose tail is quoted in errors and which ``stop()`` removes.
    ///
    /// - Parameters:
    ///   - verifySignatures: Start with `INITIAL_NO_AUTH_ACTION_COUNT=0`, so moto checks the SigV4 signature
    ///     (and IAM policy) of every request. Create keys with ``makeCredentials(userName:)``. When `false`,
    ///     moto accepts any request.
    ///   - fixesGzipBodies: Tests only: `false` runs moto without the launcher's gzip fix, to show the bug.
    ///   - logger: Receives startup and shutdown events.
    /// - Returns: A running server; call ``stop()`` when done (deinit stops it too).
    /// - Throws: ``MotoServerError`` when Python or moto is missing, the launcher exits, or moto is not
    ///   ready within ``startTimeout``.
    package static func start(
        verifySignatures: Bool = false,
        fixesGzipBodies: Bool = true,
        logger: Logger
    ) async throws -> MotoServer {
        // Dozens of suites start their own moto at once; on two cores, starting them all together makes each
        // take many seconds. At most two launch at a time; the others wait their turn before their clock starts.
        await launchGate.enter()
        defer { Task { await launchGate.leave() } }
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = started + startTimeout
        let python: URL
        switch availability {
        case .available(let found, _): python = found
        case .unavailable(let reason): throw MotoServerError.unavailable(reason: reason)
        }
        let launcher = try launcherScript()

        let logFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("transferwatch-moto-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }

        var environment = ProcessInfo.processInfo.environment
        environment["INITIAL_NO_AUTH_ACTION_COUNT"] = verifySignatures ? "0" : nil
        environment["PYTHONUNBUFFERED"] = "1"

        let process = Process()
        process.executableURL = python
        process.arguments =
            [launcher.path, "--host", "127.0.0.1", "--port", "0"]
            + (fixesGzipBodies ? [] : ["--no-gzip-fix"])
        process.environment = environment
        let standardInput = Pipe()  // never written: its EOF tells the launcher we are gone
        let standardOutput = Pipe()
        process.standardInput = standardInput
        process.standardOutput = standardOutput
        process.standardError = log
        try process.run()

        // Whatever goes wrong from here on (including cancellation), the process must not outlive this call.
        do {
            let (endpoint, session) = try await waitUntilReady(
                process, output: standardOutput.fileHandleForReading, logFile: logFile, deadline: deadline)
            let duration = clock.now - started
            logger.info(
                "moto started",
                metadata: [
                    "moto.endpoint": "\(endpoint.absoluteString)",
                    "moto.pid": "\(process.processIdentifier)",
                    "moto.startup_ms": "\(duration / .milliseconds(1))",
                    "moto.verify_signatures": "\(verifySignatures)",
                ]
            )
            return MotoServer(
                endpoint: endpoint, process: process, standardInput: standardInput, logFile: logFile,
                session: session, startupDuration: duration, logger: logger
            )
        } catch {
            terminate(process)
            try? FileManager.default.removeItem(at: logFile)
            throw error
        }
    }

    /// Waits for `MOTO_READY port=<port>` on the launcher's stdout, then for `GET /moto-api/` to answer 200.
    ///
    /// - Returns: The endpoint and a session for moto's own API.
    /// - Throws: ``MotoServerError/exitedBeforeReady(status:stderr:)`` or ``MotoServerError/startTimedOut(seconds:stderr:)``.
    private static func waitUntilReady(
        _ process: Process, output: FileHandle, logFile: URL, deadline: ContinuousClock.Instant
    ) async throws -> (URL, URLSession) {
        let clock = ContinuousClock()
        func failure() -> MotoServerError {
            let stderr = tail(of: logFile)
            if process.isRunning || clock.now >= deadline {
                return .startTimedOut(seconds: Int(startTimeout / .seconds(1)), stderr: stderr)
            }
            return .exitedBeforeReady(status: process.terminationStatus, stderr: stderr)
        }

        // The watchdog ends the launcher at the deadline, which ends the blocking read below with EOF.
        let watchdog = Task {
            try await Task.sleep(until: deadline, clock: clock)
            process.terminate()
        }
        defer { watchdog.cancel() }

        guard let port = try await readReadyPort(from: output),
            let endpoint = URL(string: "http://127.0.0.1:\(port)")
        else {
            process.waitUntilExit()
            throw failure()
        }
        try? output.close()

        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        let session = URLSession(configuration: configuration)
        // The socket listens before MOTO_READY is printed; this waits for moto's own app to answer.
        while clock.now < deadline, process.isRunning {
            var request = URLRequest(url: endpoint.appendingPathComponent("moto-api/"))
            request.timeoutInterval = 5
            if let (_, response) = try? await session.motoData(for: request), response.statusCode == 200 {
                return (endpoint, session)
            }
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                session.invalidateAndCancel()
                throw error
            }
        }
        session.invalidateAndCancel()
        throw failure()
    }

    /// Clears every service's state (`POST /moto-api/reset`): buckets, tables, queues, users, metrics.
    ///
    /// The signature policy set by ``enforceAuthentication(afterUnauthenticatedRequests:)`` is kept.
    ///
    /// - Throws: ``MotoServerError/motoAPIFailed(path:status:body:)`` or a transport error.
    package func reset() async throws {
        try await callMotoAPI("moto-api/reset", body: Data())
    }

    /// Stops moto and waits until the process has exited; later calls do nothing.
    ///
    /// Closes the launcher's stdin and sends SIGTERM; if the process is still there after 5 s, SIGKILL.
    package func stop() {
        let isFirstCall = isStopped.withLock { isStopped in
            defer { isStopped = true }
            return !isStopped
        }
        guard isFirstCall else { return }
        try? standardInput.fileHandleForWriting.close()
        Self.terminate(process)
        session.invalidateAndCancel()
        try? FileManager.default.removeItem(at: logFile)
        logger.debug("moto stopped", metadata: ["moto.endpoint": "\(endpoint.absoluteString)"])
    }

    /// POSTs `body` to one of moto's own endpoints and checks for 200.
    @discardableResult
    func callMotoAPI(_ path: String, body: Data) async throws -> Data {
        var request = URLRequest(url: endpoint.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.httpBody = body
        // Not a form type: a form body would be parsed away and reach moto's handler empty.
        request.setValue("text/plain", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await session.motoData(for: request)
        guard response.statusCode == 200 else {
            throw MotoServerError.motoAPIFailed(
                path: "/" + path, status: response.statusCode, body: String(decoding: data, as: UTF8.self))
        }
        return data
    }

    /// The launcher script in this module's resource bundle.
    package static func launcherScript() throws -> URL {
        guard let url = Bundle.module.url(forResource: "moto_launcher", withExtension: "py", subdirectory: "Resources")
        else { throw MotoServerError.missingResource("Resources/moto_launcher.py") }
        return url
    }

    /// Reads the launcher's stdout until `MOTO_READY port=<port>`; `nil` at EOF (the launcher exited).
    private static func readReadyPort(from handle: FileHandle) async throws -> Int? {
        try await withCheckedThrowingContinuation { continuation in
            // Blocking reads belong on a thread of their own, not on the cooperative pool.
            Thread.detachNewThread {
                var buffer = Data()
                do {
                    while let chunk = try handle.readAvailableBytes() {
                        buffer.append(chunk)
                        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                            let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                            buffer.removeSubrange(buffer.startIndex...newline)
                            let prefix = "MOTO_READY port="
                            if line.hasPrefix(prefix), let port = Int(line.dropFirst(prefix.count)) {
                                continuation.resume(returning: port)
                                return
                            }
                        }
                    }
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// SIGTERM, up to 5 s of grace, then SIGKILL; returns once the process has been reaped.
    private static func terminate(_ process: Process) {
        if process.isRunning {
            process.terminate()
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(5)
            while process.isRunning, clock.now < deadline {
                usleep(10_000)
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
            }
        }
        process.waitUntilExit()
    }

    /// The last `limit` bytes of the launcher's log, for error messages.
    private static func tail(of file: URL, limit: Int = 4000) -> String {
        guard let data = FileManager.default.contents(atPath: file.path) else { return "(no log)" }
        return String(decoding: data.suffix(limit), as: UTF8.self)
    }
}

extension URLSession {
    /// `data(for:)` on every Foundation: the async method is missing from some corelibs releases.
    func motoData(for request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        try await withCheckedThrowingContinuation { continuation in
            let task = dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else if let response = response as? HTTPURLResponse {
                    continuation.resume(returning: (data ?? Data(), response))
                } else {
                    continuation.resume(throwing: URLError(.badServerResponse))
                }
            }
            task.resume()
        }
    }
}

extension FileHandle {
    /// Blocks until the pipe has data, then returns what it has (up to `limit` bytes); `nil` at EOF.
    ///
    /// Unlike `read(upToCount:)`, which corelibs Foundation keeps reading until it has `upToCount` bytes
    /// or EOF, this returns as soon as a line may be complete; and unlike `availableData` it throws
    /// rather than trapping on a read error.
    func readAvailableBytes(limit: Int = 1 << 16) throws -> Data? {
        var buffer = [UInt8](repeating: 0, count: limit)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(fileDescriptor, $0.baseAddress, limit) }
            if count > 0 { return Data(buffer[0..<count]) }
            if count == 0 { return nil }
            if errno != EINTR { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
    }
}

/// `read(2)`, which `FileHandle`'s own `read` methods hide inside its extensions.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(descriptor, buffer, count)
    #else
    return Darwin.read(descriptor, buffer, count)
    #endif
}

/// A counting semaphore for async code: `enter()` waits while `limit` holders are inside.
actor LaunchGate {
    private let limit: Int
    private var inside = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func enter() async {
        if inside < limit {
            inside += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            inside -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
