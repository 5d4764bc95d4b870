import Foundation

/// AWS Transfer Family (JSON 1.1, `X-Amz-Target: TransferService.<Operation>`): the SFTP server and its users.
///
/// Every call checks its parameters locally first (user names, role ARNs, home mappings, key lines, tags) and
/// throws an ``AWSError`` of kind ``AWSError/Kind/invalidRequest`` naming every broken rule, without sending
/// anything. Throttling (`ThrottlingException`) is retried by ``AWSClient``.
///
/// ```swift
/// let transfer = TransferClient(context: context)
/// let serverID = try await transfer.createServer(tags: ["transferwatch:window": "2026-11"])
/// _ = try await transfer.waitUntilServerState(serverID: serverID, target: .online, timeout: .seconds(600))
/// try await transfer.createUser(serverID: serverID, userName: "alice", role: roleARN,
///                               home: .chroot(to: "/invoices-incoming/alice"), sshPublicKey: key)
/// ```
package struct TransferClient: Sendable {
    /// Every Transfer operation this client calls, with the IAM actions each needs.
    package enum Operations {
        /// Also needs `iam:PassRole` on the logging role when one is given.
        package static let createServer = AWSOperation(
            .transfer, "CreateServer", iam: ["transfer:CreateServer", "iam:PassRole"], idempotent: false)
        /// A server's state, endpoint, users and tags.
        package static let describeServer = AWSOperation(.transfer, "DescribeServer")
        /// Every server (paginated).
        package static let listServers = AWSOperation(.transfer, "ListServers")
        /// Deletes a server and stops its billing.
        package static let deleteServer = AWSOperation(.transfer, "DeleteServer")
        /// Starts an OFFLINE server.
        package static let startServer = AWSOperation(.transfer, "StartServer")
        /// Stops an ONLINE server (still billed).
        package static let stopServer = AWSOperation(.transfer, "StopServer")
        /// Needs `iam:PassRole` on the user's role.
        package static let createUser = AWSOperation(
            .transfer, "CreateUser", iam: ["transfer:CreateUser", "iam:PassRole"])
        /// A user's role, home, keys and tags.
        package static let describeUser = AWSOperation(.transfer, "DescribeUser")
        /// A server's users (paginated).
        package static let listUsers = AWSOperation(.transfer, "ListUsers")
        /// Deletes a user.
        package static let deleteUser = AWSOperation(.transfer, "DeleteUser")
        /// Adds an SSH key to a user (the IAM action is spelt `ImportSshPublicKey`).
        package static let importSSHPublicKey = AWSOperation(.transfer, "ImportSshPublicKey")
        /// A server's or user's tags (paginated).
        package static let listTagsForResource = AWSOperation(.transfer, "ListTagsForResource")
        /// Adds or overwrites tags.
        package static let tagResource = AWSOperation(.transfer, "TagResource")

        /// All of the above, for the IAM policy.
        package static let all: [AWSOperation] = [
            createServer, describeServer, listServers, deleteServer, startServer, stopServer, createUser, describeUser,
            listUsers, deleteUser, importSSHPublicKey, listTagsForResource, tagResource,
        ]
    }

    /// The engine that signs, sends and retries.
    package let client: AWSClient

    /// A client for the context's region and endpoint.
    package init(context: AWSClient.Context) {
        client = AWSClient(service: .transfer, context: context)
    }

    // MARK: - Servers

    /// Creates a server and returns its ID (`s-` and 17 hex digits). The server starts in `STARTING`; see
    /// ``waitUntilServerState(serverID:target:timeout:pollInterval:sleeper:now:)``.
    ///
    /// - Parameters:
    ///   - protocols: 1–4 protocols; FTP and FTPS need a `VPC` endpoint and an identity provider other than
    ///     `SERVICE_MANAGED`, and AS2 needs a `VPC` endpoint.
    ///   - loggingRole: a role Transfer assumes to write CloudWatch Logs.
    ///   - tags: at most 50.
    /// - Returns: The new server's ID.
    /// - Throws: ``AWSError``: `invalidRequest` for a local rule, else what AWS answered.
    package func createServer(
        protocols: [FileTransferProtocol] = [.sftp], identityProvider: IdentityProviderType = .serviceManaged,
        endpointType: EndpointType = .public, loggingRole: String? = nil,
        tags: [String: String] = [:]
    ) async throws(AWSError) -> String {
        var problems = ParameterProblems()
        problems.require(
            (1...4).contains(protocols.count), "Protocols must list 1 to 4 protocols (it lists \(protocols.count))")
        problems.require(Set(protocols).count == protocols.count, "Protocols lists a protocol twice")
        if protocols.contains(.ftp) || protocols.contains(.ftps) {
            problems.require(endpointType == .vpc, "FTP and FTPS need EndpointType VPC, not \(endpointType)")
            problems.require(
                identityProvider != .serviceManaged, "FTP and FTPS need an identity provider other than SERVICE_MANAGED"
            )
        }
        if protocols.contains(.as2) {
            problems.require(endpointType == .vpc, "AS2 needs EndpointType VPC, not \(endpointType)")
        }
        if let loggingRole { Validation.checkRoleARN(loggingRole, parameter: "LoggingRole", into: &problems) }
        Validation.checkTags(tags, into: &problems)
        try problems.check(client.service, Operations.createServer)

        let request = TransferWire.CreateServerRequest(
            Protocols: protocols, IdentityProviderType: identityProvider, EndpointType: endpointType,
            LoggingRole: loggingRole, Tags: TransferWire.Tag.list(tags))
        return try await client.json(Operations.createServer, request, as: TransferWire.CreateServerResponse.self)
            .ServerId
    }

    /// Describes one server: its state, endpoint, user count and tags.
    ///
    /// - Throws: ``AWSError`` (`ResourceNotFoundException` when there is no such server).
    package func describeServer(serverID: String) async throws(AWSError) -> Server {
        try checkServerID(serverID, Operations.describeServer)
        let response = try await client.json(
            Operations.describeServer, TransferWire.ServerIDRequest(ServerId: serverID),
            as: TransferWire.DescribeServerResponse.self)
        return Server(response.Server, requestedID: serverID)
    }

    /// Lists every server of the account and region, following `NextToken` to the end.
    ///
    /// - Parameter pageSize: `MaxResults` per request (1–1000); `nil` leaves the service default.
    package func listServers(pageSize: Int? = nil) async throws(AWSError) -> [ServerSummary] {
        try checkPageSize(pageSize, Operations.listServers)
        var servers: [ServerSummary] = []
        var token: String?
        var seen = Set<String>()
        repeat {
            let page = try await client.json(
                Operations.listServers, TransferWire.ListRequest(ServerId: nil, MaxResults: pageSize, NextToken: token),
                as: TransferWire.ListServersResponse.self)
            servers += (page.Servers ?? []).map(ServerSummary.init)
            token = try nextToken(page.NextToken, seen: &seen, Operations.listServers)
        } while token != nil
        return servers
    }

    /// Deletes a server (and with it its users). Stopping a server does not stop its billing; deleting does.
    ///
    /// - Parameter ignoringMissing: treat `ResourceNotFoundException` (a repeat delete) as success.
    /// - Returns: `true` when this call deleted the server, `false` when it was already gone.
    /// - Throws: ``AWSError``.
    @discardableResult
    package func deleteServer(serverID: String, ignoringMissing: Bool = false) async throws(AWSError) -> Bool {
        try checkServerID(serverID, Operations.deleteServer)
        do throws(AWSError) {
            _ = try await client.json(
                Operations.deleteServer, TransferWire.ServerIDRequest(ServerId: serverID), as: TransferWire.Empty.self)
            return true
        } catch {
            guard ignoringMissing, Self.isMissingResource(error) else { throw error }
            return false
        }
    }

    /// Starts an `OFFLINE` server (it goes through `STARTING`).
    package func startServer(serverID: String) async throws(AWSError) {
        try checkServerID(serverID, Operations.startServer)
        _ = try await client.json(
            Operations.startServer, TransferWire.ServerIDRequest(ServerId: serverID), as: TransferWire.Empty.self)
    }

    /// Stops an `ONLINE` server (it goes through `STOPPING`). A stopped server is still billed.
    package func stopServer(serverID: String) async throws(AWSError) {
        try checkServerID(serverID, Operations.stopServer)
        _ = try await client.json(
            Operations.stopServer, TransferWire.ServerIDRequest(ServerId: serverID), as: TransferWire.Empty.self)
    }

    // MARK: - Users

    /// Creates a user on a `SERVICE_MANAGED` server.
    ///
    /// - Parameters:
    ///   - userName: 3–100 characters of letters, digits, `_`, `@`, `.`, `-`, not starting with `-`, `.` or `@`.
    ///   - role: the IAM role (ARN) the user's sessions assume for S3 access.
    ///   - home: a PATH home or LOGICAL mappings; `nil` leaves the service default (`/`).
    ///   - sshPublicKey: an OpenSSH public key line of at most 2048 characters.
    ///   - sessionPolicy: an IAM session policy (JSON, at most 2048 characters) that narrows the role for this
    ///     user's sessions; it may use `${transfer:UserName}`, `${transfer:HomeDirectory}` and
    ///     `${transfer:HomeBucket}`, which a role's own policy cannot.
    ///   - tags: at most 50.
    /// - Throws: ``AWSError`` (`ResourceExistsException` when the user exists, `ResourceNotFoundException` when the server does not).
    package func createUser(
        serverID: String, userName: String, role: String, home: HomeDirectory? = nil, sshPublicKey: String? = nil,
        sessionPolicy: String? = nil, tags: [String: String] = [:]
    ) async throws(AWSError) {
        var problems = ParameterProblems()
        Validation.checkServerID(serverID, into: &problems)
        Validation.checkUserName(userName, into: &problems)
        Validation.checkRoleARN(role, parameter: "Role", into: &problems)
        if let home { Validation.checkHome(home, into: &problems) }
        if let sshPublicKey { Validation.checkSSHPublicKey(sshPublicKey, into: &problems) }
        if let sessionPolicy {
            problems.require(
                (1...2048).contains(sessionPolicy.utf8.count),
                "Policy must be 1 to 2048 characters (it has \(sessionPolicy.utf8.count))")
        }
        Validation.checkTags(tags, into: &problems)
        try problems.check(client.service, Operations.createUser)

        var homeType: String?
        var homePath: String?
        var mappings: [TransferWire.HomeDirectoryMapEntry]?
        switch home {
        case .path(let path):
            homeType = "PATH"
            homePath = path
        case .logical(let entries):
            homeType = "LOGICAL"
            mappings = entries.map {
                TransferWire.HomeDirectoryMapEntry(Entry: $0.entry, Target: $0.target, type: $0.type)
            }
        case nil:
            break
        }
        let request = TransferWire.CreateUserRequest(
            ServerId: serverID, UserName: userName, Role: role, HomeDirectoryType: homeType,
            HomeDirectory: homePath, HomeDirectoryMappings: mappings, SshPublicKeyBody: sshPublicKey,
            Policy: sessionPolicy, Tags: TransferWire.Tag.list(tags))
        _ = try await client.json(Operations.createUser, request, as: TransferWire.Empty.self)
    }

    /// Describes one user: role, home directory, SSH keys and tags.
    ///
    /// - Throws: ``AWSError`` (`ResourceNotFoundException` when the server or user does not exist).
    package func describeUser(serverID: String, userName: String) async throws(AWSError) -> User {
        try checkUser(serverID, userName, Operations.describeUser)
        let response = try await client.json(
            Operations.describeUser, TransferWire.UserRequest(ServerId: serverID, UserName: userName),
            as: TransferWire.DescribeUserResponse.self)
        return User(response.User, serverID: response.ServerId, requestedName: userName)
    }

    /// Lists a server's users, following `NextToken` to the end.
    ///
    /// - Parameter pageSize: `MaxResults` per request (1–1000); `nil` leaves the service default.
    package func listUsers(serverID: String, pageSize: Int? = nil) async throws(AWSError) -> [UserSummary] {
        try checkServerID(serverID, Operations.listUsers)
        try checkPageSize(pageSize, Operations.listUsers)
        var users: [UserSummary] = []
        var token: String?
        var seen = Set<String>()
        repeat {
            let page = try await client.json(
                Operations.listUsers,
                TransferWire.ListRequest(ServerId: serverID, MaxResults: pageSize, NextToken: token),
                as: TransferWire.ListUsersResponse.self)
            users += (page.Users ?? []).map(UserSummary.init)
            token = try nextToken(page.NextToken, seen: &seen, Operations.listUsers)
        } while token != nil
        return users
    }

    /// Deletes a user.
    ///
    /// - Parameter ignoringMissing: treat `ResourceNotFoundException` (a repeat delete) as success.
    /// - Returns: `true` when this call deleted the user, `false` when it was already gone.
    @discardableResult
    package func deleteUser(
        serverID: String, userName: String, ignoringMissing: Bool = false
    ) async throws(AWSError) -> Bool {
        try checkUser(serverID, userName, Operations.deleteUser)
        do throws(AWSError) {
            _ = try await client.json(
                Operations.deleteUser, TransferWire.UserRequest(ServerId: serverID, UserName: userName),
                as: TransferWire.Empty.self)
            return true
        } catch {
            guard ignoringMissing, Self.isMissingResource(error) else { throw error }
            return false
        }
    }

    /// Adds an SSH public key to a user (at most 5 per user; a duplicate is `ResourceExistsException`).
    ///
    /// - Returns: The new key's ID (`key-` and 17 hex digits).
    package func importSSHPublicKey(serverID: String, userName: String, body: String) async throws(AWSError) -> String {
        var problems = ParameterProblems()
        Validation.checkServerID(serverID, into: &problems)
        Validation.checkUserName(userName, into: &problems)
        Validation.checkSSHPublicKey(body, into: &problems)
        try problems.check(client.service, Operations.importSSHPublicKey)
        let request = TransferWire.ImportSshPublicKeyRequest(
            ServerId: serverID, UserName: userName, SshPublicKeyBody: body)
        return try await client.json(
            Operations.importSSHPublicKey, request, as: TransferWire.ImportSshPublicKeyResponse.self
        ).SshPublicKeyId
    }

    // MARK: - Tags

    /// The tags of a server, user or other Transfer resource, following `NextToken` to the end.
    package func listTagsForResource(arn: String) async throws(AWSError) -> [String: String] {
        try checkARN(arn, Operations.listTagsForResource)
        var tags: [String: String] = [:]
        var token: String?
        var seen = Set<String>()
        repeat {
            let page = try await client.json(
                Operations.listTagsForResource,
                TransferWire.ListTagsRequest(Arn: arn, MaxResults: nil, NextToken: token),
                as: TransferWire.ListTagsResponse.self)
            tags.merge(TransferWire.Tag.dictionary(page.Tags)) { _, new in new }
            token = try nextToken(page.NextToken, seen: &seen, Operations.listTagsForResource)
        } while token != nil
        return tags
    }

    /// Adds or overwrites tags on a Transfer resource (1–50 per call).
    package func tagResource(arn: String, tags: [String: String]) async throws(AWSError) {
        var problems = ParameterProblems()
        problems.require(
            arn.hasPrefix("arn:") && (20...1600).contains(arn.utf8.count),
            "Arn \(ParameterText.quoted(arn)) is not an ARN")
        problems.require(!tags.isEmpty, "Tags must have at least one entry")
        Validation.checkTags(tags, into: &problems)
        try problems.check(client.service, Operations.tagResource)
        let request = TransferWire.TagResourceRequest(Arn: arn, Tags: TransferWire.Tag.list(tags) ?? [])
        _ = try await client.json(Operations.tagResource, request, as: TransferWire.Empty.self)
    }

    // MARK: - Errors

    /// Whether `error` says the server, user or key does not exist (Transfer's `ResourceNotFoundException`).
    package static func isMissingResource(_ error: AWSError) -> Bool {
        error.kind == .service && error.code == "ResourceNotFoundException"
    }

    /// The wait Transfer asked for in a `ThrottlingException`'s `RetryAfterSeconds` member, if it sent one.
    ///
    /// The standard retry mode does not honour it (botocore neither); callers that loop may.
    package static func retryAfter(_ error: AWSError) -> Duration? {
        guard error.code == "ThrottlingException", let body = error.body,
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        else { return nil }
        let seconds: Double?
        switch object["RetryAfterSeconds"] {
        case let text as String: seconds = Double(text.trimmingCharacters(in: .whitespaces))
        case let number as NSNumber: seconds = number.doubleValue
        default: seconds = nil
        }
        guard let seconds, seconds.isFinite, seconds >= 0 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    // MARK: - Helpers

    private func checkServerID(_ serverID: String, _ operation: AWSOperation) throws(AWSError) {
        var problems = ParameterProblems()
        Validation.checkServerID(serverID, into: &problems)
        try problems.check(client.service, operation)
    }

    private func checkUser(_ serverID: String, _ userName: String, _ operation: AWSOperation) throws(AWSError) {
        var problems = ParameterProblems()
        Validation.checkServerID(serverID, into: &problems)
        Validation.checkUserName(userName, into: &problems)
        try problems.check(client.service, operation)
    }

    private func checkARN(_ arn: String, _ operation: AWSOperation) throws(AWSError) {
        var problems = ParameterProblems()
        problems.require(
            arn.hasPrefix("arn:") && (20...1600).contains(arn.utf8.count),
            "Arn \(ParameterText.quoted(arn)) is not an ARN")
        try problems.check(client.service, operation)
    }

    private func checkPageSize(_ pageSize: Int?, _ operation: AWSOperation) throws(AWSError) {
        guard let pageSize else { return }
        var problems = ParameterProblems()
        problems.require((1...1000).contains(pageSize), "MaxResults must be 1 to 1000, not \(pageSize)")
        try problems.check(client.service, operation)
    }

    /// The token for the next page, or `nil` at the end; a token seen before would loop forever, so it fails.
    private func nextToken(
        _ token: String?, seen: inout Set<String>, _ operation: AWSOperation
    ) throws(AWSError) -> String? {
        guard let token, !token.isEmpty else { return nil }
        guard seen.insert(token).inserted else {
            throw AWSError(
                kind: .malformedResponse, service: client.service.id, operation: operation.name, code: "PaginationLoop",
                message: "the service returned NextToken \(ParameterText.quoted(token)) twice")
        }
        return token
    }
}
