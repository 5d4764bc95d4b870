import Foundation
import Testing
import TransferWatchTestSupport

@testable import TransferWatchAWS

/// The HTTP sources over real HTTP: libcurl (``CurlTransport``) talking to a ``LocalHTTPServer`` on 127.0.0.1,
/// so headers, timeouts, resets and refused connections are the real thing.
///
/// Serialized because some tests measure real timeouts, which parallel tests on a 2-core machine would blur.
@Suite(.serialized)
struct CredentialHTTPTests {
    static let credentialsJSON = CredentialFakes.metadataCredentials(code: "Success")

    // MARK: Container

    @Test func containerCredentialsWithATokenFileOverHTTP() async throws {
        let server = try LocalHTTPServer.start { request in
            request.path == "/v1/credentials" && request.header("Authorization") == "pod-identity-token"
                ? .json(Self.credentialsJSON) : .json(status: 403, #"{"error":"bad token"}"#)
        }
        defer { server.stop() }
        let files = CredentialFakes.Files(["/token": "pod-identity-token"])
        let credentials = try await ContainerCredentialProvider(
            context: context(
                [
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url("/v1/credentials"),
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/token",
                ],
                files: files)
        ).credentials()
        #expect(credentials.accessKeyID == CredentialFakes.issuedKeyID)
        let request = try #require(server.requests().first)
        #expect(request.method == "GET")
        #expect(request.header("Accept") == "application/json")
    }

    @Test func containerRetriesAfterAResetAndAnEmptyReply() async throws {
        let server = try LocalHTTPServer.start(script: [
            .resetConnection, .closeWithoutResponse, .json(Self.credentialsJSON),
        ])
        defer { server.stop() }
        let sleeper = RecordingSleeper()
        let credentials = try await ContainerCredentialProvider(
            context: context(
                ["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url("/creds")], sleeper: sleeper)
        ).credentials()
        #expect(credentials.sessionToken == CredentialFakes.issuedToken)
        #expect(server.requests().count == 3)
        #expect(sleeper.delays == [.seconds(1), .seconds(1)])
    }

    @Test func containerGivesUpAfterThreeTimeouts() async throws {
        let server = try LocalHTTPServer.start { _ in .stall(seconds: 5) }
        defer { server.stop() }
        let start = ContinuousClock.now
        await #expect {
            try await ContainerCredentialProvider(
                context: context(["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.url("/creds")]),
                timeout: .milliseconds(300)
            ).credentials()
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("no AWS credentials from container: cannot reach \(server.url("/creds")): timedOut: ")
                && text.hasSuffix(" (after 3 attempts)")
        }
        // Three 300 ms timeouts, not three 30 s stalls (generous for a loaded machine).
        #expect(ContinuousClock.now - start < .seconds(15))
        #expect(server.requests().count == 3)
    }

    // MARK: Instance metadata

    @Test func imdsV2OverHTTP() async throws {
        let server = try LocalHTTPServer.start { request in
            switch (request.method, request.path) {
            case ("PUT", "/latest/api/token"):
                return request.header("x-aws-ec2-metadata-token-ttl-seconds") == "21600"
                    ? .text("imds-session-token") : .text(status: 400, "")
            case ("GET", "/latest/meta-data/iam/security-credentials/"):
                return request.header("x-aws-ec2-metadata-token") == "imds-session-token"
                    ? .text("agent-role") : .text(status: 401, "")
            case ("GET", "/latest/meta-data/iam/security-credentials/agent-role"):
                return request.header("x-aws-ec2-metadata-token") == "imds-session-token"
                    ? .json(Self.credentialsJSON) : .text(status: 401, "")
            default:
                return .text(status: 404, "")
            }
        }
        defer { server.stop() }
        let credentials = try await InstanceMetadataCredentialProvider(
            context: context(["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL])
        ).credentials()
        #expect(credentials.source == "instance metadata (role agent-role)")
        #expect(
            server.requests().map { "\($0.method) \($0.path)" } == [
                "PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/",
                "GET /latest/meta-data/iam/security-credentials/agent-role",
            ])
    }

    @Test func imdsFallsBackToV1WhenTheTokenCallTimesOut() async throws {
        let server = try LocalHTTPServer.start { request in
            switch (request.method, request.path) {
            case ("PUT", _): return .stall(seconds: 5)
            case (_, "/latest/meta-data/iam/security-credentials/"): return .text("v1-role")
            case (_, "/latest/meta-data/iam/security-credentials/v1-role"): return .json(Self.credentialsJSON)
            default: return .text(status: 404, "")
            }
        }
        defer { server.stop() }
        let credentials = try await InstanceMetadataCredentialProvider(
            context: context([
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL, "AWS_METADATA_SERVICE_TIMEOUT": "0.3",
            ])
        ).credentials()
        #expect(credentials.accessKeyID == CredentialFakes.issuedKeyID)
        let gets = server.requests().filter { $0.method == "GET" }
        #expect(gets.count == 2)
        #expect(gets.allSatisfy { $0.header("x-aws-ec2-metadata-token") == nil })
    }

    // MARK: STS

    @Test func webIdentityOverHTTPIsUnsigned() async throws {
        let server = try LocalHTTPServer.start(script: [
            .respond(
                status: 200, headers: [("Content-Type", "text/xml")],
                body: Data(CredentialFakes.stsSuccess("AssumeRoleWithWebIdentity").utf8))
        ])
        defer { server.stop() }
        let files = CredentialFakes.Files(["/token": "jwt-over-http"])
        let credentials = try await WebIdentityCredentialProvider(
            context: context(
                [
                    "AWS_WEB_IDENTITY_TOKEN_FILE": "/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r",
                    "AWS_ENDPOINT_URL_STS": server.baseURL,
                ], files: files)
        ).credentials()
        #expect(credentials.secretAccessKey == CredentialFakes.issuedSecret)
        let request = try #require(server.requests().first)
        #expect(request.method == "POST")
        #expect(request.header("Authorization") == nil)
        #expect(request.bodyText.contains("Action=AssumeRoleWithWebIdentity"))
        #expect(request.bodyText.contains("WebIdentityToken=jwt-over-http"))
    }

    // MARK: The chain

    @Test func theChainReportsARealRefusedConnection() async throws {
        // Bind and release a port so nothing listens there.
        let closedPort = try LocalHTTPServer.start { _ in .closeWithoutResponse }
        let url = closedPort.baseURL
        closedPort.stop()
        await #expect {
            try await DefaultCredentialChain.makeChain(context: context(["AWS_EC2_METADATA_SERVICE_ENDPOINT": url]))
                .credentials()
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("no AWS credentials found; tried environment (AWS_ACCESS_KEY_ID not set); ")
                && text.contains(
                    "; instance metadata (cannot reach \(url)/latest/meta-data/iam/security-credentials/: connectFailed: "
                )
        }
    }

    // MARK: Helpers

    private func context(
        _ environment: [String: String], files: CredentialFakes.Files = CredentialFakes.Files(),
        sleeper: RecordingSleeper = RecordingSleeper()
    ) -> CredentialContext {
        CredentialContext(
            environment: environment.merging(["HOME": "/home/tester"]) { $1 }, files: files,
            transport: TestContexts.sharedTransport,
            now: { CredentialFakes.start }, sleeper: sleeper, random: SeededRandomSource(seed: 1),
            logger: CredentialFakes.LogCapture().logger)
    }
}
