import Foundation
import Testing
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`: the unsigned STS `AssumeRoleWithWebIdentity` call.
@Suite struct WebIdentityCredentialProviderTests {
    static let environment = [
        "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
        "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/transferwatch",
    ]

    @Test func assumesTheRoleWithAnUnsignedQueryCall() async throws {
        let transport = CredentialFakes.Transport([
            "POST /": [.xml(200, CredentialFakes.stsSuccess("AssumeRoleWithWebIdentity"))]
        ])
        let files = CredentialFakes.Files([
            Self.environment["AWS_WEB_IDENTITY_TOKEN_FILE"]!: "eyJhbGciOiJSUzI1NiJ9.first.sig"
        ])
        let credentials = try await WebIdentityCredentialProvider(
            context: CredentialFakes.context(
                environment: Self.environment, files: files, transport: transport)
        ).credentials()

        #expect(
            credentials
                == AWSCredentials(
                    accessKeyID: CredentialFakes.issuedKeyID, secretAccessKey: CredentialFakes.issuedSecret,
                    sessionToken: CredentialFakes.issuedToken, expiration: Date(timeIntervalSince1970: 1_772_370_000),
                    source: "web identity arn:aws:iam::123456789012:role/transferwatch"))
        let sent = try #require(transport.sent.first)
        #expect(sent.request.url == "https://sts.us-east-1.amazonaws.com/")
        #expect(sent.request.headers["Authorization"] == nil)
        #expect(sent.request.headers["X-Amz-Date"] == nil)
        #expect(sent.request.headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(
            sent.form == [
                "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
                "RoleArn": "arn:aws:iam::123456789012:role/transferwatch",
                "RoleSessionName": "transferwatch-1772366400", "WebIdentityToken": "eyJhbGciOiJSUzI1NiJ9.first.sig",
            ])
    }

    @Test func theTokenFileIsReadAgainOnEveryRefresh() async throws {
        let tokenPath = Self.environment["AWS_WEB_IDENTITY_TOKEN_FILE"]!
        let transport = CredentialFakes.Transport([
            "POST /": [.xml(200, CredentialFakes.stsSuccess("AssumeRoleWithWebIdentity"))]
        ])
        let files = CredentialFakes.Files([tokenPath: "token-one\n"])
        let provider = WebIdentityCredentialProvider(
            context: CredentialFakes.context(environment: Self.environment, files: files, transport: transport))
        _ = try await provider.credentials()
        files.set(tokenPath, "token-two")
        _ = try await provider.credentials()
        #expect(transport.sent.map { $0.form["WebIdentityToken"] } == ["token-one", "token-two"])
    }

    @Test func sessionNameRegionAndEndpointFromTheEnvironment() async throws {
        let transport = CredentialFakes.Transport([
            "POST /sts/": [.xml(200, CredentialFakes.stsSuccess("AssumeRoleWithWebIdentity"))]
        ])
        let files = CredentialFakes.Files(["/t": "tok"])
        let environment = [
            "AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r",
            "AWS_ROLE_SESSION_NAME": "pod-abc",
            "AWS_REGION": "eu-north-1", "AWS_ENDPOINT_URL_STS": "http://localhost:4566/sts",
        ]
        _ = try await WebIdentityCredentialProvider(
            context: CredentialFakes.context(environment: environment, files: files, transport: transport)
        ).credentials()
        let sent = try #require(transport.sent.first)
        #expect(sent.request.url == "http://localhost:4566/sts/")
        #expect(sent.form["RoleSessionName"] == "pod-abc")
    }

    @Test func regionalEndpointFollowsAWSRegion() async throws {
        let transport = CredentialFakes.Transport([
            "POST /": [.xml(200, CredentialFakes.stsSuccess("AssumeRoleWithWebIdentity"))]
        ])
        let environment = Self.environment.merging(["AWS_DEFAULT_REGION": "ap-southeast-2"]) { $1 }
        let files = CredentialFakes.Files([Self.environment["AWS_WEB_IDENTITY_TOKEN_FILE"]!: "tok"])
        _ = try await WebIdentityCredentialProvider(
            context: CredentialFakes.context(environment: environment, files: files, transport: transport)
        ).credentials()
        #expect(transport.sent.first?.request.host == "sts.ap-southeast-2.amazonaws.com")
    }

    @Test func identityProviderOutagesAreRetried() async throws {
        let transport = CredentialFakes.Transport([
            "POST /": [
                .xml(
                    400,
                    CredentialFakes.stsError(
                        code: "IDPCommunicationError", message: "The identity provider could not be reached")),
                .xml(200, CredentialFakes.stsSuccess("AssumeRoleWithWebIdentity")),
            ]
        ])
        let sleeper = RecordingSleeper()
        let files = CredentialFakes.Files([Self.environment["AWS_WEB_IDENTITY_TOKEN_FILE"]!: "tok"])
        let credentials = try await WebIdentityCredentialProvider(
            context: CredentialFakes.context(
                environment: Self.environment, files: files, transport: transport, sleeper: sleeper)
        ).credentials()
        #expect(credentials.accessKeyID == CredentialFakes.issuedKeyID)
        #expect(transport.sent.count == 2)
        #expect(sleeper.delays.count == 1)
    }

    @Test func withoutTheTokenVariableItIsUnavailable() async throws {
        guard
            case .unavailable(let attempts) = try await WebIdentityCredentialProvider(
                context: CredentialFakes.context()
            ).resolve()
        else {
            Issue.record("expected unavailable")
            return
        }
        #expect(attempts.map(\.reason) == ["AWS_WEB_IDENTITY_TOKEN_FILE not set"])
    }

    @Test(arguments: [
        (["AWS_WEB_IDENTITY_TOKEN_FILE": "/t"], [:], "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"),
        (
            ["AWS_WEB_IDENTITY_TOKEN_FILE": "/missing", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"], [:],
            "web identity token file /missing does not exist"
        ),
        (
            ["AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"], ["/t": " \n"],
            "web identity token file /t is empty"
        ),
        (
            ["AWS_WEB_IDENTITY_TOKEN_FILE": "/locked", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"], ["/locked": "x"],
            "cannot read web identity token file /locked: permission denied"
        ),
    ])
    func configurationErrors(environment: [String: String], files: [String: String], reason: String) async {
        let transport = CredentialFakes.Transport()
        await #expect {
            try await WebIdentityCredentialProvider(
                context: CredentialFakes.context(
                    environment: environment, files: CredentialFakes.Files(files, unreadable: ["/locked"]),
                    transport: transport)
            ).credentials()
        } throws: { error in
            "\(error)" == "no AWS credentials from web identity: \(reason)"
        }
        #expect(transport.sent.isEmpty)
    }

    @Test func stsRejectionsAreReportedWithoutTheToken() async {
        let token = "eyJhbGciOiJSUzI1NiJ9.expired-token-payload.signature"
        let transport = CredentialFakes.Transport([
            "POST /": [
                .xml(
                    400,
                    CredentialFakes.stsError(
                        code: "ExpiredTokenException",
                        message:
                            "Token expired: current date/time 1772366400 must be before the expiration date/time 1772366000"
                    ))
            ]
        ])
        let files = CredentialFakes.Files([Self.environment["AWS_WEB_IDENTITY_TOKEN_FILE"]!: token])
        await #expect {
            try await WebIdentityCredentialProvider(
                context: CredentialFakes.context(environment: Self.environment, files: files, transport: transport)
            ).credentials()
        } throws: { error in
            "\(error)"
                == "no AWS credentials from web identity: assuming arn:aws:iam::123456789012:role/transferwatch failed: "
                + "STS.AssumeRoleWithWebIdentity failed: ExpiredTokenException (HTTP 400, request 4ad0d8b5-1d72-4e67-a6de-6d4a6a4b6a11) after 1 attempt: "
                + "Token expired: current date/time 1772366400 must be before the expiration date/time 1772366000"
        }
    }

    @Test(arguments: [
        (
            "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult/></AssumeRoleWithWebIdentityResponse>",
            "the STS response has no <Credentials>"
        ),
        (
            "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>A</AccessKeyId>"
                + "<SecretAccessKey>s</SecretAccessKey><Expiration>2026-03-01T13:00:00Z</Expiration></Credentials>"
                + "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
            "the STS response has no <Credentials><SessionToken>"
        ),
        (
            "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>A</AccessKeyId>"
                + "<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>later</Expiration></Credentials>"
                + "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
            "the STS response's <Expiration> is not an ISO-8601 time: later"
        ),
    ])
    func malformedSTSAnswers(body: String, reason: String) async {
        let transport = CredentialFakes.Transport(["POST /": [.xml(200, body)]])
        let files = CredentialFakes.Files([Self.environment["AWS_WEB_IDENTITY_TOKEN_FILE"]!: "tok"])
        await #expect {
            try await WebIdentityCredentialProvider(
                context: CredentialFakes.context(environment: Self.environment, files: files, transport: transport)
            ).credentials()
        } throws: { error in
            "\(error)"
                == "no AWS credentials from web identity: assuming arn:aws:iam::123456789012:role/transferwatch failed: \(reason)"
        }
    }
}
