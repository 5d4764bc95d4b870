import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

/// The IAM client against moto: a user with an access key and an inline policy, used as its own identity.
@Suite(.requiresMoto, .suiteMoto("test.iam")) struct IAMIntegrationTests {
    static let policy =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage"],"Resource":"arn:aws:sqs:us-east-1:123456789012:invoice-uploads"}]}"#

    @Test func createsAUserWithAnAccessKeyAndAnInlinePolicy() async throws {
        try await withIAM { iam, context in
            let name = uniqueName("agent")
            let user = try await iam.createUser(name: name)
            #expect(user.arn == "arn:aws:iam::123456789012:user/\(name)")
            #expect(try await iam.getUser(name: name).id == user.id)

            let key = try await iam.createAccessKey(userName: name)
            #expect(key.accessKeyID.hasPrefix("AKIA"))
            #expect(!key.secretAccessKey.isEmpty)
            #expect(try await iam.listAccessKeys(userName: name) == [key.accessKeyID])

            try await iam.putUserPolicy(userName: name, policyName: "transferwatch", document: Self.policy)
            #expect(try await iam.listUserPolicies(userName: name) == ["transferwatch"])
            let stored = try await iam.getUserPolicy(userName: name, policyName: "transferwatch")
            let storedJSON = try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? NSDictionary
            let sentJSON = try JSONSerialization.jsonObject(with: Data(Self.policy.utf8)) as? NSDictionary
            #expect(storedJSON == sentJSON)

            // The new key is the user's identity.
            var asUser = context
            asUser.credentials = StaticCredentialProvider(key)
            let identity = try await STSClient(context: asUser).getCallerIdentity()
            #expect(identity.arn == user.arn)

            let again = try #require(await #expect(throws: AWSError.self) { try await iam.createUser(name: name) })
            #expect(again.code == "EntityAlreadyExists")
            #expect(again.statusCode == 409)
        }
    }

    @Test func deletingAUserCascadesThroughKeysAndPolicies() async throws {
        try await withIAM { iam, _ in
            let name = uniqueName("temp")
            try await iam.createUser(name: name)
            _ = try await iam.createAccessKey(userName: name)
            try await iam.putUserPolicy(userName: name, policyName: "p", document: Self.policy)

            let conflict = try #require(await #expect(throws: AWSError.self) { try await iam.deleteUser(name: name) })
            #expect(conflict.code == "DeleteConflict")

            try await iam.deleteUser(name: name, cascade: true)
            let gone = try #require(await #expect(throws: AWSError.self) { try await iam.getUser(name: name) })
            #expect(gone.code == "NoSuchEntity")
            #expect(gone.isNotFound)
        }
    }

    @Test func createsAndDeletesARoleWithAnInlinePolicy() async throws {
        try await withIAM { iam, _ in
            let name = uniqueName("sftp-user")
            let trust =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"transfer.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
            let role = try await iam.createRole(name: name, assumeRolePolicy: trust, description: "SFTP users")
            #expect(role.arn == "arn:aws:iam::123456789012:role/\(name)")
            #expect(try await iam.getRole(name: name).id == role.id)
            try await iam.putRolePolicy(roleName: name, policyName: "s3", document: Self.policy)
            try await iam.deleteRolePolicy(roleName: name, policyName: "s3")
            try await iam.deleteRole(name: name)
            let gone = try #require(await #expect(throws: AWSError.self) { try await iam.getRole(name: name) })
            #expect(gone.isNotFound)
        }
    }

    /// With moto verifying every signature and evaluating IAM policies: a user whose inline policy is built from
    /// the operations' declared IAM actions can make exactly those calls, and nothing else.
    @Test func aPolicyBuiltFromTheOperationTableAllowsItsCallsAndNoOthers() async throws {
        let moto = try await MotoServer.start(
            verifySignatures: true, logger: Logger(label: "test.iam.auth", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { moto.stop() }
        let admin = try await moto.makeCredentials(userName: uniqueName("admin"))
        let adminContext = TestContexts.make(
            endpoint: moto.endpoint,
            credentials: AWSCredentials(accessKeyID: admin.accessKeyID, secretAccessKey: admin.secretAccessKey))
        let iam = IAMClient(context: adminContext)
        let table = uniqueName("employees")
        try await DynamoDBClient(context: adminContext).createTable(
            name: table, partitionKey: DynamoDBKeyAttribute("username"))

        let agent = uniqueName("agent")
        try await iam.createUser(name: agent)
        let key = try await iam.createAccessKey(userName: agent)
        let allowed = [DynamoDBClient.Operations.getItem, DynamoDBClient.Operations.putItem].flatMap(\.iamActions)
        let actions = allowed.map { "\"\($0)\"" }.joined(separator: ",")
        try await iam.putUserPolicy(
            userName: agent, policyName: "least-privilege",
            document: """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[\(actions)],"Resource":"*"}]}
                """)

        let dynamo = DynamoDBClient(context: TestContexts.make(endpoint: moto.endpoint, credentials: key))
        try await dynamo.putItem(table: table, item: ["username": "alice", "active": true])
        #expect(try await dynamo.getItem(table: table, key: ["username": "alice"])?["active"]?.boolValue == true)

        let denied = try #require(await #expect(throws: AWSError.self) { try await dynamo.deleteTable(name: table) })
        #expect(denied.isAccessDenied)
        #expect(denied.attempts == 1)

        var forged = key
        forged.secretAccessKey = String(forged.secretAccessKey.reversed())
        let refused = try #require(
            await #expect(throws: AWSError.self) {
                try await DynamoDBClient(context: TestContexts.make(endpoint: moto.endpoint, credentials: forged))
                    .getItem(table: table, key: ["username": "alice"])
            })
        #expect(refused.isSignatureFailure)
    }

    // MARK: Helpers

    private func withIAM(_ body: (IAMClient, AWSClient.Context) async throws -> Void) async throws {
        let endpoint = try #require(SuiteMoto.endpoint, "the suite's moto is not running")
        let context = TestContexts.make(endpoint: endpoint)
        try await body(IAMClient(context: context), context)
    }

    private func uniqueName(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }
}
