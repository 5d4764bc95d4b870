import Foundation
import TransferWatchTestSupport

/// Runs a helper program (Python's exposition parser, headless Chromium) for the HTTP tests.
enum HTTPTestProcess {
    struct Result: Sendable {
        var status: Int32
        var standardOutput: Data
        var standardError: String
    }

    /// Runs `executable arguments…` with `input` on stdin, on its own thread, and waits for it to exit.
    ///
    /// The process is killed after `timeoutSeconds` (a generous bound against a hung helper, not a speed
    /// assertion).
    static func run(
        _ executable: URL, _ arguments: [String], input: Data = Data(), timeoutSeconds: Double = 120
    ) async throws -> Result {
        try await onDedicatedThread {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            let stdin = Pipe()
            let stdout = Pipe()
            let stderr = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeoutSeconds, execute: killer)
            // Read both pipes while the process runs, so a full pipe can never block it.
            let group = DispatchGroup()
            nonisolated(unsafe) var output = Data()
            nonisolated(unsafe) var errors = Data()
            group.enter()
            DispatchQueue.global().async {
                output = stdout.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
            group.enter()
            DispatchQueue.global().async {
                errors = stderr.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
            process.waitUntilExit()
            group.wait()
            killer.cancel()
            return Result(
                status: process.terminationStatus, standardOutput: output,
                standardError: String(decoding: errors, as: UTF8.self))
        }
    }
}
