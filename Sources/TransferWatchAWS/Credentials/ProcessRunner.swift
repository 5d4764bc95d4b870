import Dispatch
import Foundation

/// What a finished command produced.
package struct ProcessOutput: Sendable, Equatable {
    /// The exit status (or the signal number when it was killed by one).
    package var status: Int32
    /// Everything written to standard output.
    package var standardOutput: Data
    /// Everything written to standard error.
    package var standardError: Data

    /// An output.
    package init(status: Int32, standardOutput: Data, standardError: Data) {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
    }
}

/// A command that could not be started.
package struct ProcessLaunchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why it could not start.
    package var message: String
    /// A failure with `message`.
    package init(_ message: String) { self.message = message }
    /// The message.
    package var description: String { message }
}

/// Runs a command to completion: the seam under `credential_process`.
package protocol ProcessRunner: Sendable {
    /// Runs `arguments[0]` with the rest as its arguments (no shell), in `environment`, and collects its output.
    /// - Throws: ``ProcessLaunchError`` when it cannot be started.
    func run(_ arguments: [String], environment: [String: String]) async throws(ProcessLaunchError) -> ProcessOutput
}

/// Runs commands with Foundation's `Process`, finding a bare command name on the environment's `PATH`.
package struct LocalProcessRunner: ProcessRunner {
    /// The real runner.
    package init() {}

    /// Runs the command on a Dispatch thread and waits for it to exit.
    package func run(
        _ arguments: [String], environment: [String: String]
    ) async throws(ProcessLaunchError) -> ProcessOutput {
        guard let command = arguments.first, !command.isEmpty else { throw ProcessLaunchError("empty command") }
        guard let executable = Self.locate(command, path: environment["PATH"]) else {
            throw ProcessLaunchError("command not found: \(command)")
        }
        let result: Result<ProcessOutput, ProcessLaunchError> = await withCheckedContinuation { continuation in
            // `Process` blocks while it waits, so it runs on a Dispatch thread, not the cooperative pool.
            DispatchQueue.global().async {
                continuation.resume(
                    returning: Self.runBlocking(
                        executable: executable, arguments: Array(arguments.dropFirst()),
                        environment: environment))
            }
        }
        return try result.get()
    }

    private static func runBlocking(
        executable: String, arguments: [String], environment: [String: String]
    ) -> Result<ProcessOutput, ProcessLaunchError> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return .failure(ProcessLaunchError("cannot run \(executable): \(error.localizedDescription)"))
        }
        // Both pipes are drained at once so a chatty stderr cannot block the child while we wait on stdout.
        let errorReader = errors.fileHandleForReading
        let collected = CollectedData()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            collected.set(errorReader.readDataToEndOfFile())
            group.leave()
        }
        let standardOutput = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return .success(
            ProcessOutput(
                status: process.terminationStatus, standardOutput: standardOutput, standardError: collected.value))
    }

    /// `command` itself when it contains a `/`, else the first executable file of that name on `path`.
    static func locate(_ command: String, path: String?) -> String? {
        if command.contains("/") { return command }
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(
            separator: ":", omittingEmptySubsequences: false)
        for directory in directories {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + command
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Data handed from the stderr reader thread to the waiting one.
private final class CollectedData: @unchecked Sendable {
    // @unchecked: `data` is only touched under `lock`, and read after the writer's `group.leave()`.
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    var value: Data { lock.withLock { data } }
}
