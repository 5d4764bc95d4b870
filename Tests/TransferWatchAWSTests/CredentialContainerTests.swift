import Foundation
import Testing
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// ECS task roles and EKS Pod Identity.
@Suite struct ContainerCredentialProviderTests {
    @Test func relativeURIGoesToTheECSAgent() async throws {
        let transport = CredentialFakes.Transport([
            "GET /v2/credentials/5f0c8d9e": [.json(CredentialFakes.metadataCredentials())]
        ])
        let credentials = try await ContainerCredentialProvider(
            context: CredentialFakes.context(
                environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/5f0c8d9e"],
                transport: transport)
        ).credentials()
        #expect(
            credentials
                == AWSCredentials(
                    accessKeyID: CredentialFakes.issuedKeyID, secretAccessKey: CredentialFakes.issuedSecret,
                    sessionToken: CredentialFakes.issuedToken, expiration: Date(timeIntervalSince1970: 1_772_388_000),
                    source: "container"))
        let sent = try #require(transport.sent.first)
        #expect(sent.request.url == "http://169.254.170.2/v2/credentials/5f0c8d9e")
        #expect(sent.request.headers["Accept"] == "application/json")
        #expect(sent.request.headers["Authorization"] == nil)
        #expect(sent.timeout == .seconds(2))
    }

    @Test func relativeURIWinsOverFullURI() async throws {
        let transport = CredentialFakes.Transport(["GET /rel": [.json(CredentialFakes.metadataCredentials())]])
        _ = try await ContainerCredentialProvider(
            context: CredentialFakes.context(
                environment: [
                    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/rel",
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/full",
                ], transport: transport)
        ).credentials()
        #expect(transport.sent.first?.request.host == "169.254.170.2")
    }

    @Test func fullURIWithAnAuthorizationToken() async throws {
        let transport = CredentialFakes.Transport([
            "GET /v1/credentials": [.json(CredentialFakes.metadataCredentials())]
        ])
        _ = try await ContainerCredentialProvider(
            context: CredentialFakes.context(
                environment: [
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Basic c2VjcmV0",
                ], transport: transport)
        ).credentials()
        let sent = try #require(transport.sent.first)
        #expect(sent.request.url == "http://169.254.170.23/v1/credentials")
        #expect(sent.request.headers["Authorization"] == "Basic c2VjcmV0")
    }

    @Test func theTokenFileIsReadOnEveryFetchAndBeatsTheVariable() async throws {
        let files = CredentialFakes.Files([
            "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token": "first-token"
        ])
        let transport = CredentialFakes.Transport([
            "GET /v1/credentials": [.json(CredentialFakes.metadataCredentials())]
        ])
        let provider = ContainerCredentialProvider(
            context: CredentialFakes.context(
                environment: [
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE":
                        "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored-variable-token",
                ], files: files, transport: transport))
        _ = try await provider.credentials()
        files.set("/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token", "rotated-token")
        _ = try await provider.credentials()
        #expect(transport.sent.map { $0.request.headers["Authorization"] } == ["first-token", "rotated-token"])
    }

    @Test(arguments: [
        "http://127.0.0.1:51679/creds", "http://127.3.4.5/creds", "http://[::1]:8080/creds", "http://localhost/creds",
        "http://LOCALHOST/creds",
        "http://169.254.170.2/creds", "http://169.254.170.23/creds", "http://[fd00:ec2::23]/creds",
        "http://[fd00:ec2:0:0:0:0:0:23]/creds",
        "https://credentials.example.com/creds",
    ])
    func allowedFullURIs(url: String) async throws {
        let transport = CredentialFakes.Transport(["GET /creds": [.json(CredentialFakes.metadataCredentials())]])
        _ = try await ContainerCredentialProvider(
            context: CredentialFakes.context(
                environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url], transport: transport)
        ).credentials()
        #expect(transport.sent.count == 1)
    }

    @Test(arguments: [
        (
            "http://credentials.example.com/creds",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI may use plain http only to a loopback address or "
                + "169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost, not 'credentials.example.com'; use https"
        ),
        (
            "http://169.254.169.254/creds",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI may use plain http only to a loopback address or "
                + "169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost, not '169.254.169.254'; use https"
        ),
        ("ftp://127.0.0.1/creds", "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL: ftp://127.0.0.1/creds"),
        ("/just/a/path", "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL: /just/a/path"),
    ])
    func refusedFullURIs(url: String, reason: String) async {
        let transport = CredentialFakes.Transport()
        await #expect {
            try await ContainerCredentialProvider(
                context: CredentialFakes.context(
                    environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url], transport: transport)
            ).credentials()
        } throws: { error in
            "\(error)" == "no AWS credentials from container: \(reason)"
        }
        #expect(transport.sent.isEmpty)
    }

    @Test(arguments: [
        (
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN": "token\r\nX-Injected: yes"], [String: String](),
            "AWS_CONTAINER_AUTHORIZATION_TOKEN contains a line break, which is not allowed in an HTTP header"
        ),
        (
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/token"], ["/token": "token-with-newline\n"],
            "the token in AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (/token) contains a line break, which is not allowed in an HTTP header"
        ),
        (
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/absent"], [:],
            "container authorization token file /absent does not exist"
        ),
    ])
    func badTokensAreRefusedBeforeAnyRequest(
        environment: [String: String], files: [String: String], reason: String
    ) async {
        let transport = CredentialFakes.Transport()
        let full = environment.merging(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1/creds"]) { $1 }
        await #expect {
            try await ContainerCredentialProvider(
                context: CredentialFakes.context(
                    environment: full, files: CredentialFakes.Files(files), transport: transport)
            ).credentials()
        } throws: { error in
            "\(error)" == "no AWS credentials from container: \(reason)"
        }
        #expect(transport.sent.isEmpty)
    }

    @Test func threeAttemptsOneSecondApart() async throws {
        let transport = CredentialFakes.Transport([
            "GET /creds": [
                .status(500, "agent restarting"),
                .failure(TransportError(.timedOut, "Operation timed out after 2000 milliseconds")),
                .json(CredentialFakes.metadataCredentials()),
            ]
        ])
        let sleeper = RecordingSleeper()
        let credentials = try await ContainerCredentialProvider(
            context: CredentialFakes.context(
                environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/creds"], transport: transport,
                sleeper: sleeper)
        ).credentials()
        #expect(credentials.accessKeyID == CredentialFakes.issuedKeyID)
        #expect(transport.sent.count == 3)
        #expect(sleeper.delays == [.seconds(1), .seconds(1)])
    }

    @Test(arguments: [
        (
            CredentialFakes.Reply.status(503, "{\"message\": \"agent unavailable\"}"),
            "HTTP 503 from http://169.254.170.2/creds: {\"message\": \"agent unavailable\"} (after 3 attempts)"
        ),
        (
            .failure(TransportError(.connectFailed, "Failed to connect to 169.254.170.2 port 80: Connection refused")),
            "cannot reach http://169.254.170.2/creds: connectFailed: Failed to connect to 169.254.170.2 port 80: Connection refused (after 3 attempts)"
        ),
        (
            .status(200, "<html>captive portal</html>"),
            "the response from http://169.254.170.2/creds is not a JSON object (after 3 attempts)"
        ),
    ])
    func persistentFailuresAreErrorsAfterThreeAttempts(reply: CredentialFakes.Reply, reason: String) async {
        let transport = CredentialFakes.Transport(["GET /creds": [reply]])
        let sleeper = RecordingSleeper()
        await #expect {
            try await ContainerCredentialProvider(
                context: CredentialFakes.context(
                    environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/creds"], transport: transport,
                    sleeper: sleeper)
            ).credentials()
        } throws: { error in
            "\(error)" == "no AWS credentials from container: \(reason)"
        }
        #expect(transport.sent.count == 3)
        #expect(sleeper.delays.count == 2)
    }

    @Test(arguments: [
        (
            CredentialFakes.metadataCredentials(tokenKey: "SessionToken"),
            "the response from http://169.254.170.2/creds has no Token"
        ),
        (
            CredentialFakes.metadataCredentials(expiration: "whenever"),
            "the Expiration from http://169.254.170.2/creds is not an ISO-8601 time: whenever"
        ),
        (
            "{\"AccessKeyId\": \"A\", \"Token\": \"t\", \"Expiration\": \"2026-03-01T13:00:00Z\"}",
            "the response from http://169.254.170.2/creds has no SecretAccessKey"
        ),
    ])
    func incompleteAnswersAreErrors(body: String, reason: String) async {
        let transport = CredentialFakes.Transport(["GET /creds": [.json(body)]])
        await #expect {
            try await ContainerCredentialProvider(
                context: CredentialFakes.context(
                    environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/creds"], transport: transport)
            ).credentials()
        } throws: { error in
            "\(error)" == "no AWS credentials from container: \(reason)"
        }
    }

    @Test func withoutEitherVariableItIsUnavailable() async throws {
        guard
            case .unavailable(let attempts) = try await ContainerCredentialProvider(context: CredentialFakes.context())
                .resolve()
        else {
            Issue.record("expected unavailable")
            return
        }
        #expect(
            attempts.map(\.reason) == [
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set"
            ])
    }
}
