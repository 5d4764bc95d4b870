import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A durable, bounded, append-only queue of records on disk: where metric batches wait while CloudWatch
/// cannot be reached.
///
/// Layout of the folder: segment files `00000000000000000001.seg`, … (each a run of ``SpoolFrame`` records,
/// appended and `fsync`ed one by one, rolled over at `segmentBytes`), a `cursor` file (one framed record: the
/// segment and offset of the next record to deliver, replaced atomically by write-fsync-rename-fsync), and a
/// `lock` file (`flock`, so two processes never share a spool).
///
/// Guarantees:
/// - ``append(_:weight:)`` returns only after the record is on disk, so an acknowledged record survives a
///   `kill -9`; a kill during the append loses at most that record, and opening the spool again detects the
///   torn tail by its length or CRC and truncates it.
/// - Records are delivered in append order by ``peek()`` and removed only by ``commit(_:)``, which moves the
///   cursor durably. A record delivered but not committed before a crash is delivered again: at-least-once,
///   with the window between the receiver's acknowledgement and the cursor's `fsync`.
/// - The spool never holds more than `maxBytes`: when a record does not fit, the oldest whole segments are
///   dropped, and the datapoints they held (their records' weights) are added to ``droppedWeight`` and logged.
///
/// ```swift
/// let spool = try MetricSpool(directory: "/var/lib/transferwatch/metrics", maxBytes: 64 << 20, logger: logger)
/// try spool.append(payload, weight: 120)
/// while let entry = try spool.peek() {
///     try await send(entry.payload)      // stop on failure: the record stays
///     try spool.commit(entry)
/// }
/// ```
package final class MetricSpool {
    /// A place in the spool: a segment number and a byte offset in it.
    package struct Position: Sendable, Hashable, Comparable {
        /// The segment's number.
        package var segment: UInt64
        /// The byte offset in the segment.
        package var offset: Int64

        /// Segment order, then offset order.
        package static func < (lhs: Position, rhs: Position) -> Bool {
            (lhs.segment, lhs.offset) < (rhs.segment, rhs.offset)
        }
    }

    /// One record waiting for delivery.
    package struct Entry: Sendable, Equatable {
        /// Where the record starts.
        package var position: Position
        /// The offset just after it.
        package var next: Int64
        /// The record's bytes.
        package var payload: Data
        /// The datapoints it holds.
        package var weight: UInt32
    }

    /// What opening the spool repaired.
    package struct Recovery: Sendable, Equatable {
        /// Bytes cut from torn or corrupt segment tails.
        package var truncatedBytes: Int64 = 0
        /// Segments whose tail was cut.
        package var truncatedSegments: [String] = []
        /// Whether the cursor file was missing or unreadable (delivery restarts at the oldest record).
        package var cursorReset = false
    }

    /// The default size at which a segment is closed and a new one started.
    package static let defaultSegmentBytes: Int64 = 4 << 20

    /// The spool's folder.
    package let directory: String
    /// The most bytes the segments may hold together.
    package let maxBytes: Int64
    /// The size at which a segment is rolled over.
    package let segmentBytes: Int64
    /// What opening repaired.
    package private(set) var recovery = Recovery()
    /// Records appended and not yet committed.
    package private(set) var pendingRecords = 0
    /// The weight (datapoints) of those records.
    package private(set) var pendingWeight: Int = 0
    /// Datapoints dropped because the spool was full, since it was opened.
    package private(set) var droppedWeight: Int = 0
    /// Records dropped because the spool was full, since it was opened.
    package private(set) var droppedRecords = 0

    private let logger: Logger
    private var sizes: [UInt64: Int64] = [:]
    private var cursor: Position
    private var activeSegment: UInt64
    private var activeDescriptor: Int32 = -1
    private var lockDescriptor: Int32 = -1
    private var isClosed = false

    /// Opens (creating if needed) the spool in `directory`, truncating torn tails and reading the cursor.
    ///
    /// - Parameters:
    ///   - directory: The spool's own folder (created with its parents).
    ///   - maxBytes: The most bytes all segments may hold.
    ///   - segmentBytes: The size at which a segment is rolled over.
    ///   - logger: Receives repairs and drops.
    /// - Throws: ``SpoolError`` when the folder cannot be used or another process holds its lock.
    package init(
        directory: String, maxBytes: Int64, segmentBytes: Int64 = MetricSpool.defaultSegmentBytes, logger: Logger
    ) throws(SpoolError) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.segmentBytes = max(1, min(segmentBytes, maxBytes))
        self.logger = logger
        self.cursor = Position(segment: 1, offset: 0)
        self.activeSegment = 1
        try SpoolFileSystem.makeDirectory(directory)
        let lockPath = directory + "/lock"
        lockDescriptor = try SpoolFileSystem.open(lockPath, O_RDWR | O_CREAT)
        guard Self.lock(lockDescriptor) else {
            Glibc.close(lockDescriptor)
            throw .locked(path: directory)
        }
        do {
            try recover()
        } catch {
            closeDescriptors()
            throw error
        }
    }

    deinit {
        closeDescriptors()
    }

    /// How long opening waits for the lock before saying another process holds it.
    package static let lockPatience: Duration = .seconds(2)

    /// Takes the exclusive lock, waiting up to ``lockPatience``: a predecessor that is still exiting, or a child
    /// process forked by this one that has not reached `exec` yet (it holds a copy of every descriptor until
    /// then, close-on-exec or not), lets go within moments; another live agent does not.
    private static func lock(_ descriptor: Int32) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + lockPatience
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, clock.now < deadline else { return false }
            usleep(20_000)
        }
        return true
    }

    /// Closes the segment and releases the lock, so another process (or a new ``MetricSpool``) can open the
    /// folder; every later call fails. Deinitialisation does the same.
    package func close() {
        closeDescriptors()
        isClosed = true
    }

    /// The total bytes of all segments.
    package var totalBytes: Int64 { sizes.values.reduce(0, +) }

    /// The position of the next record to deliver.
    package var position: Position { cursor }

    // MARK: - Appending

    /// Appends one record and syncs it to the disk before returning.
    ///
    /// When the record does not fit under `maxBytes`, the oldest segments are dropped first (their pending
    /// weight is counted in ``droppedWeight``); a record larger than `maxBytes` itself is dropped and counted.
    ///
    /// - Returns: The datapoints dropped to make room (0 when nothing was dropped).
    /// - Throws: ``SpoolError`` when the write or sync fails (the segment is cut back to its previous size).
    @discardableResult
    package func append(_ payload: Data, weight: UInt32) throws(SpoolError) -> Int {
        try checkOpen()
        let frame = SpoolFrame.encode(payload, weight: weight)
        let length = Int64(frame.count)
        guard length <= maxBytes, payload.count <= SpoolFrame.maxPayloadSize else {
            droppedWeight += Int(weight)
            droppedRecords += 1
            logger.error(
                "metric spool record larger than the spool dropped",
                metadata: ["spool.bytes": "\(length)", "spool.max_bytes": "\(maxBytes)", "spool.datapoints": "\(weight)"])
            return Int(weight)
        }
        var dropped = 0
        if let size = sizes[activeSegment], size > 0, size + length > segmentBytes {
            try roll()
        }
        while totalBytes + length > maxBytes {
            if sizes.count <= 1 { try roll() }
            dropped += try dropOldestSegment()
        }
        let path = segmentPath(activeSegment)
        let offset = sizes[activeSegment] ?? 0
        do {
            try SpoolFileSystem.write(activeDescriptor, path: path, frame, at: offset)
            try SpoolFileSystem.sync(activeDescriptor, path: path)
        } catch {
            _ = ftruncate(activeDescriptor, off_t(offset))
            throw error
        }
        sizes[activeSegment] = offset + length
        pendingRecords += 1
        pendingWeight += Int(weight)
        return dropped
    }

    // MARK: - Delivering

    /// The oldest record not yet committed, or `nil` when the spool is empty.
    ///
    /// - Throws: ``SpoolError`` when a segment cannot be read, or a record became corrupt after opening.
    package func peek() throws(SpoolError) -> Entry? {
        try checkOpen()
        while true {
            guard let size = sizes[cursor.segment] else { return nil }
            if cursor.offset < size {
                let path = segmentPath(cursor.segment)
                let descriptor = try SpoolFileSystem.open(path, O_RDONLY)
                defer { Glibc.close(descriptor) }
                let header = try SpoolFileSystem.read(
                    descriptor, path: path, offset: cursor.offset, count: SpoolFrame.headerSize)
                let length = header.count == SpoolFrame.headerSize ? Int(SpoolFrame.readUInt32(header, 4)) : 0
                let bytes = try SpoolFileSystem.read(
                    descriptor, path: path, offset: cursor.offset,
                    count: SpoolFrame.headerSize + min(length, SpoolFrame.maxPayloadSize))
                switch SpoolFrame.decode(bytes, at: 0) {
                case .record(let payload, let weight, let next):
                    return Entry(position: cursor, next: cursor.offset + Int64(next), payload: payload, weight: weight)
                case .end, .invalid:
                    throw .io(path: path, operation: "read record at offset \(cursor.offset)", errno: EIO)
                }
            }
            guard cursor.segment != activeSegment, let next = sizes.keys.filter({ $0 > cursor.segment }).min() else {
                return nil
            }
            let finished = cursor.segment
            cursor = Position(segment: next, offset: 0)
            try writeCursor()
            try removeSegment(finished)
        }
    }

    /// Marks `entry` delivered: the cursor moves past it durably (write, `fsync`, rename, `fsync` of the folder),
    /// and a segment delivered to its end is removed.
    ///
    /// - Throws: ``SpoolError`` when the cursor cannot be written; the record is then delivered again later.
    package func commit(_ entry: Entry) throws(SpoolError) {
        try checkOpen()
        precondition(entry.position == cursor, "commit of a record other than the next one")
        cursor = Position(segment: entry.position.segment, offset: entry.next)
        pendingRecords -= 1
        pendingWeight -= Int(entry.weight)
        let size = sizes[cursor.segment] ?? 0
        if cursor.offset >= size, cursor.segment != activeSegment,
            let next = sizes.keys.filter({ $0 > cursor.segment }).min()
        {
            let finished = cursor.segment
            cursor = Position(segment: next, offset: 0)
            try writeCursor()
            try removeSegment(finished)
        } else {
            try writeCursor()
        }
    }

    /// Every record still pending, oldest first (for inspection and tests; reads the segments).
    package func pendingEntries() throws(SpoolError) -> [Entry] {
        var entries: [Entry] = []
        for segment in sizes.keys.sorted() where segment >= cursor.segment {
            let path = segmentPath(segment)
            let data = try SpoolFileSystem.readAll(path)
            var offset = segment == cursor.segment ? Int(cursor.offset) : 0
            while case .record(let payload, let weight, let next) = SpoolFrame.decode(data, at: offset) {
                entries.append(
                    Entry(
                        position: Position(segment: segment, offset: Int64(offset)), next: Int64(next),
                        payload: payload, weight: weight))
                offset = next
            }
        }
        return entries
    }

    // MARK: - Opening

    private func recover() throws(SpoolError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let segments = names.compactMap { name -> UInt64? in
            guard name.hasSuffix(".seg") else { return nil }
            return UInt64(name.dropLast(4))
        }.sorted()
        var boundaries: [UInt64: [Int64]] = [:]
        for segment in segments {
            let path = segmentPath(segment)
            let data = try SpoolFileSystem.readAll(path)
            var offset = 0
            var found: [Int64] = [0]
            scan: while true {
                switch SpoolFrame.decode(data, at: offset) {
                case .record(_, _, let next):
                    offset = next
                    found.append(Int64(next))
                case .end:
                    break scan
                case .invalid(let reason):
                    let cut = Int64(data.count - offset)
                    try SpoolFileSystem.truncate(path, to: Int64(offset))
                    recovery.truncatedBytes += cut
                    recovery.truncatedSegments.append(path)
                    logger.warning(
                        "metric spool segment tail truncated",
                        metadata: [
                            "spool.segment": "\(path)", "spool.offset": "\(offset)", "spool.bytes_cut": "\(cut)",
                            "spool.reason": "\(reason)",
                        ])
                    break scan
                }
            }
            sizes[segment] = Int64(offset)
            boundaries[segment] = found
        }
        if let stored = readCursor() {
            if let found = boundaries[stored.segment] {
                // The cursor is only ever written at a record boundary; anything else (a segment cut shorter than
                // the cursor) moves it back to the last boundary before it: redelivery, never a skipped record.
                let valid = found.filter { $0 <= stored.offset }.max() ?? 0
                if valid != stored.offset {
                    logger.warning(
                        "metric spool cursor not at a record boundary; moved back",
                        metadata: ["spool.cursor": "\(stored.offset)", "spool.moved_to": "\(valid)"])
                }
                cursor = Position(segment: stored.segment, offset: valid)
            } else {
                cursor = Position(segment: segments.first { $0 > stored.segment } ?? stored.segment, offset: 0)
            }
        } else {
            cursor = Position(segment: segments.first ?? 1, offset: 0)
        }
        for segment in segments where segment < cursor.segment {
            try removeSegment(segment)
        }
        activeSegment = max(sizes.keys.max() ?? cursor.segment, cursor.segment)
        try openActive()
        let pending = try pendingEntries()
        pendingRecords = pending.count
        pendingWeight = pending.reduce(0) { $0 + Int($1.weight) }
    }

    private var cursorPath: String { directory + "/cursor" }

    private func segmentPath(_ segment: UInt64) -> String {
        let digits = String(segment)
        return directory + "/" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".seg"
    }

    private func readCursor() -> Position? {
        guard let data = try? SpoolFileSystem.readAll(cursorPath), !data.isEmpty else { return nil }
        guard case .record(let payload, _, _) = SpoolFrame.decode(data, at: 0), payload.count == 16 else {
            logger.warning("metric spool cursor unreadable; delivering from the oldest record", metadata: ["spool.cursor": "\(cursorPath)"])
            recovery.cursorReset = true
            return nil
        }
        var segment: UInt64 = 0
        var offset: UInt64 = 0
        for shift in 0..<8 {
            segment |= UInt64(payload[payload.startIndex + shift]) << (8 * UInt64(shift))
            offset |= UInt64(payload[payload.startIndex + 8 + shift]) << (8 * UInt64(shift))
        }
        return Position(segment: segment, offset: Int64(offset))
    }

    private func writeCursor() throws(SpoolError) {
        var payload = Data(capacity: 16)
        withUnsafeBytes(of: cursor.segment.littleEndian) { payload.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(cursor.offset).littleEndian) { payload.append(contentsOf: $0) }
        try SpoolFileSystem.replace(cursorPath, with: SpoolFrame.encode(payload, weight: 0), directory: directory)
    }

    private func openActive() throws(SpoolError) {
        if activeDescriptor >= 0 { Glibc.close(activeDescriptor) }
        let path = segmentPath(activeSegment)
        let existed = sizes[activeSegment] != nil
        activeDescriptor = try SpoolFileSystem.open(path, O_RDWR | O_CREAT)
        if !existed {
            sizes[activeSegment] = 0
            try SpoolFileSystem.syncDirectory(directory)
        }
    }

    private func roll() throws(SpoolError) {
        activeSegment += 1
        try openActive()
    }

    /// Removes the oldest segment (never the active one); returns the pending weight it held.
    private func dropOldestSegment() throws(SpoolError) -> Int {
        guard let oldest = sizes.keys.min(), oldest != activeSegment else { return 0 }
        let path = segmentPath(oldest)
        var weight = 0
        var records = 0
        if oldest >= cursor.segment {
            let data = try SpoolFileSystem.readAll(path)
            var offset = oldest == cursor.segment ? Int(cursor.offset) : 0
            while case .record(_, let recordWeight, let next) = SpoolFrame.decode(data, at: offset) {
                weight += Int(recordWeight)
                records += 1
                offset = next
            }
        }
        if cursor.segment <= oldest, let next = sizes.keys.filter({ $0 > oldest }).min() {
            cursor = Position(segment: next, offset: 0)
            try writeCursor()
        }
        try removeSegment(oldest)
        pendingRecords -= records
        pendingWeight -= weight
        droppedWeight += weight
        droppedRecords += records
        if weight > 0 {
            logger.error(
                "metric spool full: oldest segment dropped",
                metadata: [
                    "spool.segment": "\(path)", "spool.records": "\(records)", "spool.datapoints": "\(weight)",
                    "spool.max_bytes": "\(maxBytes)",
                ])
        }
        return weight
    }

    private func removeSegment(_ segment: UInt64) throws(SpoolError) {
        try SpoolFileSystem.remove(segmentPath(segment))
        sizes[segment] = nil
        try SpoolFileSystem.syncDirectory(directory)
    }

    private func checkOpen() throws(SpoolError) {
        if isClosed { throw .io(path: directory, operation: "use after close", errno: EBADF) }
    }

    private func closeDescriptors() {
        if activeDescriptor >= 0 { Glibc.close(activeDescriptor) }
        if lockDescriptor >= 0 { Glibc.close(lockDescriptor) }
        activeDescriptor = -1
        lockDescriptor = -1
    }
}
