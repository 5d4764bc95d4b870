import Foundation
import Testing
import TransferWatchTestSupport

/// `make demo`'s driver (`scripts/demo.py`) run as a process, as `make demo` runs it: a fast month (three
/// employees, a faster clock) must end with the summary and exit 0; a broken step must exit 1 naming it, and leave
/// no child process behind.
@Suite(.requiresMoto, .serialized) struct DemoEndToEndTests {
    /// The demo with three employees at one business hour per real second.
    @Test func fastMonthEndsWithTheSummary() throws {
        let result = try Self.runDemo(["--employees", "3", "--clock-rate", "3600", "--settle", "2"], timeout: 170)
        let output = result.standardOutput
        #expect(result.status == 0, "exit \(result.status)\n\(output)\n\(result.standardError)")
        #expect(output.contains(/TransferWatch demo: window \d{4}-\d{2}, 3 employees, clock x3600/), "\(output)")
        // The late employee is the last one: with three, alice and bob deliver, dave is late.
        #expect(output.contains(" late           dave"), "\(output)")
        #expect(output.contains("firing    stalled-counter (warning): missing dave"), "\(output)")
        #expect(output.contains(/failed copy    dave\/invoice-\d{4}-\d{2}\.pdf: 1 failed attempt/), "\(output)")
        #expect(output.contains(/dave +delivered [0-9T:-]+Z   <- late/), "\(output)")
        #expect(output.contains("3/3 delivered"), "\(output)")
        #expect(output.contains("reason counter"), "\(output)")
        #expect(output.contains("servers left: 0"), "\(output)")
        #expect(output.contains("not supported by the emulator"), "\(output)")
        #expect(output.contains("CopyFailed 1, CopySucceeded 3"), "\(output)")
        #expect(output.contains("TeardownCompleted 1, UsersProvisioned 3"), "\(output)")
        #expect(output.contains(" status page    http://127.0.0.1:"), "\(output)")
    }

    /// A step that fails (here bootstrap, with a `transferwatch` that always fails) stops the demo with exit 1, the
    /// step's name on stderr, and every child it had started (moto, the fault proxy) stopped.
    @Test func failedStepIsNamedAndChildrenAreStopped() throws {
        let result = try Self.runDemo(["--binary", "/bin/false"], timeout: 90)
        #expect(result.status == 1, "\(result.standardError)")
        #expect(
            result.standardError.contains("demo failed at step 'bootstrap the resources and seed the employees'"),
            "\(result.standardError)")
        let pids = result.standardError.matches(of: /stopped [a-z ]+ \(pid (\d+)\)/).compactMap { Int32($0.1) }
        #expect(pids.count == 2, "\(result.standardError)")
        for pid in pids {
            #expect(kill(pid, 0) == -1 && errno == ESRCH, "pid \(pid) still runs")
        }
    }

    /// Ctrl-C (SIGINT) in the middle of the month: exit 130 naming the step, the agent, the proxy and moto stopped.
    @Test func interruptStopsEveryChild() throws {
        let result = try Self.runDemo([], timeout: 120, interruptWhenOutputContains: "==> wait for provisioning")
        #expect(result.status == 130, "\(result.standardOutput)\n\(result.standardError)")
        #expect(result.standardError.contains("demo interrupted at step"), "\(result.standardError)")
        let pids = result.standardError.matches(of: /stopped [a-z ]+ \(pid (\d+)\)/).compactMap { Int32($0.1) }
        #expect(pids.count == 3, "\(result.standardError)")
        for pid in pids {
            #expect(kill(pid, 0) == -1 && errno == ESRCH, "pid \(pid) still runs")
        }
    }

    /// Bad options are refused before anything starts.
    @Test func badOptionsExitTwo() throws {
        let result = try Self.runDemo(["--employees", "1"], timeout: 30)
        #expect(result.status == 2)
        #expect(result.standardError.contains("--employees must be 2-7"), "\(result.standardError)")
        let missing = try Self.runDemo(["--binary", "/nonexistent/transferwatch"], timeout: 30)
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("/nonexistent/transferwatch: not an executable"))
    }

    // MARK: - Helpers

    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs `python scripts/demo.py --binary <transferwatch> arguments…` and waits at most `timeout` seconds;
    /// sends SIGINT once standard output contains `interruptWhenOutputContains`.
    static func runDemo(
        _ arguments: [String], timeout: Double, interruptWhenOutputContains marker: String? = nil
    )
        throws -> Result
    {
        let root = try #require(RepositoryPaths.root())
        let python = try #require(RepositoryPaths.testPython())
        let process = Process()
        process.executableURL = python
        process.arguments =
            [root.appendingPathComponent("scripts/demo.py").path, "--binary", CLIProcess.binary.path]
            + arguments
        process.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory(),
        ]
        let stdout = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString).out")
        let stderr = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: stdout)
            try? FileManager.default.removeItem(at: stderr)
        }
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var interrupted = false
        while process.isRunning, Date() < deadline {
            if let marker, !interrupted, let data = FileManager.default.contents(atPath: stdout.path),
                String(decoding: data, as: UTF8.self).contains(marker)
            {
                interrupted = kill(process.processIdentifier, SIGINT) == 0
            }
            usleep(100_000)
        }
        if process.isRunning {
            process.interrupt()  // the demo's own cleanup stops its children
            let grace = Date().addingTimeInterval(30)
            while process.isRunning, Date() < grace { usleep(100_000) }
            if process.isRunning { process.terminate() }
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            standardOutput: (try? String(contentsOf: stdout, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOf: stderr, encoding: .utf8)) ?? "")
    }
}
