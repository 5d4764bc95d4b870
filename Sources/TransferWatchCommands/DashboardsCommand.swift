import ArgumentParser
import Foundation
import TransferWatchAWS
import TransferWatchConfig
import TransferWatchTelemetry

/// `transferwatch dashboards`: CloudWatch dashboards as code, from `dashboards/*.json`.
struct DashboardsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboards",
        abstract: "Check and publish the CloudWatch dashboards in the dashboards folder.",
        subcommands: [Lint.self, Publish.self]
    )

    /// `transferwatch dashboards lint [PATH...]`: every problem as `file:line:col: error: message` (exit 2).
    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Check dashboard files; print every problem as file:line:col (exit 2), or a summary.",
            discussion: """
                PATHs are dashboard files or folders (their *.json files); without any, the configured \
                dashboards folder. Checks the JSON, the CloudWatch body (widgets, known widget types, \
                properties.metrics rows), the placeholders (${namespace}, ${region}, ${environment}) and that \
                every metric plotted is one TransferWatch publishes, with its dimensions. Needs no AWS credentials.
                """
        )

        @ParentCommand var root: TransferWatchCommand
        @Argument(help: ArgumentHelp("Dashboard files or folders (default: the configured folder).", valueName: "path"))
        var paths: [String] = []

        func run() async throws {
            var targets = paths
            if paths.isEmpty {
                let environment = ProcessInfo.processInfo.environment
                let configuration = try Configuration.load(
                    contentsOf: root.global.configurationPath(environment: environment), environment: environment)
                targets = [configuration.dashboards.resolved]
            }
            let templates = try DashboardFiles.load(targets)
            try DashboardFiles.lint(templates)
            print("\(templates.count) dashboard file\(templates.count == 1 ? "" : "s"): OK")
        }
    }

    /// `transferwatch dashboards publish [--dry-run]`: lints, substitutes the placeholders, and sends each file
    /// with PutDashboard as `<file name>-<environment>`.
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish",
            abstract: "Publish the dashboards folder to CloudWatch as <file name>-<environment>.",
            discussion: """
                Lints every file first and publishes nothing if any has an error (exit 2). Then substitutes \
                ${namespace}, ${region} and ${environment} from the configuration and sends each body with \
                PutDashboard, printing what it did and any validation message CloudWatch returns. \
                Exit status: 0 published (or planned, with --dry-run); 1 a dashboard failed; 2 a lint or \
                configuration error.
                """
        )

        @ParentCommand var root: TransferWatchCommand
        @Flag(name: .customLong("dry-run"), help: "Print what would be published; send nothing.") var dryRun = false

        func run() async throws {
            let context = try CommandContext.make(global: root.global)
            let configuration = context.configuration
            let templates = try DashboardFiles.load([configuration.dashboards.resolved])
            guard !templates.isEmpty else {
                throw CommandFailure.usage("error: \(configuration.dashboards.resolved): no *.json dashboard files")
            }
            try DashboardFiles.lint(templates)
            let publisher = DashboardPublisher(
                cloudWatch: CloudWatchClient(context: context.aws), namespace: configuration.namespace,
                region: configuration.region, environment: configuration.environment, logger: context.logger)
            let results = await publisher.publish(templates, dryRun: dryRun)
            for result in results { print(result.summary) }
            if dryRun { print("Dry run: nothing was published.") }
            if results.contains(where: { $0.error != nil }) { throw CommandFailure.failed() }
        }
    }
}

/// Finds, reads and lints dashboard files.
enum DashboardFiles {
    /// Files as given and each folder's `*.json` files, sorted, read as text.
    ///
    /// - Throws: ``CommandFailure`` (exit 2) for a path that does not exist or a file that cannot be read.
    static func load(_ paths: [String]) throws -> [DashboardTemplate] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CommandFailure.usage("error: \(path): no such file or folder")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let base = path.hasSuffix("/") ? path : path + "/"
            let names = (try? manager.contentsOfDirectory(atPath: path)) ?? []
            files += names.filter { $0.hasSuffix(".json") }.sorted().map { base + $0 }
        }
        return try files.map { file in
            guard let data = manager.contents(atPath: file) else {
                throw CommandFailure.usage("error: \(file): cannot read the file")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw CommandFailure.usage("\(file):1:1: error: the file is not UTF-8 text")
            }
            return DashboardTemplate(file: file, text: text)
        }
    }

    /// Prints every problem on stdout (like `rules lint`) and fails with exit 2 if there is any.
    static func lint(_ templates: [DashboardTemplate]) throws {
        let linter = DashboardLinter()
        let diagnostics = templates.flatMap { linter.lint($0.text, file: $0.file) }
        guard diagnostics.isEmpty else {
            for diagnostic in diagnostics { print(diagnostic) }
            throw CommandFailure(status: 2, message: "")
        }
    }
}
