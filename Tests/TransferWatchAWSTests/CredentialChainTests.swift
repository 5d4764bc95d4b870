import Foundation
import Testing
import TransferWatchLocking
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// The default chain's order, its memory of the winner, and its one error when everything fails.
@Suite struct CredentialChainTests {
    static let staticFile = "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n"

    @Test func theEnvironmentBeatsEverythingElse() async throws {
        let (chain, transport) = makeChain(
            environment: [
                "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/c",
            ],
            files: ["/root/.aws/credentials": Self.staticFile])
        #expect(try await chain.credentials().accessKeyID == "AKIDENV")
        #expect(chain.resolvedSourceName == "environment")
        #expect(transport.sent.isEmpty)
    }

    @Test func theProfileBeatsContainerAndInstanceMetadata() async throws {
        let (chain, transport) = makeChain(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/c"],
            files: ["/root/.aws/credentials": Self.staticFile])
        #expect(try await chain.credentials().accessKeyID == "AKIDPROFILE")
        #expect(chain.resolvedSourceName == "shared files")
        #expect(transport.sent.isEmpty)
    }

    /// botocore tries web identity (from the environment) before the shared credentials file's static keys.
    @Test func webIdentityFromTheEnvironmentBeatsStaticProfileKeys() async throws {
        let (chain, transport) = makeChain(
            environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": "/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/irsa"],
            files: ["/root/.aws/credentials": Self.staticFile, "/token": "jwt"],
            routes: ["POST /": [.xml(200, CredentialFakes.stsSuccess("AssumeRoleWithWebIdentity"))]])
        #expect(try await chain.credentials().accessKeyID == CredentialFakes.issuedKeyID)
        #expect(transport.sent.count == 1)
    }

    /// …but an assume-role profile comes before web identity.
    @Test func anAssumeRoleProfileBeatsWebIdentityFromTheEnvironment() async throws {
        let (chain, transport) = makeChain(
            environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": "/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/irsa"],
            files: [
                "/root/.aws/config": "[default]\nrole_arn = arn:aws:iam::1:role/profile-role\nsource_profile = base\n",
                "/root/.aws/credentials": "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = b\n",
                "/token": "jwt",
            ],
            routes: ["POST /": [.xml(200, CredentialFakes.stsSuccess("AssumeRole"))]])
        #expect(try await chain.credentials().accessKeyID == CredentialFakes.issuedKeyID)
        #expect(transport.sent.map { $0.form["Action"] } == ["AssumeRole"])
        #expect(transport.sent.first?.form["RoleArn"] == "arn:aws:iam::1:role/profile-role")
    }

    @Test func theContainerBeatsInstanceMetadata() async throws {
        let (chain, transport) = makeChain(
            environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/id"],
            routes: ["GET /v2/credentials/id": [.json(CredentialFakes.metadataCredentials())]])
        #expect(try await chain.credentials().source == "container")
        #expect(transport.sent.map(\.request.path) == ["/v2/credentials/id"])
    }

    @Test func instanceMetadataIsTheLastResort() async throws {
        let (chain, _) = makeChain(routes: [
            "PUT /latest/api/token": [.status(200, "t")],
            "GET /latest/meta-data/iam/security-credentials/": [.status(200, "agent")],
            "GET /latest/meta-data/iam/security-credentials/agent": [
                .json(CredentialFakes.metadataCredentials(code: "Success"))
            ],
        ])
        #expect(try await chain.credentials().source == "instance metadata (role agent)")
        #expect(chain.resolvedSourceName == "instance metadata")
    }

