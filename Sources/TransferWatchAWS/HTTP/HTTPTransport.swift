import Foundation

/// Sends one HTTP request and returns its whole response: the seam between the AWS client and the network.
///
/// ``CurlTransport`` is the real one; tests use scripted fakes or a local server.
package protocol HTTPTransport: Sendable {
    /// Sends `request`, failing with a ``TransportError`` when no complete response arrives.
    /// - Parameter timeout: the whole request's deadline (connect, send, and read).
    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse
}

/// A failure below HTTP: no complete response was received.
package struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as the retry policy needs to know it.
    package enum Kind: String, Sendable, Equatable {
        /// The connection could not be made (refused, DNS, TLS handshake).
        case connectFailed
        /// The deadline passed.
        case timedOut
        /// The connection was reset or closed before a complete response.
        case connectionReset
        /// The response was cut short (fewer body bytes than announced).
        case truncated
        /// TLS verification failed: never retried, never bypassed.
        case tlsFailure
        /// Anything else libcurl reported.
        case other
    }

    package var kind: Kind
    package var message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { "\(kind.rawValue): \(message)" }

    /// Whether a retry can help (everything but TLS failures).
    package var isRetryable: Bool { kind != .tlsFailure }

    /// Whether this is a timeout (which costs the retry quota more).
    package var isTimeout: Bool { kind == .timedOut }
}
