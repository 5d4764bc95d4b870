import Foundation

/// The JSON shapes of Transfer's requests and responses (BC-model transfer 2018-11-05), kept apart from the
/// values callers see.
///
/// Responses decode leniently: optional members may be absent or `null` (moto sends `null` for every unset one).
enum TransferWire {
    /// `{"Key": …, "Value": …}`: the tag shape Transfer and CloudWatch share.
    struct Tag: Codable, Equatable {
        let Key: String
        let Value: String

        /// Tags in key order, so request bodies are stable.
        static func list(_ tags: [String: String]) -> [Tag]? {
            tags.isEmpty ? nil : tags.sorted { $0.key < $1.key }.map { Tag(Key: $0.key, Value: $0.value) }
        }

        static func dictionary(_ tags: [Tag]?) -> [String: String] {
            Dictionary((tags ?? []).map { ($0.Key, $0.Value) }, uniquingKeysWith: { _, last in last })
        }
    }

    struct CreateServerRequest: Encodable {
        let Protocols: [TransferClient.FileTransferProtocol]
        let IdentityProviderType: TransferClient.IdentityProviderType
        let EndpointType: TransferClient.EndpointType
        let LoggingRole: String?
        let Tags: [Tag]?
    }

    struct CreateServerResponse: Decodable {
        let ServerId: String
    }

    struct ServerIDRequest: Encodable {
        let ServerId: String
    }

    struct DescribeServerResponse: Decodable {
        let Server: DescribedServer
    }

    struct DescribedServer: Decodable {
        let Arn: String
        let ServerId: String?
        let State: TransferClient.ServerState?
        let EndpointType: TransferClient.EndpointType?
        let IdentityProviderType: TransferClient.IdentityProviderType?
        let Protocols: [TransferClient.FileTransferProtocol]?
        let Domain: String?
        let LoggingRole: String?
        let HostKeyFingerprint: String?
        let SecurityPolicyName: String?
        let UserCount: Int?
        let Tags: [Tag]?
    }

    struct ListRequest: Encodable {
        let ServerId: String?
        let MaxResults: Int?
        let NextToken: String?
    }

    struct ListServersResponse: Decodable {
        let Servers: [ListedServer]?
        let NextToken: String?
    }

    struct ListedServer: Decodable {
        let Arn: String
        let ServerId: String?
        let State: TransferClient.ServerState?
        let EndpointType: TransferClient.EndpointType?
        let IdentityProviderType: TransferClient.IdentityProviderType?
        let Domain: String?
        let LoggingRole: String?
        let UserCount: Int?
    }

    struct HomeDirectoryMapEntry: Codable {
        let Entry: String
        let Target: String
        let type: String?

        enum CodingKeys: String, CodingKey {
            case Entry, Target
            case type = "Type"
        }
    }

    struct CreateUserRequest: Encodable {
        let ServerId: String
        let UserName: String
        let Role: String
        let HomeDirectoryType: String?
        let HomeDirectory: String?
        let HomeDirectoryMappings: [HomeDirectoryMapEntry]?
        let SshPublicKeyBody: String?
        let Policy: String?
        let Tags: [Tag]?
    }

    struct UserRequest: Encodable {
        let ServerId: String
        let UserName: String
    }

    struct DescribeUserResponse: Decodable {
        let ServerId: String
        let User: DescribedUser
    }

    struct DescribedUser: Decodable {
        let Arn: String
        let UserName: String?
        let Role: String?
        let HomeDirectoryType: String?
        let HomeDirectory: String?
        let HomeDirectoryMappings: [HomeDirectoryMapEntry]?
        let Policy: String?
        let SshPublicKeys: [SshPublicKey]?
        let Tags: [Tag]?
    }

    struct SshPublicKey: Decodable {
        let SshPublicKeyId: String
        let SshPublicKeyBody: String
        let DateImported: LenientDate?
    }

    struct ListUsersResponse: Decodable {
        let ServerId: String?
        let Users: [ListedUser]?
        let NextToken: String?
    }

