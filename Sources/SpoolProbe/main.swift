import Foundation
import Logging
import TransferWatchTelemetry

// Usage: SpoolProbe DIRECTORY FIRST [SEGMENT_BYTES]
//
// Appends records FIRST, FIRST+1, … to the metric spool in DIRECTORY, printing `A n` once record n is
// fsynced; after every third append it delivers up to two records, printing `C n` once record n's commit
// (the cursor's fsync) returned. It never stops by itself: the crash test kills it with SIGKILL.
// Record n's payload is `SpoolProbePayload.bytes(n)`, so a reader can check every byte.

/// Writes one line straight to the stdout pipe (one write(2), so a kill never leaves half a line).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let arguments = CommandLine.arguments
guard arguments.count >= 3, let first = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: SpoolProbe DIRECTORY FIRST [SEGMENT_BYTES]\n".utf8))
    exit(2)
}
let segmentBytes = arguments.count > 3 ? Int64(arguments[3]) ?? MetricSpool.defaultSegmentBytes : 64 << 10
let logger = Logger(label: "spool-probe", factory: { _ in SwiftLogNoOpLogHandler() })
do {
    let spool = try MetricSpool(directory: arguments[1], maxBytes: 1 << 30, segmentBytes: segmentBytes, logger: logger)
    say("R \(spool.pendingRecords)")
    var number = first
    while true {
        try spool.append(SpoolProbePayload.bytes(number), weight: UInt32(number % 1000))
        say("A \(number)")
        if number % 3 == 0 {
            for _ in 0..<2 {
                guard let entry = try spool.peek() else { break }
                guard let delivered = SpoolProbePayload.number(entry.payload) else {
                    FileHandle.standardError.write(Data("corrupt payload at \(entry.position)\n".utf8))
                    exit(3)
                }
                try spool.commit(entry)
                say("C \(delivered)")
            }
        }
        number += 1
    }
} catch {
    FileHandle.standardError.write(Data("SpoolProbe: \(error)\n".utf8))
    exit(1)
}
