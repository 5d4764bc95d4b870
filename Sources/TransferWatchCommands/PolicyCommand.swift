import ArgumentParser
import Foundation
import TransferWatchConfig
import TransferWatchWorkflows

/// `transferwatch policy`: prints an IAM policy for the configured resources, as JSON on stdout.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Print the least-privilege IAM policy the agent needs (or the SFTP users' policies), as JSON.",
        discussion: """
            The agent's policy by default. --user-role prints the SFTP user role's own policy (the source \
            bucket), --user-session the session policy provisioning attaches to each user (their own prefix, \
            through ${transfer:UserName}), --user-role-trust the user role's trust policy.

            The account comes from the configured ARNs (sftp.userRole, sftp.loggingRole, alerts.snsTopicArn, \
            queue); --account overrides it, and is required when they name none or disagree.

            Statements the configuration gives no resource for are left out, each with a note on stderr. \
            Nothing is sent to AWS.
            """
    )

    @ParentCommand var root: TransferWatchCommand

    @Flag(name: .customLong("user-role"), help: "Print the SFTP user role's permission policy.") var userRole = false
    @Flag(name: .customLong("user-session"), help: "Print the per-user session policy (CreateUser's Policy).")
    var userSession = false
    @Flag(name: .customLong("user-role-trust"), help: "Print the SFTP user role's trust policy.") var userRoleTrust =
        false
    @Option(
        name: .long,
        help: ArgumentHelp("The AWS account ID that owns the tables and the Transfer servers.", valueName: "id"))
    var account: String?

    func validate() throws {
        if [userRole, userSession, userRoleTrust].filter({ $0 }).count > 1 {
            throw ValidationError("give at most one of --user-role, --user-session, --user-role-trust")
        }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try Configuration.load(
            contentsOf: root.global.configurationPath(environment: environment), environment: environment)
        let scope: PolicyScope
        do {
            scope = try PolicyScope.resolve(configuration, account: account)
        } catch {
            throw CommandFailure.usage("error: \(error)")
        }
        let document: PolicyDocument
        if userRole {
            document = SFTPUserPolicy.role(configuration: configuration, scope: scope)
        } else if userSession {
            document = SFTPUserPolicy.session(configuration: configuration, scope: scope)
        } else if userRoleTrust {
            document = SFTPUserPolicy.trust(scope: scope)
        } else {
            let output = AgentPolicy.make(configuration: configuration, scope: scope)
            for note in output.notes { TransferWatchCommand.printError("note: \(note)") }
            document = output.document
        }
        print(document.json())
    }
}
