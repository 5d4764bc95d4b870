import Foundation
import Testing
import TransferWatchLocking
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// ``TransferClient`` against a scripted transport: the exact JSON each operation sends, decoding of real
/// response and error bodies, pagination, throttling retries, local validation, and the state waiter.
@Suite struct TransferClientTests {
    static let serverID = "s-0123456789abcdef0"
    static let serverARN = "arn:aws:transfer:us-east-1:123456789012:server/s-0123456789abcdef0"
    static let role = "arn:aws:iam::123456789012:role/sftp-invoice-user"
    static let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop"

    // MARK: - Servers

    @Test func createServerSendsTheModelledJSONAndReturnsTheID() async throws {
        let transport = JSONServiceFakeTransport([.json(#"{"ServerId":"s-0123456789abcdef0"}"#)])
        let serverID = try await makeClient(transport).createServer(tags: ["env": "test", "app": "transferwatch"])

        #expect(serverID == Self.serverID)
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/")
        #expect(request.headers["X-Amz-Target"] == "TransferService.CreateServer")
        #expect(request.headers["Content-Type"] == "application/x-amz-json-1.1")
        #expect(request.headers["x-amzn-query-mode"] == nil)
        #expect(request.headers["Content-Encoding"] == nil)
        #expect(
            transport.bodyText(0)
                == #"{"EndpointType":"PUBLIC","IdentityProviderType":"SERVICE_MANAGED","Protocols":["SFTP"],"#
                + #""Tags":[{"Key":"app","Value":"transferwatch"},{"Key":"env","Value":"test"}]}"#)
    }

    @Test func createServerMeansTheSameAsTheDerivedSigningVector() async throws {
        let vector = SharedPaths.sigV4TestSuite.appendingPathComponent(
            "derived-service-vectors/transfer-create-server-json11/request.txt")
        let text = try String(contentsOf: vector, encoding: .utf8)
        let vectorBody = try #require(text.components(separatedBy: "\n\n").last)
        let transport = JSONServiceFakeTransport([.json(#"{"ServerId":"s-0123456789abcdef0"}"#)])
        _ = try await makeClient(transport).createServer(
            protocols: [.sftp], identityProvider: .serviceManaged, endpointType: .public,
            tags: ["app": "demo"])

        let sent = try JSONSerialization.jsonObject(with: transport.body(0)) as? NSDictionary
        let expected = try JSONSerialization.jsonObject(with: Data(vectorBody.utf8)) as? NSDictionary
        #expect(sent != nil && sent == expected)
    }

    @Test func createServerOmitsAbsentMembersAndSendsTheLoggingRole() async throws {
        let transport = JSONServiceFakeTransport([.json(#"{"ServerId":"s-0123456789abcdef0"}"#)])
        _ = try await makeClient(transport).createServer(loggingRole: "arn:aws:iam::123456789012:role/transfer-logs")
        #expect(
            transport.bodyText(0) == #"{"EndpointType":"PUBLIC","IdentityProviderType":"SERVICE_MANAGED","#
                + #""LoggingRole":"arn:aws:iam::123456789012:role/transfer-logs","Protocols":["SFTP"]}"#)
    }

    @Test func describeServerDecodesARealResponse() async throws {
        let body = """
            {"Server":{"Arn":"\(Self.serverARN)","Domain":"S3","EndpointType":"PUBLIC",
            "HostKeyFingerprint":"SHA256:K7lzJ2n1sO0Q5n3pXbq2uQ8p8yqQe9m7jvJ8Yb5uQ2c=","IdentityProviderType":"SERVICE_MANAGED",
            "LoggingRole":"arn:aws:iam::123456789012:role/transfer-logs","Protocols":["SFTP"],
            "SecurityPolicyName":"TransferSecurityPolicy-2024-01","ServerId":"\(Self.serverID)","State":"STARTING",
            "Tags":[{"Key":"env","Value":"test"},{"Key":"transferwatch:window","Value":"2026-11"}],"UserCount":3,
            "As2ServiceManagedEgressIpAddresses":["0.0.0.0/0"],"IpAddressType":"IPV4",
            "EndpointDetails":{"SecurityGroupIds":[]},"ProtocolDetails":{"PassiveIp":"AUTO","SetStatOption":"DEFAULT"}}}
            """
        let transport = JSONServiceFakeTransport([.json(body)])
        let server = try await makeClient(transport).describeServer(serverID: Self.serverID)

        #expect(transport.bodyText(0) == #"{"ServerId":"s-0123456789abcdef0"}"#)
        #expect(transport.requests.first?.headers["X-Amz-Target"] == "TransferService.DescribeServer")
        #expect(
            server
                == TransferClient.Server(
                    serverID: Self.serverID, arn: Self.serverARN, state: .starting, endpointType: .public,
                    identityProviderType: .serviceManaged,
                    protocols: [.sftp], domain: "S3", loggingRole: "arn:aws:iam::123456789012:role/transfer-logs",
                    hostKeyFingerprint: "SHA256:K7lzJ2n1sO0Q5n3pXbq2uQ8p8yqQe9m7jvJ8Yb5uQ2c=",
                    securityPolicyName: "TransferSecurityPolicy-2024-01",
                    userCount: 3, tags: ["env": "test", "transferwatch:window": "2026-11"]))
    }

    @Test func describeServerToleratesNullsAndUnknownStates() async throws {
        // moto sends `null` for every unset member; AWS may add states.
        let body =
            #"{"Server":{"Certificate":null,"Domain":null,"EndpointType":"PUBLIC","HostKeyFingerprint":null,"#
            + #""IdentityProviderType":"SERVICE_MANAGED","LoggingRole":null,"Protocols":["SFTP"],"SecurityPolicyName":null,"#
            + #""Arn":"\#(Self.serverARN)","ServerId":"\#(Self.serverID)","State":"ARCHIVING","Tags":[],"UserCount":0,"#
            + #""EndpointDetails":{"AddressAllocationIds":null,"SubnetIds":null}}}"#
        let server = try await makeClient(JSONServiceFakeTransport([.json(body)])).describeServer(
            serverID: Self.serverID)
        #expect(server.state == .unknown("ARCHIVING"))
        #expect(server.state.rawValue == "ARCHIVING")
        #expect(!server.state.isFailure)
        #expect(server.domain == nil)
        #expect(server.tags.isEmpty)
        #expect(server.userCount == 0)
    }

    @Test(arguments: [
        ("OFFLINE", TransferClient.ServerState.offline), ("ONLINE", .online), ("STARTING", .starting),
        ("STOPPING", .stopping),
        ("START_FAILED", .startFailed), ("STOP_FAILED", .stopFailed), ("", .unknown("")),
    ])
    func serverStatesRoundTrip(raw: String, state: TransferClient.ServerState) {
        #expect(TransferClient.ServerState(rawValue: raw) == state)
        #expect(state.rawValue == raw)
        #expect(state.isFailure == (raw == "START_FAILED" || raw == "STOP_FAILED"))
    }

    @Test func listServersFollowsNextTokenAcrossPages() async throws {
        let transport = JSONServiceFakeTransport([
            .json(
                #"{"Servers":[{"Arn":"arn:aws:transfer:us-east-1:123456789012:server/s-00000000000000001","ServerId":"s-00000000000000001","#
                    + #""State":"ONLINE","EndpointType":"PUBLIC","IdentityProviderType":"SERVICE_MANAGED","Domain":"S3","UserCount":2}],"#
                    + #""NextToken":"page-2"}"#),
            .json(
                #"{"Servers":[{"Arn":"arn:aws:transfer:us-east-1:123456789012:server/s-00000000000000002","ServerId":"s-00000000000000002","#
                    + #""State":"OFFLINE","EndpointType":"VPC","LoggingRole":"arn:aws:iam::123456789012:role/logs"}]}"#),
        ])
        let servers = try await makeClient(transport).listServers(pageSize: 1)

        #expect(servers.map(\.serverID) == ["s-00000000000000001", "s-00000000000000002"])
        #expect(servers.map(\.state) == [.online, .offline])
        #expect(servers[0].userCount == 2)
        #expect(servers[1].endpointType == .vpc)
        #expect(servers[1].loggingRole == "arn:aws:iam::123456789012:role/logs")
        #expect(transport.bodyText(0) == #"{"MaxResults":1}"#)
        #expect(transport.bodyText(1) == #"{"MaxResults":1,"NextToken":"page-2"}"#)
        #expect(transport.requests.count == 2)
    }

    @Test func listServersStopsOnARepeatedToken() async throws {
        let page = JSONServiceFakeTransport.Reply.json(#"{"Servers":[],"NextToken":"same"}"#)
        let transport = JSONServiceFakeTransport([page, page, page])
        let error = await #expect(throws: AWSError.self) { try await makeClient(transport).listServers() }
        #expect(error?.code == "PaginationLoop")
        #expect(error?.kind == .malformedResponse)
        #expect(transport.requests.count == 2)
    }

    @Test func deleteServerReportsAMissingServerUnlessToldToIgnoreIt() async throws {
        let notFound = JSONServiceFakeTransport.Reply.json(
            status: 400,
            #"{"__type":"ResourceNotFoundException","Message":"Unknown server","Resource":"s-0123456789abcdef0","ResourceType":"Server"}"#,
            headers: [("x-amzn-RequestId", "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111")])
        let transport = JSONServiceFakeTransport([notFound, notFound, .json("{}")])
        let client = makeClient(transport)

        let error = await #expect(throws: AWSError.self) { try await client.deleteServer(serverID: Self.serverID) }
        #expect(error?.code == "ResourceNotFoundException")
        #expect(error?.message == "Unknown server")
        #expect(error?.statusCode == 400)
        #expect(error?.requestID == "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111")
        #expect(error?.attempts == 1)
        #expect(error.map(TransferClient.isMissingResource) == true)

        #expect(try await client.deleteServer(serverID: Self.serverID, ignoringMissing: true) == false)
        #expect(try await client.deleteServer(serverID: Self.serverID, ignoringMissing: true) == true)
        #expect(transport.targets == Array(repeating: "TransferService.DeleteServer", count: 3))
        #expect(transport.bodyText(2) == #"{"ServerId":"s-0123456789abcdef0"}"#)
    }

    @Test func ignoringMissingStillThrowsOtherErrors() async throws {
        let transport = JSONServiceFakeTransport([
            .json(status: 400, #"{"__type":"AccessDeniedException","Message":"not allowed"}"#)
        ])
        let error = await #expect(throws: AWSError.self) {
            try await makeClient(transport).deleteServer(serverID: Self.serverID, ignoringMissing: true)
        }
        #expect(error?.code == "AccessDeniedException")
    }

    @Test func throttlingIsRetriedAndItsRetryAfterIsReadable() async throws {
        let throttled = JSONServiceFakeTransport.Reply.json(
            status: 400,
            #"{"__type":"ThrottlingException","RetryAfterSeconds":"1.5","Message":"Rate exceeded"}"#)
        let transport = JSONServiceFakeTransport([throttled, .json("{}")])
        let sleeper = RecordingSleeper()
        try await makeClient(transport, sleeper: sleeper).startServer(serverID: Self.serverID)

        #expect(transport.requests.count == 2)
        #expect(transport.targets == ["TransferService.StartServer", "TransferService.StartServer"])
        #expect(sleeper.delays.count == 1)
        let error = AWSError(
            service: "Transfer", operation: "StartServer", statusCode: 400, code: "ThrottlingException",
            message: "Rate exceeded",
            body: Data(#"{"__type":"ThrottlingException","RetryAfterSeconds":"1.5"}"#.utf8))
        #expect(TransferClient.retryAfter(error) == .milliseconds(1500))
        #expect(RetryStrategy.classify(error) == .throttling)
    }

    @Test func throttlingGivesUpAfterTheStandardThreeAttempts() async throws {
        let throttled = JSONServiceFakeTransport.Reply.json(
            status: 400, #"{"__type":"ThrottlingException","Message":"Rate exceeded"}"#)
        let transport = JSONServiceFakeTransport([throttled, throttled, throttled])
        let error = await #expect(throws: AWSError.self) {
            try await makeClient(transport).stopServer(serverID: Self.serverID)
        }
        #expect(error?.code == "ThrottlingException")
        #expect(error?.attempts == 3)
        #expect(error.flatMap(TransferClient.retryAfter) == nil)
        #expect(transport.targets == Array(repeating: "TransferService.StopServer", count: 3))
    }

    // MARK: - Users

    @Test func createUserSendsALogicalHomeAndAKey() async throws {
        let transport = JSONServiceFakeTransport([.json(#"{"ServerId":"s-0123456789abcdef0","UserName":"alice"}"#)])
        try await makeClient(transport).createUser(
            serverID: Self.serverID, userName: "alice", role: Self.role,
            home: .logical([
                .init(entry: "/", target: "/invoices-incoming/alice"),
                .init(entry: "/archive", target: "/invoices-archive/alice", type: "DIRECTORY"),
            ]),
            sshPublicKey: Self.key, tags: ["employee": "alice"])

        #expect(transport.targets == ["TransferService.CreateUser"])
        #expect(
            transport.bodyText(0) == #"{"HomeDirectoryMappings":[{"Entry":"/","Target":"/invoices-incoming/alice"},"#
                + #"{"Entry":"/archive","Target":"/invoices-archive/alice","Type":"DIRECTORY"}],"HomeDirectoryType":"LOGICAL","#
                + #""Role":"arn:aws:iam::123456789012:role/sftp-invoice-user","ServerId":"s-0123456789abcdef0","#
                + #""SshPublicKeyBody":"\#(Self.key)","Tags":[{"Key":"employee","Value":"alice"}],"UserName":"alice"}"#)
    }

    @Test func createUserSendsAPathHomeOrNone() async throws {
        let transport = JSONServiceFakeTransport([.json("{}"), .json("{}")])
        let client = makeClient(transport)
        try await client.createUser(
            serverID: Self.serverID, userName: "bob.smith@corp", role: Self.role, home: .path("/invoices-incoming/bob"))
        try await client.createUser(serverID: Self.serverID, userName: "carol_1", role: Self.role)
        #expect(
            transport.bodyText(0) == #"{"HomeDirectory":"/invoices-incoming/bob","HomeDirectoryType":"PATH","#
                + #""Role":"arn:aws:iam::123456789012:role/sftp-invoice-user","ServerId":"s-0123456789abcdef0","UserName":"bob.smith@corp"}"#
        )
        #expect(
            transport.bodyText(1)
                == #"{"Role":"arn:aws:iam::123456789012:role/sftp-invoice-user","ServerId":"s-0123456789abcdef0","#
                + #""UserName":"carol_1"}"#)
    }

    @Test func createUserSendsASessionPolicyAndRefusesAnOversizedOne() async throws {
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject"],"#
            + #""Resource":["arn:aws:s3:::invoices-incoming/${transfer:UserName}/*"]}]}"#
        let transport = JSONServiceFakeTransport([.json("{}")])
        let client = makeClient(transport)
        try await client.createUser(serverID: Self.serverID, userName: "carol_1", role: Self.role, sessionPolicy: policy)
        let sent = try #require(try JSONSerialization.jsonObject(with: transport.body(0)) as? [String: Any])
        #expect(sent["Policy"] as? String == policy)

        let oversized = String(repeating: " ", count: 2049)
        let error = await #expect(throws: AWSError.self) {
            try await client.createUser(serverID: Self.serverID, userName: "carol_1", role: Self.role, sessionPolicy: oversized)
        }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message == "Policy must be 1 to 2048 characters (it has 2049)")
        #expect(transport.requests.count == 1)
    }

    @Test func userNameProblemIsTheRuleCreateUserChecks() {
        #expect(TransferClient.userNameProblem("alice") == nil)
        #expect(TransferClient.userNameProblem("bob.smith@corp") == nil)
        #expect(TransferClient.userNameProblem("_x-") == nil)
        #expect(TransferClient.userNameProblem("ab") == "UserName 'ab' must be 3 to 100 characters (it has 2)")
        #expect(TransferClient.userNameProblem(".alice") == "UserName '.alice' must start with a letter, a digit or '_'")
        #expect(
            TransferClient.userNameProblem("bob smith")
                == "UserName 'bob smith' may contain only letters, digits, '_', '@', '.' and '-'")
    }

    @Test func createUserOnAMissingServerIsResourceNotFound() async throws {
        let transport = JSONServiceFakeTransport([
            .json(
                status: 400,
                #"{"__type":"ResourceNotFoundException","Message":"Unknown server","#
                    + #""Resource":"s-0123456789abcdef0","ResourceType":"Server"}"#)
        ])
        let error = await #expect(throws: AWSError.self) {
            try await makeClient(transport).createUser(serverID: Self.serverID, userName: "alice", role: Self.role)
        }
        #expect(error?.code == "ResourceNotFoundException")
        #expect(transport.requests.count == 1)
    }

    @Test func describeUserDecodesLogicalMappingsAndKeys() async throws {
        let body = """
            {"ServerId":"\(Self.serverID)","User":{"Arn":"arn:aws:transfer:us-east-1:123456789012:user/\(Self.serverID)/alice",
            "HomeDirectoryMappings":[{"Entry":"/","Target":"/invoices-incoming/alice","Type":"DIRECTORY"}],"HomeDirectoryType":"LOGICAL",
            "Role":"\(Self.role)","SshPublicKeys":[{"DateImported":1795889760.564,"SshPublicKeyBody":"\(Self.key)",
            "SshPublicKeyId":"key-0123456789abcdef0"}],"Tags":[{"Key":"employee","Value":"alice"}],"UserName":"alice"}}
            """
        let transport = JSONServiceFakeTransport([.json(body)])
        let user = try await makeClient(transport).describeUser(serverID: Self.serverID, userName: "alice")

        #expect(transport.bodyText(0) == #"{"ServerId":"s-0123456789abcdef0","UserName":"alice"}"#)
        #expect(user.userName == "alice")
        #expect(user.serverID == Self.serverID)
        #expect(user.role == Self.role)
        #expect(
            user.homeDirectory == .logical([.init(entry: "/", target: "/invoices-incoming/alice", type: "DIRECTORY")]))
        #expect(
            user.sshPublicKeys == [
                .init(
                    id: "key-0123456789abcdef0", body: Self.key,
                    dateImported: Date(timeIntervalSince1970: 1795889760.564))
            ])
        #expect(user.tags == ["employee": "alice"])
    }

    @Test func describeUserAcceptsMotosStringDatesAndAPathHome() async throws {
        let body =
            #"{"ServerId":"s-0123456789abcdef0","User":{"HomeDirectory":"/bucket/bob","HomeDirectoryType":"PATH","Policy":null,"#
            + #""Role":"\#(Self.role)","UserName":"bob","Arn":"arn:aws:transfer:us-east-1:123456789012:user/s-0123456789abcdef0/bob","#
            + #""HomeDirectoryMappings":[],"SshPublicKeys":[{"DateImported":"1795889760.5","SshPublicKeyBody":"ssh-rsa AAAAB3Nza","#
            + #""SshPublicKeyId":"key-00000000000000001"}],"PosixProfile":{"Uid":null,"Gid":null},"Tags":[]}}"#
        let user = try await makeClient(JSONServiceFakeTransport([.json(body)])).describeUser(
            serverID: Self.serverID, userName: "bob")
        #expect(user.homeDirectory == .path("/bucket/bob"))
        #expect(user.sshPublicKeys.first?.dateImported == Date(timeIntervalSince1970: 1795889760.5))
        #expect(user.policy == nil)
    }

    @Test func listUsersFollowsNextToken() async throws {
        let transport = JSONServiceFakeTransport([
            .json(
                #"{"ServerId":"s-0123456789abcdef0","Users":[{"Arn":"arn:aws:transfer:us-east-1:123456789012:user/s-0123456789abcdef0/alice","#
                    + #""UserName":"alice","HomeDirectoryType":"LOGICAL","Role":"\#(Self.role)","SshPublicKeyCount":1}],"NextToken":"t2"}"#
            ),
            .json(
                #"{"ServerId":"s-0123456789abcdef0","Users":[{"Arn":"arn:aws:transfer:us-east-1:123456789012:user/s-0123456789abcdef0/bob","#
                    + #""UserName":"bob","HomeDirectory":"/bucket/bob","HomeDirectoryType":"PATH","SshPublicKeyCount":0}]}"#
            ),
        ])
        let users = try await makeClient(transport).listUsers(serverID: Self.serverID)
        #expect(users.map(\.userName) == ["alice", "bob"])
        #expect(users.map(\.sshPublicKeyCount) == [1, 0])
        #expect(users[1].homeDirectory == "/bucket/bob")
        #expect(transport.bodyText(0) == #"{"ServerId":"s-0123456789abcdef0"}"#)
        #expect(transport.bodyText(1) == #"{"NextToken":"t2","ServerId":"s-0123456789abcdef0"}"#)
        #expect(transport.targets == ["TransferService.ListUsers", "TransferService.ListUsers"])
    }

    @Test func deleteUserTreatsARepeatAsSuccessWhenAsked() async throws {
        let notFound = JSONServiceFakeTransport.Reply.json(
            status: 400,
            #"{"__type":"ResourceNotFoundException","Message":"Unknown user","#
                + #""Resource":"alice","ResourceType":"User"}"#)
        let transport = JSONServiceFakeTransport([.json("{}"), notFound, notFound])
        let client = makeClient(transport)
        #expect(try await client.deleteUser(serverID: Self.serverID, userName: "alice") == true)
        #expect(try await client.deleteUser(serverID: Self.serverID, userName: "alice", ignoringMissing: true) == false)
        await #expect(throws: AWSError.self) { try await client.deleteUser(serverID: Self.serverID, userName: "alice") }
        #expect(transport.bodyText(0) == #"{"ServerId":"s-0123456789abcdef0","UserName":"alice"}"#)
        #expect(transport.targets.allSatisfy { $0 == "TransferService.DeleteUser" })
    }

    @Test func importSSHPublicKeySendsTheBodyAndReturnsTheKeyID() async throws {
        let transport = JSONServiceFakeTransport([
            .json(#"{"ServerId":"s-0123456789abcdef0","SshPublicKeyId":"key-0123456789abcdef1","UserName":"alice"}"#)
        ])
        let id = try await makeClient(transport).importSSHPublicKey(
            serverID: Self.serverID, userName: "alice", body: Self.key)
        #expect(id == "key-0123456789abcdef1")
        #expect(transport.targets == ["TransferService.ImportSshPublicKey"])
        #expect(
            transport.bodyText(0)
                == #"{"ServerId":"s-0123456789abcdef0","SshPublicKeyBody":"\#(Self.key)","UserName":"alice"}"#)
    }

    // MARK: - Tags

    @Test func listTagsForResourceMergesPagesAndTagResourceSendsSortedTags() async throws {
        let transport = JSONServiceFakeTransport([
            .json(#"{"Arn":"\#(Self.serverARN)","Tags":[{"Key":"a","Value":"1"}],"NextToken":"n"}"#),
            .json(#"{"Arn":"\#(Self.serverARN)","Tags":[{"Key":"b","Value":"2"}]}"#),
            .json("{}"),
        ])
        let client = makeClient(transport)
        #expect(try await client.listTagsForResource(arn: Self.serverARN) == ["a": "1", "b": "2"])
        try await client.tagResource(arn: Self.serverARN, tags: ["z": "last", "m": ""])
        #expect(transport.bodyText(0) == #"{"Arn":"\#(Self.serverARN)"}"#)
        #expect(transport.bodyText(1) == #"{"Arn":"\#(Self.serverARN)","NextToken":"n"}"#)
        #expect(
            transport.bodyText(2)
                == #"{"Arn":"\#(Self.serverARN)","Tags":[{"Key":"m","Value":""},{"Key":"z","Value":"last"}]}"#)
        #expect(
            transport.targets == [
                "TransferService.ListTagsForResource", "TransferService.ListTagsForResource",
                "TransferService.TagResource",
            ])
    }

    // MARK: - Local validation

    /// One call that must be refused before anything is sent, and the message it must give.
    struct InvalidCall: Sendable, CustomTestStringConvertible {
        let name: String
        let message: String
        let call: @Sendable (TransferClient) async throws -> Void
        var testDescription: String { name }
    }

    static let invalidCalls: [InvalidCall] = [
        // Two characters: below the 3-character minimum.
        InvalidCall(name: "short user name", message: "UserName 'ab' must be 3 to 100 characters (it has 2)") {
            try await $0.createUser(serverID: serverID, userName: "ab", role: role)
        },
        // 101 characters: above the maximum.
        InvalidCall(
            name: "long user name",
            message:
                "UserName '\(String(repeating: "a", count: 60))…' (101 characters) must be 3 to 100 characters (it has 101)"
        ) {
            try await $0.createUser(serverID: serverID, userName: String(repeating: "a", count: 101), role: role)
        },
        // The first character must be \w.
        InvalidCall(
            name: "user name starting with -", message: "UserName '-alice' must start with a letter, a digit or '_'"
        ) {
            try await $0.createUser(serverID: serverID, userName: "-alice", role: role)
        },
        InvalidCall(
            name: "user name starting with .", message: "UserName '.alice' must start with a letter, a digit or '_'"
        ) {
            _ = try await $0.describeUser(serverID: serverID, userName: ".alice")
        },
        InvalidCall(
            name: "user name starting with @", message: "UserName '@alice' must start with a letter, a digit or '_'"
        ) {
            _ = try await $0.deleteUser(serverID: serverID, userName: "@alice")
        },
        // A space is not in [\w@.-].
        InvalidCall(
            name: "user name with a space",
            message: "UserName 'al ice' may contain only letters, digits, '_', '@', '.' and '-'"
        ) {
            try await $0.createUser(serverID: serverID, userName: "al ice", role: role)
        },
        // Non-ASCII letters are not \w here.
        InvalidCall(
            name: "user name with é", message: "UserName 'josé' may contain only letters, digits, '_', '@', '.' and '-'"
        ) {
            try await $0.createUser(serverID: serverID, userName: "josé", role: role)
        },
        // Not a role.
        InvalidCall(
            name: "user role ARN",
            message:
                "Role 'arn:aws:iam::123456789012:user/alice' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"
        ) {
            try await $0.createUser(serverID: serverID, userName: "alice", role: "arn:aws:iam::123456789012:user/alice")
        },
        // An 11-digit account.
        InvalidCall(
            name: "short account",
            message:
                "Role 'arn:aws:iam::12345678901:role/x' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"
        ) {
            try await $0.createUser(serverID: serverID, userName: "alice", role: "arn:aws:iam::12345678901:role/x")
        },
        InvalidCall(
            name: "logging role",
            message: "LoggingRole 'transfer-logs' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"
        ) {
            _ = try await $0.createServer(loggingRole: "transfer-logs")
        },
        // LOGICAL mappings must be absolute on both sides.
        InvalidCall(
            name: "relative entry",
            message: "HomeDirectoryMappings[0].Entry 'home' must start with '/' and be at most 1024 characters"
        ) {
            try await $0.createUser(
                serverID: serverID, userName: "alice", role: role,
                home: .logical([.init(entry: "home", target: "/b/alice")]))
        },
        InvalidCall(
            name: "relative target",
            message: "HomeDirectoryMappings[0].Target 'b/alice' must start with '/' and be at most 1024 characters"
        ) {
            try await $0.createUser(serverID: serverID, userName: "alice", role: role, home: .chroot(to: "b/alice"))
        },
        InvalidCall(name: "no mappings", message: "HomeDirectoryMappings must have 1 to 50000 entries (it has 0)") {
            try await $0.createUser(serverID: serverID, userName: "alice", role: role, home: .logical([]))
        },
        InvalidCall(
            name: "relative path home",
            message: "HomeDirectory 'bucket/alice' must start with '/' and be at most 1024 characters"
        ) {
            try await $0.createUser(serverID: serverID, userName: "alice", role: role, home: .path("bucket/alice"))
        },
        // 2049 characters.
        InvalidCall(name: "long key", message: "SshPublicKeyBody must be at most 2048 characters (it has 2049)") {
            try await $0.createUser(
                serverID: serverID, userName: "alice", role: role,
                sshPublicKey: "ssh-rsa " + String(repeating: "A", count: 2041))
        },
        InvalidCall(
            name: "not a key line",
            message: "SshPublicKeyBody is not an OpenSSH public key line ('<ssh-… or ecdsa-…> <base64> [comment]')"
        ) {
            _ = try await $0.importSSHPublicKey(
                serverID: serverID, userName: "alice", body: "-----BEGIN PUBLIC KEY-----")
        },
        InvalidCall(
            name: "key without base64",
            message: "SshPublicKeyBody is not an OpenSSH public key line ('<ssh-… or ecdsa-…> <base64> [comment]')"
        ) {
            _ = try await $0.importSSHPublicKey(serverID: serverID, userName: "alice", body: "ssh-ed25519 not*base64")
        },
        InvalidCall(name: "bad server ID", message: "ServerId 's-XYZ' is not of the form s-<17 lowercase hex digits>") {
            _ = try await $0.describeServer(serverID: "s-XYZ")
        },
        InvalidCall(
            name: "FTP on a public endpoint",
            message:
                "FTP and FTPS need EndpointType VPC, not PUBLIC; FTP and FTPS need an identity provider other than SERVICE_MANAGED"
        ) {
            _ = try await $0.createServer(protocols: [.ftp])
        },
        InvalidCall(name: "no protocols", message: "Protocols must list 1 to 4 protocols (it lists 0)") {
            _ = try await $0.createServer(protocols: [])
        },
        InvalidCall(
            name: "long tag key",
            message: "tag key '\(String(repeating: "k", count: 60))…' (129 characters) must be 1 to 128 characters"
        ) {
            _ = try await $0.createServer(tags: [String(repeating: "k", count: 129): "v"])
        },
        InvalidCall(name: "page size", message: "MaxResults must be 1 to 1000, not 0") {
            _ = try await $0.listServers(pageSize: 0)
        },
        // Several problems are reported together.
        InvalidCall(
            name: "everything wrong",
            message:
                "ServerId 'nope' is not of the form s-<17 lowercase hex digits>; UserName 'x' must be 3 to 100 characters (it has 1); "
                + "Role 'role' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"
        ) {
            try await $0.createUser(serverID: "nope", userName: "x", role: "role")
        },
    ]

    @Test(arguments: invalidCalls)
    func invalidCallsAreRefusedBeforeSending(_ invalid: InvalidCall) async throws {
        let transport = JSONServiceFakeTransport([])
        let client = makeClient(transport)
        let error = await #expect(throws: AWSError.self) { try await invalid.call(client) }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.code == "ParamValidationError")
        #expect(error?.message == invalid.message)
        #expect(error?.attempts == 0)
        #expect(transport.requests.isEmpty)
    }

    @Test func aRefusedCallDescribesItselfAsNotSent() {
        let error = AWSError(
            kind: .invalidRequest, service: "Transfer", operation: "CreateUser", code: "ParamValidationError",
            message: "UserName 'ab' must be 3 to 100 characters (it has 2)", attempts: 0)
        #expect(
            error.description
                == "Transfer.CreateUser not sent: ParamValidationError: UserName 'ab' must be 3 to 100 characters (it has 2)"
        )
        #expect(RetryStrategy.classify(error) == .notRetryable)
    }

    @Test(arguments: [
        "abc", "a_b", "alice@example.com", "first.last-2", "_svc", "0day", String(repeating: "z", count: 100),
    ])
    func validUserNamesPass(_ userName: String) async throws {
        let transport = JSONServiceFakeTransport([.json("{}")])
        try await makeClient(transport).createUser(serverID: Self.serverID, userName: userName, role: Self.role)
        #expect(transport.requests.count == 1)
    }

    @Test(arguments: [
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7",
        "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY= user@host",
        "  ssh-ed25519\tAAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
    ])
    func validKeyLinesPass(_ key: String) async throws {
        let transport = JSONServiceFakeTransport([.json(#"{"SshPublicKeyId":"key-0123456789abcdef1"}"#)])
        _ = try await makeClient(transport).importSSHPublicKey(serverID: Self.serverID, userName: "alice", body: key)
        #expect(transport.requests.count == 1)
    }

    @Test(arguments: [
        "arn:aws:iam::123456789012:role/sftp", "arn:aws-cn:iam::123456789012:role/path/to/sftp-user",
        "arn:aws-us-gov:iam::123456789012:role/service-role/x",
    ])
    func validRoleARNsPass(_ role: String) async throws {
        let transport = JSONServiceFakeTransport([.json("{}")])
        try await makeClient(transport).createUser(serverID: Self.serverID, userName: "alice", role: role)
        #expect(transport.requests.count == 1)
    }

    // MARK: - Waiter

    @Test func waiterReturnsOnceTheServerIsOnline() async throws {
        let transport = JSONServiceFakeTransport([
            .json(describeBody(state: "STARTING")), .json(describeBody(state: "STARTING")),
            .json(describeBody(state: "ONLINE")),
        ])
        let clock = ManualWaitClock()
        let server = try await makeClient(transport).waitUntilServerState(
            serverID: Self.serverID, target: .online, timeout: .seconds(300),
            pollInterval: .seconds(30), sleeper: clock, now: clock.now)
        #expect(server.state == .online)
        #expect(clock.sleeps == [.seconds(30), .seconds(30)])
        #expect(transport.targets == Array(repeating: "TransferService.DescribeServer", count: 3))
    }

    @Test func waiterFailsAtOnceOnStartFailed() async throws {
        let transport = JSONServiceFakeTransport([.json(describeBody(state: "START_FAILED"))])
        let clock = ManualWaitClock()
        let error = await #expect(throws: TransferClient.WaitError.self) {
            try await makeClient(transport).waitUntilServerState(
                serverID: Self.serverID, timeout: .seconds(300), sleeper: clock, now: clock.now)
        }
        #expect(error == .failed(serverID: Self.serverID, target: .online, state: .startFailed))
        #expect(error?.description == "server s-0123456789abcdef0 reached START_FAILED while waiting for ONLINE")
        #expect(clock.sleeps.isEmpty)
        #expect(transport.requests.count == 1)
    }

    @Test func waiterForOfflineFailsOnStopFailed() async throws {
        let transport = JSONServiceFakeTransport([
            .json(describeBody(state: "STOPPING")), .json(describeBody(state: "STOP_FAILED")),
        ])
        let clock = ManualWaitClock()
        let error = await #expect(throws: TransferClient.WaitError.self) {
            try await makeClient(transport).waitUntilServerState(
                serverID: Self.serverID, target: .offline, timeout: .seconds(300),
                pollInterval: .seconds(10), sleeper: clock, now: clock.now)
        }
        #expect(error == .failed(serverID: Self.serverID, target: .offline, state: .stopFailed))
        #expect(clock.sleeps == [.seconds(10)])
    }

    @Test func waiterTimesOutWithTheLastState() async throws {
        let transport = JSONServiceFakeTransport(
            Array(repeating: .json(describeBody(state: "STARTING")), count: 3)
                + [.json(describeBody(state: "STOPPING"))])
        let clock = ManualWaitClock()
        let error = await #expect(throws: TransferClient.WaitError.self) {
            try await makeClient(transport).waitUntilServerState(
                serverID: Self.serverID, timeout: .seconds(100), pollInterval: .seconds(30),
                sleeper: clock, now: clock.now)
        }
        // Polls at 0, 30, 60 and 90 s; a fifth at 120 s would pass the 100 s limit, so it stops at 90 s.
        #expect(
            error
                == .timedOut(
                    serverID: Self.serverID, target: .online, lastState: .stopping, waited: .seconds(90), polls: 4))
        #expect(
            error?.description == "server s-0123456789abcdef0 was still STOPPING after 90s (4 polls) waiting for ONLINE"
        )
        #expect(clock.sleeps == [.seconds(30), .seconds(30), .seconds(30)])
    }

    @Test func waiterReportsAFailedDescribe() async throws {
        let transport = JSONServiceFakeTransport([
            .json(status: 400, #"{"__type":"ResourceNotFoundException","Message":"Unknown server"}"#)
        ])
        let clock = ManualWaitClock()
        let error = await #expect(throws: TransferClient.WaitError.self) {
            try await makeClient(transport).waitUntilServerState(
                serverID: Self.serverID, timeout: .seconds(60), sleeper: clock, now: clock.now)
        }
        guard case .request(let awsError) = error else {
            Issue.record("expected a request error, got \(String(describing: error))")
            return
        }
        #expect(awsError.code == "ResourceNotFoundException")
    }

    @Test func waiterStopsWhenItsSleepIsCancelled() async throws {
        let transport = JSONServiceFakeTransport([.json(describeBody(state: "STARTING"))])
        let error = await #expect(throws: TransferClient.WaitError.self) {
            try await makeClient(transport).waitUntilServerState(
                serverID: Self.serverID, timeout: .seconds(600), sleeper: CancellingSleeper())
        }
        #expect(error == .cancelled(serverID: Self.serverID, lastState: .starting))
    }

    // MARK: - Operations

    @Test func operationsNameTheirIAMActions() {
        let all = TransferClient.Operations.all
        #expect(all.count == 13)
        #expect(Set(all.map(\.name)).count == all.count)
        #expect(all.allSatisfy { $0.service == .transfer && $0.iamActions.first == "transfer:\($0.name)" })
        #expect(TransferClient.Operations.createUser.iamActions == ["transfer:CreateUser", "iam:PassRole"])
        #expect(TransferClient.Operations.createServer.iamActions == ["transfer:CreateServer", "iam:PassRole"])
        #expect(TransferClient.Operations.importSSHPublicKey.iamActions == ["transfer:ImportSshPublicKey"])
    }

    // MARK: - Helpers

    private func describeBody(state: String) -> String {
        #"{"Server":{"Arn":"\#(Self.serverARN)","ServerId":"\#(Self.serverID)","State":"\#(state)","EndpointType":"PUBLIC"}}"#
    }

    private func makeClient(
        _ transport: JSONServiceFakeTransport, sleeper: RecordingSleeper = RecordingSleeper()
    ) -> TransferClient {
        TransferClient(
            context: TestContexts.make(
                endpoint: URL(string: "https://transfer.us-east-1.amazonaws.com")!, transport: transport,
                sleeper: sleeper, now: { Date(timeIntervalSince1970: 1_795_867_200) }))
    }
}

/// A clock for the waiter: sleeping moves its time forward by exactly the duration asked for.
final class ManualWaitClock: Sleeper {
    private let state = Locked<(now: Date, sleeps: [Duration])>((Date(timeIntervalSince1970: 1_795_867_200), []))

    func sleep(for duration: Duration) async throws {
        state.withLock {
            $0.now = $0.now.addingTimeInterval(
                Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
            $0.sleeps.append(duration)
        }
    }

    /// The current time (pass as the waiter's `now`).
    var now: @Sendable () -> Date { { self.state.withLock { $0.now } } }

    var sleeps: [Duration] { state.withLock { $0.sleeps } }
}

/// A sleeper whose every sleep is cancelled.
struct CancellingSleeper: Sleeper {
    func sleep(for duration: Duration) async throws { throw CancellationError() }
}

/// A scripted ``HTTPTransport`` for JSON services: answers each request with the next canned reply, records
/// what was sent, and can show a (gunzipped) body as text. Shared by the Transfer and CloudWatch suites.
final class JSONServiceFakeTransport: HTTPTransport {
    /// One canned answer.
    enum Reply: Sendable {
        case response(HTTPResponse)
        case failure(TransportError)

        /// A JSON answer (status 200 unless given) with a request ID.
        static func json(status: Int = 200, _ body: String, headers: [(String, String)] = []) -> Reply {
            var all = HTTPHeaders([
                ("x-amzn-RequestId", "11111111-2222-3333-4444-555555555555"),
                ("Content-Type", "application/x-amz-json-1.1"),
            ])
            for (name, value) in headers { all.replaceOrAdd(name, value) }
            return .response(HTTPResponse(status: status, headers: all, body: Data(body.utf8)))
        }
    }

    private let state: Locked<(replies: [Reply], requests: [HTTPRequest])>

    init(_ replies: [Reply]) {
        state = Locked((replies, []))
    }

    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        let reply = state.withLock { state -> Reply? in
            state.requests.append(request)
            return state.replies.isEmpty ? nil : state.replies.removeFirst()
        }
        switch reply {
        case .response(let response): return response
        case .failure(let error): throw error
        case nil:
            throw TransportError(
                .other,
                "no scripted reply for request \(state.withLock { $0.requests.count }) (\(request.headers["X-Amz-Target"] ?? "?"))"
            )
        }
    }

    /// Every request received, in order.
    var requests: [HTTPRequest] { state.withLock { $0.requests } }

    /// The `X-Amz-Target` of every request.
    var targets: [String] { requests.map { $0.headers["X-Amz-Target"] ?? "" } }

    /// Request `index`'s body as sent, gunzipped when it was compressed.
    func body(_ index: Int) throws -> Data {
        let request = requests[index]
        return request.headers["Content-Encoding"] == "gzip" ? try GZip.decompress(request.body) : request.body
    }

    /// Request `index`'s body as text (gunzipped), or a marker when there is no such request.
    func bodyText(_ index: Int) -> String {
        guard index < requests.count else { return "<no request \(index)>" }
        guard let data = try? body(index) else { return "<corrupt gzip>" }
        return String(decoding: data, as: UTF8.self)
    }
}
