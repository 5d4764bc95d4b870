import Foundation

/// One HTTP/1.1 request as ``LocalHTTPServer`` received it, before any action was taken.
///
/// Everything is kept as sent: the target is not percent-decoded or normalised, headers keep their
/// order, spelling and repeats, and a chunked body arrives here already de-chunked.
///
/// ```swift
/// let first = try #require(server.requests().first)
/// #expect(first.method == "PUT")
/// #expect(first.header("content-type") == "application/json")
/// #expect(first.connectionID == server.requests()[1].connectionID)  // the client reused its connection
/// ```
package struct LocalHTTPRequest: Sendable, CustomStringConvertible {
    /// The method token, exactly as sent (`GET`, `PUT`, …).
    package var method: String

    /// The request target as sent on the request line: path plus query, with no decoding.
    package var target: String

    /// The protocol version from the request line: `HTTP/1.1` or `HTTP/1.0`.
    package var version: String

    /// Every header field in the order received, repeats included, names spelled as sent.
    package var headers: [(name: String, value: String)]

    /// The body: `Content-Length` bytes, or the decoded chunks of a `Transfer-Encoding: chunked` body.
    package var body: Data

    /// Trailer fields sent after the last chunk of a chunked body, in order; empty otherwise.
    package var trailers: [(name: String, value: String)]

    /// Identifies the TCP connection the request arrived on.
    ///
    /// Connections are numbered from 0 in the order the server accepted them, so two requests with the
    /// same ID were sent over one connection (keep-alive reuse).
    package var connectionID: Int

    /// The request's position in arrival order across all connections, from 0.
    ///
    /// It equals the request's index in ``LocalHTTPServer/requests()``.
    package var sequenceNumber: Int

    /// Makes a request value; the server builds these, tests may build them to drive a handler directly.
    ///
    /// - Parameters:
    ///   - method: The method token.
    ///   - target: The raw request target.
    ///   - version: The protocol version string.
    ///   - headers: Header fields in order.
    ///   - body: The decoded body.
    ///   - trailers: Trailer fields of a chunked body.
    ///   - connectionID: The connection's number.
    ///   - sequenceNumber: The arrival number.
    package init(
        method: String,
        target: String,
        version: String = "HTTP/1.1",
        headers: [(name: String, value: String)] = [],
        body: Data = Data(),
        trailers: [(name: String, value: String)] = [],
        connectionID: Int = 0,
        sequenceNumber: Int = 0
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.trailers = trailers
        self.connectionID = connectionID
        self.sequenceNumber = sequenceNumber
    }

    /// The target up to (not including) the first `?`, still undecoded.
    package var path: String {
        String(target.prefix { $0 != "?" })
    }

    /// The part of the target after the first `?`, undecoded, or `nil` when there is no `?`.
    package var query: String? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        return String(target[target.index(after: mark)...])
    }

    /// The body decoded as UTF-8 (invalid bytes become U+FFFD), for readable assertions.
    package var bodyText: String {
        String(decoding: body, as: UTF8.self)
    }

    /// The value of the first header with this name, compared case-insensitively.
    ///
    /// - Parameter name: A header name in any case, such as `"x-amz-date"`.
    /// - Returns: The first matching value, or `nil` when the header was not sent.
    package func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Every value sent under this name, in order, compared case-insensitively.
    ///
    /// - Parameter name: A header name in any case.
    /// - Returns: The values of all matching fields; empty when there are none.
    package func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// A one-line summary such as `#3 conn 1 PUT /bucket/key (12 bytes)`.
    package var description: String {
        "#\(sequenceNumber) conn \(connectionID) \(method) \(target) (\(body.count) bytes)"
    }
}
