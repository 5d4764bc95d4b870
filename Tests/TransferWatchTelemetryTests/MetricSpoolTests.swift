import Foundation
import Testing
@testable import TransferWatchTelemetry

/// The spool's framing, torn tails, cursor durability, rollover, bound and lock.
@Suite struct MetricSpoolTests {
    @Test func frameRoundTripsAndDetectsEveryKindOfDamage() {
        let payload = Data("hello spool".utf8)
        let frame = SpoolFrame.encode(payload, weight: 42)
        #expect(frame.count == 16 + payload.count)
        #expect(SpoolFrame.decode(frame, at: 0) == .record(payload: payload, weight: 42, next: frame.count))
        #expect(SpoolFrame.decode(frame, at: frame.count) == .end)
        // Every truncation is detected.
        for cut in 1..<frame.count {
            guard case .invalid = SpoolFrame.decode(frame.prefix(cut), at: 0) else {
                Issue.record("a frame cut to \(cut) bytes was accepted")
                continue
            }
        }
        // Every single-byte flip is detected.
        for index in 0..<frame.count {
            var damaged = frame
            damaged[index] ^= 0x5A
            if case .record = SpoolFrame.decode(damaged, at: 0) { Issue.record("a flip at byte \(index) was accepted") }
        }
    }

    @Test func recordsSurviveReopeningInOrderAndCommitsAreDurable() throws {
        let directory = makeTemporaryDirectory()
        do {
            let spool = try MetricSpool(directory: directory, maxBytes: 1 << 20, segmentBytes: 4096, logger: quietLogger)
            for number in 1...50 { try spool.append(SpoolProbePayload.bytes(number), weight: UInt32(number)) }
            for _ in 1...20 { try spool.commit(try #require(try spool.peek())) }
            #expect(spool.pendingRecords == 30)
            #expect(spool.pendingWeight == (21...50).reduce(0, +))
            spool.close()
            #expect(throws: SpoolError.self) { try spool.append(Data("late".utf8), weight: 1) }
        }
        let reopened = try MetricSpool(directory: directory, maxBytes: 1 << 20, segmentBytes: 4096, logger: quietLogger)
        #expect(reopened.pendingRecords == 30)
        #expect(reopened.recovery == MetricSpool.Recovery())
        let numbers = try reopened.pendingEntries().map { SpoolProbePayload.number($0.payload) }
        #expect(numbers == (21...50).map { $0 })
        // Segments fully delivered are removed.
        let segments = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".seg") }
        #expect(segments.count < 50 * 1600 / 4096)
        while let entry = try reopened.peek() { try reopened.commit(entry) }
        #expect(reopened.pendingRecords == 0)
        #expect(try reopened.peek() == nil)
    }

    @Test(arguments: [1, 7, 15, 16, 17, 100])
    func tornTailIsTruncatedOnOpenAndEarlierRecordsKept(cut: Int) throws {
        let directory = makeTemporaryDirectory("torn\(cut)")
        let last: String
        do {
            let spool = try MetricSpool(directory: directory, maxBytes: 1 << 20, logger: quietLogger)
            for number in 1...5 { try spool.append(SpoolProbePayload.bytes(number), weight: 1) }
            last = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".seg") }.max())
        }
        // A sixth record torn after `cut` bytes, as a kill during write leaves it.
        let path = directory + "/" + last
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: SpoolFrame.encode(SpoolProbePayload.bytes(6), weight: 1).prefix(cut))
        try handle.close()

        let reopened = try MetricSpool(directory: directory, maxBytes: 1 << 20, logger: quietLogger)
        #expect(reopened.recovery.truncatedBytes == Int64(cut))
        #expect(try reopened.pendingEntries().map { SpoolProbePayload.number($0.payload) } == [1, 2, 3, 4, 5])
        // Appending after the repair works and reads back.
        try reopened.append(SpoolProbePayload.bytes(7), weight: 1)
        #expect(try reopened.pendingEntries().compactMap { SpoolProbePayload.number($0.payload) } == [1, 2, 3, 4, 5, 7])
    }

    @Test func aCorruptedLastRecordIsCutAndLogged() throws {
        let directory = makeTemporaryDirectory()
        do {
            let spool = try MetricSpool(directory: directory, maxBytes: 1 << 20, logger: quietLogger)
            for number in 1...3 { try spool.append(SpoolProbePayload.bytes(number), weight: 1) }
        }
        let path = directory + "/00000000000000000001.seg"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count - 3] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        let log = LogRecorder()
        let reopened = try MetricSpool(directory: directory, maxBytes: 1 << 20, logger: log.logger)
        #expect(reopened.pendingRecords == 2)
        #expect(log.messages.contains { $0.hasPrefix("metric spool segment tail truncated") && $0.contains("CRC mismatch") })
    }

    @Test func fullSpoolDropsOldestSegmentsAndCountsTheirDatapoints() throws {
        let directory = makeTemporaryDirectory()
        let log = LogRecorder()
        let payload = Data(repeating: 0x41, count: 984)  // 1000 bytes per framed record
        let spool = try MetricSpool(directory: directory, maxBytes: 10_000, segmentBytes: 3_000, logger: log.logger)
        for index in 0..<12 { try spool.append(payload + Data("\(index)".utf8), weight: 10) }
        #expect(spool.totalBytes <= 10_000)
        #expect(spool.droppedWeight > 0)
        #expect(spool.droppedWeight + spool.pendingWeight == 120)
        #expect(spool.droppedRecords * 10 == spool.droppedWeight)
        // What is left is the newest records, in order.
        let left = try spool.pendingEntries().map { String(decoding: $0.payload.drop { $0 == 0x41 }, as: UTF8.self) }
        #expect(left == (12 - left.count..<12).map(String.init))
        #expect(log.messages.contains { $0.hasPrefix("metric spool full: oldest segment dropped") })
        // A record larger than the whole spool is dropped and counted, not written.
        let before = spool.droppedWeight
        #expect(try spool.append(Data(count: 20_000), weight: 7) == 7)
        #expect(spool.droppedWeight == before + 7)
    }

    @Test func secondOpenerIsRefusedWhileTheFirstHoldsTheLock() throws {
        let directory = makeTemporaryDirectory()
        let first = try MetricSpool(directory: directory, maxBytes: 1 << 20, logger: quietLogger)
        #expect(throws: SpoolError.locked(path: directory)) {
            _ = try MetricSpool(directory: directory, maxBytes: 1 << 20, logger: quietLogger)
        }
        _ = first
    }

    @Test func unreadableCursorRedeliversFromTheOldestRecord() throws {
        let directory = makeTemporaryDirectory()
        do {
            let spool = try MetricSpool(directory: directory, maxBytes: 1 << 20, logger: quietLogger)
            for number in 1...4 { try spool.append(SpoolProbePayload.bytes(number), weight: 1) }
            try spool.commit(try #require(try spool.peek()))
        }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: directory + "/cursor"))
        let reopened = try MetricSpool(directory: directory, maxBytes: 1 << 20, logger: quietLogger)
        #expect(reopened.recovery.cursorReset)
        // At-least-once: the committed record comes again rather than anything being skipped.
        #expect(try reopened.pendingEntries().map { SpoolProbePayload.number($0.payload) } == [1, 2, 3, 4])
    }
}

