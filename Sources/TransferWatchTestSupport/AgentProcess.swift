import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `transferwatch agent` running as a process, for the agent's end-to-end and reliability tests: its standard
/// error goes to a file the test reads while it runs, so a test can wait for a log line, stop it (SIGTERM), crash
/// it (SIGKILL), and wait for the exit.
package final class AgentProcess: Sendable {
    package let name: String
    package let logFile: URL
    private let process: Process

    /// Starts `transferwatch arguments…` with `environment` (on top of a minimal PATH/HOME).
    package init(name: String, arguments: [String], environment: [String: String], directory: URL) throws {
        self.name = name
        logFile = directory.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = Process()
        process.executableURL = CLIProcess.binary
        process.arguments = arguments
        var base = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory(),
        ]
        base.merge(environment) { _, new in new }
        process.environment = base
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardError = handle
        process.standardOutput = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()
        self.process = process
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Everything logged so far.
    package var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// The log lines containing `text`.
    package func lines(containing text: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }

    package var isRunning: Bool { process.isRunning }

    /// Sends `signal` (SIGTERM, SIGINT).
    package func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits (real time, polling) until a line contains `text`; `false` after `timeout` or when the process ended.
    package func waitForLog(_ text: String, timeout: Duration = .seconds(120)) async -> Bool {
        await eventually(timeout: timeout) { self.log.contains(text) || !self.isRunning } && log.contains(text)
    }

    /// Waits for the process to end; its status, or `nil` (then it is killed) after `timeout`.
    package func waitForExit(timeout: Duration = .seconds(60)) async -> Int32? {
        guard await eventually(timeout: timeout, { !self.process.isRunning }) else {
            kill(process.processIdentifier, SIGKILL)
            return nil
        }
        return process.terminationStatus
    }

    /// `kill -9`: no shutdown, no flush, no lease release; returns once the process is gone.
    package func crash() async {
        send(SIGKILL)
        _ = await waitForExit(timeout: .seconds(30))
    }

    /// Stops it (SIGTERM, then SIGKILL after `timeout`).
    @discardableResult
    package func stop(timeout: Duration = .seconds(60)) async -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        send(SIGTERM)
        return await waitForExit(timeout: timeout)
    }
}

/// Polls `condition` every 100 ms of real time until it holds or `timeout` passes (processes and the emulator
/// run on the real clock; the timeouts are generous bounds, never expectations).
package func eventually(timeout: Duration = .seconds(120), _ condition: () async throws -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return (try? await condition()) == true
}
