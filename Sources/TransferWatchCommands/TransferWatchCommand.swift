import ArgumentParser
import Foundation
import Logging
import TransferWatchAWS
import TransferWatchConfig

/// `transferwatch`: the root command. It maps every outcome to CONTRACT.md's exit status in one place:
/// 0 success; 1 the work ran and something failed or is firing; 2 usage, configuration or rule-file error.
package struct TransferWatchCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "transferwatch",
        abstract: "Runs, checks and watches the SFTP invoice pipeline on AWS Transfer Family.",
        discussion: "Exit status: 0 success; 1 something failed or is firing; 2 usage, configuration or rule-file error.",
        subcommands: [
            CopyCommand.self, ProvisionCommand.self, TeardownCommand.self, ConfigCommand.self, PolicyCommand.self,
            RulesCommand.self, StatusCommand.self, AlarmsCommand.self, DashboardsCommand.self, SilenceCommand.self,
            AlertsCommand.self, MetricsCommand.self, CheckCommand.self, AgentCommand.self,
            BootstrapCommand.self,
        ]
    )

    /// `--config`, `--now`, `--log-format`, `--log-level`: given before the command, read by every command
    /// through `@ParentCommand`.
    @OptionGroup package var global: GlobalOptions

    package init() {}

    /// Runs the command line and exits with CONTRACT.md's status.
    package static func main() async {
        let status = await run(arguments: Array(CommandLine.arguments.dropFirst()))
        Foundation.exit(status)
    }

    /// Parses and runs `arguments`, returning the exit status (testable in-process).
    package static func run(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            return report(error)
        }
    }

    /// Prints `error` as one line on stderr (help and version go to stdout) and returns its exit status.
    static func report(_ error: any Error) -> Int32 {
        switch error {
        case let failure as CommandFailure:
            if !failure.message.isEmpty { printError(failure.message) }
            return failure.status
        case let errors as ConfigurationErrors:
            printError(errors.description)
            return 2
        case let error as AWSError:
            printError("error: \(error)")
            return 1
        case let error as CredentialError:
            printError("error: \(error)")
            return 2
        default:
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return 0
            }
            // Usage and validation errors: one line, then where to look.
            let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            printError(message.hasPrefix("Error: ") ? "error: " + message.dropFirst(7) : message)
            return code == ExitCode.failure || code.rawValue == 64 || error is ValidationError ? 2 : code.rawValue
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}

/// A command's outcome that is not success: its exit status and what to print.
package struct CommandFailure: Error, Sendable, Equatable {
    package var status: Int32
    package var message: String

    /// Something failed or is firing (exit 1).
    package static func failed(_ message: String = "") -> CommandFailure { CommandFailure(status: 1, message: message) }
    /// A usage, configuration or rule-file error (exit 2).
    package static func usage(_ message: String) -> CommandFailure { CommandFailure(status: 2, message: message) }
}
