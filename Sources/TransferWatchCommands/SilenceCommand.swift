import ArgumentParser
import Foundation
import TransferWatchAWS
import TransferWatchAlerting
import TransferWatchConfig

/// `transferwatch silence add|list|expire`: silences in the state table, honoured by every agent replica.
struct SilenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Silence alerts for a while, list silences, or end one early.",
        subcommands: [Add.self, List.self, Expire.self]
    )

    /// `silence add --alert NAME [--label k=v]... --for 2h --comment "..." [--author A]`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Silence an alert (and optionally only with some label values) for a while.",
            discussion: """
                Matching alerts are still evaluated and recorded, and listed as silenced by `status`, but no \
                notification is sent until the silence ends. The silence is announced to the SNS topic and Slack \
                webhooks. Prints the silence's ID.
                """
        )

        @ParentCommand var root: TransferWatchCommand
        @Option(help: ArgumentHelp("The alert name (the alertname label).", valueName: "name")) var alert: String
        @Option(
            name: .customLong("label"),
            help: ArgumentHelp("Another label condition, name=value or name!=value (repeatable).", valueName: "k=v"))
        var labels: [String] = []
        @Option(name: .customLong("for"), help: ArgumentHelp("How long, e.g. 30m, 2h, 1d.", valueName: "duration"))
        var duration: String
        @Option(help: "Why (shown to everyone who sees the silence).") var comment: String
        @Option(help: "Who (default: $USER).") var author: String?
        @Flag(help: "Print the silence as JSON.") var json = false

        func validate() throws {
            guard let length = parseDuration(duration), length > .zero else {
                throw ValidationError("--for '\(duration)' is not a duration such as 30m, 2h or 1d")
            }
            if comment.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--comment is empty") }
            if alert.isEmpty { throw ValidationError("--alert is empty") }
            for label in labels {
                do throws(AlertingError) { _ = try LabelMatcher.parse(label) } catch {
                    throw ValidationError("--label: \(error)")
                }
            }
        }

        func run() async throws {
            let context = try CommandContext.make(global: root.global)
            let alerting = AlertingComponents.make(
                configuration: context.configuration, context: context.aws, logger: context.logger)
            var matchers = [LabelMatcher(name: "alertname", value: alert)]
            for label in labels { matchers.append(try LabelMatcher.parse(label)) }
            let now = context.now()
            let who = author ?? context.environment["USER"] ?? "unknown"
            let length = parseDuration(duration) ?? .zero
            let silence = Silence(
                matchers: matchers, startsAt: now, endsAt: now.addingTimeInterval(length.timeInterval),
                createdBy: who, comment: comment)
            try await runAlerting { () async throws(AlertingError) in
                try await alerting.silences.add(silence)
                try await alerting.announce(SilenceAnnouncement(silence: silence, action: .created, at: now, by: who))
            }
            await alerting.deliverer.deliverDue(at: now)
            if json {
                print(SilenceCommand.json(silence, at: now))
            } else {
                print(
                    "silence \(silence.id) created: \(silence.matcherText) until \(SilenceCommand.time(silence.endsAt))"
                )
            }
        }
    }

    /// `silence list [--all] [--json]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List active and pending silences (--all: expired ones too).")

        @ParentCommand var root: TransferWatchCommand
        @Flag(help: "Include expired silences.") var all = false
        @Flag(help: "Print one JSON object per line.") var json = false

        func run() async throws {
            let context = try CommandContext.make(global: root.global)
            let alerting = AlertingComponents.make(
                configuration: context.configuration, context: context.aws, logger: context.logger)
            let now = context.now()
            let (silences, problems) = try await runAlerting { () async throws(AlertingError) in
                try await alerting.silences.all()
            }
            for problem in problems { TransferWatchCommand.printError("warning: \(problem)") }
            let shown = silences.filter { all || $0.endsAt > now }
            if json {
                for silence in shown { print(SilenceCommand.json(silence, at: now)) }
                return
            }
            if shown.isEmpty {
                print(all ? "no silences" : "no active silences")
                return
            }
            print("ID                                    STATE    ENDS                  BY        MATCHERS  COMMENT")
            for silence in shown {
                print(
                    [
                        silence.id, silence.state(at: now).padding(toLength: 8, withPad: " ", startingAt: 0),
                        SilenceCommand.time(silence.endsAt), silence.createdBy, silence.matcherText, silence.comment,
                    ].joined(separator: "  "))
            }
        }
    }

    /// `silence expire ID`.
    struct Expire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "expire", abstract: "End a silence now; its alerts are sent again.")

        @ParentCommand var root: TransferWatchCommand
        @Argument(help: ArgumentHelp("The silence's ID (from `silence list`).", valueName: "id")) var id: String
        @Option(help: "Who (default: $USER).") var author: String?

        func run() async throws {
            let context = try CommandContext.make(global: root.global)
            let alerting = AlertingComponents.make(
                configuration: context.configuration, context: context.aws, logger: context.logger)
            let now = context.now()
            let who = author ?? context.environment["USER"] ?? "unknown"
            let silence = try await runAlerting { () async throws(AlertingError) -> Silence in
                let silence = try await alerting.silences.expire(id: id, at: now)
                try await alerting.announce(SilenceAnnouncement(silence: silence, action: .expired, at: now, by: who))
                return silence
            }
            await alerting.deliverer.deliverDue(at: now)
            print("silence \(silence.id) expired: \(silence.matcherText)")
        }
    }

    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }

    static func json(_ silence: Silence, at now: Date) -> String {
        let object: [String: Any] = [
            "id": silence.id, "state": silence.state(at: now), "startsAt": time(silence.startsAt),
            "endsAt": time(silence.endsAt), "createdBy": silence.createdBy, "comment": silence.comment,
            "matchers": silence.matchers.map { ["name": $0.name, "value": $0.value, "isEqual": !$0.isNegative] },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Runs alerting work, turning its errors into one-line command failures (exit 1; 2 for bad input).
func runAlerting<Value>(_ body: () async throws(AlertingError) -> Value) async throws -> Value {
    do {
        return try await body()
    } catch {
        switch error {
        case .storage(let aws): throw aws
        case .invalidMatcher, .invalidSilence: throw CommandFailure.usage("error: \(error)")
        default: throw CommandFailure.failed("error: \(error)")
        }
    }
}
