import Glibc

/// Why ``LocalHTTPServer/start(handler:)`` could not start a server.
package enum LocalHTTPServerError: Error, Equatable, CustomStringConvertible {
    /// A socket call failed; `operation` names it (`socket`, `bind`, `listen`, …) and `errno` says why.
    case socketFailed(operation: String, errno: Int32)

    /// `pthread_create` failed with the given error number.
    case threadFailed(errno: Int32)

    /// A one-line message such as `LocalHTTPServer: bind failed: Address already in use (errno 98)`.
    package var description: String {
        switch self {
        case .socketFailed(let operation, let code):
            "LocalHTTPServer: \(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .threadFailed(let code):
            "LocalHTTPServer: could not start a thread: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}
