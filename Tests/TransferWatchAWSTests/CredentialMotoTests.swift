import Foundation
import Logging
import Testing
import TransferWatchLocking
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// The STS-backed sources against moto's STS over real HTTP, with moto verifying SigV4 where it can: the
/// unsigned `AssumeRoleWithWebIdentity`, `AssumeRole` signed with a source profile's keys, and the whole
/// default chain signing later calls with the session it obtained.
@Suite(.requiresMoto)
struct CredentialMotoTests {
    static let roleARN = "arn:aws:iam::123456789012:role/transferwatch-deployer"

    @Test func webIdentityIsAnUnsignedCallMotoAnswers() async throws {
        // Not `verifySignatures`: moto 5.2.1 answers an unsigned call with a 500 when it verifies, while AWS
        // (whose model marks the operation `authtype: none`) does not ask for a signature.
        let moto = try await MotoServer.start(logger: quietLogger)
        defer { moto.stop() }
        let files = CredentialFakes.Files(["/var/run/token": "eyJhbGciOiJSUzI1NiJ9.moto.sig"])
        let recorder = RecordingTransport()
        let credentials = try await WebIdentityCredentialProvider(
            context: context(
                [
                    "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_ROLE_ARN": Self.roleARN,
                    "AWS_ROLE_SESSION_NAME": "irsa-pod", "AWS_ENDPOINT_URL_STS": moto.endpoint.absoluteString,
                ], files: files, transport: recorder)
        ).credentials()

        #expect(credentials.accessKeyID.hasPrefix("ASIA"))
        #expect(credentials.sessionToken?.isEmpty == false)
        #expect((credentials.expiration ?? .distantPast) > Date())
        #expect(recorder.sent.count == 1)
        #expect(recorder.sent.first?.headers["Authorization"] == nil)
    }

    @Test func assumeRoleIsSignedWithTheSourceProfileAndItsSessionSignsLaterCalls() async throws {
        let moto = try await MotoServer.start(verifySignatures: true, logger: quietLogger)
        defer { moto.stop() }
        let keys = try await moto.makeCredentials(userName: "source-user")
        let files = CredentialFakes.Files([
            "/home/tester/.aws/credentials":
                "[base]\naws_access_key_id = \(keys.accessKeyID)\naws_secret_access_key = \(keys.secretAccessKey)\n",
            "/home/tester/.aws/config":
                "[profile deploy]\nrole_arn = \(Self.roleARN)\nsource_profile = base\nrole_session_name = nightly\n",
        ])
        let environment = ["AWS_PROFILE": "deploy", "AWS_ENDPOINT_URL": moto.endpoint.absoluteString]
        let provider = DefaultCredentialChain.make(context: context(environment, files: files))

        let identity = try await callerIdentity(moto: moto, credentials: provider)
        #expect(identity == "arn:aws:sts::123456789012:assumed-role/transferwatch-deployer/nightly")
        #expect(try await provider.credentials().accessKeyID.hasPrefix("ASIA"))
        #expect(await provider.fetchCount == 1)
    }

    @Test func aSourceKeyMotoDoesNotKnowIsRefused() async throws {
        let moto = try await MotoServer.start(verifySignatures: true, logger: quietLogger)
        defer { moto.stop() }
        let files = CredentialFakes.Files([
            "/home/tester/.aws/credentials":
                "[base]\naws_access_key_id = AKIAFORGEDFORGED0000\naws_secret_access_key = forged\n",
            "/home/tester/.aws/config": "[default]\nrole_arn = \(Self.roleARN)\nsource_profile = base\n",
        ])
        let provider = ProfileCredentialProvider(
            context: context(["AWS_ENDPOINT_URL_STS": moto.endpoint.absoluteString], files: files))
        await #expect {
            try await provider.credentials()
        } throws: { error in
            // moto's request ID differs per call; everything around it is fixed.
            let text = "\(error)"
            return text.hasPrefix(
                "no AWS credentials from shared files: assuming \(Self.roleARN) failed: "
                    + "STS.AssumeRole failed: InvalidClientTokenId (HTTP 403, request ")
                && text.hasSuffix(") after 1 attempt: The security token included in the request is invalid.")
        }
    }

    // MARK: Helpers

    private var quietLogger: Logger { Logger(label: "moto") { _ in SwiftLogNoOpLogHandler() } }

    private func context(
        _ environment: [String: String], files: CredentialFakes.Files,
        transport: any HTTPTransport = TestContexts.sharedTransport
    ) -> CredentialContext {
        CredentialContext(
            environment: environment.merging(["HOME": "/home/tester"]) { $1 }, files: files, transport: transport,
            sleeper: RecordingSleeper(), logger: quietLogger)
    }

    /// `sts:GetCallerIdentity` signed by `credentials`, which moto verifies; returns the caller's ARN.
    private func callerIdentity(moto: MotoServer, credentials: any CredentialProvider) async throws -> String? {
        let client = AWSClient(
            service: .sts,
            context: AWSClient.Context(
                region: "us-east-1",
                endpoints: EndpointResolver(region: "us-east-1", configuredEndpoint: moto.endpoint),
                credentials: credentials, transport: TestContexts.sharedTransport,
                retry: RetryStrategy(sleeper: RecordingSleeper()),
                logger: quietLogger))
        return try await client.queryCall(AWSOperation(.sts, "GetCallerIdentity"), []).string("Arn")
    }
}

/// The shared libcurl transport, recording what it sent.
final class RecordingTransport: HTTPTransport, Sendable {
    private let requests = Locked<[HTTPRequest]>([])
    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        requests.withLock { $0.append(request) }
        return try await TestContexts.sharedTransport.send(request, timeout: timeout)
    }
    var sent: [HTTPRequest] { requests.withLock { $0 } }
}