    @Test func whenNothingWorksOneErrorListsEverySource() async {
        let (chain, _) = makeChain()
        await #expect {
            try await chain.credentials()
        } throws: { error in
            "\(error)" == "no AWS credentials found; tried environment (AWS_ACCESS_KEY_ID not set); "
                + "web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set); "
                + "shared files (profile \"default\" not found in /root/.aws/credentials (absent), /root/.aws/config (absent)); "
                + "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set); "
                + "instance metadata (cannot reach http://169.254.169.254/latest/meta-data/iam/security-credentials/: "
                + "connectFailed: Failed to connect to 169.254.169.254: Connection refused)"
        }
    }

    @Test func aConfiguredButBrokenSourceStopsTheSearch() async {
        let (chain, transport) = makeChain(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://evil.example.com/creds"],
            routes: ["PUT /latest/api/token": [.status(200, "t")]])
        await #expect {
            try await chain.credentials()
        } throws: { error in
            "\(error)" == "no AWS credentials found; tried environment (AWS_ACCESS_KEY_ID not set); "
                + "web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set); "
                + "shared files (profile \"default\" not found in /root/.aws/credentials (absent), /root/.aws/config (absent)); "
                + "container (AWS_CONTAINER_CREDENTIALS_FULL_URI may use plain http only to a loopback address or "
                + "169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost, not 'evil.example.com'; use https)"
        }
        #expect(transport.sent.isEmpty, "instance metadata is not tried after a broken container setup")
    }

    /// botocore drops the environment keys and web identity variables when the caller names a profile.
    @Test func aProfileChosenByTheCallerSkipsTheEnvironment() async throws {
        let transport = CredentialFakes.Transport()
        let context = CredentialFakes.context(
            environment: [
                "HOME": "/root", "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e",
                "AWS_WEB_IDENTITY_TOKEN_FILE": "/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/irsa",
            ],
            files: CredentialFakes.Files([
                "/root/.aws/credentials": "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = d\n",
                "/token": "jwt",
            ]),
            transport: transport, profile: "dev")
        let chain = DefaultCredentialChain.makeChain(context: context)
        #expect(try await chain.credentials().accessKeyID == "AKIDDEV")
        #expect(transport.sent.isEmpty)
        #expect(
            DefaultCredentialChain.sources(context: context).map(\.sourceName) == [
                "shared files", "container", "instance metadata",
            ])
    }

    @Test func aMissingProfileChosenByTheCallerIsAnError() async {
        let context = CredentialFakes.context(
            environment: ["HOME": "/root", "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e"],
            profile: "typo")
        await #expect {
            try await DefaultCredentialChain.makeChain(context: context).credentials()
        } throws: { error in
            "\(error)" == "no AWS credentials from shared files: profile \"typo\" (from --profile) not found in "
                + "/root/.aws/credentials (absent), /root/.aws/config (absent)"
        }
    }

    @Test func theWinnerIsLoggedWithoutSecrets() async throws {
        let logs = CredentialFakes.LogCapture()
        let context = CredentialFakes.context(
            environment: ["HOME": "/root"], files: CredentialFakes.Files(["/root/.aws/credentials": Self.staticFile]),
            logs: logs)
        _ = try await DefaultCredentialChain.makeChain(context: context).credentials()
        #expect(
            logs.all == [
                "debug found AWS credentials credentials.access_key_id=AKID… credentials.skipped=environment "
                    + "credentials.source=profile default in /root/.aws/credentials"
            ])
    }

    @Test func theWinnerIsRememberedAndAloneAskedAgain() async throws {
        let first = ScriptedSource(name: "first", results: [.unavailable("first", "nothing here")])
        let second = ScriptedSource(
            name: "second",
            results: [
                .found(AWSCredentials(accessKeyID: "A1", secretAccessKey: "s", source: "second")),
                .found(AWSCredentials(accessKeyID: "A2", secretAccessKey: "s", source: "second")),
            ])
        let chain = CredentialChain([first, second])
        #expect(try await chain.credentials().accessKeyID == "A1")
        #expect(try await chain.credentials().accessKeyID == "A2")
        #expect(first.calls == 1)
        #expect(second.calls == 2)
    }

    @Test func theDefaultChainIsCached() async throws {
        let context = CredentialFakes.context(environment: [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e",
        ])
        let provider = DefaultCredentialChain.make(context: context)
        _ = try await provider.credentials()
        _ = try await provider.credentials()
        #expect(await provider.fetchCount == 1)
        let sources = DefaultCredentialChain.sources(context: context).map(\.sourceName)
        #expect(sources == ["environment", "shared files", "container", "instance metadata"])
    }

    @Test func theDefaultChainSignsRealRequests() async throws {
        let transport = CredentialFakes.Transport([
            "POST /": [
                .xml(
                    200, "<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>")
            ]
        ])
        let credentials = DefaultCredentialChain.make(
            environment: ["AWS_ACCESS_KEY_ID": "AKIDCHAIN", "AWS_SECRET_ACCESS_KEY": "c", "HOME": "/root"],
            files: CredentialFakes.Files(), transport: transport, logger: CredentialFakes.LogCapture().logger)
        let client = AWSClient(
            service: .sns,
            context: AWSClient.Context(
                region: "us-east-1", credentials: credentials, transport: transport,
                retry: RetryStrategy(sleeper: RecordingSleeper())))
        let result = try await client.queryCall(
            AWSOperation(.sns, "Publish"), [("TopicArn", "arn:aws:sns:us-east-1:1:t"), ("Message", "hi")])
        #expect(result.string("MessageId") == "m-1")
        #expect(transport.sent.first?.request.headers["Authorization"]?.contains("Credential=AKIDCHAIN/") == true)
    }

    // MARK: Helpers

    private func makeChain(
        environment: [String: String] = [:], files: [String: String] = [:],
        routes: [String: [CredentialFakes.Reply]] = [:]
    ) -> (CredentialChain, CredentialFakes.Transport) {
        let transport = CredentialFakes.Transport(routes)
        var environment = environment
        environment["HOME"] = "/root"
        let context = CredentialFakes.context(
            environment: environment, files: CredentialFakes.Files(files), transport: transport)
        return (DefaultCredentialChain.makeChain(context: context), transport)
    }
}

/// A source that answers from a script and counts its calls.
final class ScriptedSource: CredentialSource, Sendable {
    let sourceName: String
    private let state: Locked<(results: [CredentialResolution], calls: Int)>

    init(name: String, results: [CredentialResolution]) {
        sourceName = name
        state = Locked((results, 0))
    }

    func resolve() async throws(CredentialError) -> CredentialResolution {
        state.withLock { state in
            state.calls += 1
            return state.results.count > 1 ? state.results.removeFirst() : state.results[0]
        }
    }

    var calls: Int { state.withLock { $0.calls } }
}
