import Foundation

/// What one source of credentials found when asked.
package enum CredentialResolution: Sendable {
    /// Credentials, ready to sign with.
    case found(AWSCredentials)
    /// The source is not set up here (no variable, no file, no metadata service); a chain moves on.
    /// Each entry names a source and why it had nothing, for the chain's final message.
    case unavailable([(source: String, reason: String)])

    /// One source with nothing to offer.
    package static func unavailable(_ source: String, _ reason: String) -> CredentialResolution {
        .unavailable([(source, reason)])
    }
}

/// A credential provider that can be tried in a ``CredentialChain``: it tells "not set up here" (the chain moves
/// on) apart from "set up but broken" (the chain stops, as botocore raises).
///
/// Conformers implement ``resolve()``; ``credentials()`` comes for free and throws ``CredentialError`` for both.
package protocol CredentialSource: CredentialProvider {
    /// The short name used in messages, e.g. `environment`, `container`.
    var sourceName: String { get }

    /// Looks for credentials.
    /// - Returns: ``CredentialResolution/found(_:)``, or ``CredentialResolution/unavailable(_:)`` when this
    ///   source is not configured.
    /// - Throws: ``CredentialError`` when the source is configured but failed (partial keys, a failing
    ///   `credential_process`, STS refusing the role). Its text never contains a secret.
    func resolve() async throws(CredentialError) -> CredentialResolution
}

extension CredentialSource {
    /// The credentials, or a ``CredentialError`` when the source is unavailable or failed.
    package func credentials() async throws -> AWSCredentials {
        switch try await resolve() {
        case .found(let credentials): return credentials
        case .unavailable(let attempts): throw CredentialError(attempts: attempts)
        }
    }
}

extension CredentialError {
    /// A failure of `source`, with every secret in `secrets` removed from `reason`.
    package init(source: String, reason: String, scrubbing secrets: [String]) {
        self.init(source: source, reason: Redaction.scrub(reason, secrets: secrets))
    }
}
