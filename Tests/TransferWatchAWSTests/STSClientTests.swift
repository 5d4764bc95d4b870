import Foundation
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

/// The STS client over a scripted transport: caller identity, role assumption (web identity unsigned), errors.
@Suite struct STSClientTests {
    static let roleARN = "arn:aws:iam::123456789012:role/transferwatch"

    @Test func getCallerIdentityIsSignedAndDecoded() async throws {
        // Captured from moto 5.2.1.
        let transport = ScriptedTransport([
            .xml(
                200,
                #"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId>AKIAIOSFODNN7EXAMPLE</UserId><Account>123456789012</Account><Arn>arn:aws:sts::123456789012:user/moto</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>2HaVNOtn</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#
            )
        ])
        let identity = try await makeClient(transport).getCallerIdentity()
        #expect(
            identity
                == STSCallerIdentity(
                    account: "123456789012", arn: "arn:aws:sts::123456789012:user/moto", userID: "AKIAIOSFODNN7EXAMPLE")
        )
        let request = try #require(transport.requests.first)
        #expect(String(decoding: request.body, as: UTF8.self) == "Action=GetCallerIdentity&Version=2011-06-15")
        #expect(
            request.headers["Authorization"]?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDTESTINGTESTING00/") == true)
        #expect(request.headers["Authorization"]?.contains("/us-east-1/sts/aws4_request") == true)
    }

    @Test func assumeRoleWithWebIdentityIsSentUnsignedAndReturnsExpiringCredentials() async throws {
        // Captured from moto 5.2.1 (secrets shortened).
        let transport = ScriptedTransport([
            .xml(
                200,
                #"<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIARZPUZDIKPYXY2C4T</AccessKeyId><SecretAccessKey>/PkLM4jYF4bBHBgCDU/8URvEAx0bbVxmUVUQltgu</SecretAccessKey><SessionToken>FQoGZXIvYXdzEBYaD+mej89Lu9QROLu5z5dd1md3a</SessionToken><Expiration>2026-11-28T19:16:15.353256Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>ARO123EXAMPLE123:sess</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r/sess</Arn></AssumedRoleUser><PackedPolicySize>6</PackedPolicySize></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>v5vn1u6B</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>"#
            )
        ])
        let credentials = try await makeClient(transport).assumeRoleWithWebIdentity(
            roleARN: Self.roleARN, sessionName: "agent@host-1",
            webIdentityToken: "eyJhbGciOi.payload.sig", durationSeconds: 3600)
        #expect(credentials.accessKeyID == "ASIARZPUZDIKPYXY2C4T")
        #expect(credentials.secretAccessKey == "/PkLM4jYF4bBHBgCDU/8URvEAx0bbVxmUVUQltgu")
        #expect(credentials.sessionToken == "FQoGZXIvYXdzEBYaD+mej89Lu9QROLu5z5dd1md3a")
        let expiration = try #require(credentials.expiration)
        #expect(abs(expiration.timeIntervalSince1970 - 1_795_893_375.353256) < 0.001)
        #expect(credentials.source == "web identity \(Self.roleARN)")
        let request = try #require(transport.requests.first)
        #expect(request.headers["Authorization"] == nil)
        #expect(request.headers["X-Amz-Security-Token"] == nil)
        #expect(
            queryFormPairs(request) == [
                ["Action", "AssumeRoleWithWebIdentity"], ["Version", "2011-06-15"], ["RoleArn", Self.roleARN],
                ["RoleSessionName", "agent@host-1"],
                ["WebIdentityToken", "eyJhbGciOi.payload.sig"], ["DurationSeconds", "3600"],
            ])
        #expect(!credentials.description.contains("PkLM4"))
    }

    @Test func assumeRoleIsSignedWithTheCurrentCredentials() async throws {
        let transport = ScriptedTransport([
            .xml(
                200,
                #"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIARZPUZDIKBTYLSVF3</AccessKeyId><SecretAccessKey>7yObvJoc</SecretAccessKey><SessionToken>FQoGZXIv</SessionToken><Expiration>2026-11-28T19:16:09Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA3X42LBCDRH7MP1DBS:sess</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r/sess</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>SF0T6uR3</RequestId></ResponseMetadata></AssumeRoleResponse>"#
            )
        ])
        let credentials = try await makeClient(transport).assumeRole(
            roleARN: Self.roleARN, sessionName: "ops", externalID: "ext-1")
        #expect(credentials.accessKeyID == "ASIARZPUZDIKBTYLSVF3")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_795_893_369))
        #expect(transport.requests[0].headers["Authorization"] != nil)
        #expect(
            queryFormPairs(transport.requests[0]) == [
                ["Action", "AssumeRole"], ["Version", "2011-06-15"], ["RoleArn", Self.roleARN],
                ["RoleSessionName", "ops"], ["ExternalId", "ext-1"],
            ])
    }

    @Test func anInvalidIdentityTokenIsAnErrorThatIsNotRetried() async throws {
        let transport = ScriptedTransport([
            .xml(
                400,
                #"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Couldn't retrieve verification key from your identity provider</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"#
            )
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).assumeRoleWithWebIdentity(
                    roleARN: Self.roleARN, sessionName: "agent", webIdentityToken: "token")
            })
        #expect(error.code == "InvalidIdentityToken")
        #expect(error.service == "STS")
        #expect(error.operation == "AssumeRoleWithWebIdentity")
        #expect(error.attempts == 1)
    }

    @Test func anIdentityProviderCommunicationErrorIsRetried() async throws {
        let idpDown = ScriptedTransport.Step.xml(
            400,
            "<ErrorResponse><Error><Type>Sender</Type><Code>IDPCommunicationError</Code><Message>idp unreachable</Message></Error><RequestId>r-2</RequestId></ErrorResponse>"
        )
        let transport = ScriptedTransport([
            idpDown,
            .xml(
                200,
                "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2026-11-28T19:16:15Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"
            ),
        ])
        let sleeper = RecordingSleeper()
        let credentials = try await makeClient(transport, sleeper: sleeper).assumeRoleWithWebIdentity(
            roleARN: Self.roleARN, sessionName: "agent",
            webIdentityToken: "token")
        #expect(credentials.accessKeyID == "ASIA1")
        #expect(transport.requests.count == 2)
        #expect(sleeper.delays == [.milliseconds(500)])
    }

    @Test(arguments: [
        ("a", nil as Int?, "RoleSessionName 'a' must be 2 to 64 characters of letters, digits and _+=,.@-"),
        ("has space", nil, "RoleSessionName 'has space' must be 2 to 64 characters of letters, digits and _+=,.@-"),
        (
            String(repeating: "x", count: 65), nil,
            "RoleSessionName '\(String(repeating: "x", count: 65))' must be 2 to 64 characters of letters, digits and _+=,.@-"
        ),
        ("agent", 899, "DurationSeconds must be 900 to 43200, not 899"),
        ("agent", 43_201, "DurationSeconds must be 900 to 43200, not 43201"),
    ]) func badSessionNamesAndDurationsAreRefused(_ name: String, _ duration: Int?, _ message: String) async throws {
        let transport = ScriptedTransport([])
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).assumeRoleWithWebIdentity(
                    roleARN: Self.roleARN, sessionName: name, webIdentityToken: "token",
                    durationSeconds: duration)
            })
        #expect(error.message == message)
        #expect(error.kind == .invalidRequest)
        #expect(error.description == "STS.AssumeRoleWithWebIdentity not sent: ParamValidationError: \(message)")
        #expect(transport.requests.isEmpty)
    }

    @Test func incompleteCredentialsAreMalformed() async throws {
        let transport = ScriptedTransport([
            .xml(
                200,
                "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId></Credentials></AssumeRoleResult></AssumeRoleResponse>"
            )
        ])
        let error = try #require(
            await #expect(throws: AWSError.self) {
                try await makeClient(transport).assumeRole(roleARN: Self.roleARN, sessionName: "ops")
            })
        #expect(error.kind == .malformedResponse)
        #expect(error.message == "the response has no complete Credentials")
    }

    @Test func operationsDeclareTheirIAMActions() {
        #expect(
            STSClient.Operations.all.map(\.iamActions) == [
                ["sts:GetCallerIdentity"], ["sts:AssumeRole"], ["sts:AssumeRoleWithWebIdentity"],
            ])
    }

    // MARK: Helpers

    private func makeClient(_ transport: ScriptedTransport, sleeper: RecordingSleeper = RecordingSleeper()) -> STSClient
    {
        var context = TestContexts.make(
            endpoint: URL(string: "http://127.0.0.1:1")!, transport: transport, sleeper: sleeper)
        context.retry = RetryStrategy(maxAttempts: 3, sleeper: sleeper, random: FixedRandom(0.5))
        return STSClient(context: context)
    }
}
