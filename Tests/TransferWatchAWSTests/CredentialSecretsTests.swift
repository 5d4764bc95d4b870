import Foundation
import Testing
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// Every error path, triggered with recognisable secrets around: neither the error nor any log line may contain
/// a secret key, a session token, a web identity token or a container authorization token.
@Suite struct CredentialSecretsTests {
    static let secretKey = "SECRETKEY-wJalrXUtnFEMI-K7MDENG-bPxRfiCY"
    static let sessionToken = "SESSIONTOKEN-IQoJb3JpZ2luX2VjEJr-FwoGZXIvYXdz"
    static let webToken = "WEBTOKEN-eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ"
    static let authToken = "AUTHTOKEN-c2VjcmV0LWF1dGgtdG9rZW4tdmFsdWU"
    static let all = [
        secretKey, sessionToken, webToken, authToken, CredentialFakes.issuedSecret, CredentialFakes.issuedToken,
    ]

    /// One way to fail, with secrets planted where a careless message could pick them up.
    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        var environment: [String: String] = [:]
        var files: [String: String] = [:]
        var routes: [String: [CredentialFakes.Reply]] = [:]
        var testDescription: String { name }
    }

    static let credentialsPath = "/home/tester/.aws/credentials"
    static let configPath = "/home/tester/.aws/config"
    /// STS errors that (pathologically) quote what they were sent: the web identity token, or the signing keys.
    static let stsEchoingToken = CredentialFakes.stsError(
        code: "InvalidIdentityToken", message: "Token \(webToken) is not valid")
    static let stsEchoingKeys = CredentialFakes.stsError(
        code: "InvalidClientTokenId", message: "Key \(secretKey) with session \(sessionToken) is not valid")

    static let scenarios: [Scenario] = [
        .init(
            name: "environment: bad expiration",
            environment: [
                "AWS_ACCESS_KEY_ID": "ASIA1", "AWS_SECRET_ACCESS_KEY": secretKey, "AWS_SESSION_TOKEN": sessionToken,
                "AWS_CREDENTIAL_EXPIRATION": "\(secretKey)-not-a-date",
            ]),
        .init(
            name: "environment: key without secret",
            environment: ["AWS_ACCESS_KEY_ID": "AKID1", "AWS_SESSION_TOKEN": sessionToken]),
        .init(
            name: "file: malformed line holding the secret",
            files: [credentialsPath: "[default]\naws_access_key_id = A\naws_secret_access_key \(secretKey)\n"]),
        .init(
            name: "file: empty key id beside a secret",
            files: [
                credentialsPath:
                    "[default]\naws_access_key_id =\naws_secret_access_key = \(secretKey)\naws_session_token = \(sessionToken)\n"
            ]),
        .init(
            name: "assume role: STS echoes the source secrets",
            files: [
                credentialsPath:
                    "[base]\naws_access_key_id = A\naws_secret_access_key = \(secretKey)\naws_session_token = \(sessionToken)\n",
                configPath: "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n",
            ],
            routes: ["POST /": [.xml(403, stsEchoingKeys)]]),
        .init(
            name: "assume role: source profile broken",
            files: [
                configPath:
                    "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n[profile base]\naws_access_key_id = A\n"
                    + "aws_session_token = \(sessionToken)\n"
            ]),
        .init(
            name: "web identity: STS echoes the token",
            environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": "/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"],
            files: ["/token": webToken], routes: ["POST /": [.xml(400, stsEchoingToken)]]),
        .init(
            name: "web identity: STS answers without Credentials",
            environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": "/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"],
            files: ["/token": webToken],
            routes: [
                "POST /": [
                    .xml(
                        200,
                        "<R><AssumeRoleWithWebIdentityResult><Credentials><SecretAccessKey>\(secretKey)</SecretAccessKey>"
                            + "</Credentials></AssumeRoleWithWebIdentityResult></R>")
                ]
            ]),
        .init(
            name: "container: token with a line break",
            environment: [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1/c",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "\(authToken)\r\nX: y",
            ]),
        .init(
            name: "container: error body echoes the token",
            environment: [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1/c",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": authToken,
            ],
            routes: ["GET /c": [.status(401, "{\"message\": \"bad Authorization \(authToken)\"}")]]),
        .init(
            name: "container: answer without Token",
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/c"],
            routes: [
                "GET /c": [
                    .json(
                        "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"\(secretKey)\", \"Expiration\": \"2026-03-01T13:00:00Z\"}"
                    )
                ]
            ]),
        .init(
            name: "container: answer that is not JSON",
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/c"],
            routes: ["GET /c": [.status(200, "AccessKeyId=A SecretAccessKey=\(secretKey)")]]),
        .init(
            name: "process: failing command printing the secret",
            files: [
                configPath:
                    "[default]\ncredential_process = /bin/sh -c 'echo {\\\"Version\\\":1,\\\"AccessKeyId\\\":\\\"A\\\","
                    + "\\\"SecretAccessKey\\\":\\\"\(secretKey)\\\"}; echo \(secretKey) >&2; exit 2'\n"
            ]),
        .init(
            name: "process: wrong version beside the secret",
            files: [
                configPath:
                    "[default]\ncredential_process = /bin/sh -c 'echo {\\\"Version\\\":2,\\\"AccessKeyId\\\":\\\"A\\\","
                    + "\\\"SecretAccessKey\\\":\\\"\(secretKey)\\\",\\\"SessionToken\\\":\\\"\(sessionToken)\\\"}'\n"
            ]),
        .init(
            name: "instance metadata: refusal beside the secret",
            routes: [
                "PUT /latest/api/token": [.status(200, authToken)],
                "GET /latest/meta-data/iam/security-credentials/": [.status(200, "role")],
                "GET /latest/meta-data/iam/security-credentials/role": [
                    .json(
                        "{\"Code\": \"Failed\", \"Message\": \"no\", \"SecretAccessKey\": \"\(secretKey)\", \"Token\": \"\(sessionToken)\"}"
                    )
                ],
            ]),
    ]

    @Test(arguments: scenarios)
    func noSecretInErrorsOrLogs(_ scenario: Scenario) async throws {
        let logs = CredentialFakes.LogCapture()
        let context = CredentialFakes.context(
            environment: scenario.environment.merging(["PATH": "/usr/bin:/bin"]) { $1 },
            files: CredentialFakes.Files(scenario.files), transport: CredentialFakes.Transport(scenario.routes),
            logs: logs)
        let provider = DefaultCredentialChain.make(context: context)
        let error = await #expect(throws: CredentialError.self) { try await provider.credentials() }
        let text = try #require(error).description
        for secret in Self.all {
            #expect(!text.contains(secret), "error leaks \(secret.prefix(12))…: \(text)")
            #expect(!logs.all.contains { $0.contains(secret) }, "a log line leaks \(secret.prefix(12))…")
        }
    }

    @Test func successfulResolutionLogsNoSecrets() async throws {
        let logs = CredentialFakes.LogCapture()
        let transport = CredentialFakes.Transport([
            "POST /": [.xml(200, CredentialFakes.stsSuccess("AssumeRoleWithWebIdentity"))]
        ])
        let context = CredentialFakes.context(
            environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": "/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"],
            files: CredentialFakes.Files(["/token": Self.webToken]), transport: transport, logs: logs)
        let credentials = try await DefaultCredentialChain.make(context: context).credentials()
        #expect(!logs.all.isEmpty)
        for secret in Self.all {
            #expect(!logs.all.contains { $0.contains(secret) })
            #expect(!"\(credentials)".contains(secret))
        }
    }
}
