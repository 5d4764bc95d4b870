import ArgumentParser
import Foundation
import TransferWatchAWS
import TransferWatchConfig

/// `transferwatch config check`: loads and validates the configuration, and shows what it resolves to — every
/// service's endpoint, the schedules' next runs — like `aws configure list` and `promtool check config`.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate the configuration and show what it resolves to.",
        subcommands: [Check.self],
        defaultSubcommand: Check.self
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate the configuration file; print every problem as file:line:col (exit 2), or the resolved settings."
        )

        @ParentCommand var root: TransferWatchCommand
        @Flag(name: .long, help: "Print the resolved settings as JSON.") var json = false
        @Flag(name: .long, help: "Also find credentials through the default chain and name their source (exit 1 when none).")
        var credentials = false

        func run() async throws {
            let context = try CommandContext.make(global: root.global)
            var summary = ConfigurationSummary(configuration: context.configuration, path: context.configurationPath,
                                               endpoints: context.aws.endpoints, now: context.now())
            var failure: (any Error)?
            if credentials {
                do {
                    let found = try await context.credentials.credentials()
                    summary.credentials = "\(found.source) (\(Redaction.redactAccessKeyID(found.accessKeyID)))"
                } catch {
                    summary.credentials = "none"
                    failure = error
                }
            }
            print(json ? summary.json() : summary.text())
            if let failure { throw CommandFailure.failed("error: \(failure)") }
        }
    }
}

/// The resolved view of a configuration: what `config check` prints.
struct ConfigurationSummary {
    var path: String
    var region: String
    var endpoints: [(service: String, url: String)]
    var buckets: (source: String, destination: String)
    var tables: (employees: String, state: String)
    var queue: String?
    var nextProvision: Date?
    var nextTeardown: Date?
    var maxLifespan: String
    var timezone: String
    /// Where credentials come from, when asked for.
    var credentials: String?

    /// - Parameter endpoints: the resolver the commands' AWS clients use, so what is shown is what is called.
    init(configuration: Configuration, path: String, endpoints resolver: EndpointResolver, now: Date) {
        self.path = path
        region = configuration.region
        endpoints = [AWSService.s3, .dynamoDB, .sqs, .sns, .sts, .transfer, .cloudWatch, .iam].map {
            ($0.id, resolver.endpoint(for: $0).url.absoluteString)
        }
        buckets = (configuration.buckets.source, configuration.buckets.destination)
        tables = (configuration.tables.employees, configuration.tables.state)
        queue = configuration.queue?.absoluteString
        nextProvision = configuration.sftp.provision.nextFire(after: now, in: configuration.sftp.timezone)
        nextTeardown = configuration.sftp.teardown.nextFire(after: now, in: configuration.sftp.timezone)
        maxLifespan = formatDuration(configuration.sftp.maxLifespan)
        timezone = configuration.sftp.timezone.identifier
    }

    func text() -> String {
        var lines = ["\(path): OK", "region: \(region)"]
        lines.append("buckets: source \(buckets.source), destination \(buckets.destination)")
        lines.append("tables: employees \(tables.employees), state \(tables.state)")
        lines.append("queue: \(queue ?? "(none)")")
        lines.append("next provisioning: \(nextProvision.map(AWSDate.iso8601) ?? "never") (\(timezone))")
        lines.append("next teardown: \(nextTeardown.map(AWSDate.iso8601) ?? "never"); max lifespan \(maxLifespan)")
        if let credentials { lines.append("credentials: \(credentials)") }
        lines.append("endpoints:")
        for endpoint in endpoints { lines.append("  \(endpoint.service): \(endpoint.url)") }
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        var object: [String: Any] = [
            "file": path, "region": region,
            "buckets": ["source": buckets.source, "destination": buckets.destination],
            "tables": ["employees": tables.employees, "state": tables.state],
            "endpoints": Dictionary(uniqueKeysWithValues: endpoints.map { ($0.service, $0.url) }),
            "maxLifespan": maxLifespan, "timezone": timezone,
        ]
        object["queue"] = queue ?? NSNull()
        if let credentials { object["credentials"] = credentials }
        object["nextProvision"] = nextProvision.map(AWSDate.iso8601) ?? NSNull()
        object["nextTeardown"] = nextTeardown.map(AWSDate.iso8601) ?? NSNull()
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
