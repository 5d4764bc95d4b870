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

        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "Print the resolved settings as JSON.") var json = false

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let path = global.configurationPath(environment: environment)
            let configuration = try Configuration.load(contentsOf: path, environment: environment)
            let now = try global.clock()()
            let summary = ConfigurationSummary(configuration: configuration, path: path, environment: environment, now: now)
            print(json ? summary.json() : summary.text())
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

    init(configuration: Configuration, path: String, environment: [String: String], now: Date) {
        self.path = path
        region = configuration.region
        let resolver = EndpointResolver(region: configuration.region, environment: environment, configuredEndpoint: configuration.endpoint)
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
        object["nextProvision"] = nextProvision.map(AWSDate.iso8601) ?? NSNull()
        object["nextTeardown"] = nextTeardown.map(AWSDate.iso8601) ?? NSNull()
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
