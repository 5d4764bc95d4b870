import Foundation

extension TransferClient {
    /// A server's lifecycle state (`DescribedServer.State`).
    ///
    /// Values AWS adds later decode as ``unknown(_:)`` instead of failing the whole response.
    package enum ServerState: Sendable, Hashable, CustomStringConvertible, Codable {
        case offline
        case online
        case starting
        case stopping
        /// An error state: the server could not start.
        case startFailed
        /// An error state: the server could not stop.
        case stopFailed
        /// A state this client does not know, kept verbatim.
        case unknown(String)

        /// Parses AWS's spelling (`ONLINE`, `START_FAILED`, …); anything else becomes ``unknown(_:)``.
        package init(rawValue: String) {
            switch rawValue {
            case "OFFLINE": self = .offline
            case "ONLINE": self = .online
            case "STARTING": self = .starting
            case "STOPPING": self = .stopping
            case "START_FAILED": self = .startFailed
            case "STOP_FAILED": self = .stopFailed
            default: self = .unknown(rawValue)
            }
        }

        /// AWS's spelling of the state.
        package var rawValue: String {
            switch self {
            case .offline: "OFFLINE"
            case .online: "ONLINE"
            case .starting: "STARTING"
            case .stopping: "STOPPING"
            case .startFailed: "START_FAILED"
            case .stopFailed: "STOP_FAILED"
            case .unknown(let value): value
            }
        }

        /// Whether this is one of the two error states, from which a server does not recover by itself.
        package var isFailure: Bool { self == .startFailed || self == .stopFailed }

        /// AWS's spelling.
        package var description: String { rawValue }

        /// Decodes AWS's spelling; unknown values are kept.
        package init(from decoder: any Decoder) throws {
            self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
        }

        /// Encodes AWS's spelling.
        package func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    /// A file transfer protocol a server speaks (`SFTP`, `FTP`, `FTPS`, `AS2`).
    package struct FileTransferProtocol: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// AWS's spelling.
        package let rawValue: String
        /// Wraps any spelling, known or not.
        package init(rawValue: String) { self.rawValue = rawValue }

        /// SSH File Transfer Protocol.
        package static let sftp = FileTransferProtocol(rawValue: "SFTP")
        /// Plain FTP (VPC endpoints and custom identity providers only).
        package static let ftp = FileTransferProtocol(rawValue: "FTP")
        /// FTP over TLS (VPC endpoints and custom identity providers only).
        package static let ftps = FileTransferProtocol(rawValue: "FTPS")
        /// Applicability Statement 2 (VPC endpoints only).
        package static let as2 = FileTransferProtocol(rawValue: "AS2")

        /// AWS's spelling.
        package var description: String { rawValue }
    }

    /// Where users and their keys live (`IdentityProviderType`).
    package struct IdentityProviderType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// AWS's spelling.
        package let rawValue: String
        /// Wraps any spelling, known or not.
        package init(rawValue: String) { self.rawValue = rawValue }

        /// Users and SSH keys are stored in Transfer itself (the only type that allows `CreateUser`).
        package static let serviceManaged = IdentityProviderType(rawValue: "SERVICE_MANAGED")
        /// Users authenticated by an API Gateway endpoint.
        package static let apiGateway = IdentityProviderType(rawValue: "API_GATEWAY")
        /// Users from AWS Directory Service.
        package static let awsDirectoryService = IdentityProviderType(rawValue: "AWS_DIRECTORY_SERVICE")
        /// Users authenticated by a Lambda function.
        package static let awsLambda = IdentityProviderType(rawValue: "AWS_LAMBDA")

