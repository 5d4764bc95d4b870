import Foundation
import Testing
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// The EC2 instance role through IMDSv2, with the IMDSv1 fallback.
@Suite struct InstanceMetadataCredentialProviderTests {
    static let tokenRoute = "PUT /latest/api/token"
    static let roleRoute = "GET /latest/meta-data/iam/security-credentials/"
    static let credentialsRoute = "GET /latest/meta-data/iam/security-credentials/transferwatch-agent"

    @Test func imdsV2TokenThenRoleThenCredentials() async throws {
        let transport = happyTransport(token: .status(200, "AQAEAFTokenValue=="))
        let credentials = try await provider(transport: transport).credentials()
        #expect(
            credentials
                == AWSCredentials(
                    accessKeyID: CredentialFakes.issuedKeyID, secretAccessKey: CredentialFakes.issuedSecret,
                    sessionToken: CredentialFakes.issuedToken, expiration: Date(timeIntervalSince1970: 1_772_388_000),
                    source: "instance metadata (role transferwatch-agent)"))
        let sent = transport.sent
        #expect(
            sent.map { "\($0.request.method) \($0.request.url)" } == [
                "PUT http://169.254.169.254/latest/api/token",
                "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/transferwatch-agent",
            ])
        #expect(sent[0].request.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600")
        #expect(sent[1].request.headers["x-aws-ec2-metadata-token"] == "AQAEAFTokenValue==")
        #expect(sent[2].request.headers["x-aws-ec2-metadata-token"] == "AQAEAFTokenValue==")
        #expect(sent.allSatisfy { $0.timeout == .seconds(1) })
    }

    /// botocore falls back to IMDSv1 on these token answers.
    @Test(arguments: [
        CredentialFakes.Reply.status(403), .status(404), .status(405),
        .failure(TransportError(.timedOut, "Operation timed out after 1000 milliseconds")),
        .status(500), .failure(TransportError(.connectionReset, "Connection reset by peer")),
    ])
    func fallsBackToIMDSv1(token: CredentialFakes.Reply) async throws {
        let transport = happyTransport(token: token)
        let credentials = try await provider(transport: transport).credentials()
        #expect(credentials.accessKeyID == CredentialFakes.issuedKeyID)
        #expect(transport.sent(to: Self.roleRoute).first?.request.headers["x-aws-ec2-metadata-token"] == nil)
        #expect(transport.sent(to: Self.credentialsRoute).first?.request.headers["x-aws-ec2-metadata-token"] == nil)
    }

    @Test func aBadRequestForTheTokenIsFinal() async throws {
        let transport = happyTransport(token: .status(400))
        let resolution = try await provider(transport: transport).resolve()
        guard case .unavailable(let attempts) = resolution else {
            Issue.record("expected unavailable")
            return
        }
        #expect(
            attempts.map(\.reason) == [
                "the metadata service refused the token request: HTTP 400 from PUT http://169.254.169.254/latest/api/token"
            ])
        #expect(transport.sent.count == 1)
    }

    @Test(arguments: [
        (["AWS_EC2_METADATA_V1_DISABLED": "true"], nil as String?, "AWS_EC2_METADATA_V1_DISABLED"),
        ([:], "[default]\nec2_metadata_v1_disabled = true\n", "/home/tester/.aws/config:2: ec2_metadata_v1_disabled"),
    ])
    func noFallbackWhenIMDSv1IsDisabled(environment: [String: String], config: String?, origin: String) async throws {
        let transport = happyTransport(token: .status(404))
        let files = CredentialFakes.Files(config.map { ["/home/tester/.aws/config": $0] } ?? [:])
        let resolution = try await InstanceMetadataCredentialProvider(
            context: CredentialFakes.context(
                environment: environment, files: files, transport: transport)
        ).resolve()
        guard case .unavailable(let attempts) = resolution else {
            Issue.record("expected unavailable")
            return
        }
        #expect(
            attempts.map(\.reason) == [
                "no IMDSv2 token (HTTP 404 from PUT http://169.254.169.254/latest/api/token) and IMDSv1 is disabled by \(origin)"
            ])
        #expect(transport.sent.count == 1)
    }

    @Test(arguments: ["true", "TRUE", "True"])
    func disabledMeansNoRequestAtAll(value: String) async throws {
        let transport = happyTransport(token: .status(200, "t"))
        let resolution = try await provider(environment: ["AWS_EC2_METADATA_DISABLED": value], transport: transport)
            .resolve()
        guard case .unavailable(let attempts) = resolution else {
            Issue.record("expected unavailable")
            return
        }
        #expect(attempts.map(\.reason) == ["disabled by AWS_EC2_METADATA_DISABLED"])
        #expect(transport.sent.isEmpty)
    }

    @Test(arguments: [
        (["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338"], "http://127.0.0.1:1338/latest/api/token"),
        (["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338/"], "http://127.0.0.1:1338/latest/api/token"),
        (["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"], "http://[fd00:ec2::254]/latest/api/token"),
        (["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "ipv4"], "http://169.254.169.254/latest/api/token"),
        (
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://10.0.0.1"],
            "http://10.0.0.1/latest/api/token"
        ),
    ])
    func endpointOverrides(environment: [String: String], tokenURL: String) async throws {
        let transport = happyTransport(token: .status(200, "t"))
        _ = try await provider(environment: environment, transport: transport).credentials()
        #expect(transport.sent.first?.request.url == tokenURL)
    }

    @Test func timeoutAndAttemptsFromTheEnvironment() async throws {
        let transport = CredentialFakes.Transport([
            Self.tokenRoute: [.status(200, "t")],
            Self.roleRoute: [.status(500), .status(200, "transferwatch-agent")],
            Self.credentialsRoute: [
                .status(200, "{not json"), .json(CredentialFakes.metadataCredentials(code: "Success")),
            ],
        ])
        _ = try await provider(
            environment: ["AWS_METADATA_SERVICE_TIMEOUT": "2.5", "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "2"],
            transport: transport
        ).credentials()
        #expect(transport.sent.count == 5)
        #expect(transport.sent.allSatisfy { $0.timeout == .milliseconds(2500) })
    }

    @Test(arguments: [
        (
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "ipv5"],
            "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE is 'ipv5'; the endpoint modes are IPv4 and IPv6"
        ),
        (
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "169.254.169.254"],
            "AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http(s) URL: 169.254.169.254"
        ),
        (
            ["AWS_METADATA_SERVICE_TIMEOUT": "soon"],
            "AWS_METADATA_SERVICE_TIMEOUT must be a number of seconds, not 'soon'"
        ),
        (
            ["AWS_METADATA_SERVICE_NUM_ATTEMPTS": "0"],
            "AWS_METADATA_SERVICE_NUM_ATTEMPTS must be a whole number of at least 1, not '0'"
        ),
    ])
    func badSettingsAreErrors(environment: [String: String], reason: String) async {
        await #expect {
            try await provider(environment: environment, transport: happyTransport(token: .status(200, "t")))
                .credentials()
        } throws: { error in
            "\(error)" == "no AWS credentials from instance metadata: \(reason)"
        }
    }

    @Test(arguments: [
        (
            CredentialFakes.Transport([
                tokenRoute: [.status(200, "t")], roleRoute: [.status(404, "<html>Not Found</html>")],
            ]),
            "HTTP 404 from http://169.254.169.254/latest/meta-data/iam/security-credentials/: no IAM role is attached to this instance"
        ),
        (
            CredentialFakes.Transport([
                tokenRoute: [.status(200, "t")], roleRoute: [.status(200, "transferwatch-agent")],
                credentialsRoute: [
                    .json(
                        "{\"Code\": \"AssumeRoleUnauthorizedAccess\", \"Message\": \"EC2 cannot assume the role transferwatch-agent.\", \"LastUpdated\": \"2026-03-01T11:00:00Z\"}"
                    )
                ],
            ]),
            "the metadata service refused credentials for role transferwatch-agent: AssumeRoleUnauthorizedAccess: EC2 cannot assume the role transferwatch-agent."
        ),
        (
            CredentialFakes.Transport([
                tokenRoute: [.status(200, "t")], roleRoute: [.status(200, "transferwatch-agent")],
                credentialsRoute: [
                    .json(CredentialFakes.metadataCredentials(code: "Success", tokenKey: "SessionToken"))
                ],
            ]),
            "the credentials of role transferwatch-agent have no Token"
        ),
        (
            CredentialFakes.Transport([:]),
            "cannot reach http://169.254.169.254/latest/meta-data/iam/security-credentials/: connectFailed: Failed to connect to 169.254.169.254: Connection refused"
        ),
        (
            CredentialFakes.Transport([tokenRoute: [.status(200, "t")], roleRoute: [.status(200, "")]]),
            "an empty response from http://169.254.169.254/latest/meta-data/iam/security-credentials/"
        ),
    ])
    func failuresAreUnavailableWithAReason(transport: CredentialFakes.Transport, reason: String) async throws {
        let resolution = try await provider(transport: transport).resolve()
        guard case .unavailable(let attempts) = resolution else {
            Issue.record("expected unavailable")
            return
        }
        #expect(attempts.map(\.source) == ["instance metadata"])
        #expect(attempts.map(\.reason) == [reason])
    }

    /// botocore's `_evaluate_expiration`: stale credentials are used for 17–25 more minutes rather than dropped.
    @Test func credentialsCloseToExpiryAreExtended() async throws {
        let clock = CredentialFakes.Clock()
        let transport = CredentialFakes.Transport([
            Self.tokenRoute: [.status(200, "t")],
            Self.roleRoute: [.status(200, "transferwatch-agent\n")],
            Self.credentialsRoute: [
                .json(CredentialFakes.metadataCredentials(expiration: "2026-03-01T12:05:00Z", code: "Success"))
            ],
        ])
        let logs = CredentialFakes.LogCapture()
        let credentials = try await InstanceMetadataCredentialProvider(
            context: CredentialFakes.context(transport: transport, clock: clock, logs: logs)
        ).credentials()
        let expiration = try #require(credentials.expiration)
        let extension_ = expiration.timeIntervalSince(clock.now)
        #expect(extension_ >= 17 * 60 && extension_ <= 25 * 60)
        #expect(logs.all.contains { $0.hasPrefix("warning instance metadata returned credentials close to expiry") })
    }

    @Test func freshCredentialsKeepTheirExpiry() async throws {
        let credentials = try await provider(transport: happyTransport(token: .status(200, "t"))).credentials()
        #expect(credentials.expiration == AWSDate.parseISO8601("2026-03-01T18:00:00Z"))
    }

    // MARK: Helpers

    private func happyTransport(token: CredentialFakes.Reply) -> CredentialFakes.Transport {
        CredentialFakes.Transport([
            Self.tokenRoute: [token],
            Self.roleRoute: [.status(200, "transferwatch-agent")],
            Self.credentialsRoute: [.json(CredentialFakes.metadataCredentials(code: "Success"))],
        ])
    }

    private func provider(
        environment: [String: String] = [:], transport: CredentialFakes.Transport
    ) -> InstanceMetadataCredentialProvider {
        InstanceMetadataCredentialProvider(
            context: CredentialFakes.context(environment: environment, transport: transport))
    }
}
