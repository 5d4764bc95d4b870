import Foundation
import Logging
import TransferWatchLocking

/// Tries credential sources in order; the first that yields credentials wins and is remembered, so later calls
/// (refreshes) ask only that source, as botocore's resolved credentials stay bound to their provider.
///
/// A source that is not set up is skipped and its reason kept; a source that is set up but fails stops the search
/// (botocore raises rather than falling through to, say, the instance role). Either way the one
/// ``CredentialError`` thrown lists every source tried and why it failed, e.g.
/// `no AWS credentials found; tried environment (AWS_ACCESS_KEY_ID not set); web identity (…); shared files (…);
/// container (…); instance metadata (…)`.
package final class CredentialChain: CredentialProvider, Sendable {
    /// The sources in the order they are tried.
    package let sources: [any CredentialSource]
    private let winner = Locked<Int?>(nil)
    private let logger: Logger?

    /// - Parameters:
    ///   - sources: the sources, in the order to try them.
    ///   - logger: where the winning source is reported (info level; the key ID shortened, never a secret).
    package init(_ sources: [any CredentialSource], logger: Logger? = nil) {
        self.sources = sources
        self.logger = logger
    }

    /// The name of the source that won, once one has.
    package var resolvedSourceName: String? {
        winner.withLock { $0 }.map { sources[$0].sourceName }
    }

    /// The remembered source's credentials, or the first source's that has any.
    package func credentials() async throws -> AWSCredentials {
        if let index = winner.withLock({ $0 }) {
            return try await sources[index].credentials()
        }
        var attempts: [(source: String, reason: String)] = []
        for (index, source) in sources.enumerated() {
            let resolution: CredentialResolution
            do {
                resolution = try await source.resolve()
            } catch {
                throw CredentialError(attempts: attempts + error.attempts)
            }
            switch resolution {
            case .found(let credentials):
                winner.withLock { $0 = index }
                logger?.debug(
                    "found AWS credentials",
                    metadata: [
                        "credentials.source": "\(credentials.source)",
                        "credentials.access_key_id": "\(Redaction.redactAccessKeyID(credentials.accessKeyID))",
                        "credentials.skipped": "\(attempts.map(\.source).joined(separator: ", "))",
                    ])
                return credentials
            case .unavailable(let reasons):
                attempts += reasons
            }
        }
        throw CredentialError(attempts: attempts)
    }
}