        /// AWS's spelling.
        package var description: String { rawValue }
    }

    /// How a server is reached (`EndpointType`).
    package struct EndpointType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// AWS's spelling.
        package let rawValue: String
        /// Wraps any spelling, known or not.
        package init(rawValue: String) { self.rawValue = rawValue }

        /// A public endpoint on the internet.
        package static let `public` = EndpointType(rawValue: "PUBLIC")
        /// An endpoint inside a VPC.
        package static let vpc = EndpointType(rawValue: "VPC")
        /// Deprecated for new accounts since 2021-05-19.
        package static let vpcEndpoint = EndpointType(rawValue: "VPC_ENDPOINT")

        /// AWS's spelling.
        package var description: String { rawValue }
    }

    /// One entry of a LOGICAL home directory: what the user sees (`entry`) and where it really is (`target`).
    package struct HomeDirectoryMapping: Sendable, Hashable {
        /// The path the user sees, starting with `/` (`/` makes a "chroot").
        package var entry: String
        /// The real location, `/<bucket>/<prefix>`, starting with `/`.
        package var target: String
        /// `DIRECTORY` or `FILE`; `nil` leaves the service default.
        package var type: String?

        /// A mapping of `entry` to `target`.
        package init(entry: String, target: String, type: String? = nil) {
            self.entry = entry
            self.target = target
            self.type = type
        }
    }

    /// A user's home directory: one path (`PATH`) or a table of mappings (`LOGICAL`).
    package enum HomeDirectory: Sendable, Hashable {
        /// `HomeDirectoryType=PATH` with `HomeDirectory` (`/bucket/prefix`).
        case path(String)
        /// `HomeDirectoryType=LOGICAL` with `HomeDirectoryMappings`.
        case logical([HomeDirectoryMapping])

        /// A LOGICAL home that shows the user only `target`, as `/` (the usual "chroot").
        package static func chroot(to target: String) -> HomeDirectory {
            .logical([HomeDirectoryMapping(entry: "/", target: target)])
        }
    }

    /// A server as `DescribeServer` reports it.
    package struct Server: Sendable, Hashable {
        /// `s-` and 17 hex digits.
        package var serverID: String
        /// The resource ARN.
        package var arn: String
        /// The lifecycle state.
        package var state: ServerState
        /// `PUBLIC`, `VPC`, …
        package var endpointType: EndpointType?
        /// Where users are managed.
        package var identityProviderType: IdentityProviderType?
        /// The protocols served.
        package var protocols: [FileTransferProtocol]
        /// `S3` or `EFS`.
        package var domain: String?
        /// The role used to write CloudWatch Logs.
        package var loggingRole: String?
        /// The SSH host key's fingerprint.
        package var hostKeyFingerprint: String?
        /// The TLS/SSH algorithm policy.
        package var securityPolicyName: String?
        /// How many users the server has.
        package var userCount: Int?
        /// The tags, by key.
        package var tags: [String: String]

        /// A server value (tests and fakes build these).
        package init(
            serverID: String, arn: String, state: ServerState, endpointType: EndpointType? = nil,
            identityProviderType: IdentityProviderType? = nil, protocols: [FileTransferProtocol] = [],
            domain: String? = nil,
            loggingRole: String? = nil, hostKeyFingerprint: String? = nil, securityPolicyName: String? = nil,
            userCount: Int? = nil, tags: [String: String] = [:]
        ) {
            self.serverID = serverID
            self.arn = arn
            self.state = state
            self.endpointType = endpointType
            self.identityProviderType = identityProviderType
            self.protocols = protocols
            self.domain = domain
            self.loggingRole = loggingRole
            self.hostKeyFingerprint = hostKeyFingerprint
            self.securityPolicyName = securityPolicyName
            self.userCount = userCount
            self.tags = tags
        }
    }

    /// A server as `ListServers` reports it (no tags, no protocols).
    package struct ServerSummary: Sendable, Hashable {
        /// `s-` and 17 hex digits.
        package var serverID: String
        /// The resource ARN.
        package var arn: String
        /// The lifecycle state.
        package var state: ServerState
        /// `PUBLIC`, `VPC`, …
        package var endpointType: EndpointType?
        /// Where users are managed.
        package var identityProviderType: IdentityProviderType?
        /// `S3` or `EFS`.
        package var domain: String?
        /// The role used to write CloudWatch Logs.
        package var loggingRole: String?
        /// How many users the server has.
        package var userCount: Int?
    }

    /// An SSH public key stored for a user.
    package struct SSHPublicKey: Sendable, Hashable {
        /// `key-<17 hex>`.
        package var id: String
        /// The OpenSSH key line.
        package var body: String
        /// When the key was added.
        package var dateImported: Date?
    }

    /// A user as `DescribeUser` reports it.
    package struct User: Sendable, Hashable {
        /// `s-` and 17 hex digits.
        package var serverID: String
        /// The SFTP login name.
        package var userName: String
        /// The resource ARN.
        package var arn: String
        /// The IAM role the user's sessions assume.
        package var role: String?
        /// `nil` when the service reported no home directory at all.
        package var homeDirectory: HomeDirectory?
        /// The session policy JSON, if any.
        package var policy: String?
        /// The user's keys (at most 5).
        package var sshPublicKeys: [SSHPublicKey]
        /// The tags, by key.
        package var tags: [String: String]
    }

    /// A user as `ListUsers` reports it.
    package struct UserSummary: Sendable, Hashable {
        /// The SFTP login name.
        package var userName: String
        /// The resource ARN.
        package var arn: String
        /// The IAM role the user's sessions assume.
        package var role: String?
        /// `PATH` or `LOGICAL`.
        package var homeDirectoryType: String?
        /// The PATH home, if the type is PATH.
        package var homeDirectory: String?
        /// How many SSH keys the user has.
        package var sshPublicKeyCount: Int?
    }
}
