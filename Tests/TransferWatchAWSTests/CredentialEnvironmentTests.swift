import Foundation
import Testing

@testable import TransferWatchAWS

/// `AWS_ACCESS_KEY_ID` and friends.
@Suite struct EnvironmentCredentialProviderTests {
    @Test func keyAndSecretMakeLongTermCredentials() async throws {
        let credentials = try await provider(["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"])
            .credentials()
        #expect(
            credentials == AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "env-secret", source: "environment"))
    }

    /// botocore reads `AWS_SECURITY_TOKEN` before `AWS_SESSION_TOKEN`.
    @Test(arguments: [
        (["AWS_SESSION_TOKEN": "session"], "session"),
        (["AWS_SECURITY_TOKEN": "legacy"], "legacy"),
        (["AWS_SESSION_TOKEN": "session", "AWS_SECURITY_TOKEN": "legacy"], "legacy"),
        (["AWS_SESSION_TOKEN": "session", "AWS_SECURITY_TOKEN": ""], "session"),
    ])
    func sessionTokenAndItsLegacyAlias(extra: [String: String], token: String) async throws {
        let environment = ["AWS_ACCESS_KEY_ID": "ASIAENV", "AWS_SECRET_ACCESS_KEY": "s"].merging(extra) { $1 }
        #expect(try await provider(environment).credentials().sessionToken == token)
    }

    @Test(arguments: [
        ("2026-03-01T13:00:00Z", 1_772_370_000.0),
        ("2026-03-01T13:00:00.250Z", 1_772_370_000.25),
        ("2026-03-01T14:00:00+01:00", 1_772_370_000.0),
    ])
    func expirationIsISO8601(text: String, seconds: Double) async throws {
        let credentials = try await provider([
            "AWS_ACCESS_KEY_ID": "ASIAENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t",
            "AWS_CREDENTIAL_EXPIRATION": text,
        ]).credentials()
        #expect(credentials.expiration == Date(timeIntervalSince1970: seconds))
    }

    @Test func aKeyWithoutItsSecretNamesTheMissingVariable() async {
        await #expect {
            try await provider(["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": ""]).credentials()
        } throws: { error in
            "\(error)"
                == "no AWS credentials from environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
        }
    }

    @Test func aMalformedExpirationIsAnError() async {
        await #expect {
            try await provider([
                "AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "s", "AWS_CREDENTIAL_EXPIRATION": "tomorrow",
            ]).credentials()
        } throws: { error in
            "\(error)"
                == "no AWS credentials from environment: AWS_CREDENTIAL_EXPIRATION is not an ISO-8601 time such as 2026-05-01T12:00:00Z: tomorrow"
        }
    }

    @Test(arguments: [
        ([:], "AWS_ACCESS_KEY_ID not set"),
        (["AWS_ACCESS_KEY_ID": ""], "AWS_ACCESS_KEY_ID not set"),
        (["AWS_SECRET_ACCESS_KEY": "s"], "AWS_ACCESS_KEY_ID not set (AWS_SECRET_ACCESS_KEY is ignored without it)"),
    ])
    func withoutAKeyTheSourceIsUnavailable(environment: [String: String], reason: String) async throws {
        guard case .unavailable(let attempts) = try await provider(environment).resolve() else {
            Issue.record("expected unavailable")
            return
        }
        #expect(attempts.map(\.source) == ["environment"])
        #expect(attempts.map(\.reason) == [reason])
    }

    private func provider(_ environment: [String: String]) -> EnvironmentCredentialProvider {
        EnvironmentCredentialProvider(environment: environment)
    }
}
