import Foundation

/// Credentials from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, with an optional session token and expiry
/// (botocore's `EnvProvider`).
///
/// - `AWS_ACCESS_KEY_ID` unset or empty: unavailable.
/// - `AWS_ACCESS_KEY_ID` without `AWS_SECRET_ACCESS_KEY`: an error naming the missing variable.
/// - The session token is `AWS_SECURITY_TOKEN` when set, else `AWS_SESSION_TOKEN` (botocore looks at the legacy
///   name first).
/// - `AWS_CREDENTIAL_EXPIRATION` is an ISO-8601 time; the credentials then expire, and re-reading the same
///   variables cannot renew them.
package struct EnvironmentCredentialProvider: CredentialSource {
    /// `environment`.
    package let sourceName = "environment"
    private let environment: [String: String]

    /// - Parameter environment: the process environment.
    package init(environment: [String: String]) {
        self.environment = environment
    }

    /// Reads the variables.
    package func resolve() async throws(CredentialError) -> CredentialResolution {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let accessKeyID = value("AWS_ACCESS_KEY_ID") else {
            let reason =
                value("AWS_SECRET_ACCESS_KEY") == nil
                ? "AWS_ACCESS_KEY_ID not set"
                : "AWS_ACCESS_KEY_ID not set (AWS_SECRET_ACCESS_KEY is ignored without it)"
            return .unavailable(sourceName, reason)
        }
        guard let secret = value("AWS_SECRET_ACCESS_KEY") else {
            throw CredentialError(
                source: sourceName, reason: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        }
        let token = value("AWS_SECURITY_TOKEN") ?? value("AWS_SESSION_TOKEN")
        var expiration: Date?
        if let text = value("AWS_CREDENTIAL_EXPIRATION") {
            guard let date = AWSDate.parseISO8601(text) else {
                throw CredentialError(
                    source: sourceName,
                    reason: "AWS_CREDENTIAL_EXPIRATION is not an ISO-8601 time such as 2026-05-01T12:00:00Z: \(text)",
                    scrubbing: [secret, token].compactMap { $0 })
            }
            expiration = date
        }
        return .found(
            AWSCredentials(
                accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token,
                expiration: expiration, source: sourceName))
    }
}
