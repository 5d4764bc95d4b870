import Foundation

/// Produces credentials, fetching or refreshing them as needed.
package protocol CredentialProvider: Sendable {
    /// Current, unexpired credentials.
    /// - Throws: ``CredentialError`` when this provider has none.
    func credentials() async throws -> AWSCredentials
}

/// Why no credentials could be had, per source (the chain lists every source tried).
package struct CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Each provider tried and why it failed, in order.
    package var attempts: [(source: String, reason: String)]

    package init(source: String, reason: String) { attempts = [(source, reason)] }
    package init(attempts: [(source: String, reason: String)]) { self.attempts = attempts }

    package static func == (lhs: CredentialError, rhs: CredentialError) -> Bool {
        lhs.attempts.elementsEqual(rhs.attempts) { $0.source == $1.source && $0.reason == $1.reason }
    }

    package var description: String {
        if attempts.count == 1, let only = attempts.first { return "no AWS credentials from \(only.source): \(only.reason)" }
        return "no AWS credentials found; tried " + attempts.map { "\($0.source) (\($0.reason))" }.joined(separator: "; ")
    }
}

/// Fixed credentials (tests, and keys given explicitly).
package struct StaticCredentialProvider: CredentialProvider {
    package let value: AWSCredentials
    package init(_ value: AWSCredentials) { self.value = value }
    package func credentials() async throws -> AWSCredentials { value }
}
