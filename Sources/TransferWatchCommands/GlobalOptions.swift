import ArgumentParser
import Foundation
import Logging
import TransferWatchAWS

/// The options every command takes (CONTRACT.md): `--config`, `--now`, `--log-format`, `--log-level`.
package struct GlobalOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("The configuration file (default: $TRANSFERWATCH_CONFIG, else ./transferwatch.yaml).", valueName: "path"))
    package var config: String?

    @Option(name: .long, help: ArgumentHelp("Fix the clock at this ISO-8601 instant (replay and tests).", valueName: "ISO-8601"))
    package var now: String?

    @Option(name: .long, help: "Log format: text or json.")
    package var logFormat: LogFormat = .text

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    package var logLevel: LogLevelOption = .init(.info)

    package init() {}

    /// The configuration path: `--config`, else `$TRANSFERWATCH_CONFIG`, else `./transferwatch.yaml`.
    package func configurationPath(environment: [String: String]) -> String {
        config ?? environment["TRANSFERWATCH_CONFIG"].flatMap { $0.isEmpty ? nil : $0 } ?? "transferwatch.yaml"
    }

    /// The clock: fixed at `--now`, or the real one.
    /// - Throws: `ValidationError` when `--now` is not an ISO-8601 instant.
    package func clock() throws -> @Sendable () -> Date {
        guard let now else { return { Date() } }
        guard let fixed = Self.parseInstant(now) else {
            throw ValidationError("--now: '\(now)' is not an ISO-8601 instant (e.g. 2026-11-29T10:00:00Z)")
        }
        return { fixed }
    }

    package func validate() throws {
        _ = try clock()
    }

    /// Parses `2026-11-29T10:00:00Z`, with fractional seconds or an offset, or a bare date `2026-11-29` (midnight UTC).
    package static func parseInstant(_ text: String) -> Date? {
        if let date = AWSDate.parseISO8601(text) { return date }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)
    }
}

/// `--log-format`.
package enum LogFormat: String, ExpressibleByArgument, Sendable, CaseIterable {
    case text
    case json
}

/// `--log-level`, wrapping swift-log's level.
package struct LogLevelOption: ExpressibleByArgument, Sendable {
    package var level: Logger.Level

    package init(_ level: Logger.Level) { self.level = level }

    package init?(argument: String) {
        guard let level = Logger.Level(rawValue: argument.lowercased()) else { return nil }
        self.level = level
    }

    package var defaultValueDescription: String { level.rawValue }
    package static var allValueStrings: [String] { Logger.Level.allCases.map(\.rawValue) }
}
