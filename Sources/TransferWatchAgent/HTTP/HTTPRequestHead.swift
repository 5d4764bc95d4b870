import Foundation

/// A parsed HTTP/1.x request head: the request line and the header fields.
///
/// The status server needs no request bodies, so there is no body here: a request that announces one is
/// refused by ``HTTPRequestParser`` with 413.
package struct HTTPRequestHead: Sendable, Equatable {
    /// The method as sent (`GET`, `HEAD`, …); methods are case-sensitive.
    package var method: String
    /// The request target as sent (`/status?x=1`).
    package var target: String
    /// `HTTP/1.1` or `HTTP/1.0`.
    package var version: String
    /// Header fields in order, names as sent.
    package var headers: [(name: String, value: String)]

    /// Creates a head.
    package init(method: String, target: String, version: String, headers: [(name: String, value: String)]) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The path part of the target, without the query string.
    package var path: String {
        if let question = target.firstIndex(of: "?") { return String(target[..<question]) }
        return target
    }

    /// The first value of header `name` (case-insensitive).
    package func value(of name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Whether the connection stays open after the response: HTTP/1.1 unless `Connection: close`,
    /// HTTP/1.0 only with `Connection: keep-alive`.
    package var isKeepAlive: Bool {
        let tokens = headers.filter { $0.name.caseInsensitiveCompare("Connection") == .orderedSame }
            .flatMap { $0.value.lowercased().split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if tokens.contains("close") { return false }
        if version == "HTTP/1.0" { return tokens.contains("keep-alive") }
        return true
    }

    /// Compares heads field by field (tuples are not `Equatable`).
    package static func == (lhs: HTTPRequestHead, rhs: HTTPRequestHead) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.version == rhs.version
            && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}
