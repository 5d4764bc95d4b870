import Foundation
import Testing
import TransferWatchAWS
import TransferWatchLocking
import TransferWatchTestSupport
@testable import TransferWatchTelemetry

#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` of a process that appends to and drains a spool, at random points, several times over the same
/// folder: after each kill the spool opens cleanly, every record is intact, every acknowledged append that
/// was not acknowledged as delivered is there exactly once and in order, and at most the in-flight record is
/// extra.
@Suite struct SpoolCrashTests {
    /// The `SpoolProbe` executable beside the test bundle.
    static var probe: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("SpoolProbe")
    }

    /// What one probe run printed before it was killed.
    struct Run {
        var recovered: Int?
        var appended: [Int] = []
        var committed: [Int] = []
    }

    static func runAndKill(directory: String, first: Int, afterLines: Int) throws -> Run {
        let process = Process()
        process.executableURL = probe
        process.arguments = [directory, String(first), "8192"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let collected = Locked(Data())
        let finished = Locked(false)
        try process.run()
        let reader = Thread {
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                collected.withLock { $0.append(chunk) }
            }
            finished.withLock { $0 = true }
        }
        reader.start()
        // Kill once the probe has printed `afterLines` lines (or has died by itself).
        while process.isRunning, collected.withLock({ $0.filter { $0 == 0x0A }.count }) < afterLines {
            usleep(500)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        while !finished.withLock({ $0 }) { usleep(500) }
        #expect(process.terminationReason == .uncaughtSignal, "the probe exited by itself with \(process.terminationStatus)")
        var run = Run()
        let text = String(decoding: collected.withLock { $0 }, as: UTF8.self)
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let number = Int(parts[1]) else { continue }
            switch parts[0] {
            case "R": run.recovered = number
            case "A": run.appended.append(number)
            case "C": run.committed.append(number)
            default: break
            }
        }
        return run
    }

    @Test func killNineAtRandomPointsNeverCorruptsOrLosesAcknowledgedRecords() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.probe.path), "SpoolProbe not built at \(Self.probe.path)")
        let directory = makeTemporaryDirectory()
        let random = SeededRandomSource(seed: 20_261_128)
        // Records acknowledged as appended and not acknowledged as delivered: must all be present.
        var mustBePresent: [Int] = []
        var everAppended = Set<Int>()
        var everCommitted = Set<Int>()
        var maybeInFlight = Set<Int>()
        for cycle in 1...6 {
            let first = cycle * 1_000_000
            let lines = 10 + Int(random.nextUnitInterval() * 600)
            let run = try await onDedicatedThread { try Self.runAndKill(directory: directory, first: first, afterLines: lines) }
            #expect(!run.appended.isEmpty, "cycle \(cycle): the probe acknowledged nothing")
            everAppended.formUnion(run.appended)
            everCommitted.formUnion(run.committed)
            // The one record whose append may have reached the disk without its acknowledgement.
            maybeInFlight.insert((run.appended.max() ?? first - 1) + 1)
            mustBePresent = (mustBePresent + run.appended).filter { !everCommitted.contains($0) }

            let spool = try MetricSpool(directory: directory, maxBytes: 1 << 30, segmentBytes: 8192, logger: quietLogger)
            defer { spool.close() }
            let entries = try spool.pendingEntries()
            let numbers = entries.map { SpoolProbePayload.number($0.payload) }
            #expect(!numbers.contains(nil), "cycle \(cycle): a record's bytes are not what was written")
            let present = numbers.compactMap { $0 }
            #expect(present == present.sorted(), "cycle \(cycle): records out of order")
            #expect(Set(present).count == present.count, "cycle \(cycle): a record is present twice")
            // A kill between a commit's fsync and its acknowledgement removes the oldest pending record
            // unannounced; nothing else may be missing.
            let missing = Set(mustBePresent).subtracting(present)
            #expect(
                missing.isEmpty || missing == [mustBePresent.min() ?? -1],
                "cycle \(cycle): acknowledged records lost: \(missing.sorted().prefix(10))")
            let committedButPresent = Set(present).intersection(everCommitted)
            #expect(committedButPresent.isEmpty, "cycle \(cycle): delivered records came back: \(committedButPresent.sorted())")
            let unacknowledged = Set(present).subtracting(everAppended)
            #expect(unacknowledged.isSubset(of: maybeInFlight), "cycle \(cycle): unexpected records \(unacknowledged.sorted())")
            // The next run starts from what is really there.
            mustBePresent = present
            everAppended.formUnion(present)
        }
        // Finally everything left can be delivered.
        let spool = try MetricSpool(directory: directory, maxBytes: 1 << 30, segmentBytes: 8192, logger: quietLogger)
        var delivered: [Int] = []
        while let entry = try spool.peek() {
            delivered.append(try #require(SpoolProbePayload.number(entry.payload)))
            try spool.commit(entry)
        }
        #expect(delivered == mustBePresent)
        #expect(spool.pendingRecords == 0)
    }
}
