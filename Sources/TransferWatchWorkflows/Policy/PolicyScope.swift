import Foundation
import TransferWatchConfig

/// The partition, region and account the policy's ARNs are built in.
///
/// The configuration names no account directly, so it is read from the ARNs it does hold: `sftp.userRole`,
/// `sftp.loggingRole`, `alerts.snsTopicArn`, and the account segment of the `queue` URL. When they agree, that is
/// the account; when none gives one, or two disagree, ``resolve(_:account:)`` fails and `--account` decides.
/// (No placeholder such as `${AWS::AccountId}` is printed: IAM would store it as literal text and the policy
/// would silently allow nothing.)
package struct PolicyScope: Sendable, Equatable {
    /// `aws`, `aws-cn`, `aws-us-gov`.
    package var partition: String
    /// The configured region (tables, Transfer, the queue when its URL has no region).
    package var region: String
    /// The 12-digit account that owns the tables and the Transfer servers.
    package var account: String

    /// Creates a scope from its parts.
    package init(partition: String, region: String, account: String) {
        self.partition = partition
        self.region = region
        self.account = account
    }

    /// The scope of `configuration`: its region, the partition of its ARNs (else the region's), and its account.
    ///
    /// - Parameter account: an account ID that overrides what the ARNs say (`--account`).
    /// - Throws: ``PolicyError`` when no account is known, the ARNs disagree, or `account` is not 12 digits.
    package static func resolve(
        _ configuration: Configuration, account: String? = nil
    ) throws(PolicyError) -> PolicyScope {
        var sources: [(name: String, partition: String?, account: String)] = []
        if let role = configuration.sftp.userRole { sources.append(("sftp.userRole", role.partition, role.account)) }
        if let role = configuration.sftp.loggingRole {
            sources.append(("sftp.loggingRole", role.partition, role.account))
        }
        if let topic = configuration.alerts.snsTopicArn {
            sources.append(("alerts.snsTopicArn", topic.partition, topic.account))
        }
        if let queue = configuration.queue, let queueAccount = QueueAddress(queue)?.account {
            sources.append(("queue", QueueAddress(queue)?.partition, queueAccount))
        }
        sources = sources.filter { !$0.account.isEmpty }

        let partitions = Set(sources.compactMap(\.partition))
        guard partitions.count <= 1 else {
            throw .conflictingPartitions(sources.compactMap { source in source.partition.map { (source.name, $0) } })
        }
        let partition = partitions.first ?? Self.partition(ofRegion: configuration.region)

        if let account {
            guard account.count == 12, account.allSatisfy({ ("0"..."9").contains($0) }) else {
                throw .invalidAccount(account)
            }
            return PolicyScope(partition: partition, region: configuration.region, account: account)
        }
        let accounts = Set(sources.map(\.account))
        guard let found = accounts.first else { throw .noAccount }
        guard accounts.count == 1 else { throw .conflictingAccounts(sources.map { ($0.name, $0.account) }) }
        return PolicyScope(partition: partition, region: configuration.region, account: found)
    }

    /// The partition a region belongs to: `cn-…` is `aws-cn`, `us-gov-…` is `aws-us-gov`, the rest `aws`.
    package static func partition(ofRegion region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        return "aws"
    }
}

/// Why a policy cannot be printed.
package enum PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No configured ARN names an account.
    case noAccount
    /// Configured ARNs name different accounts: (setting, account) for each.
    case conflictingAccounts([(String, String)])
    /// Configured ARNs name different partitions.
    case conflictingPartitions([(String, String)])
    /// `--account` is not 12 digits.
    case invalidAccount(String)

    package var description: String {
        switch self {
        case .noAccount:
            "no AWS account ID in the configuration (sftp.userRole, sftp.loggingRole, alerts.snsTopicArn or queue "
                + "would give one); pass --account ACCOUNT_ID"
        case .conflictingAccounts(let sources):
            "the configuration names more than one account (\(Self.list(sources))); pass --account ACCOUNT_ID to "
                + "choose the one that owns the tables and the Transfer servers"
        case .conflictingPartitions(let sources):
            "the configuration's ARNs name more than one partition (\(Self.list(sources)))"
        case .invalidAccount(let account):
            "--account '\(account)' is not a 12-digit AWS account ID"
        }
    }

    private static func list(_ sources: [(String, String)]) -> String {
        sources.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
    }

    package static func == (lhs: PolicyError, rhs: PolicyError) -> Bool { lhs.description == rhs.description }
}

/// What a queue URL says: `https://sqs.<region>.amazonaws.com[.cn]/<account>/<name>` (or an emulator's
/// `http://host:port/<account>/<name>`).
package struct QueueAddress: Sendable, Equatable {
    /// The 12-digit account that owns the queue.
    package var account: String
    /// The queue's name.
    package var name: String
    /// The region in the host name, when it is an AWS host.
    package var region: String?
    /// The partition of ``region``; `nil` for other hosts.
    package var partition: String?

    /// The dead-letter queue's name as `bootstrap` creates it: `<name>-dlq` (a `.fifo` queue keeps its suffix
    /// last: `<name>-dlq.fifo`).
    package var deadLetterName: String {
        name.hasSuffix(".fifo") ? String(name.dropLast(5)) + "-dlq.fifo" : name + "-dlq"
    }

    /// Reads a queue URL; `nil` when its path is not `/<12-digit account>/<name>`.
    package init?(_ url: URL) {
        let parts = url.path.split(separator: "/").map(String.init)
        guard parts.count == 2, parts[0].count == 12, parts[0].allSatisfy({ ("0"..."9").contains($0) }),
            !parts[1].isEmpty
        else { return nil }
        account = parts[0]
        name = parts[1]
        let host = (url.host ?? "").lowercased()
        let labels = host.split(separator: ".").map(String.init)
        // sqs.<region>.amazonaws.com[.cn], or the legacy <region>.queue.amazonaws.com[.cn].
        if host.hasSuffix(".amazonaws.com") || host.hasSuffix(".amazonaws.com.cn"), labels.count >= 4 {
            region = labels[0] == "sqs" ? labels[1] : (labels[1] == "queue" ? labels[0] : nil)
        }
        partition = region.map(PolicyScope.partition(ofRegion:))
    }
}