/// Opening a spool where none can be made fails with one line naming the folder.
@Suite struct MetricSpoolOpeningTests {
    @Test func anUnusableFolderIsNamedInTheError() throws {
        let file = makeTemporaryDirectory() + "/not-a-folder"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        do {
            _ = try MetricSpool(directory: file + "/metrics", maxBytes: 1 << 20, logger: quietLogger)
            Issue.record("a spool under a regular file was opened")
        } catch {
            #expect(error.description.hasPrefix("\(file)/metrics: mkdir failed: "))
            #expect(!error.description.contains("\n"))
        }
    }
}

/// The documented delivery guarantee and the cursor's repairs.
@Suite struct MetricSpoolDeliveryTests {
    @Test func aRecordDeliveredButNotCommittedBeforeACrashComesBackOnce() throws {
        let directory = makeTemporaryDirectory()
        do {
            let spool = try MetricSpool(directory: directory, maxBytes: 1 << 20, logger: quietLogger)
            for number in 1...3 { try spool.append(SpoolProbePayload.bytes(number), weight: 1) }
            try spool.commit(try #require(try spool.peek()))
            // Record 2 is handed to CloudWatch, which accepts it; the process dies before commit.
            #expect(SpoolProbePayload.number(try #require(try spool.peek()).payload) == 2)
            spool.close()
        }
        let reopened = try MetricSpool(directory: directory, maxBytes: 1 << 20, logger: quietLogger)
        // At-least-once: record 2 is delivered again (once), record 1 never.
        #expect(try reopened.pendingEntries().map { SpoolProbePayload.number($0.payload) } == [2, 3])
    }

    @Test func aCursorBetweenRecordsMovesBackToTheRecordItCut() throws {
        let directory = makeTemporaryDirectory()
        var second: MetricSpool.Position?
        do {
            let spool = try MetricSpool(directory: directory, maxBytes: 1 << 20, logger: quietLogger)
            for number in 1...3 { try spool.append(SpoolProbePayload.bytes(number), weight: 1) }
            try spool.commit(try #require(try spool.peek()))
            second = spool.position
            spool.close()
        }
        // A cursor 5 bytes into record 2 (which this code never writes) must not skip record 2.
        var payload = Data()
        let position = try #require(second)
        withUnsafeBytes(of: position.segment.littleEndian) { payload.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(position.offset + 5).littleEndian) { payload.append(contentsOf: $0) }
        try SpoolFrame.encode(payload, weight: 0).write(to: URL(fileURLWithPath: directory + "/cursor"))
        let log = LogRecorder()
        let reopened = try MetricSpool(directory: directory, maxBytes: 1 << 20, logger: log.logger)
        #expect(try reopened.pendingEntries().map { SpoolProbePayload.number($0.payload) } == [2, 3])
        #expect(log.messages.contains { $0.hasPrefix("metric spool cursor not at a record boundary; moved back") })
    }
}
