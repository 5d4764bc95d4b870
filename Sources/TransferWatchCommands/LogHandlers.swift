import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import TransferWatchAWS
import TransferWatchLocking

/// Writes log lines to standard error, as text (`2026-11-29T10:00:00Z info s3.key=... message`) or as JSON lines.
///
/// Values of metadata keys that name a secret are redacted, whatever a caller put there.
package struct StandardErrorLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level
    private let label: String
    private let format: LogFormat
    private let now: @Sendable () -> Date
    private let output: LogOutput

    package init(label: String, format: LogFormat, level: Logger.Level, now: @escaping @Sendable () -> Date = { Date() },
                 output: LogOutput = .standardError) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.now = now
        self.output = output
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Metadata keys whose values are never written.
    static let secretKeys: Set<String> = ["authorization", "aws.secret_access_key", "aws.session_token", "password", "token", "secret"]

    package func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let flattened = merged.map { key, value in
            (key, Self.secretKeys.contains(key.lowercased()) ? "<redacted>" : "\(value)")
        }.sorted { $0.0 < $1.0 }
        let time = AWSDate.iso8601(now())
        switch format {
        case .text:
            let fields = flattened.map { "\($0.0)=\(Self.quoteIfNeeded($0.1))" }.joined(separator: " ")
            output.write("\(time) \(event.level.rawValue) \(Self.oneLine("\(event.message)"))\(fields.isEmpty ? "" : " " + fields)\n")
        case .json:
            // Written by hand (JSONSerialization was most of a line's cost), keys sorted; a metadata key named like
            // a base field replaces it, as before.
            var object: [String: String] = ["time": time, "level": event.level.rawValue, "message": "\(event.message)", "logger": label]
            for (key, value) in flattened { object[key] = value }
            var json = JSONWriter(capacity: 256)
            json.object { json in
                for (key, value) in object.sorted(by: { $0.key < $1.key }) { json.member(key) { $0.string(value) } }
            }
            var line = json.bytes
            line.append(UInt8(ascii: "\n"))
            output.write(line)
        }
    }

    /// A value as one token: quoted when it holds a space, `"`, `=`, `\` or a line break, with `"`, `\` and line
    /// breaks escaped, so a value (an S3 key may hold a newline) can never start a forged line.
    private static func quoteIfNeeded(_ value: String) -> String {
        guard value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline || $0 == "\\" }) else { return value }
        return "\"" + escaped(value) + "\""
    }

    /// A message on one line: line breaks escaped.
    private static func oneLine(_ message: String) -> String {
        message.contains(where: \.isNewline) ? escaped(message) : message
    }

    private static func escaped(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count + 8)
        for character in value {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\r\n": out += "\\r\\n"
            default: out.append(character.isNewline ? " " : character)
            }
        }
        return out
    }
}

/// Where log lines go: standard error, or a buffer in tests.
package final class LogOutput: Sendable {
    private let lines = Locked<[String]>([])
    private let toStandardError: Bool

    private init(toStandardError: Bool) { self.toStandardError = toStandardError }

    /// Standard error.
    package static let standardError = LogOutput(toStandardError: true)
    /// A buffer (tests).
    package static func memory() -> LogOutput { LogOutput(toStandardError: false) }

    func write(_ line: String) {
        var line = line
        line.withUTF8 { write($0) }
    }

    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write($0) }
    }

    /// One `write(2)` per line where the kernel takes it whole (a line is never interleaved with another
    /// thread's below PIPE_BUF); a short write is continued, EINTR retried, other errors drop the line.
    private func write(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard toStandardError else {
            lines.withLock { $0.append(String(decoding: buffer, as: UTF8.self)) }
            return
        }
        guard var next = buffer.baseAddress else { return }
        var left = buffer.count
        while left > 0 {
            let written = Glibc.write(STDERR_FILENO, next, left)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            next += written
            left -= written
        }
    }

    /// Lines written so far (memory outputs only).
    package var written: [String] { lines.withLock { $0 } }
}
