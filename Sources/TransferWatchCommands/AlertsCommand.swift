import ArgumentParser
import Foundation
import TransferWatchAWS
import TransferWatchAlerting
import TransferWatchConfig

/// `transferwatch alerts history`: the audit trail of alert transitions, notifications and silences.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Look at alerting's audit trail.",
        subcommands: [History.self]
    )

    /// `alerts history [--since T] [--alert NAME] [--json]`.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "Print alert transitions, notifications and silence changes, oldest first.",
            discussion: """
                Events: pending, firing, resolved, silenced, inhibited, unmuted, notified, delivery-failed, \
                delivery-dropped, silence-created, silence-expired. --since takes an ISO-8601 time or a duration \
                back from now (default 24h); --json prints one JSON object per line.
                """
        )

        @ParentCommand var root: TransferWatchCommand
        @Option(
            help: ArgumentHelp("From when: an ISO-8601 time, or a duration back from now (24h).", valueName: "time"))
        var since: String = "24h"
        @Option(help: ArgumentHelp("Only this alert name.", valueName: "name")) var alert: String?
        @Flag(help: "Print one JSON object per line.") var json = false

        func validate() throws {
            guard GlobalOptions.parseInstant(since) != nil || parseDuration(since) != nil else {
                throw ValidationError("--since '\(since)' is neither an ISO-8601 time nor a duration such as 24h")
            }
        }

        func run() async throws {
            let context = try CommandContext.make(global: root.global)
            let alerting = AlertingComponents.make(
                configuration: context.configuration, context: context.aws, logger: context.logger)
            let now = context.now()
            let from =
                GlobalOptions.parseInstant(since)
                ?? now.addingTimeInterval(-(parseDuration(since) ?? .zero).timeInterval)
            let (events, problems) = try await runAlerting {
                () async throws(AlertingError) -> ([AlertHistoryEvent], [AlertingError]) in
                try await alerting.history.events(since: from, until: now, alert: alert)
            }
            for problem in problems { TransferWatchCommand.printError("warning: \(problem)") }
            for event in events {
                if json {
                    var object: [String: Any] = [
                        "at": event.at.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
                        "kind": event.kind.rawValue, "alert": event.alert, "subject": event.subject,
                        "detail": event.detail,
                    ]
                    if let receiver = event.receiver { object["receiver"] = receiver }
                    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    var line =
                        "\(SilenceCommand.time(event.at))  \(event.kind.rawValue)  \(event.alert)  \(event.subject)"
                    if let receiver = event.receiver { line += "  → \(receiver)" }
                    if !event.detail.isEmpty { line += "  \(event.detail)" }
                    print(line)
                }
            }
            if events.isEmpty, !json { print("no alert events since \(SilenceCommand.time(from))") }
        }
    }
}
