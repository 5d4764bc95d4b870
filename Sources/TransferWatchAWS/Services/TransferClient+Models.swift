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

        package var description: String { rawValue }

        package init(from decoder: any Decoder) throws {
            self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    /// A file transfer protocol a server speaks (`SFTP`, `FTP`, `FTPS`, `AS2`).
    package struct FileTransferProtocol: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }

        package static let sftp = FileTransferProtocol(rawValue: "SFTP")
        package static let ftp = FileTransferProtocol(rawValue: "FTP")
        package static let ftps = FileTransferProtocol(rawValue: "FTPS")
        package static let as2 = FileTransferProtocol(rawValue: "AS2")

        package var description: String { rawValue }
    }

    /// Where users and their keys live (`IdentityProviderType`).
    package struct IdentityProviderType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }

        /// Users and SSH keys are stored in Transfer itself (the only type that allows `CreateUser`).
        package static let serviceManaged = IdentityProviderType(rawValue: "SERVICE_MANAGED")
        package static let apiGateway = IdentityProviderType(rawValue: "API_GATEWAY")
        package static let awsDirectoryService = IdentityProviderType(rawValue: "AWS_DIRECTORY_SERVICE")
        package static let awsLambda = IdentityProviderType(rawValue: "AWS_LAMBDA")

        package var description: String { rawValue }
    }

    /// How a server is reached (`EndpointType`).
    package struct EndpointType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        package let rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }

        /// A public endpoint on the internet.
        package static let `public` = EndpointType(rawValue: "PUBLIC")
        /// An endpoint inside a VPC.
        package static let vpc = EndpointType(rawValue: "VPC")
        /// Deprecated for new accounts since 2021-05-19.
        package static let vpcEndpoint = EndpointType(rawValue: "VPC_ENDPOINT")

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
        package var serverID: String
        package var arn: String
        package var state: ServerState
        package var endpointType: EndpointType?
        package var identityProviderType: IdentityProviderType?
        package var protocols: [FileTransferProtocol]
        package var domain: String?
        package var loggingRole: String?
        package var hostKeyFingerprint: String?
        package var securityPolicyName: String?
        package var userCount: Int?
        package var tags: [String: String]

        package init(serverID: String, arn: String, state: ServerState, endpointType: EndpointType? = nil,
                     identityProviderType: IdentityProviderType? = nil, protocols: [FileTransferProtocol] = [], domain: String? = nil,
                     loggingRole: String? = nil, hostKeyFingerprint: String? = nil, securityPolicyName: String? = nil,
                     userCount: Int? = nil, tags: [String: String] = [:]) {
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
        package var serverID: String
        package var arn: String
        package var state: ServerState
        package var endpointType: EndpointType?
        package var identityProviderType: IdentityProviderType?
        package var domain: String?
        package var loggingRole: String?
        package var userCount: Int?
    }

    /// An SSH public key stored for a user.
    package struct SSHPublicKey: Sendable, Hashable {
        /// `key-<17 hex>`.
        package var id: String
        /// The OpenSSH key line.
        package var body: String
        package var dateImported: Date?
    }

    /// A user as `DescribeUser` reports it.
    package struct User: Sendable, Hashable {
        package var serverID: String
        package var userName: String
        package var arn: String
        package var role: String?
        /// `nil` when the service reported no home directory at all.
        package var homeDirectory: HomeDirectory?
        package var policy: String?
        package var sshPublicKeys: [SSHPublicKey]
        package var tags: [String: String]
    }

    /// A user as `ListUsers` reports it.
    package struct UserSummary: Sendable, Hashable {
        package var userName: String
        package var arn: String
        package var role: String?
        /// `PATH` or `LOGICAL`.
        package var homeDirectoryType: String?
        package var homeDirectory: String?
        package var sshPublicKeyCount: Int?
    }
}
