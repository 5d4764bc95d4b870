import Foundation
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

/// The IAM client over a scripted transport: users, keys, inline policies, roles, the global endpoint, errors.
@Suite struct IAMClientTests {
    static let policy =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":"*"}]}"#

    @Test func createUserDecodesTheUser() async throws {
        // Captured from moto 5.2.1.
        let transport = ScriptedTransport([
            .xml(
                200,
                #"<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User><Path>/</Path><UserName>sftp-agent</UserName><UserId>eon0ajo0y33rrmdo1eig</UserId><Arn>arn:aws:iam::123456789012:user/sftp-agent</Arn><CreateDate>2026-11-28T18:16:15.432614Z</CreateDate></User></CreateUserResult><ResponseMetadata><RequestId>kMzQztTg</RequestId></ResponseMetadata></CreateUserResponse>"#
            )
        ])
        let user = try await makeClient(transport).createUser(name: "sftp-agent")
        #expect(user.name == "sftp-agent")
        #expect(user.id == "eon0ajo0y33rrmdo1eig")
        #expect(user.arn == "arn:aws:iam::123456789012:user/sftp-agent")
        #expect(user.path == "/")
        #expect(user.createDate.map { Int($0.timeIntervalSince1970) } == 1_795_889_775)
        #expect(
            String(decoding: transport.requests[0].body, as: UTF8.self)
                == "Action=CreateUser&Version=2010-05-08&UserName=sftp-agent")
    }

    @Test func anExistingUserIsEntityAlreadyExists() async throws {
        let transport = ScriptedTransport([
            .xml(
                409,
                #"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>EntityAlreadyExists</Code><Message>User sftp-agent already exists</Message></Error><RequestId>Vhy8ANrx</RequestId></ErrorResponse>"#
            )
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) { try await makeClient(transport).createUser(name: "sftp-agent") })
        #expect(error.code == "EntityAlreadyExists")
        #expect(error.statusCode == 409)
        #expect(error.requestID == "Vhy8ANrx")
        #expect(error.attempts == 1)
    }

    @Test func createAccessKeyReturnsLongTermCredentials() async throws {
        let transport = ScriptedTransport([
            .xml(
                200,
                #"<CreateAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateAccessKeyResult><AccessKey><UserName>sftp-agent</UserName><AccessKeyId>AKIARZPUZDIKGYQ56U3A</AccessKeyId><Status>Active</Status><SecretAccessKey>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</SecretAccessKey><CreateDate>2026-11-28T18:16:15.441567Z</CreateDate></AccessKey></CreateAccessKeyResult><ResponseMetadata><RequestId>O64Kga3l</RequestId></ResponseMetadata></CreateAccessKeyResponse>"#
            )
        ])
        let credentials = try await makeClient(transport).createAccessKey(userName: "sftp-agent")
        #expect(
            credentials
                == AWSCredentials(
                    accessKeyID: "AKIARZPUZDIKGYQ56U3A", secretAccessKey: "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",
                    source: "iam user sftp-agent"))
        #expect(credentials.sessionToken == nil)
        #expect(credentials.expiration == nil)
    }

    @Test func putUserPolicyPercentEncodesTheDocument() async throws {
        let transport = ScriptedTransport([
            .xml(
                200,
                #"<PutUserPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>op3kl5aM</RequestId></ResponseMetadata></PutUserPolicyResponse>"#
            )
        ])
        try await makeClient(transport).putUserPolicy(
            userName: "sftp-agent", policyName: "transferwatch", document: Self.policy)
        let body = String(decoding: transport.requests[0].body, as: UTF8.self)
        #expect(body.contains("&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B"))
        #expect(
            queryFormPairs(transport.requests[0]) == [
                ["Action", "PutUserPolicy"], ["Version", "2010-05-08"], ["UserName", "sftp-agent"],
                ["PolicyName", "transferwatch"],
                ["PolicyDocument", Self.policy],
            ])
    }

    @Test func aMalformedPolicyIsRefusedByIAM() async throws {
        // Captured from moto 5.2.1 for a policy with an empty Statement.
        let transport = ScriptedTransport([
            .xml(
                400,
                #"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>MalformedPolicyDocument</Code><Message>Syntax errors in policy.</Message></Error><RequestId>dQ6LKTEH</RequestId></ErrorResponse>"#
            )
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).putUserPolicy(
                    userName: "u", policyName: "p", document: #"{"Version":"2012-10-17","Statement":[]}"#)
            })
        #expect(error.code == "MalformedPolicyDocument")
        #expect(error.message == "Syntax errors in policy.")
    }

    @Test func getUserPolicyDecodesThePercentEncodedDocument() async throws {
        let encoded = Self.policy.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let transport = ScriptedTransport([
            .xml(
                200,
                "<GetUserPolicyResponse><GetUserPolicyResult><UserName>u</UserName><PolicyName>p</PolicyName><PolicyDocument>\(encoded)</PolicyDocument></GetUserPolicyResult></GetUserPolicyResponse>"
            )
        ])
        let document = try await makeClient(transport).getUserPolicy(userName: "u", policyName: "p")
        #expect(document == Self.policy)
    }

    @Test func deleteUserWithCascadeRemovesKeysAndPoliciesFirst() async throws {
        let transport = ScriptedTransport([
            .xml(
                200,
                "<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata><member><UserName>u</UserName><AccessKeyId>AKIA1</AccessKeyId><Status>Active</Status></member><member><UserName>u</UserName><AccessKeyId>AKIA2</AccessKeyId><Status>Inactive</Status></member></AccessKeyMetadata><IsTruncated>false</IsTruncated></ListAccessKeysResult></ListAccessKeysResponse>"
            ),
            .xml(200, "<DeleteAccessKeyResponse/>"),
            .xml(200, "<DeleteAccessKeyResponse/>"),
            .xml(
                200,
                "<ListUserPoliciesResponse><ListUserPoliciesResult><PolicyNames><member>transferwatch</member></PolicyNames><IsTruncated>false</IsTruncated></ListUserPoliciesResult></ListUserPoliciesResponse>"
            ),
            .xml(200, "<DeleteUserPolicyResponse/>"),
            .xml(200, "<DeleteUserResponse/>"),
        ])
        try await makeClient(transport).deleteUser(name: "u", cascade: true)
        #expect(
            transport.requests.map { queryFormPairs($0)[0][1] } == [
                "ListAccessKeys", "DeleteAccessKey", "DeleteAccessKey", "ListUserPolicies", "DeleteUserPolicy",
                "DeleteUser",
            ])
        #expect(queryFormPairs(transport.requests[2]).last == ["AccessKeyId", "AKIA2"])
        #expect(queryFormPairs(transport.requests[4]).last == ["PolicyName", "transferwatch"])
    }

    @Test func deletingAUserThatStillHasKeysIsADeleteConflict() async throws {
        let transport = ScriptedTransport([
            .xml(
                409,
                "<ErrorResponse><Error><Type>Sender</Type><Code>DeleteConflict</Code><Message>Cannot delete entity, must delete access keys first.</Message></Error><RequestId>r</RequestId></ErrorResponse>"
            )
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) { try await makeClient(transport).deleteUser(name: "u") })
        #expect(error.code == "DeleteConflict")
        #expect(transport.requests.count == 1)
    }

    @Test func listsFollowTheMarkerOfTruncatedPages() async throws {
        let transport = ScriptedTransport([
            .xml(
                200,
                "<ListUserPoliciesResponse><ListUserPoliciesResult><PolicyNames><member>a</member></PolicyNames><IsTruncated>true</IsTruncated><Marker>m-2</Marker></ListUserPoliciesResult></ListUserPoliciesResponse>"
            ),
            .xml(
                200,
                "<ListUserPoliciesResponse><ListUserPoliciesResult><PolicyNames><member>b</member></PolicyNames><IsTruncated>false</IsTruncated></ListUserPoliciesResult></ListUserPoliciesResponse>"
            ),
        ])
        let names = try await makeClient(transport).listUserPolicies(userName: "u")
        #expect(names == ["a", "b"])
        #expect(queryFormPairs(transport.requests[1]).last == ["Marker", "m-2"])
    }

    @Test func aTruncatedPageWithoutAMarkerIsMalformed() async throws {
        let transport = ScriptedTransport([
            .xml(
                200,
                "<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata/><IsTruncated>true</IsTruncated></ListAccessKeysResult></ListAccessKeysResponse>"
            )
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) { try await makeClient(transport).listAccessKeys(userName: "u") })
        #expect(error.kind == .malformedResponse)
    }

    @Test func createRoleSendsTheTrustPolicyAndDecodesTheRole() async throws {
        let transport = ScriptedTransport([
            .xml(
                200,
                #"<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateRoleResult><Role><Path>/</Path><RoleName>sftp-invoice-user</RoleName><RoleId>AROARZPUZDIKHWWXVEWTZ</RoleId><Arn>arn:aws:iam::123456789012:role/sftp-invoice-user</Arn><CreateDate>2026-11-28T18:16:15.458959Z</CreateDate><MaxSessionDuration>3600</MaxSessionDuration><RoleLastUsed/></Role></CreateRoleResult><ResponseMetadata><RequestId>2HCTqX2p</RequestId></ResponseMetadata></CreateRoleResponse>"#
            )
        ])
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"transfer.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        let role = try await makeClient(transport).createRole(name: "sftp-invoice-user", assumeRolePolicy: trust)
        #expect(
            role
                == IAMEntity(
                    name: "sftp-invoice-user", id: "AROARZPUZDIKHWWXVEWTZ",
                    arn: "arn:aws:iam::123456789012:role/sftp-invoice-user",
                    createDate: role.createDate))
        #expect(role.createDate != nil)
        #expect(
            queryFormPairs(transport.requests[0]) == [
                ["Action", "CreateRole"], ["Version", "2010-05-08"], ["RoleName", "sftp-invoice-user"],
                ["AssumeRolePolicyDocument", trust],
            ])
    }

    @Test func onAWSIAMIsOneGlobalEndpointSignedForUSEast1() async throws {
        let transport = ScriptedTransport([
            .xml(
                200,
                "<GetUserResponse><GetUserResult><User><UserName>u</UserName><UserId>AIDA1</UserId><Arn>arn:aws:iam::1:user/u</Arn></User></GetUserResult></GetUserResponse>"
            )
        ])
        var context = TestContexts.make(
            endpoint: URL(string: "http://127.0.0.1:1")!, region: "eu-west-1", transport: transport)
        context.endpoints = EndpointResolver(region: "eu-west-1")
        _ = try await IAMClient(context: context).getUser(name: "u")
        let request = try #require(transport.requests.first)
        #expect(request.host == "iam.amazonaws.com")
        #expect(request.scheme == "https")
        #expect(request.headers["Authorization"]?.contains("/us-east-1/iam/aws4_request") == true)
    }

    @Test func operationsDeclareTheirIAMActions() {
        let actions = IAMClient.Operations.all.flatMap(\.iamActions)
        #expect(actions.contains("iam:CreateUser"))
        #expect(actions.contains("iam:CreateAccessKey"))
        #expect(actions.contains("iam:PutUserPolicy"))
        #expect(actions.contains("iam:CreateRole"))
        #expect(actions.allSatisfy { $0.hasPrefix("iam:") })
        #expect(Set(actions).count == actions.count)
    }

    // MARK: Helpers

    private func makeClient(_ transport: ScriptedTransport) -> IAMClient {
        let sleeper = RecordingSleeper()
        var context = TestContexts.make(
            endpoint: URL(string: "http://127.0.0.1:1")!, transport: transport, sleeper: sleeper)
        context.retry = RetryStrategy(maxAttempts: 3, sleeper: sleeper, random: FixedRandom(0.5))
        return IAMClient(context: context)
    }
}
