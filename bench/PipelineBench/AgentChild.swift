import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `transferwatch agent` as a child process, its output in a log file, measured through ``ProcessProbe``.
final class AgentChild: @unchecked Sendable {
    /// The running process.
    let process: Process
    /// Its CPU time and memory.
    let probe: ProcessProbe
    /// Where its standard output and error go.
    let log: URL

    /// Starts `binary --config config <global arguments> agent --no-lease` with `environment`.
    init(binary: URL, config: URL, environment: [String: String], log: URL) throws {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--config", config.path, "agent", "--no-lease"]
        process.environment = environment
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        self.process = process
        self.probe = ProcessProbe(pid: process.processIdentifier)
        self.log = log
    }

    /// Whether it still runs.
    var isRunning: Bool { process.isRunning }

    /// The last `lines` lines of its log.
    func logTail(_ lines: Int = 20) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// SIGTERM, then waits for it to exit; its exit status.
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
