import Foundation
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
        let line: String
        switch format {
        case .text:
            let fields = flattened.map { "\($0.0)=\(Self.quoteIfNeeded($0.1))" }.joined(separator: " ")
            line = "\(time) \(event.level.rawValue) \(event.message)\(fields.isEmpty ? "" : " " + fields)\n"
        case .json:
            var object: [String: String] = ["time": time, "level": event.level.rawValue, "message": "\(event.message)", "logger": label]
            for (key, value) in flattened { object[key] = value }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            line = String(decoding: data, as: UTF8.self) + "\n"
        }
        output.write(line)
    }

    private static func quoteIfNeeded(_ value: String) -> String {
        value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) ? "\"\(value.replacingOccurrences(of: "\"", with: "\\\""))\"" : value
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
        if toStandardError {
            FileHandle.standardError.write(Data(line.utf8))
        } else {
            lines.withLock { $0.append(line) }
        }
    }

    /// Lines written so far (memory outputs only).
    package var written: [String] { lines.withLock { $0 } }
}
