/// Why a request cannot be served, with the status code that answers it.
package enum HTTPRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request line or a header field is malformed (400).
    case malformed(String)
    /// The request line alone is longer than the head limit (414).
    case targetTooLong(limit: Int)
    /// The head (request line and header fields) is longer than the limit, or has too many fields (431).
    case headersTooLarge(limit: Int)
    /// The request announces a body, which no route accepts (413).
    case bodyNotAccepted
    /// An HTTP version other than 1.0 and 1.1 (505).
    case versionNotSupported(String)

    /// The status code of the answer.
    package var status: Int {
        switch self {
        case .malformed: 400
        case .targetTooLong: 414
        case .headersTooLarge: 431
        case .bodyNotAccepted: 413
        case .versionNotSupported: 505
        }
    }

    /// A one-line explanation, sent as the plain-text body of the answer.
    package var description: String {
        switch self {
        case .malformed(let reason): "bad request: \(reason)"
        case .targetTooLong(let limit): "request line longer than \(limit) bytes"
        case .headersTooLarge(let limit): "request header fields larger than \(limit) bytes"
        case .bodyNotAccepted: "request bodies are not accepted"
        case .versionNotSupported(let version): "HTTP version not supported: \(version)"
        }
    }
}