    struct ListedUser: Decodable {
        let Arn: String
        let UserName: String?
        let Role: String?
        let HomeDirectoryType: String?
        let HomeDirectory: String?
        let SshPublicKeyCount: Int?
    }

    struct ImportSshPublicKeyRequest: Encodable {
        let ServerId: String
        let UserName: String
        let SshPublicKeyBody: String
    }

    struct ImportSshPublicKeyResponse: Decodable {
        let ServerId: String?
        let SshPublicKeyId: String
        let UserName: String?
    }

    struct ListTagsRequest: Encodable {
        let Arn: String
        let MaxResults: Int?
        let NextToken: String?
    }

    struct ListTagsResponse: Decodable {
        let Arn: String?
        let Tags: [Tag]?
        let NextToken: String?
    }

    struct TagResourceRequest: Encodable {
        let Arn: String
        let Tags: [Tag]
    }

    /// An operation with no output members: any JSON object (or an empty body) is accepted.
    struct Empty: Decodable {}

    /// A timestamp sent as epoch seconds (AWS), as a numeric string (moto's `DateImported`), or as ISO 8601.
    struct LenientDate: Decodable {
        let date: Date?

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) {
                date = Date(timeIntervalSince1970: seconds)
            } else if let text = try? container.decode(String.self) {
                date = Double(text).map(Date.init(timeIntervalSince1970:)) ?? AWSDate.parseISO8601(text)
            } else {
                date = nil
            }
        }
    }
}

extension TransferClient.Server {
    init(_ wire: TransferWire.DescribedServer, requestedID: String) {
        self.init(
            serverID: wire.ServerId ?? requestedID, arn: wire.Arn, state: wire.State ?? .unknown(""),
            endpointType: wire.EndpointType, identityProviderType: wire.IdentityProviderType,
            protocols: wire.Protocols ?? [],
            domain: wire.Domain, loggingRole: wire.LoggingRole, hostKeyFingerprint: wire.HostKeyFingerprint,
            securityPolicyName: wire.SecurityPolicyName, userCount: wire.UserCount,
            tags: TransferWire.Tag.dictionary(wire.Tags))
    }
}

extension TransferClient.ServerSummary {
    init(_ wire: TransferWire.ListedServer) {
        self.init(
            serverID: wire.ServerId ?? String(wire.Arn.split(separator: "/").last ?? ""), arn: wire.Arn,
            state: wire.State ?? .unknown(""), endpointType: wire.EndpointType,
            identityProviderType: wire.IdentityProviderType,
            domain: wire.Domain, loggingRole: wire.LoggingRole, userCount: wire.UserCount)
    }
}

extension TransferClient.User {
    init(_ wire: TransferWire.DescribedUser, serverID: String, requestedName: String) {
        let home: TransferClient.HomeDirectory?
        switch wire.HomeDirectoryType {
        case "LOGICAL":
            home = .logical(
                (wire.HomeDirectoryMappings ?? []).map { .init(entry: $0.Entry, target: $0.Target, type: $0.type) })
        default:
            home = wire.HomeDirectory.map { .path($0) }
        }
        self.init(
            serverID: serverID, userName: wire.UserName ?? requestedName, arn: wire.Arn, role: wire.Role,
            homeDirectory: home,
            policy: wire.Policy,
            sshPublicKeys: (wire.SshPublicKeys ?? []).map {
                .init(id: $0.SshPublicKeyId, body: $0.SshPublicKeyBody, dateImported: $0.DateImported?.date)
            },
            tags: TransferWire.Tag.dictionary(wire.Tags))
    }
}

extension TransferClient.UserSummary {
    init(_ wire: TransferWire.ListedUser) {
        self.init(
            userName: wire.UserName ?? String(wire.Arn.split(separator: "/").last ?? ""), arn: wire.Arn,
            role: wire.Role,
            homeDirectoryType: wire.HomeDirectoryType, homeDirectory: wire.HomeDirectory,
            sshPublicKeyCount: wire.SshPublicKeyCount)
    }
}
