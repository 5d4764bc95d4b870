import Glibc

/// Why the HTTP server could not start.
package enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The listen address's host does not resolve to an address (`getaddrinfo` failed).
    case unresolvableHost(String, reason: String)
    /// A socket call failed (`bind` on a port in use gives `EADDRINUSE`).
    case socketFailed(operation: String, address: String, errno: Int32)
    /// The server thread could not be started.
    case threadFailed(errno: Int32)

    /// A one-line explanation naming the address.
    package var description: String {
        switch self {
        case .unresolvableHost(let host, let reason):
            "cannot listen on \(host): \(reason)"
        case .socketFailed(let operation, let address, let code):
            "cannot listen on \(address): \(operation) failed: \(String(cString: strerror(code)))"
        case .threadFailed(let code):
            "cannot start the HTTP server thread: \(String(cString: strerror(code)))"
        }
    }
}
