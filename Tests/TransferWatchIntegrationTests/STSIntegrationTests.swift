import Foundation
import Logging
import Testing
import TransferWatchAWS
import TransferWatchTestSupport

/// The STS client against moto: caller identity and both ways of assuming a role.
@Suite(.requiresMoto, .suiteMoto("test.sts")) struct STSIntegrationTests {
    @Test func getCallerIdentityNamesTheAccount() async throws {
        try await withSTS { sts, _ in
            let identity = try await sts.getCallerIdentity()
            #expect(identity.account == "123456789012")
            #expect(
                identity.arn.hasPrefix("arn:aws:sts::123456789012:")
                    || identity.arn.hasPrefix("arn:aws:iam::123456789012:"))
            #expect(!identity.userID.isEmpty)
        }
    }

    @Test func assumedRoleCredentialsIdentifyTheRoleSession() async throws {
        try await withSTS { sts, context in
            let role = try await IAMClient(context: context).createRole(
                name: uniqueName("agent"), assumeRolePolicy: Self.trustPolicy)
            let credentials = try await sts.assumeRole(
                roleARN: role.arn, sessionName: "transferwatch-test", durationSeconds: 900)
            #expect(credentials.accessKeyID.hasPrefix("ASIA"))
            #expect(credentials.sessionToken?.isEmpty == false)
            let expiration = try #require(credentials.expiration)
            #expect(expiration > Date())

            var assumed = context
            assumed.credentials = StaticCredentialProvider(credentials)
            let identity = try await STSClient(context: assumed).getCallerIdentity()
            #expect(identity.arn == "arn:aws:sts::123456789012:assumed-role/\(role.name)/transferwatch-test")
        }
    }

    @Test func assumeRoleWithWebIdentityNeedsNoCredentials() async throws {
        try await withSTS { _, context in
            let role = try await IAMClient(context: context).createRole(
                name: uniqueName("irsa"), assumeRolePolicy: Self.trustPolicy)
            var anonymous = context
            anonymous.credentials = NoCredentials()
            let credentials = try await STSClient(context: anonymous).assumeRoleWithWebIdentity(
                roleARN: role.arn, sessionName: "pod-1", webIdentityToken: "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
                durationSeconds: 3600)
            #expect(credentials.accessKeyID.hasPrefix("ASIA"))
            #expect(credentials.sessionToken?.isEmpty == false)
            #expect(credentials.expiration != nil)
            #expect(credentials.source == "web identity \(role.arn)")
        }
    }

    static let trustPolicy =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#

    // MARK: Helpers

    private func withSTS(_ body: (STSClient, AWSClient.Context) async throws -> Void) async throws {
        let endpoint = try #require(SuiteMoto.endpoint, "the suite's moto is not running")
        let context = TestContexts.make(endpoint: endpoint)
        try await body(STSClient(context: context), context)
    }

    private func uniqueName(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }
}

/// A provider with nothing to give: any signed call through it fails, so only unsigned calls can succeed.
private struct NoCredentials: CredentialProvider {
    func credentials() async throws -> AWSCredentials {
        throw CredentialError(source: "test", reason: "none on purpose")
    }
}
