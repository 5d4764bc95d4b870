import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `transferwatch` executable as a process, the way a user does.
package enum CLIProcess {
    /// What a run produced.
    package struct Result: Sendable {
        package var status: Int32
        package var standardOutput: String
        package var standardError: String

        /// Standard error's lines, without the empty last one.
        package var errorLines: [String] { standardError.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    /// The `transferwatch` binary beside the test bundle (same build folder), else `<repo>/.build/debug/transferwatch`.
    package static var binary: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("transferwatch")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return (RepositoryPaths.root() ?? URL(fileURLWithPath: ".")).appendingPathComponent(".build/debug/transferwatch")
    }

    /// Runs `transferwatch arguments…` with `environment` (added to a minimal PATH/HOME environment, never the
    /// test process's own AWS variables), feeding `input` on stdin, and waits at most `timeout`.
    ///
    /// The waiting happens on a thread of its own (``onDedicatedThread(_:)``), never on the cooperative pool.
    package static func run(_ arguments: [String], environment: [String: String] = [:], input: Data? = nil,
                            currentDirectory: URL? = nil, timeout: Duration = .seconds(60)) async throws -> Result {
        try await onDedicatedThread {
            try runBlocking(arguments, environment: environment, input: input, currentDirectory: currentDirectory,
                            timeout: timeout)
        }
    }

    private static func runBlocking(_ arguments: [String], environment: [String: String], input: Data?,
                                    currentDirectory: URL?, timeout: Duration) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        base.merge(environment) { _, new in new }
        process.environment = base
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try? stdin.fileHandleForWriting.close()
        // Read both pipes on their own threads so a chatty process cannot fill one and stall.
        let outBox = DataBox(), errBox = DataBox()
        let group = DispatchGroup()
        for (pipe, box) in [(stdout, outBox), (stderr, errBox)] {
            group.enter()
            DispatchQueue.global().async {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        let seconds = Double(timeout.components.seconds)
        if group.wait(timeout: .now() + seconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            group.wait()
        }
        let status = waitForExit(process)
        return Result(status: status, standardOutput: String(decoding: outBox.data, as: UTF8.self),
                      standardError: String(decoding: errBox.data, as: UTF8.self))
    }

    /// The child's exit status once it has ended. Foundation's `Process` can miss a child's exit (a CI run hung
    /// here: `isRunning` stayed true for a zombie, whose pipes had closed), so the child is also reaped here with
    /// `waitpid(WNOHANG)`; whichever notices first gives the status (a signal gives its number, as `Process` does).
    private static func waitForExit(_ process: Process) -> Int32 {
        let pid = process.processIdentifier
        var status: Int32 = 0
        while process.isRunning {
            if waitpid(pid, &status, WNOHANG) == pid {
                let signal = status & 0x7F
                return signal == 0 ? (status >> 8) & 0xFF : signal
            }
            usleep(1000)
        }
        return process.terminationStatus
    }
}

private final class DataBox: @unchecked Sendable {
    // @unchecked: written by one reader thread, read after the group's wait.
    var data = Data()
}
