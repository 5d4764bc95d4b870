import ArgumentParser
import Foundation
import TransferWatchConfig
import TransferWatchRules

/// `transferwatch rules`: work with rule files without touching AWS.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check rule files and run their unit tests.",
        subcommands: [Lint.self, Test.self]
    )

    /// `transferwatch rules lint [PATH...]`: loads rule files and prints every problem as
    /// `file:line:col: error: message` (exit 2), or `N rule files, M rules: OK`.
    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Check rule files; print every problem as file:line:col (exit 2), or a one-line summary.",
            discussion: """
                PATHs are rule files or folders (their *.yaml and *.yml files, skipping a tests/ subfolder); \
                without any, the configured rules folder is linted. Needs no AWS credentials.
                """
        )

        @ParentCommand var root: TransferWatchCommand
        @Argument(
            help: ArgumentHelp("Rule files or folders (default: the configured rules folder).", valueName: "path"))
        var paths: [String] = []

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let configurationPath = root.global.configurationPath(environment: environment)
            var timeZone = TimeZone.gmt
            var targets = paths
            if paths.isEmpty || FileManager.default.fileExists(atPath: configurationPath) {
                let configuration = try Configuration.load(contentsOf: configurationPath, environment: environment)
                timeZone = configuration.sftp.timezone
                if paths.isEmpty { targets = [configuration.rules.resolved] }
            }
            let files = try RuleFileDiscovery.files(in: targets)
            let loader = RuleFileLoader(environment: ExpressionEnvironment(timeZone: timeZone))
            let loaded = loader.load(files: files)
            guard loaded.diagnostics.isEmpty else {
                for diagnostic in loaded.diagnostics { print(diagnostic) }
                throw CommandFailure(status: 2, message: "")
            }
            print(
                "\(loaded.fileCount) rule file\(loaded.fileCount == 1 ? "" : "s"), \(loaded.ruleCount) rule\(loaded.ruleCount == 1 ? "" : "s"): OK"
            )
        }
    }
}

/// Finds the rule files named by command-line paths.
enum RuleFileDiscovery {
    /// Files as given, and each folder's `*.yaml`/`*.yml` files (recursively, skipping `tests/`), sorted.
    ///
    /// - Throws: ``CommandFailure`` (exit 2) for a path that does not exist.
    static func files(in paths: [String]) throws -> [String] {
        let (files, missing) = TransferWatchRules.RuleFileDiscovery.files(in: paths)
        if let path = missing.first { throw CommandFailure.usage("error: \(path): no such file or folder") }
        return files
    }
}
